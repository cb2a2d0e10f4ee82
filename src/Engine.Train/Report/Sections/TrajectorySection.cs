using System.Globalization;
using Engine.Train.Metrics;
using Engine.Train.Report.Charts;
using static Engine.Train.Report.Html;

namespace Engine.Train.Report.Sections;

/// <summary>
/// Training trajectories on a log-step axis: every probe type for the chosen run; for each headline type the mean
/// per width (or the scale setting) over the finished runs, aligned by epoch (x: the mean step of that epoch); and the
/// OOD analogy of every run, one line each, grouped by the scale setting. Each chart's menu switches between accuracy
/// and the probability of the target. Step 0 (the initial probe) cannot sit on a log axis and is left out.
/// </summary>
public sealed class TrajectorySection : IReportSection
{
    /// <summary>Lines longer than this are thinned to every k-th point (the last kept): enough for the eye, and it keeps
    /// a grid's page small.</summary>
    private const int MaxPoints = 600;

    /// <summary>The same for the chart of every run, which has one line per run.</summary>
    private const int MaxPointsPerRun = 250;

    private static readonly (string Label, string Axis, Func<ProbeScore, double?> Of)[] Scores =
    [
        ("accuracy", "accuracy (fraction correct)", s => s.Accuracy),
        ("P(target)", "mean probability of the target", s => s.Probability),
    ];

    public void Write(HtmlPage page, ReportContext context)
    {
        page.Section("Training trajectories");
        page.BeginFigures();
        WriteChosen(page, context);
        WriteAveraged(page, context);
        WriteEveryRun(page, context);
        page.EndFigures();
    }

    private static void WriteChosen(HtmlPage page, ReportContext context)
    {
        if (context.Chosen is not { } run)
        {
            page.Missing("Trajectory of one run", context.ChosenNote);
            return;
        }
        var title = $"Probes over training, run {run.Id}";
        var views = Scores.Select(score =>
        {
            var lines = new List<LineSeries>();
            for (var t = 0; t < ProbeTypes.All.Count; t++)
            {
                var type = ProbeTypes.All[t];
                var points = run.Metrics.Where(m => m.Step > 0 && Score(m, type, score.Of).HasValue)
                    .Select(m => new SeriesPoint(m.Step, Score(m, type, score.Of)!.Value,
                        Hover: $"{SettingNames.Probe(type)}, epoch {m.Epoch} (step {m.Step})\n{score.Label} {Fixed(Score(m, type, score.Of)!.Value, 3)}"))
                    .ToList();
                if (points.Count > 0)
                    lines.Add(new LineSeries(SettingNames.Probe(type), Palette.Series(t), Thin(points, MaxPoints), Markers: points.Count <= 40,
                        Dashed: type.StartsWith("id_", StringComparison.Ordinal)));
            }
            return new ChartView(score.Label, score.Axis, lines);
        }).ToList();
        var chart = StepChart(title, views);
        if (!chart.HasData)
        {
            page.Missing(title, "the run has no probe pass after step 0");
            return;
        }
        var without = ProbeTypes.All.Where(t => !run.Metrics.Any(m => Score(m, t, s => s.Accuracy).HasValue)).ToList();
        var none = without.Count == 0 ? "" : $" Types without probes in this run (not drawn): {string.Join(", ", without)}.";
        page.Figure(chart.Build(), title,
            $"Per-pass probe accuracy (menu: probability of the target) of {context.ChosenNote}: {context.Describe(run)}. " +
            $"ID types dashed, held-out types solid; click a legend entry to hide it, drag to zoom.{none}");
    }

    private static void WriteAveraged(HtmlPage page, ReportContext context)
    {
        var key = context.Scale.Key;
        var finished = context.Grid.Finished.Where(r => r.Metrics.Count > 0).ToList();
        var values = ScaleSetting.Distinct(finished, key);
        foreach (var type in SettingNames.Headline)
        {
            var title = $"{SettingNames.Probe(type)} over training, mean per {key}";
            if (values.Count == 0)
            {
                page.Missing(title, "no finished run with metrics");
                continue;
            }
            var views = Scores.Select(score => new ChartView($"mean {score.Label}", $"mean {score.Axis}", [.. values.Select((value, i) =>
            {
                var runs = finished.Where(r => r.Number(key) == value).ToList();
                var name = $"{key} {value.ToString(CultureInfo.InvariantCulture)} (n = {runs.Count})";
                var points = MeanTrajectory(runs, type, score.Of)
                    .Select(p => p with { Hover = $"{name}, step {Fixed(p.X, 0)}\nmean {score.Label} {Fixed(p.Y, 3)}" }).ToList();
                return new LineSeries(name, Palette.Series(i), Thin(points, MaxPoints), Markers: points.Count <= 40);
            }).Where(l => l.Points.Count > 0)])).ToList();
            var chart = StepChart(title, views);
            if (!chart.HasData)
            {
                page.Missing(title, $"no finished run has {type} probes after step 0");
                continue;
            }
            page.Figure(chart.Build(), title,
                $"{context.Scale.Note}Mean over the finished runs with each {key} (depths, seeds and other settings pooled; n per line), " +
                "aligned by epoch; x is the mean step of that epoch. The menu switches to the mean probability of the target.");
        }
    }

