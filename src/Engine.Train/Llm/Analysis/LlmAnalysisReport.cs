using System.Text.Json;
using System.Text.Json.Serialization;
using Engine.Train.Llm.Prompts;

namespace Engine.Train.Llm.Analysis;

/// <summary>The prompt knobs as written into <c>llm-analysis.json</c>.</summary>
public sealed record PromptKnobs(int EntitiesPerCategory, int Relations, int GivenCorrespondences, string Seed)
{
    public static PromptKnobs Of(AnalogyPromptSettings settings) =>
        new(settings.EntitiesPerCategory, settings.Relations, settings.Given, settings.Seed.ToString(System.Globalization.CultureInfo.InvariantCulture));
}

/// <summary>
/// <c>llm-analysis.json</c>: the in-context analogy analysis of one model over N prompts. Every curve has one entry per
/// <see cref="Layers"/> name (0 the embedding output, ℓ block ℓ's residual output). <see cref="Mean"/>: per layer, the
/// mean over the prompts where the figure is defined (null where none is); <see cref="Correlation"/>: Pearson over the
/// layers of the mean curves; <see cref="MeanPromptCorrelation"/>: the mean of the prompts' own correlations;
/// <see cref="Prompts"/>: each prompt's text, target and curves.
/// </summary>
public sealed record LlmAnalysisReport
{
    public const string CurrentFormat = "engine-llm-analysis/1";

    public string Format { get; init; } = CurrentFormat;
    /// <summary>The checkpoint folder's name.</summary>
    public string Model { get; init; } = "";
    public string Architecture { get; init; } = "";
    /// <summary>"next-norm" or "raw".</summary>
    public string Residual { get; init; } = "";
    /// <summary>"last-digit" or "mean".</summary>
    public string EntityVector { get; init; } = "";
    public string Device { get; init; } = "";
    public PromptKnobs PromptSettings { get; init; } = new(0, 0, 0, "0");
    /// <summary>"embedding", "block 1", … "block L".</summary>
    public IReadOnlyList<string> Layers { get; init; } = [];
    public LayerCurves Mean { get; init; } = Empty;
    public EnergyCorrelations Correlation { get; init; } = new(null, null);
    public EnergyCorrelations MeanPromptCorrelation { get; init; } = new(null, null);
    /// <summary>Wall time of the forward passes and figures over all prompts (seconds), and the process's peak working set (bytes).</summary>
    public double Seconds { get; init; }
    /// <summary>The process's CPU time (all threads, user + system) over the same passes (seconds): on a shared machine the wall
    /// time overstates the cost.</summary>
    public double CpuSeconds { get; init; }
    /// <summary>Wall time of opening the weights and loading them onto the device (seconds).</summary>
    public double LoadSeconds { get; init; }
    public long PeakWorkingSetBytes { get; init; }
    public IReadOnlyList<PromptResult> Prompts { get; init; } = [];

    private static readonly LayerCurves Empty = new([], [], [], [], [], [], [], [], []);

    public static readonly JsonSerializerOptions Json = new(Metrics.EpochMetrics.Json) { WriteIndented = true };

    public string ToJson() => JsonSerializer.Serialize(this, Json);

    /// <exception cref="JsonException">Not an LLM analysis.</exception>
    public static LlmAnalysisReport FromJson(string json) =>
        JsonSerializer.Deserialize<LlmAnalysisReport>(json, Json) ?? throw new JsonException("empty LLM analysis");

    public static string ModeName(ResidualMode mode) => mode == ResidualMode.Raw ? "raw" : "next-norm";

    public static string ModeName(EntityVectorMode mode) => mode == EntityVectorMode.Mean ? "mean" : "last-digit";

    /// <summary>Layer names for L blocks: "embedding", "block 1" … "block L".</summary>
    public static IReadOnlyList<string> LayerNames(int blocks) => [.. Enumerable.Range(0, blocks + 1).Select(l => l == 0 ? "embedding" : $"block {l}")];

    /// <summary>The mean curves of several prompts' curves: per layer, the mean of the defined values (null if none).</summary>
    /// <exception cref="ArgumentException">No prompts, or prompts with different layer counts.</exception>
    public static LayerCurves MeanOf(IReadOnlyList<LayerCurves> curves)
    {
        if (curves.Count == 0) throw new ArgumentException("no prompts to average");
        var layers = curves[0].ProbTarget.Count;
        if (curves.Any(c => c.ProbTarget.Count != layers)) throw new ArgumentException("prompts with different layer counts");
        IReadOnlyList<double?> Mean(Func<LayerCurves, IReadOnlyList<double?>> curve) => [.. Enumerable.Range(0, layers).Select(l =>
        {
            var values = curves.Select(c => curve(c)[l]).OfType<double>().ToList();
            return values.Count == 0 ? (double?)null : values.Average();
        })];
        return new LayerCurves(Mean(c => c.EnergyRaw), Mean(c => c.EnergyNormalised), Mean(c => c.MeanSquaredNorm),
            Mean(c => c.ProbTarget), Mean(c => c.LogProbTarget), Mean(c => c.Rank), Mean(c => c.Top1),
            Mean(c => c.FunctorCosine), Mean(c => c.SpectrumRatio));
    }

    /// <summary>The mean of the defined correlations (null where no prompt has one).</summary>
    public static EnergyCorrelations MeanOf(IReadOnlyList<EnergyCorrelations> correlations)
    {
        static double? Mean(IEnumerable<double?> values)
        {
            var defined = values.OfType<double>().ToList();
            return defined.Count == 0 ? null : defined.Average();
        }
        return new(Mean(correlations.Select(c => c.EnergyNormalisedVsProb)), Mean(correlations.Select(c => c.EnergyRawVsProb)));
    }

    /// <summary>The report of the analysed prompts: their mean curves and both kinds of correlation.</summary>
    public static LlmAnalysisReport Of(IReadOnlyList<PromptResult> prompts, string model, string architecture, string device,
        AnalogyPromptSettings settings, ResidualMode residual, EntityVectorMode entityVector, double seconds, long peakWorkingSet)
    {
        var mean = MeanOf([.. prompts.Select(p => p.Curves)]);
        return new LlmAnalysisReport
        {
            Model = model,
            Architecture = architecture,
            Residual = ModeName(residual),
            EntityVector = ModeName(entityVector),
            Device = device,
            PromptSettings = PromptKnobs.Of(settings),
            Layers = LayerNames(mean.ProbTarget.Count - 1),
            Mean = mean,
            Correlation = PromptAnalysis.Correlate(mean),
            MeanPromptCorrelation = MeanOf([.. prompts.Select(p => p.Correlation)]),
            Seconds = seconds,
            PeakWorkingSetBytes = peakWorkingSet,
            Prompts = prompts,
        };
    }
}
