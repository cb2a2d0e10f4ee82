using System.Globalization;
using Engine.Train.Metrics;

namespace Engine.Train.Report;

/// <summary>Where a run stands: <c>summary.json</c> present (finished), else <c>failed.json</c> present (failed),
/// else unfinished (queued, running or killed).</summary>
public enum RunStatus { Finished, Failed, Unfinished }

/// <summary>Everything the report knows about one run folder <c>runs/&lt;id&gt;/</c>.</summary>
public sealed record RunRecord
{
    public required string Id { get; init; }
    public required string Folder { get; init; }
    /// <summary>The run's index in <c>grid.json</c>, when the grid recorded one.</summary>
    public int? Index { get; init; }
    public RunStatus Status { get; init; }
    /// <summary><c>config.json</c> flattened to setting → text (snake_case names, defaults filled in when the file
    /// parses as settings); empty when the file is missing or unreadable.</summary>
    public IReadOnlyDictionary<string, string> Config { get; init; } = new Dictionary<string, string>();
    /// <summary>The swept values <c>grid.json</c> recorded for this run (empty without it).</summary>
    public IReadOnlyDictionary<string, string> Swept { get; init; } = new Dictionary<string, string>();
    /// <summary>Probe passes in epoch order, one per epoch (a resumed run's repeated epochs keep the last line).</summary>
    public IReadOnlyList<EpochMetrics> Metrics { get; init; } = [];
    /// <summary><c>summary.json</c>, or for a run without one the digest of its metrics so far; null when neither exists.</summary>
    public RunSummary? Summary { get; init; }
    public PcaSnapshot? Pca { get; init; }
    /// <summary>The reason recorded in <c>failed.json</c>.</summary>
    public string? Failure { get; init; }
    /// <summary>Input problems met while reading (unreadable lines or files), for the page's notes.</summary>
    public IReadOnlyList<string> Problems { get; init; } = [];

    /// <summary>The run's value of a setting as text: the grid's record first, then <c>config.json</c>; "" if neither.</summary>
    public string Setting(string key) =>
        Swept.TryGetValue(key, out var swept) ? swept : Config.TryGetValue(key, out var value) ? value : "";

    /// <summary>The setting as a number (invariant culture), NaN when it is not one.</summary>
    public double Number(string key) => ParseNumber(Setting(key));

    /// <summary>Final accuracy of a probe type from the summary; NaN when the run has none for that type.</summary>
    public double FinalAccuracy(string type) => Figure(type, Measure.FinalAcc);

    /// <summary>A summary figure of a probe type; NaN when the run has no summary, no facts of that type, or no value
    /// (a time average over an empty window).</summary>
    public double Figure(string type, Measure measure) =>
        Summary is not null && Summary.Types.TryGetValue(type, out var t) && measure.Of(t) is { } v ? v : double.NaN;

    internal static double ParseNumber(string text) =>
        double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) ? v : double.NaN;
}
