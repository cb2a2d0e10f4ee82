namespace Engine.Kernels.Ops;

/// <summary>
/// Rotary position embedding in the Hugging Face form (inference only), in place on a q or k projection
/// X (T, NH·D): head h of token t is X[t, h·D .. h·D + D). With half = D/2 and, for i &lt; half, the angle
/// a = t·InverseFrequencies[i] (position t counts from 0; the frequencies come from the host, so any scaling such as
/// Llama-3's is applied there): x'[i] = x[i]·cos a − x[i+half]·sin a; x'[i+half] = x[i+half]·cos a + x[i]·sin a
/// (non-interleaved "rotate_half"). The host devices evaluate the angle in float64; the GPU kernels in float32, the
/// product Hugging Face computes.
/// X (T, NH·D); InverseFrequencies (D/2).
/// </summary>
/// <remarks>The training engine's <see cref="RopeForwardArgs{T}"/> rotates a fused qkv with θ_i = base^(−2i/HS) and the
/// same head count for q and k; grouped-query models need q and k separately with their own head counts.</remarks>
public readonly record struct RotaryForwardArgs<T>(
    BufferView<T> X, BufferView<T> InverseFrequencies, int Tokens, int Heads, int HeadDim) where T : unmanaged
{
    internal void Validate(OpCheck check)
    {
        check.NonNegative(nameof(Tokens), Tokens);
        check.Positive(nameof(Heads), Heads);
        check.Positive(nameof(HeadDim), HeadDim);
        if (HeadDim % 2 != 0) throw new ArgumentException(check.Message($"head size {HeadDim} must be even"), nameof(HeadDim));
        check.Length(nameof(X), X, (long)Tokens * Heads * HeadDim);
        check.Length(nameof(InverseFrequencies), InverseFrequencies, HeadDim / 2);
    }
}
