using Engine.Train.Metrics;
using Engine.Train.Report.Charts;

namespace Engine.Train.Report.Sections;

/// <summary>
/// The OOD analogy over two swept settings, each cell the mean over the finished runs with those two values (other
/// settings and seeds pooled): time-averaged accuracy first, final accuracy and time-averaged probability from the
/// menu. Rows and columns are every value any run has, so a cell whose runs have not finished shows as empty rather
/// than vanishing.
/// </summary>
public sealed class HeatMapSection : IReportSection
{
    private static readonly Measure[] Measures = [Measure.MeanAcc, Measure.FinalAcc, Measure.MeanProb];

    public void Write(HtmlPage page, ReportContext context)
    {
        page.Section("OOD analogy over two settings");
        var (xKey, yKey, why) = ChooseKeys(context.Grid, context.Options);
        if (why is not null)
        {
            page.Missing("Heat map", why);
            return;
        }
        var finished = context.Grid.Finished.ToList();
        if (finished.Count == 0)
        {
            page.Missing("Heat map", "no run has finished yet");
            return;
        }
        var xs = Categories(context.Grid.Runs, xKey);
        var ys = Categories(context.Grid.Runs, yKey);
        var title = $"OOD analogy over {xKey} × {yKey}";
        var chart = new HeatMapChart
        {
            Title = title,
            XLabel = SettingNames.AxisLabel(xKey),
            YLabel = SettingNames.AxisLabel(yKey),
            XCategories = [.. xs.Select(Show)],
            YCategories = [.. ys.Select(Show)],
            ValueLabel = "OOD analogy",
        };
        foreach (var measure in Measures)
        {
            var values = new double[ys.Count, xs.Count];
            var hover = new string[ys.Count, xs.Count];
            for (var yi = 0; yi < ys.Count; yi++)
                for (var xi = 0; xi < xs.Count; xi++)
                {
                    var runs = finished.Where(r => r.Setting(xKey) == xs[xi] && r.Setting(yKey) == ys[yi]).ToList();
                    var s = Stats.Of(runs.Select(r => r.Figure(ProbeTypes.OodAnalogical, measure)));
                    values[yi, xi] = s.Mean;
                    hover[yi, xi] = $"{xKey} = {Show(xs[xi])}, {yKey} = {Show(ys[yi])}\n" + (s.Count == 0
                        ? "no finished run"
                        : $"{measure.Name}: {Html.Fixed(s.Mean, 3)} ± {Html.Fixed(s.Std, 3)} (n = {s.Count})\n" +
                          string.Join("\n", runs.Select(r => $"{context.Label(r)}: {Html.Fixed(r.Figure(ProbeTypes.OodAnalogical, measure), 3)}")));
                }
            chart.Views.Add(new HeatMapView(measure.Name, values, hover));
        }
        page.BeginFigures();
        page.Figure(chart.Build(), title,
            $"Each cell: the mean OOD-analogy {Measure.MeanAcc.Name} (over {context.WindowNote}) of the finished runs with that {xKey} and " +
            $"{yKey} (all other settings and seeds pooled; hover for n and every run); the menu switches to final accuracy and the " +
            "time-averaged probability. Blank cells have no finished run.");
        page.EndFigures();
    }

    /// <summary>The two settings to map: the options' choice, else the first two swept settings that are not seeds
    /// (seeds only when nothing else is left). Returns a reason instead when fewer than two settings are swept.</summary>
    /// <exception cref="ReportException">An option names a setting that is not swept, or both name the same one.</exception>
    public static (string X, string Y, string? Why) ChooseKeys(GridData grid, ReportOptions options)
    {
        var swept = grid.SweptKeys;
        foreach (var (flag, key) in new[] { ("heat-x", options.HeatX), ("heat-y", options.HeatY) })
            if (key is not null && !swept.Contains(key))
                throw new ReportException($"{flag}: '{key}' is not a swept setting of this grid (swept: {(swept.Count == 0 ? "none" : string.Join(", ", swept))})");
        if (options.HeatX is not null && options.HeatX == options.HeatY)
            throw new ReportException($"heat-y: the heat map needs two different settings (both are '{options.HeatX}')");
        var candidates = swept.Where(k => !SettingNames.IsSeed(k)).Concat(swept.Where(SettingNames.IsSeed)).ToList();
        var x = options.HeatX ?? candidates.FirstOrDefault(k => k != options.HeatY);
        var y = options.HeatY ?? candidates.FirstOrDefault(k => k != x);
        if (x is null || y is null)
            return ("", "", swept.Count == 0
                ? "no setting is swept, and a heat map needs two"
                : $"only one setting is swept ({swept[0]}), and a heat map needs two");
        return (x, y, null);
    }

    /// <summary>The values a setting takes over the runs: numerically ordered when all are numbers, else ordinal.</summary>
    public static List<string> Categories(IEnumerable<RunRecord> runs, string key)
    {
        var values = runs.Select(r => r.Setting(key)).Distinct().ToList();
        return values.All(v => double.IsFinite(RunRecord.ParseNumber(v)))
            ? [.. values.OrderBy(RunRecord.ParseNumber)]
            : [.. values.Order(StringComparer.Ordinal)];
    }

    private static string Show(string value) => value.Length == 0 ? "(unset)" : value;
}
