namespace Engine.Kernels.Ops;

/// <summary>
/// Grouped-query causal self-attention forward over one sequence (inference only: no probabilities are kept, there is
/// no backward op). Query head h (of NH) reads key/value head g = h / (NH / NKV) (NKV divides NH; NKV = NH is plain
/// multi-head attention). For query t and key s with max(0, t − W + 1) ≤ s ≤ t (W = SlidingWindow; 0 = no window, all
/// s ≤ t): score = Scale·(q_t·k_s); when SoftCap &gt; 0, score = SoftCap·tanh(score/SoftCap) (before the mask, as
/// Gemma-2); P = softmax over the visible s (the row maximum subtracted first); Output[t, h·D + j] = Σ_s P[s]·v_s[j].
/// Q, Output (T, NH·D); K, V (T, NKV·D) — the row-major outputs of the q, k, v projections (head-major columns).
/// </summary>
public readonly record struct GroupedAttentionForwardArgs<T>(
    BufferView<T> Output, BufferView<T> Q, BufferView<T> K, BufferView<T> V,
    int Tokens, int Heads, int KvHeads, int HeadDim, T Scale, T SoftCap, int SlidingWindow) where T : unmanaged
{
    internal void Validate(OpCheck check, double softCap)
    {
        check.NonNegative(nameof(Tokens), Tokens);
        check.Positive(nameof(Heads), Heads);
        check.Positive(nameof(KvHeads), KvHeads);
        check.Positive(nameof(HeadDim), HeadDim);
        check.NonNegative(nameof(SlidingWindow), SlidingWindow);
        if (Heads % KvHeads != 0)
            throw new ArgumentException(check.Message($"{Heads} query heads do not split into groups of {KvHeads} key/value heads"), nameof(KvHeads));
        if (!(softCap >= 0) || double.IsInfinity(softCap))
            throw new ArgumentOutOfRangeException(nameof(SoftCap), softCap, check.Message($"SoftCap must be finite and ≥ 0 (0 = none), got {softCap}"));
        check.Length(nameof(Q), Q, (long)Tokens * Heads * HeadDim);
        check.Length(nameof(Output), Output, (long)Tokens * Heads * HeadDim);
        check.Length(nameof(K), K, (long)Tokens * KvHeads * HeadDim);
        check.Length(nameof(V), V, (long)Tokens * KvHeads * HeadDim);
    }

    /// <summary>The first key query <paramref name="t"/> sees.</summary>
    public int FirstKey(int t) => SlidingWindow > 0 ? Math.Max(0, t - SlidingWindow + 1) : 0;
}
