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
/// The functor geometry and attention of one functor F_j of a world with m ≥ 2 functors (TASK.md §5 with &lt;f_j&gt;
/// for &lt;f&gt; and E_{j+1} for E2); the fields mean what the same names of <see cref="EpochMetrics"/> mean for F_1.
/// </summary>
public sealed record FunctorMetrics
{
    /// <summary>j ≥ 1.</summary>
    public int Functor { get; init; }
    /// <summary>Its token, e.g. &lt;f_2&gt;.</summary>
    public string Token { get; init; } = "";
    public double? DirichletRaw { get; init; }
    public double? DirichletNorm { get; init; }
    public double? DirichletHeadRaw { get; init; }
    public double? DirichletHeadNorm { get; init; }
    public double? ParallelismId { get; init; }
    public double? ParallelismOod { get; init; }
    public double? Parallelogram { get; init; }
    public double? AnalogyAddition { get; init; }
    public double? Isometry { get; init; }
    public IReadOnlyList<IReadOnlyList<double?>> AttnFToSource { get; init; } = [];
    public IReadOnlyList<IReadOnlyList<double?>> AttnFToSourceId { get; init; } = [];
    public IReadOnlyList<IReadOnlyList<double?>> AttnFToSourceOod { get; init; } = [];
}

/// <summary>
/// One line of <c>metrics.jsonl</c>: everything measured in one probe pass. <see cref="Probes"/> has every probe
/// type of the world (the seven; lines written before that may lack the empty ones; with m ≥ 2 functors also
/// id_analogical_j and ood_analogical_j). The geometry and attention fields are those of F_1 = &lt;f&gt;; with m ≥ 2,
/// <see cref="Functors"/> has them per functor. Undefined values (e.g. parallelism or attention over an empty OOD
/// set, the scores of a type with n = 0) are written as null.
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
    /// <summary>With m ≥ 2 functors, the geometry and attention of each, F_1 first (repeating the fields above);
    /// null, and absent from the line, with one functor.</summary>
    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<FunctorMetrics>? Functors { get; init; }
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
