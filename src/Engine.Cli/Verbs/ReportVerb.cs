using CommandLine;
using Engine.Train.Report;

namespace Engine.Cli.Verbs;

[Verb("report", HelpText = "Write summary.csv and report.html (interactive plots, works offline) for a grid or run folder.")]
public sealed class ReportVerbOptions
{
    [Value(0, MetaName = "dir", Required = true, HelpText = "Grid folder (with runs/) or one run folder.")]
    public string Directory { get; set; } = "";

    [Option("run", HelpText = "Run id (or unique prefix) for the per-run plots (default: the first finished run).")]
    public string? Run { get; set; }

    [Option("heat-x", HelpText = "Swept setting on the heat map's x axis.")]
    public string? HeatX { get; set; }

    [Option("heat-y", HelpText = "Swept setting on the heat map's y axis.")]
    public string? HeatY { get; set; }

    [Option("average-from", HelpText = "First epoch of the time averages (default 10); every run is digested anew from its metrics.")]
    public int? AverageFrom { get; set; }

    [Option("average-to", HelpText = "Last epoch of the time averages (default: each run's last).")]
    public int? AverageTo { get; set; }
}

/// <summary><c>engine report</c>.</summary>
public static class ReportVerb
{
    public static int Run(ReportVerbOptions options, TextWriter output)
    {
        var result = ReportBuilder.Build(options.Directory, new ReportOptions
        {
            Run = options.Run,
            HeatX = options.HeatX,
            HeatY = options.HeatY,
            AverageFrom = options.AverageFrom,
            AverageTo = options.AverageTo,
        });
        output.WriteLine($"{result.Runs} runs ({result.Finished} finished, {result.Failed} failed, {result.Unfinished} unfinished)");
        output.WriteLine($"wrote {result.SummaryCsvPath}");
        output.WriteLine($"wrote {result.ReportHtmlPath} ({result.Plots.Count} plots)");
        foreach (var absent in result.Absent) output.WriteLine($"  not drawn: {absent}");
        return 0;
    }
}
