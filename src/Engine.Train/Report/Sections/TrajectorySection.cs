using System.Globalization;
using Engine.Train.Metrics;
using Engine.Train.Report.Svg;

namespace Engine.Train.Report.Sections;

/// <summary>
/// Plot 2: accuracy over training on a log-step axis — every probe type for the chosen run, then for each headline
/// type the mean per width (or the scale setting) over the finished runs, aligned by epoch (x: the mean step of
/// that epoch). Step 0 (the initial probe) cannot sit on a log axis and is left out.
/// </summary>
public static class TrajectorySection
{
    /// <summary>Lines longer than this are thinned to every k-th point (the last kept): a browser draws a
    /// few hundred points per line as well as a hundred thousand.</summary>
    private const int MaxPoints = 600;

    public static void Write(HtmlPage page, ReportContext context)
    {
        page.Heading(2, "2. Training trajectories");
        page.BeginFigures();
        WriteChosen(page, context);
        WriteAveraged(page, context);
        page.EndFigures();
    }

    private static void WriteChosen(HtmlPage page, ReportContext context)
    {
        if (context.Chosen is not { } run)
        {
            page.Missing("Trajectory of one run", context.ChosenNote);
            return;
        }
        var title = $"Accuracy over training, run {run.Id}";
        var chart = new XyChart { Title = title, XLabel = "optimizer step (log scale)", YLabel = "accuracy (fraction correct)", LogX = true, YRange = (0, 1) };
        var without = new List<string>();
        for (var t = 0; t < ProbeTypes.All.Count; t++)
        {
            var type = ProbeTypes.All[t];
            var points = run.Metrics
                .Where(m => m.Step > 0 && Accuracy(m, type).HasValue)
                .Select(m => new SeriesPoint(m.Step, Accuracy(m, type)!.Value)).ToList();
            if (points.Count == 0)
            {
                without.Add(type);
                continue;
            }
            chart.Lines.Add(new LineSeries(SettingNames.Probe(type), Palette.Series(t), Thin(points), Markers: points.Count <= 40,
                Dashed: type.StartsWith("id_", StringComparison.Ordinal)));
        }
        if (!chart.HasData)
        {
            page.Missing(title, "the run has no probe pass after step 0");
            return;
        }
        var none = without.Count == 0 ? "" : $" Types without probes in this run (not drawn): {string.Join(", ", without)}.";
        page.Figure(chart.Render(), title,
            $"Per-epoch probe accuracy of {context.ChosenNote}: {context.Describe(run)}. ID types dashed, held-out types solid.{none}");
    }

    private static void WriteAveraged(HtmlPage page, ReportContext context)
    {
        var key = context.Scale.Key;
        var finished = context.Grid.Finished.Where(r => r.Metrics.Count > 0).ToList();
        var values = ScaleSetting.Distinct(finished, key);
        foreach (var type in SettingNames.Headline)
        {
            var title = $"{SettingNames.Probe(type)} accuracy over training, mean per {key}";
            if (values.Count == 0)
            {
                page.Missing(title, "no finished run with metrics");
                continue;
            }
            var chart = new XyChart { Title = title, XLabel = "optimizer step (log scale)", YLabel = "mean accuracy (fraction correct)", LogX = true, YRange = (0, 1) };
            for (var i = 0; i < values.Count; i++)
            {
                var runs = finished.Where(r => r.Number(key) == values[i]).ToList();
                var points = MeanTrajectory(runs, type);
                if (points.Count > 0)
                    chart.Lines.Add(new LineSeries($"{key} {values[i].ToString(CultureInfo.InvariantCulture)} (n = {runs.Count})",
                        Palette.Series(i), Thin(points), Markers: points.Count <= 40));
            }
            if (!chart.HasData)
            {
                page.Missing(title, $"no finished run has {type} probes after step 0");
                continue;
            }
            page.Figure(chart.Render(), title,
                $"{context.Scale.Note}Mean over the finished runs with each {key} (depths, seeds and other settings pooled; n per line), " +
                "aligned by epoch; x is the mean step of that epoch.");
        }
    }

    /// <summary>Per epoch: (mean step, mean accuracy) over the runs that probed the type at that epoch.</summary>
    public static List<SeriesPoint> MeanTrajectory(IReadOnlyList<RunRecord> runs, string type)
    {
        var byEpoch = new SortedDictionary<int, List<(double Step, double Acc)>>();
        foreach (var run in runs)
            foreach (var m in run.Metrics)
                if (m.Step > 0 && Accuracy(m, type) is { } accuracy)
                {
                    if (!byEpoch.TryGetValue(m.Epoch, out var list)) byEpoch[m.Epoch] = list = [];
                    list.Add((m.Step, accuracy));
                }
        return [.. byEpoch.Values.Select(l => new SeriesPoint(l.Average(v => v.Step), l.Average(v => v.Acc)))];
    }

    /// <summary>The pass's accuracy on <paramref name="type"/>; null when the type has no facts (n = 0) or is absent.</summary>
    private static double? Accuracy(EpochMetrics pass, string type) =>
        pass.Probes.GetValueOrDefault(type) is { Count: > 0, Accuracy: { } accuracy } && double.IsFinite(accuracy) ? accuracy : null;

    internal static IReadOnlyList<SeriesPoint> Thin(List<SeriesPoint> points)
    {
        if (points.Count <= MaxPoints) return points;
        var every = (points.Count + MaxPoints - 1) / MaxPoints;
        var kept = points.Where((_, i) => i % every == 0).ToList();
        if (kept[^1] != points[^1]) kept.Add(points[^1]);
        return kept;
    }
}
