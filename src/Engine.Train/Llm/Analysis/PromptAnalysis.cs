using Engine.Train.Llm.Prompts;

namespace Engine.Train.Llm.Analysis;

/// <summary>Per-layer figures (index ℓ = 0 the embedding output, ℓ block ℓ), each null where undefined (see
/// <see cref="LayerFigures"/>). <see cref="Rank"/>: the target's rank among the V logits of the lens (1 = top);
/// <see cref="Top1"/>: the share of prompts whose target ranks first (1 or 0 for one prompt).</summary>
public sealed record LayerCurves(
    IReadOnlyList<double?> EnergyRaw,
    IReadOnlyList<double?> EnergyNormalised,
    IReadOnlyList<double?> MeanSquaredNorm,
    IReadOnlyList<double?> ProbTarget,
    IReadOnlyList<double?> LogProbTarget,
    IReadOnlyList<double?> Rank,
    IReadOnlyList<double?> Top1,
    IReadOnlyList<double?> FunctorCosine,
    IReadOnlyList<double?> SpectrumRatio);

/// <summary>Pearson correlations over the layers between an energy curve and the lens's P(target).</summary>
public sealed record EnergyCorrelations(double? EnergyNormalisedVsProb, double? EnergyRawVsProb);

/// <summary>One prompt's analysis: which prompt (index and seed, text, target and its token) and its curves.</summary>
public sealed record PromptResult(int Index, string Seed, string Text, string Target, int TargetToken, LayerCurves Curves,
    EnergyCorrelations Correlation);

/// <summary>The figures of one prompt at every layer, from its readout and the positions of its parts.</summary>
public static class PromptAnalysis
{
    /// <summary>The curves of <paramref name="prompt"/> from its <paramref name="readout"/>, reading the <paramref name="residual"/> vectors
    /// and taking entity vectors as <paramref name="entityVector"/> says; <paramref name="tokenSpans"/>: per token of the sequence the
    /// readout came from, its characters in the prompt's text.</summary>
    /// <exception cref="ArgumentException">The readout is inconsistent or lacks a position the figures need.</exception>
    public static LayerCurves Analyze(AnalogyPrompt prompt, IReadOnlyList<TextSpan> tokenSpans, PromptReadout readout,
        ResidualMode residual, EntityVectorMode entityVector)
    {
        readout.Validated();
        var positions = new PromptPositions(prompt, tokenSpans, entityVector);
        var rowOf = new Dictionary<int, int>();
        for (var p = 0; p < readout.Positions.Count; p++) rowOf[readout.Positions[p]] = p;
        List<int> Rows(IReadOnlyList<int> tokens) => [.. tokens.Select(t => rowOf.TryGetValue(t, out var row) ? row
            : throw new ArgumentException($"readout: token position {t} was not read out"))];

        var layers = readout.LayerCount;
        var raw = new double?[layers];
        var normalised = new double?[layers];
        var meanSquaredNorm = new double?[layers];
        var cosine = new double?[layers];
        var spectrum = new double?[layers];
        for (var l = 0; l < layers; l++)
        {
            var vectors = readout.Vectors(residual, l); // (P,C)
            double[] EntityVector(PromptEntity e) => LayerFigures.MeanRow(vectors, readout.Width, Rows(positions.Entity(e)));
            var pairs = prompt.GivenPairs.Select(p => (EntityVector(prompt.Category1[p.Source]), EntityVector(prompt.Category2[p.Image]))).ToList();
            var tildes = positions.Tildes.Select(t => LayerFigures.MeanRow(vectors, readout.Width, Rows([t]))).ToList();
            var m = LayerFigures.MeanSquaredNorm(vectors, readout.Width);
            raw[l] = LayerFigures.DirichletRaw(pairs);
            meanSquaredNorm[l] = double.IsFinite(m) ? m : null;
            normalised[l] = LayerFigures.Normalised(raw[l], m);
            cosine[l] = LayerFigures.MeanPairwiseCosine(tildes);
            spectrum[l] = LayerFigures.SpectrumRatio(tildes);
        }
        return new LayerCurves(raw, normalised, meanSquaredNorm,
            [.. readout.Lens.Select(p => Finite(p.ProbTarget))],
            [.. readout.Lens.Select(p => Finite(p.LogProbTarget))],
            [.. readout.Lens.Select(p => (double?)p.Rank)],
            [.. readout.Lens.Select(p => (double?)(p.Rank == 1 ? 1 : 0))],
            cosine, spectrum);
    }

    /// <summary>The correlations of one set of curves.</summary>
    public static EnergyCorrelations Correlate(LayerCurves curves) => new(
        LayerFigures.Pearson(curves.EnergyNormalised, curves.ProbTarget),
        LayerFigures.Pearson(curves.EnergyRaw, curves.ProbTarget));

    private static double? Finite(double value) => double.IsFinite(value) ? value : null;
}
