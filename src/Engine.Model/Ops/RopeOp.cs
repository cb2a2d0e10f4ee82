using System.Numerics;

namespace Engine.Model;

/// <summary>
/// Rotary position embedding on the q and k thirds of a fused qkv tensor, rotate-half layout.
/// Legend: B batch, T tokens, C channels, NH heads, HS = C/NH head size.
/// </summary>
public static class RopeOp
{
    /// <summary>
    /// out (B,T,3C) = qkv with, in each head of q and k, for i &lt; HS/2 and angle a = t·ropeBase^(−2i/HS):
    /// out[i] = x[i]·cos a − x[i+HS/2]·sin a; out[i+HS/2] = x[i+HS/2]·cos a + x[i]·sin a; v copied.
    /// </summary>
    /// <exception cref="ArgumentException">qkv is not (B,T,3C), C is not divisible by NH, or HS is odd.</exception>
    public static Tensor<T> Forward<T>(Tape<T> tape, Tensor<T> qkv, int heads, T ropeBase, string name)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var (batch, tokens, channels) = AttentionOp.CheckQkv(qkv, heads, name);
        if (channels / heads % 2 != 0)
            throw new ArgumentException($"rope '{name}': head size {channels / heads} must be even");
        var output = tape.NewTensor(name, qkv.Shape);
        tape.Device.RopeForward(output.Data, qkv.Data, batch, tokens, channels, heads, ropeBase);
        if (tape.IsRecording)
        {
            tape.RequireGrad(qkv);
            tape.Record(new RopeSaved<T>(output, qkv, batch, tokens, channels, heads, ropeBase));
        }
        return output;
    }

    internal static void Backward<T>(Tape<T> tape, in RopeSaved<T> saved) where T : unmanaged, IFloatingPointIeee754<T>
    {
        // forward: out = R(a)·x per (i, i+HS/2) pair; the rotation is orthogonal, so dX += R(−a)·dOut
        tape.Device.RopeBackward(saved.Qkv.Grad, saved.Output.Grad, saved.Batch, saved.Tokens, saved.Channels, saved.Heads, saved.RopeBase);
    }
}

/// <summary>What <see cref="RopeOp"/> saves: out and qkv (B,T,3C), the sizes and the base of the angles.</summary>
internal readonly record struct RopeSaved<T>(
    Tensor<T> Output, Tensor<T> Qkv, int Batch, int Tokens, int Channels, int Heads, T RopeBase) : ISavedForBackward<T>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    public void Backward(Tape<T> tape) => RopeOp.Backward(tape, this);
}
