namespace Engine.Kernels.Ops;

/// <summary>
/// Causal multi-head attention over a fused Qkv (B,T,3C) (q, k, v thirds; head h uses channels [h·HS, (h+1)·HS) of
/// each third): Probabilities[b,h,t,s] = softmax_s≤t(q_t·k_s / √HS) (zero for s &gt; t), Output[b,t,h·HS + j] =
/// Σ_s Probabilities[b,h,t,s]·v_s[j]. Output (B,T,C); Probabilities (B,NH,T,T), kept for the backward pass and the
/// attention probes.
/// </summary>
public readonly record struct AttentionForwardArgs<T>(
    BufferView<T> Output, BufferView<T> Probabilities, BufferView<T> Qkv,
    int Batch, int Tokens, int Channels, int Heads) where T : unmanaged
{
    internal void Validate(OpCheck check)
    {
        AttentionShapes.Validate(check, Qkv, Probabilities, Batch, Tokens, Channels, Heads);
        check.Length(nameof(Output), Output, (long)Batch * Tokens * Channels);
    }
}

/// <summary>
/// Gradient of the forward pass: with dP[t,s] = dOut_t·v_s and dS[t,s] = P[t,s]·(dP[t,s] − Σ_s' P[t,s']·dP[t,s'])/√HS:
/// dq_t += Σ_s dS[t,s]·k_s; dk_s += Σ_t dS[t,s]·q_t; dv_s += Σ_t P[t,s]·dOut_t.   DQkv, Qkv (B,T,3C); DOut (B,T,C);
/// Probabilities (B,NH,T,T).
/// </summary>
public readonly record struct AttentionBackwardArgs<T>(
    BufferView<T> DQkv, BufferView<T> DOut, BufferView<T> Qkv, BufferView<T> Probabilities,
    int Batch, int Tokens, int Channels, int Heads) where T : unmanaged
{
    internal void Validate(OpCheck check)
    {
        AttentionShapes.Validate(check, Qkv, Probabilities, Batch, Tokens, Channels, Heads);
        check.Length(nameof(DQkv), DQkv, 3L * Batch * Tokens * Channels);
        check.Length(nameof(DOut), DOut, (long)Batch * Tokens * Channels);
    }
}

internal static class AttentionShapes
{
    public static void Validate<T>(OpCheck check, BufferView<T> qkv, BufferView<T> probabilities,
        int batch, int tokens, int channels, int heads) where T : unmanaged
    {
        check.NonNegative("Batch", batch);
        check.Positive("Tokens", tokens);
        check.Positive("Channels", channels);
        check.Heads(channels, heads, evenHeadSize: false);
        check.Length("Qkv", qkv, 3L * batch * tokens * channels);
        check.Length("Probabilities", probabilities, (long)batch * heads * tokens * tokens);
    }
}
