using Engine.Train.Report.Sections;

namespace Engine.Train.Report;

/// <summary>
/// The <c>engine report DIR</c> machinery: reads a grid folder (or a single run folder) and writes
/// <c>summary.csv</c> (one row per run) and <c>report.html</c> (one self-contained page of interactive plots and
/// tables) into it, each atomically.
/// </summary>
public static class ReportBuilder
{
    /// <summary>The page's sections in order. A new part of the report is a new <see cref="IReportSection"/> here.</summary>
    public static IReadOnlyList<IReportSection> Sections { get; } =
    [
        new OverviewSection(),
        new FindingsSection(),
        new ScaleSection(),
        new StagesSection(),
        new TrajectorySection(),
        new HeatMapSection(),
        new GeometrySection(),
        new PcaSection(),
        new AnalysisSection(),
        new RunTableSection(),
    ];

    /// <summary>Builds both files in <paramref name="gridDir"/> and says what was written.</summary>
    /// <exception cref="ReportException">The folder is missing or is not a grid/run folder, or an option names an
    /// unknown run or a setting that is not swept. Nothing is written then.</exception>
    public static ReportResult Build(string gridDir, ReportOptions options)
    {
        if (options.AverageFrom is < 0) throw new ReportException($"average-from: must be ≥ 0 (got {options.AverageFrom})");
        if (options.AverageTo is { } to && to < (options.AverageFrom ?? 0))
            throw new ReportException($"average-to: {to} is before the first epoch of the window ({options.AverageFrom ?? 0})");
        var grid = GridReader.Read(gridDir, options);
        var context = ReportContext.Create(grid, options);
        HeatMapSection.ChooseKeys(grid, options); // validates the heat-map options before anything is written

        var page = new HtmlPage();
        foreach (var section in Sections) section.Write(page, context);

        var csvPath = Path.Combine(grid.Directory, "summary.csv");
        var htmlPath = Path.Combine(grid.Directory, "report.html");
        Model.AtomicFile.WriteAllText(csvPath, SummaryCsv.Write(grid));
        Model.AtomicFile.WriteAllText(htmlPath, page.Render($"Report: {Path.GetFileName(grid.Directory)}"));
        return new ReportResult(csvPath, htmlPath, grid.Runs.Count, grid.Count(RunStatus.Finished), grid.Count(RunStatus.Failed),
            grid.Count(RunStatus.Unfinished), page.Plots, page.Absent);
    }
}
