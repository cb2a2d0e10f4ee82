using System.Globalization;
using Engine.Train.Metrics;

namespace Engine.Train.Report;

/// <summary>
/// The setting on the x axis of the accuracy plots and the grouping of the averaged trajectories: width when it
/// varies, else the first numeric swept setting that varies (seeds excepted), else width with a single value.
/// <see cref="Note"/> says which was chosen and why, for the captions.
/// </summary>
public sealed record ScaleSetting(string Key, string Note, bool Log)
{
    public string AxisLabel => SettingNames.AxisLabel(Key) + (Log ? ", log scale" : "");

    public static ScaleSetting Choose(GridData grid)
    {
        var finished = grid.Finished.ToList();
        if (Distinct(finished, "width").Count > 1) return Make(finished, "width", "");
        foreach (var key in grid.SweptKeys.Where(k => k != "width" && !SettingNames.IsSeed(k)))
        {
            var values = Distinct(finished, key);
            if (values.Count > 1 && finished.All(r => double.IsFinite(r.Number(key))))
            {
                var widths = string.Join(", ", Distinct(finished, "width").Select(w => w.ToString(CultureInfo.InvariantCulture)));
                return Make(finished, key, $"Width does not vary among the finished runs (width {widths}), so the x axis is the first swept numeric setting, {key}. ");
            }
        }
        return Make(finished, "width", "No numeric setting varies among the finished runs, so each depth is a single point at its width. ");
    }

    private static ScaleSetting Make(List<RunRecord> runs, string key, string note)
    {
        var values = Distinct(runs, key);
        // Ratios read best on a linear axis; sizes and rates spanning a factor of 4 or more on a log axis.
        var log = values.Count > 1 && values[0] > 0 && values[^1] / values[0] >= 4 && !key.EndsWith("_ood", StringComparison.Ordinal);
        return new ScaleSetting(key, note, log);
    }

    public static List<double> Distinct(IEnumerable<RunRecord> runs, string key) =>
        [.. runs.Select(r => r.Number(key)).Where(double.IsFinite).Distinct().Order()];
}

/// <summary>What every section reads: the grid, the options, the run chosen for per-run plots and the scale axis.</summary>
public sealed record ReportContext(GridData Grid, ReportOptions Options, RunRecord? Chosen, string ChosenNote, ScaleSetting Scale)
{
    /// <exception cref="ReportException"><see cref="ReportOptions.Run"/> names no run, or more than one.</exception>
    public static ReportContext Create(GridData grid, ReportOptions options)
    {
        RunRecord? chosen;
        string note;
        if (options.Run is { } wanted)
        {
            var matches = grid.Runs.Where(r => r.Id == wanted).ToList();
            if (matches.Count == 0) matches = [.. grid.Runs.Where(r => r.Id.StartsWith(wanted, StringComparison.Ordinal))];
            if (matches.Count != 1)
                throw new ReportException(matches.Count == 0
                    ? $"run: no run '{wanted}' in '{grid.Directory}'"
                    : $"run: '{wanted}' matches {matches.Count} runs ({string.Join(", ", matches.Select(m => m.Id))}); give more of the id");
            chosen = matches[0];
            note = $"run {chosen.Id} (chosen)";
        }
        else
        {
            chosen = grid.Finished.FirstOrDefault(r => r.Metrics.Count > 0) ?? grid.Runs.FirstOrDefault(r => r.Metrics.Count > 0);
            note = chosen is null ? "no run has metrics yet"
                : chosen.Status == RunStatus.Finished ? $"run {chosen.Id} (the first finished run)"
                : $"run {chosen.Id} (no run has finished; the first run with metrics)";
        }
        return new ReportContext(grid, options, chosen, note, ScaleSetting.Choose(grid));
    }

    /// <summary>The run's swept settings as "width=64, depth=1, seed=1" for titles and captions.</summary>
    public string Describe(RunRecord run) =>
        Grid.SweptKeys.Count == 0 ? run.Id : string.Join(", ", Grid.SweptKeys.Select(k => $"{k}={run.Setting(k)}"));

    /// <summary>The run's folder relative to the report's folder ("runs/91d5f5df2cb5"; "." for a single-run report).</summary>
    public string FolderOf(RunRecord run) => Path.GetRelativePath(Grid.Directory, run.Folder).Replace('\\', '/');

    /// <summary>"runs/91d5f5df2cb5 (width=64, seed=1)": the run as hover texts name it.</summary>
    public string Label(RunRecord run) => Grid.SweptKeys.Count == 0 ? FolderOf(run) : $"{FolderOf(run)} ({Describe(run)})";

    /// <summary>The epochs the finished runs' time averages cover, in words: "epochs 10–1000 (496 probe passes)" when
    /// all agree, else the range of starts and ends.</summary>
    public string WindowNote
    {
        get
        {
            var windows = Grid.Finished.Select(r => r.Summary?.Averaged).OfType<AveragingWindow>().Distinct().ToList();
            if (windows.Count == 0) return "no run has probe passes inside the averaging window";
            if (windows.Count == 1) return $"epochs {windows[0].FromEpoch}–{windows[0].ToEpoch} ({windows[0].Passes} probe passes)";
            string Span(IEnumerable<int> xs) => xs.Min() == xs.Max() ? $"{xs.Min()}" : $"{xs.Min()}…{xs.Max()}";
            return $"epochs {Span(windows.Select(w => w.FromEpoch))} to {Span(windows.Select(w => w.ToEpoch))} (each run's own probe passes)";
        }
    }
}
