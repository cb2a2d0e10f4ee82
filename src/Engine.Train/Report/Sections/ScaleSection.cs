using System.Globalization;
using Engine.Train.Metrics;
using Engine.Train.Report.Charts;
using static Engine.Train.Report.Html;

namespace Engine.Train.Report.Sections;

/// <summary>
/// The scale plots: for each headline probe type, a summary figure vs width (or the scale setting), one line per
/// depth, error bars ± one sample standard deviation over the finished runs pooled at that point (seeds and any other
/// swept setting). The time-averaged accuracy is shown first; a menu on each chart switches to final accuracy, the
/// time-averaged and the best probability, and the share of probe passes solved. Hovering a point names every run
/// folder it pools, with its swept settings and value.
/// </summary>
public sealed class ScaleSection : IReportSection
{
    public void Write(HtmlPage page, ReportContext context)
    {
        var scale = context.Scale;
        page.Section($"Analogy and composition vs {scale.Key}");
        var finished = context.Grid.Finished.ToList();
        if (finished.Count == 0)
        {
            page.Missing("Scale plots", "no run has finished yet");
            return;
        }
        page.BeginFigures();
        foreach (var type in SettingNames.Headline)
        {
            var title = $"{SettingNames.Probe(type)} vs {scale.Key}";
            var views = Measure.Scale.Select(m => new ChartView(m.Name, m.AxisLabel, Series(context, finished, type, m))).ToList();
            if (views[0].Lines.Count == 0 && views[1].Lines.Count == 0)
            {
                page.Missing(title, $"no finished run has {type} probes");
                continue;
            }
            var ticks = ScaleSetting.Distinct(finished, scale.Key);
            var chart = new XyChart
            {
                Title = title,
                XLabel = scale.AxisLabel,
                YLabel = views[0].YLabel,
                ViewLabel = views[0].Label,
                LogX = scale.Log,
                XTicks = ticks.Count <= 12 ? ticks : null,
                YRange = (0, 1),
                Dodge = 0.012,
            };
            chart.Lines.AddRange(views[0].Lines);
            chart.OtherViews.AddRange(views.Skip(1));
            var what = type == ProbeTypes.IdCompositional
                ? "“ID” here is id_compositional, the trained two-hop facts (id_atomic is in the table and the CSV). " : "";
            page.Figure(chart.Build(), title,
                $"{what}{scale.Note}Time averages over {context.WindowNote}; the menu switches to final accuracy, probabilities " +
                $"and the share of probe passes solved. Each point: the mean over the finished runs with that {scale.Key} and depth " +
                "(seeds and other swept settings pooled; hover for n and every run); error bars: ± one sample standard deviation, " +
                "clipped to [0, 1]. Depths are drawn slightly apart at each x so that equal values stay visible.");
        }
        page.EndFigures();
    }

    /// <summary>One series per depth (a single series when the x setting is depth itself), points in x order, each the
    /// mean ± std of <paramref name="measure"/> over the runs there.</summary>
    public static List<LineSeries> Series(ReportContext context, IReadOnlyList<RunRecord> runs, string type, Measure measure)
    {
        var xKey = context.Scale.Key;
        var byDepth = xKey == "depth"
            ? [new KeyValuePair<string, List<RunRecord>>("all runs", [.. runs])]
            : runs.GroupBy(r => r.Number("depth")).OrderBy(g => g.Key)
                .Select(g => new KeyValuePair<string, List<RunRecord>>(
                    double.IsFinite(g.Key) ? "depth " + g.Key.ToString(CultureInfo.InvariantCulture) : "depth ?", [.. g]))
                .ToList();
        var series = new List<LineSeries>();
        for (var g = 0; g < byDepth.Count; g++)
        {
            var (name, group) = byDepth[g];
            var points = new List<SeriesPoint>();
            foreach (var x in ScaleSetting.Distinct(group, xKey))
            {
                var here = group.Where(r => r.Number(xKey) == x).ToList();
                var s = Stats.Of(here.Select(r => r.Figure(type, measure)));
                if (s.Count == 0) continue;
                var xText = x.ToString(CultureInfo.InvariantCulture);
                var hover = $"{name}, {xKey} {xText}\n{measure.Name} of {SettingNames.Probe(type)}: {Fixed(s.Mean, 3)} ± {Fixed(s.Std, 3)} " +
                    $"(n = {s.Count}, min {Fixed(s.Min, 3)}, max {Fixed(s.Max, 3)})\n" +
                    string.Join("\n", here.Select(r => $"{context.Label(r)}: {Fixed(r.Figure(type, measure), 3)}"));
                points.Add(new SeriesPoint(x, s.Mean, s.Mean - s.Std, s.Mean + s.Std, hover));
            }
            // Colour by depth, not by position among the drawn series, so a depth keeps its colour across the plots.
            if (points.Count > 0) series.Add(new LineSeries(name, Palette.Series(g), points));
        }
        return series;
    }
}
