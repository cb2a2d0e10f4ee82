using System.Numerics;

namespace Engine.Model;

/// <summary>GELU in the exact erf form, element-wise.</summary>
public static class GeluOp
{
    /// <summary>out[i] = x[i]·Φ(x[i]) = ½·x·(1 + erf(x/√2)).</summary>
    public static Tensor<T> Forward<T>(Tape<T> tape, Tensor<T> x, string name)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var output = tape.NewTensor(name, x.Shape);
        tape.Device.GeluForward(output.Data, x.Data);
        if (tape.IsRecording)
        {
            tape.RequireGrad(x);
            tape.Record(new GeluSaved<T>(output, x));
        }
        return output;
    }

    internal static void Backward<T>(Tape<T> tape, in GeluSaved<T> saved) where T : unmanaged, IFloatingPointIeee754<T>
    {
        // forward: out = x·Φ(x);  dX += dOut·(Φ(x) + x·φ(x))
        tape.Device.GeluBackward(saved.X.Grad, saved.X.Data, saved.Output.Grad);
    }
}

/// <summary>What <see cref="GeluOp"/> saves: out and its input x.</summary>
internal readonly record struct GeluSaved<T>(Tensor<T> Output, Tensor<T> X) : ISavedForBackward<T>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    public void Backward(Tape<T> tape) => GeluOp.Backward(tape, this);
}
