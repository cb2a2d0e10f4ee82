using System.Numerics;

namespace Engine.Model;

/// <summary>Element-wise sum: the residual connection.</summary>
public static class AddOp
{
    /// <summary>out[i] = a[i] + b[i] (a new tensor of a's shape).</summary>
    /// <exception cref="ArgumentException">The shapes differ.</exception>
    public static Tensor<T> Forward<T>(Tape<T> tape, Tensor<T> a, Tensor<T> b, string name)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (a.Shape != b.Shape) throw new ArgumentException($"add '{name}': shapes {a.Shape} and {b.Shape} differ");
        var output = tape.NewTensor(name, a.Shape);
        tape.Device.Add(a.Data, b.Data, output.Data);
        if (tape.IsRecording)
        {
            tape.RequireGrad(a);
            tape.RequireGrad(b);
            tape.Record(new AddSaved<T>(output, a, b));
        }
        return output;
    }

    internal static void Backward<T>(Tape<T> tape, in AddSaved<T> saved) where T : unmanaged, IFloatingPointIeee754<T>
    {
        // forward: out = a + b;  dA += dOut;  dB += dOut
        tape.Device.Axpy(T.One, saved.Output.Grad, saved.A.Grad);
        tape.Device.Axpy(T.One, saved.Output.Grad, saved.B.Grad);
    }
}

/// <summary>What <see cref="AddOp"/> saves: out = a + b.</summary>
internal readonly record struct AddSaved<T>(Tensor<T> Output, Tensor<T> A, Tensor<T> B) : ISavedForBackward<T>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    public void Backward(Tape<T> tape) => AddOp.Backward(tape, this);
}
