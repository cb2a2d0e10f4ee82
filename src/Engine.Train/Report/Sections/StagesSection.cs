using System.Globalization;
using Engine.Train.Metrics;
using Engine.Train.Report.Charts;

namespace Engine.Train.Report.Sections;

/// <summary>
/// The learning stages vs width (or the scale setting): for every finished run, the epoch at which all ID facts, the
/// near-OOD compositions and the OOD analogies first reached 100 % accuracy, on a log axis. The study's claim is
/// that they come in this order; a run that never reached a stage has no point for it.
/// </summary>
public sealed class StagesSection : IReportSection
{
    private static readonly (string Name, Func<StageEpochs, int?> Epoch)[] Stages =
    [
        ("all ID facts at 100 %", s => s.IdFacts),
        ("near-OOD composition at 100 %", s => s.NearOodComposition),
        ("OOD analogy at 100 %", s => s.OodAnalogy),
    ];

    public void Write(HtmlPage page, ReportContext context)
    {
        page.Section("Stages of learning");
        var key = context.Scale.Key;
        var finished = context.Grid.Finished.Where(r => r.Summary?.Stages is not null).ToList();
        if (finished.Count == 0)
        {
            page.Missing("Stages", "no finished run has stage epochs");
            return;
        }
        var title = $"Stage epochs vs {key}";
        var ticks = ScaleSetting.Distinct(finished, key);
        var chart = new XyChart
        {
            Title = title,
            XLabel = context.Scale.AxisLabel,
            YLabel = "first epoch at 100 % (log scale)",
            LogX = context.Scale.Log,
            LogY = true,
            XTicks = ticks.Count <= 12 ? ticks : null,
            Dodge = 0.02,
        };
        var reached = new List<string>();
        for (var i = 0; i < Stages.Length; i++)
        {
            var (name, epoch) = Stages[i];
            var points = finished.Where(r => epoch(r.Summary!.Stages!) is not null).Select(r =>
            {
                var e = epoch(r.Summary!.Stages!)!.Value;
                return new SeriesPoint(r.Number(key), e, Hover: $"{context.Label(r)}\n{name}: epoch {e.ToString(CultureInfo.InvariantCulture)}");
            }).ToList();
            reached.Add($"{name}: {points.Count} of {finished.Count}");
            chart.Lines.Add(new LineSeries(name, Palette.Series(i), points, MarkersOnly: true));
        }
        if (!chart.HasData)
        {
            page.Missing(title, "no finished run reached any stage");
            return;
        }
        page.BeginFigures();
        page.Figure(chart.Build(), title,
            $"One marker per finished run and stage: the first probed epoch at which all ID facts (every ID type at the same pass), " +
            $"the near-OOD compositions and the OOD analogies were all answered correctly. Runs that reached each stage: " +
            $"{string.Join("; ", reached)}. Stages are drawn slightly apart at each {key}.");
        page.EndFigures();
    }
}
