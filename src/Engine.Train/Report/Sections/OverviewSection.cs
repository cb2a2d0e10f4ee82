namespace Engine.Train.Report.Sections;

/// <summary>The page header: the folder, run counts, the claim the grid tests, the swept and tied settings, and the
/// run the per-run plots show. Not numbered.</summary>
public sealed class OverviewSection : IReportSection
{
    public void Write(HtmlPage page, ReportContext context)
    {
        var grid = context.Grid;
        page.Heading(1, grid.SingleRun ? $"Run report: {Path.GetFileName(grid.Directory)}" : $"Grid report: {Path.GetFileName(grid.Directory)}");
        if (grid.Claim is { } claim) page.Paragraph($"Claim tested: {claim}", "claim");
        page.Paragraph($"Folder: {grid.Directory}", "meta");
        page.Paragraph($"Runs: {grid.Runs.Count} — finished {grid.Count(RunStatus.Finished)}, failed {grid.Count(RunStatus.Failed)}, " +
            $"unfinished {grid.Count(RunStatus.Unfinished)}" +
            (grid.MissingRuns.Count > 0 ? $"; {grid.MissingRuns.Count} more listed in grid.json have not started" : "") + ".", "meta");
        page.Paragraph(grid.SweptKeys.Count == 0 ? "Swept settings: none." : $"Swept settings: {string.Join(", ", grid.SweptKeys)}.", "meta");
        if (grid.Ties.Count > 0)
            page.Paragraph($"Tied settings: {string.Join(", ", grid.Ties.Select(t => $"{t.Key} follows {t.Value}"))}.", "meta");
        page.Paragraph($"Per-run plots show {context.ChosenNote}.", "meta");
    }
}
