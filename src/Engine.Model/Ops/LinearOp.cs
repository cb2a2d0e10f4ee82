using System.Numerics;

namespace Engine.Model;

/// <summary>
/// Affine map in PyTorch layout: y = x·Wᵀ + b.
/// Legend: R rows (all leading dimensions of x flattened), I input features, O output features.
/// </summary>
public static class LinearOp
{
    /// <summary>
    /// y (…,O) = x (…,I) · Wᵀ + b, with W stored (O,I) and b (O) optional.
    /// </summary>
    /// <exception cref="ArgumentException">Shapes disagree, or a recorded input lacks a gradient.</exception>
    public static Tensor<T> Forward<T>(Tape<T> tape, Tensor<T> x, Tensor<T> weight, Tensor<T>? bias, string name)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var inFeatures = x.Shape.Last;
        if (weight.Shape.Rank != 2 || weight.Shape[1] != inFeatures)
            throw new ArgumentException($"linear '{name}': weight '{weight.Name}' {weight.Shape} does not map {inFeatures} input features");
        var outFeatures = weight.Shape[0];
        if (bias is not null && (bias.Shape.Rank != 1 || bias.Shape[0] != outFeatures))
            throw new ArgumentException($"linear '{name}': bias '{bias.Name}' {bias.Shape} is not ({outFeatures})");
        var rows = x.Shape.Rows;
        var y = tape.NewTensor(name, x.Shape.WithLast(outFeatures));

        // y (R,O) = x (R,I) · Wᵀ, W stored (O,I)
        tape.Device.Gemm(false, true, rows, outFeatures, inFeatures,
            T.One, x.Data, inFeatures, weight.Data, inFeatures, T.Zero, y.Data, outFeatures);
        if (bias is not null) tape.Device.BiasAdd(y.Data, bias.Data, rows, outFeatures);

        if (tape.IsRecording)
        {
            tape.RequireGrad(x);
            tape.RequireGrad(weight);
            if (bias is not null) tape.RequireGrad(bias);
            tape.Record(new LinearSaved<T>(y, x, weight, bias, rows, inFeatures, outFeatures));
        }
        return y;
    }

    internal static void Backward<T>(Tape<T> tape, in LinearSaved<T> saved) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var (dY, x, weight, bias) = (saved.Y.Grad, saved.X, saved.Weight, saved.Bias);
        var (rows, inFeatures, outFeatures) = (saved.Rows, saved.InFeatures, saved.OutFeatures);
        var device = tape.Device;
        // forward: y = x·Wᵀ + b
        // dX (R,I) += dY (R,O) · W (O,I)
        device.Gemm(false, false, rows, inFeatures, outFeatures,
            T.One, dY, outFeatures, weight.Data, inFeatures, T.One, x.Grad, inFeatures);
        // dW (O,I) += dYᵀ (O,R) · x (R,I)
        device.Gemm(true, false, outFeatures, inFeatures, rows,
            T.One, dY, outFeatures, x.Data, inFeatures, T.One, weight.Grad, inFeatures);
        // db (O) += Σ_r dY[r, :]
        if (bias is not null) device.BiasBackward(bias.Grad, dY, rows, outFeatures);
    }
}

/// <summary>What <see cref="LinearOp"/> saves: y (R,O), x (R,I), W (O,I), b (O) or null, and the sizes.</summary>
internal readonly record struct LinearSaved<T>(
    Tensor<T> Y, Tensor<T> X, Tensor<T> Weight, Tensor<T>? Bias, int Rows, int InFeatures, int OutFeatures) : ISavedForBackward<T>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    public void Backward(Tape<T> tape) => LinearOp.Backward(tape, this);
}