    private static void WriteEveryRun(HtmlPage page, ReportContext context)
    {
        var key = context.Scale.Key;
        var runs = context.Grid.Runs.Where(r => r.Metrics.Count > 0).ToList();
        var title = $"{SettingNames.Probe(ProbeTypes.OodAnalogical)} over training, every run";
        if (runs.Count < 2) return; // the chosen run's chart already shows the only one
        var values = ScaleSetting.Distinct(runs, key);
        var views = Enumerable.Reverse(Scores).Select(score => new ChartView(score.Label, score.Axis, [.. runs.Select(run =>
        {
            var colour = Palette.Series(Math.Max(0, values.IndexOf(run.Number(key))));
            var label = context.Label(run);
            var points = run.Metrics.Where(m => m.Step > 0 && Score(m, ProbeTypes.OodAnalogical, score.Of).HasValue)
                .Select(m => new SeriesPoint(m.Step, Score(m, ProbeTypes.OodAnalogical, score.Of)!.Value,
                    Hover: $"{label}\nepoch {m.Epoch} (step {m.Step}): {score.Label} {Fixed(Score(m, ProbeTypes.OodAnalogical, score.Of)!.Value, 3)}"))
                .ToList();
            return new LineSeries(label, colour, Thin(points, MaxPointsPerRun), Markers: false,
                Group: $"{key} {run.Setting(key)}");
        }).Where(l => l.Points.Count > 0)])).ToList();
        var chart = StepChart(title, views);
        if (!chart.HasData) return;
        page.Figure(chart.Build(), title,
            $"One line per run with metrics (unfinished runs too), coloured by {key}; clicking a legend entry hides or shows all " +
            $"runs with that {key}, hovering a line names its run folder and swept settings. Probability of the target first: with " +
            "a handful of OOD analogies accuracy moves in large steps. The menu switches to accuracy.");
    }

    private static XyChart StepChart(string title, List<ChartView> views)
    {
        var chart = new XyChart
        {
            Title = title,
            XLabel = "optimizer step (log scale)",
            YLabel = views[0].YLabel,
            ViewLabel = views[0].Label,
            LogX = true,
            YRange = (0, 1),
        };
        chart.Lines.AddRange(views[0].Lines);
        chart.OtherViews.AddRange(views.Skip(1));
        return chart;
    }

    /// <summary>Per epoch: (mean step, mean score) over the runs that probed the type at that epoch.</summary>
    public static List<SeriesPoint> MeanTrajectory(IReadOnlyList<RunRecord> runs, string type, Func<ProbeScore, double?>? score = null)
    {
        score ??= s => s.Accuracy;
        var byEpoch = new SortedDictionary<int, List<(double Step, double Value)>>();
        foreach (var run in runs)
            foreach (var m in run.Metrics)
                if (m.Step > 0 && Score(m, type, score) is { } value)
                {
                    if (!byEpoch.TryGetValue(m.Epoch, out var list)) byEpoch[m.Epoch] = list = [];
                    list.Add((m.Step, value));
                }
        return [.. byEpoch.Values.Select(l => new SeriesPoint(l.Average(v => v.Step), l.Average(v => v.Value)))];
    }

    /// <summary>The pass's score on <paramref name="type"/>; null when the type has no facts (n = 0) or is absent.</summary>
    private static double? Score(EpochMetrics pass, string type, Func<ProbeScore, double?> score) =>
        pass.Probes.GetValueOrDefault(type) is { Count: > 0 } s && score(s) is { } value && double.IsFinite(value) ? value : null;

    internal static IReadOnlyList<SeriesPoint> Thin(List<SeriesPoint> points, int max = MaxPoints)
    {
        if (points.Count <= max) return points;
        var every = (points.Count + max - 1) / max;
        var kept = points.Where((_, i) => i % every == 0).ToList();
        if (kept[^1] != points[^1]) kept.Add(points[^1]);
        return kept;
    }
}
