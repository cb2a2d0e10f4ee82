using System.Text.Json;
using System.Text.Json.Serialization;

namespace Engine.Train.Metrics;

/// <summary>
/// Accuracy (argmax over all V), mean cross-entropy and mean target probability of one probe type over its
/// <see cref="Count"/> facts; the three are null for a type without facts (n = 0).
/// </summary>
public sealed record ProbeScore(
    [property: JsonPropertyName("acc")] double? Accuracy,
    [property: JsonPropertyName("ce")] double? CrossEntropy,
    [property: JsonPropertyName("prob")] double? Probability,
    [property: JsonPropertyName("n")] int Count);

/// <summary>
/// One line of <c>metrics.jsonl</c>: everything measured in one probe pass. <see cref="Probes"/> has all seven
/// types (lines written before that may lack the empty ones). Undefined values (e.g. parallelism or attention
/// over an empty OOD set, the scores of a type with n = 0) are written as null.
/// </summary>
public sealed record EpochMetrics
{
    public int Epoch { get; init; }
    public long Step { get; init; }
    /// <summary>Mean training loss over the epoch's batches.</summary>
    public double TrainLoss { get; init; }
    public IReadOnlyDictionary<string, ProbeScore> Probes { get; init; } = new Dictionary<string, ProbeScore>();
    /// <summary>Dirichlet energy over the functor graph on the input-embedding rows.</summary>
    public double? DirichletRaw { get; init; }
    public double? DirichletNorm { get; init; }
    /// <summary>The same on the output-head rows (equal to the above when tied).</summary>
    public double? DirichletHeadRaw { get; init; }
    public double? DirichletHeadNorm { get; init; }
    public double? ParallelismId { get; init; }
    public double? ParallelismOod { get; init; }
    public double? Parallelogram { get; init; }
    public double? AnalogyAddition { get; init; }
    public double? Isometry { get; init; }
    /// <summary>Mean attention weight of the &lt;f&gt; query on the source key, [layer][head], over the (e, &lt;f&gt;)
    /// facts of both analogical probe types (&lt;f_inv&gt; facts are not among them).</summary>
    public IReadOnlyList<IReadOnlyList<double?>> AttnFToSource { get; init; } = [];
    /// <summary>The same over the id_analogical (e, &lt;f&gt;) facts only.</summary>
    public IReadOnlyList<IReadOnlyList<double?>> AttnFToSourceId { get; init; } = [];
    /// <summary>The same over the ood_analogical (e, &lt;f&gt;) facts only; null when there are none.</summary>
    public IReadOnlyList<IReadOnlyList<double?>> AttnFToSourceOod { get; init; } = [];
    /// <summary>Wall time since the run started, in seconds.</summary>
    public double Seconds { get; init; }
    /// <summary>Training tokens processed so far.</summary>
    public long Tokens { get; init; }

    public static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        WriteIndented = false,
        // Token labels such as "<e_0>" stay readable instead of becoming \u003Ce_0\u003E.
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public string ToJsonLine() => JsonSerializer.Serialize(this, Json);

    public static EpochMetrics FromJsonLine(string line) =>
        JsonSerializer.Deserialize<EpochMetrics>(line, Json) ?? throw new JsonException("empty metrics line");

    /// <summary>NaN and infinities become null (JSON has no NaN).</summary>
    public static double? Defined(double value) => double.IsFinite(value) ? value : null;
}
