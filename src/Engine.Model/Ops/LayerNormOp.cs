using System.Numerics;

namespace Engine.Model;

/// <summary>
/// Layer normalisation over the last dimension. Legend: R rows, C channels.
/// </summary>
public static class LayerNormOp
{
    /// <summary>
    /// out[r, c] = (x[r, c] − μ_r)·rstd_r·γ[c] + β[c], rstd_r = 1/√(σ²_r + eps) (biased variance).
    /// The per-row mean and rstd are kept on the tape for the backward pass.
    /// </summary>
    /// <exception cref="ArgumentException">γ or β is not (C).</exception>
    public static Tensor<T> Forward<T>(Tape<T> tape, Tensor<T> x, Tensor<T> weight, Tensor<T> bias, T epsilon, string name)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var channels = x.Shape.Last;
        var rows = x.Shape.Rows;
        if (weight.Shape != Shape.Of(channels) || bias.Shape != Shape.Of(channels))
            throw new ArgumentException($"layer norm '{name}': weight {weight.Shape} and bias {bias.Shape} must be ({channels})");
        var output = tape.NewTensor(name, x.Shape);
        // Statistics are saved values, never differentiated: no gradient storage.
        var mean = tape.Arena.Allocate(name, Shape.Of(rows), withGrad: false);
        var rstd = tape.Arena.Allocate(name, Shape.Of(rows), withGrad: false);
        // out (R,C); mean, rstd (R); x (R,C); γ, β (C)
        tape.Device.LayerNormForward(output.Data, mean.Data, rstd.Data, x.Data, weight.Data, bias.Data, rows, channels, epsilon);
        if (tape.IsRecording)
        {
            tape.RequireGrad(x);
            tape.RequireGrad(weight);
            tape.RequireGrad(bias);
            tape.Record(new LayerNormSaved<T>(output, x, weight, bias, mean, rstd, rows, channels));
        }
        return output;
    }

    internal static void Backward<T>(Tape<T> tape, in LayerNormSaved<T> saved) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var (x, weight) = (saved.X, saved.Weight);
        // forward: out = x̂·γ + β, x̂ = (x − μ)·rstd
        // dX += rstd·(g − mean_c g − x̂·mean_c(g·x̂)), g = dOut·γ;  dγ += Σ_r dOut·x̂;  dβ += Σ_r dOut
        tape.Device.LayerNormBackward(x.Grad, weight.Grad, saved.Bias.Grad, saved.Output.Grad, x.Data, weight.Data,
            saved.Mean.Data, saved.Rstd.Data, saved.Rows, saved.Channels);
    }
}

/// <summary>What <see cref="LayerNormOp"/> saves: out and x (R,C), γ and β (C), the row statistics μ and rstd (R).</summary>
internal readonly record struct LayerNormSaved<T>(
    Tensor<T> Output, Tensor<T> X, Tensor<T> Weight, Tensor<T> Bias, Tensor<T> Mean, Tensor<T> Rstd, int Rows, int Channels)
    : ISavedForBackward<T>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    public void Backward(Tape<T> tape) => LayerNormOp.Backward(tape, this);
}
