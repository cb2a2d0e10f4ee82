namespace Engine.Train.Report;

/// <summary>Choices for <see cref="ReportBuilder.Build"/>; every one has a default.</summary>
public sealed record ReportOptions
{
    /// <summary>The run shown in the per-run plots (trajectories, energy, parallelism, PCA), by id or a unique id
    /// prefix; null: the first finished run in report order (else the first run with metrics).</summary>
    public string? Run { get; init; }

    /// <summary>The swept setting on the heat map's x axis; null: the first swept setting that is not a seed.</summary>
    public string? HeatX { get; init; }

    /// <summary>The swept setting on the heat map's y axis; null: the next swept setting that is not a seed.</summary>
    public string? HeatY { get; init; }

    /// <summary>OOD-analogy accuracy that counts as success when a summary is digested from <c>metrics.jsonl</c>
    /// (runs without <c>summary.json</c>); finished runs keep the threshold recorded in their summary.</summary>
    public double SuccessThreshold { get; init; } = 1.0;

    /// <summary>First epoch of the time averages; null: <see cref="Metrics.RunSummary.DefaultAverageFrom"/>. Given (or
    /// with <see cref="AverageTo"/>), every run's summary is digested anew from its metrics over that window.</summary>
    public int? AverageFrom { get; init; }

    /// <summary>Last epoch of the time averages; null: each run's last probed epoch.</summary>
    public int? AverageTo { get; init; }
}

/// <summary>The input cannot make a report (no such folder, not a grid or run folder, an unknown run or setting
/// named in the options). The message says which and why.</summary>
public sealed class ReportException(string message) : Exception(message);

/// <summary>What <see cref="ReportBuilder.Build"/> wrote.</summary>
/// <param name="SummaryCsvPath">Full path of <c>summary.csv</c>.</param>
/// <param name="ReportHtmlPath">Full path of <c>report.html</c>.</param>
/// <param name="Runs">Run folders read (one CSV row each).</param>
/// <param name="Finished">Runs with summary.json.</param>
/// <param name="Failed">Runs with failed.json and no summary.json.</param>
/// <param name="Unfinished">Runs with neither.</param>
/// <param name="Plots">The title of every plot drawn, in page order.</param>
/// <param name="Absent">One line per plot or section left out, saying why.</param>
public sealed record ReportResult(
    string SummaryCsvPath,
    string ReportHtmlPath,
    int Runs,
    int Finished,
    int Failed,
    int Unfinished,
    IReadOnlyList<string> Plots,
    IReadOnlyList<string> Absent);
