using System.Numerics;

namespace Engine.Model;

/// <summary>
/// Fused causal multi-head self-attention over a qkv tensor.
/// Legend: B batch, T tokens, C channels, NH heads, HS = C/NH head size.
/// </summary>
public static class AttentionOp
{
    /// <summary>
    /// P[b,h,t,s] = softmax_{s≤t}(q_t·k_s/√HS) (0 for s &gt; t); out[b,t,h·HS + j] = Σ_s P[b,h,t,s]·v_s[j].
    /// Returns out (B,T,C); <paramref name="probabilities"/> (B,NH,T,T) is kept for the backward pass and probes.
    /// </summary>
    /// <exception cref="ArgumentException">qkv is not (B,T,3C) or C is not divisible by NH.</exception>
    public static Tensor<T> Forward<T>(Tape<T> tape, Tensor<T> qkv, int heads, string name, out Tensor<T> probabilities)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var (batch, tokens, channels) = CheckQkv(qkv, heads, name);
        var output = tape.NewTensor(name, Shape.Of(batch, tokens, channels));
        // Probabilities are a saved value (the backward recomputes nothing from them by autograd).
        probabilities = tape.Arena.Allocate(name, Shape.Of(batch, heads, tokens, tokens), withGrad: false);
        tape.Device.AttentionForward(output.Data, probabilities.Data, qkv.Data, batch, tokens, channels, heads);
        if (tape.IsRecording)
        {
            tape.RequireGrad(qkv);
            tape.Record(new AttentionSaved<T>(output, qkv, probabilities, batch, tokens, channels, heads));
        }
        return output;
    }

    internal static void Backward<T>(Tape<T> tape, in AttentionSaved<T> saved) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var (qkv, probabilities) = (saved.Qkv, saved.Probabilities);
        // forward: out_t = Σ_s P[t,s]·v_s, P = softmax(q·k/√HS) causal;  dQkv (B,T,3C) += ∂L/∂qkv
        tape.Device.AttentionBackward(qkv.Grad, saved.Output.Grad, qkv.Data, probabilities.Data,
            saved.Batch, saved.Tokens, saved.Channels, saved.Heads);
    }

    /// <summary>Checks qkv is (B,T,3C) with C divisible by NH; returns (B, T, C).</summary>
    internal static (int Batch, int Tokens, int Channels) CheckQkv<T>(Tensor<T> qkv, int heads, string name)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (qkv.Shape.Rank != 3 || qkv.Shape[2] % 3 != 0)
            throw new ArgumentException($"'{name}': qkv {qkv.Shape} must be (B,T,3C)");
        var channels = qkv.Shape[2] / 3;
        if (heads <= 0 || channels % heads != 0)
            throw new ArgumentException($"'{name}': {channels} channels do not split into {heads} heads");
        return (qkv.Shape[0], qkv.Shape[1], channels);
    }
}

/// <summary>What <see cref="AttentionOp"/> saves: out (B,T,C), qkv (B,T,3C), P (B,NH,T,T) and the sizes.</summary>
internal readonly record struct AttentionSaved<T>(
    Tensor<T> Output, Tensor<T> Qkv, Tensor<T> Probabilities, int Batch, int Tokens, int Channels, int Heads) : ISavedForBackward<T>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    public void Backward(Tape<T> tape) => AttentionOp.Backward(tape, this);
}
