namespace Engine.Train.Llm;

/// <summary>
/// The logit lens at one layer, at the prompt's last position: the residual through the final RMSNorm, the unembedding and
/// the final soft-cap (when the model has one), then a float64 log-softmax over the vocabulary.
/// </summary>
/// <param name="LogProbTarget">log P(target) = logit[target] − logsumexp(logits).</param>
/// <param name="ProbTarget">P(target) = exp(<paramref name="LogProbTarget"/>).</param>
/// <param name="Rank">1 + the number of vocabulary entries whose logit is strictly above the target's (1 = top).</param>
public readonly record struct LensReading(double LogProbTarget, double ProbTarget, int Rank);

/// <summary>
/// What one forward pass reads out of a pretrained LLM. Layers ℓ = 0..L (L + 1 entries): ℓ = 0 is the embedding output
/// (scaled by √C for Gemma-2), ℓ ≥ 1 the residual stream after block ℓ (Hugging Face layer ℓ − 1).
/// </summary>
/// <param name="RawVectors">Per layer, the residual at the positions of interest: (P, C) row-major, row p is position
/// positionsOfInterest[p].</param>
/// <param name="NormedVectors">Per layer, the same rows passed through the <i>next</i> block's input RMSNorm (Hugging Face
/// layer ℓ's input_layernorm); for ℓ = L, the final norm (model.norm).</param>
/// <param name="Lens">Per layer, the logit lens at the last position.</param>
/// <param name="FinalLogits">The model's next-token logits at the last position (V), after the final soft-cap: the lens
/// logits of layer L.</param>
/// <param name="Positions">P, the number of positions of interest.</param>
/// <param name="Channels">C, the residual width.</param>
public sealed record LlmReadout(
    IReadOnlyList<float[]> RawVectors,
    IReadOnlyList<float[]> NormedVectors,
    IReadOnlyList<LensReading> Lens,
    float[] FinalLogits,
    int Positions,
    int Channels)
{
    /// <summary>L + 1: the embedding output and one entry per block.</summary>
    public int LayerCount => RawVectors.Count;

    /// <summary>Row <paramref name="position"/> (index into the positions of interest) of layer <paramref name="layer"/>'s raw residual (C).</summary>
    public ReadOnlySpan<float> Raw(int layer, int position) => RawVectors[layer].AsSpan(position * Channels, Channels);

    /// <summary>The same row after the next block's input RMSNorm (C).</summary>
    public ReadOnlySpan<float> Normed(int layer, int position) => NormedVectors[layer].AsSpan(position * Channels, Channels);
}
