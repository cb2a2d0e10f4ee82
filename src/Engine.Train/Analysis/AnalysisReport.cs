using System.Text.Json;
using System.Text.Json.Serialization;

namespace Engine.Train.Analysis;

/// <summary>
/// <c>analysis.json</c>: the layer-wise analyses of one checkpoint (see <see cref="RunAnalyzer"/>). Every list indexed
/// by layer has one entry per <see cref="Layers"/> name: 0 the embedding, ℓ block ℓ.
/// </summary>
public sealed record AnalysisReport
{
    /// <summary>The format tag this version writes.</summary>
    public const string CurrentFormat = "engine-analysis/1";

    public string Format { get; init; } = CurrentFormat;
    /// <summary>The epoch of the checkpoint (null when the training state beside it is absent or unreadable).</summary>
    public int? Epoch { get; init; }
    /// <summary>The checkpoint's file name.</summary>
    public string Checkpoint { get; init; } = "";
    /// <summary>"embedding", "block 1", … "block L".</summary>
    public IReadOnlyList<string> Layers { get; init; } = [];
    /// <summary>Per probe type with facts: the logit lens at each layer.</summary>
    public IReadOnlyDictionary<string, LensScores> LogitLens { get; init; } = new Dictionary<string, LensScores>();
    public ProbeReport LinearProbe { get; init; } = new();
    /// <summary>Per functor, the Dirichlet energy of the entities' residual streams at each layer.</summary>
    public IReadOnlyList<StreamEnergy> Dirichlet { get; init; } = [];

    public static readonly JsonSerializerOptions Json = new(Metrics.EpochMetrics.Json) { WriteIndented = true };

    private static readonly JsonSerializerOptions Line = new(Metrics.EpochMetrics.Json) { WriteIndented = false };

    /// <summary>Indented, for <c>analysis.json</c>.</summary>
    public string ToJson() => JsonSerializer.Serialize(this, Json);

    /// <summary>One line, for <c>analysis.jsonl</c>.</summary>
    public string ToJsonLine() => JsonSerializer.Serialize(this, Line);

    /// <exception cref="JsonException">Not an analysis.</exception>
    public static AnalysisReport FromJson(string json) =>
        JsonSerializer.Deserialize<AnalysisReport>(json, Json) ?? throw new JsonException("empty analysis");
}

/// <summary>The logit lens of one probe type over its <see cref="Count"/> facts, per layer: mean P(target), mean rank
/// of the target among all V logits (1 = top), and the share of facts whose target ranks first.</summary>
public sealed record LensScores(
    [property: JsonPropertyName("n")] int Count, IReadOnlyList<double> Prob, IReadOnlyList<double> Rank, IReadOnlyList<double> Acc);

/// <summary>The linear probe: what it was fitted on, λ per layer, and its scores on the fit set and on each probe type.</summary>
public sealed record ProbeReport
{
    /// <summary>α (λ = α·tr(ΦcᵀΦc)/C).</summary>
    public double Ridge { get; init; }
    /// <summary>The probe types whose facts it was fitted on (the trained ones).</summary>
    public IReadOnlyList<string> FittedOn { get; init; } = [];
    /// <summary>The number of entity classes K (entity ids 0 … K−1).</summary>
    public int Classes { get; init; }
    /// <summary>λ at each layer.</summary>
    public IReadOnlyList<double> Lambda { get; init; } = [];
    /// <summary>On the facts it was fitted on (in-sample).</summary>
    public ProbeScores Fit { get; init; } = new(0, [], []);
    /// <summary>Per probe type with facts (the fitted ones in-sample, the held-out ones out-of-sample).</summary>
    public IReadOnlyDictionary<string, ProbeScores> Types { get; init; } = new Dictionary<string, ProbeScores>();
}

/// <summary>A probe's accuracy (argmax over the K entity outputs = target) and mean target rank per layer, over n facts.</summary>
public sealed record ProbeScores([property: JsonPropertyName("n")] int Count, IReadOnlyList<double> Acc, IReadOnlyList<double> Rank);

/// <summary>Functor F_j's Dirichlet energy at each layer over the pairs (r_ℓ(e), r_ℓ(F_j(e))), e ∈ E1: raw Σ ‖·−·‖²,
/// normalised mean ‖r̂_e − r̂_F(e)‖² (r̂ = r/‖r‖; 2 for random directions, 0 aligned, 4 opposite).</summary>
public sealed record StreamEnergy(int Functor, string Token, IReadOnlyList<double?> Raw, IReadOnlyList<double?> Norm);
