namespace Engine.Train.Llm.Analysis;

/// <summary>Which residual vectors the figures read: each layer's output passed through the next block's input
/// RMSNorm (the final norm after the last block; the default, as the reference study) or the raw residual stream.</summary>
public enum ResidualMode
{
    NextNorm,
    Raw,
}

/// <summary>An entity's vector: the residual at the (last) digit token of the entity's last occurrence (the default), or
/// the mean over every token of that occurrence's marker <c>&lt;eN&gt;</c>.</summary>
public enum EntityVectorMode
{
    LastDigit,
    Mean,
}

/// <summary>The logit lens at one layer, at the last position: log P(target), P(target) and the target's rank among all
/// V logits (1 = the top one).</summary>
public readonly record struct LensPoint(double LogProbTarget, double ProbTarget, int Rank);

/// <summary>
/// What the forward pass read out for one prompt, as plain arrays (L+1 layers: 0 = the embedding output, ℓ = block ℓ's
/// residual output; P positions; C channels). <see cref="Raw"/>[ℓ] and <see cref="Normed"/>[ℓ] are (P,C) row-major, row
/// p the vector at token position <see cref="Positions"/>[p]; <see cref="Lens"/>[ℓ] the logit lens at the last token.
/// The layer's mean squared norm is taken over all P rows, so the caller reads out every position of the sequence (as
/// the reference study, whose normaliser is the mean over all tokens).
/// </summary>
public sealed record PromptReadout(int Width, IReadOnlyList<int> Positions, IReadOnlyList<float[]> Raw, IReadOnlyList<float[]> Normed,
    IReadOnlyList<LensPoint> Lens)
{
    public int LayerCount => Raw.Count;

    /// <summary>The vectors of one mode at one layer, (P,C).</summary>
    public float[] Vectors(ResidualMode mode, int layer) => mode == ResidualMode.Raw ? Raw[layer] : Normed[layer];

    /// <summary>Checks that every layer holds P×C values and a lens point.</summary>
    /// <exception cref="ArgumentException">A layer's array has the wrong size or the lists disagree in length.</exception>
    public PromptReadout Validated()
    {
        if (Normed.Count != Raw.Count || Lens.Count != Raw.Count)
            throw new ArgumentException($"readout: {Raw.Count} raw, {Normed.Count} normed and {Lens.Count} lens layers");
        var size = Positions.Count * Width;
        for (var l = 0; l < Raw.Count; l++)
        {
            if (Raw[l].Length != size || Normed[l].Length != size)
                throw new ArgumentException($"readout: layer {l} holds {Raw[l].Length} raw and {Normed[l].Length} normed values, not {Positions.Count}×{Width}");
        }
        return this;
    }
}
