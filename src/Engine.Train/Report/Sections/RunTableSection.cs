using System.Text;
using Engine.Train.Metrics;
using static Engine.Train.Report.Html;

namespace Engine.Train.Report.Sections;

/// <summary>
/// The closing table of runs with their key numbers, the failure reasons and the notes on unreadable input.
/// </summary>
public sealed class RunTableSection : IReportSection
{
    private static readonly string[] TableTypes =
        [ProbeTypes.IdAtomic, ProbeTypes.IdCompositional, ProbeTypes.NearOodCompositional, ProbeTypes.IdAnalogical, ProbeTypes.OodAnalogical];

    public void Write(HtmlPage page, ReportContext context)
    {
        var grid = context.Grid;
        page.Section("Runs");
        if (grid.Runs.Count == 0)
        {
            page.Missing("Run table", "the grid has no run folders yet");
        }
        else
        {
            page.Raw(Table(grid));
            page.Paragraph($"Accuracies are final values (fraction correct); the OOD-analogy time averages cover {context.WindowNote}; " +
                "stages are the first epochs at 100 % of all ID facts, the near-OOD compositions and the OOD analogies. The full set of " +
                "columns is in summary.csv. Unfinished runs show their progress so far.", "meta");
        }
        var failed = grid.Runs.Where(r => r.Status == RunStatus.Failed).ToList();
        if (failed.Count > 0)
        {
            page.Heading(2, "Failed runs");
            page.Raw("<ul>\n" + string.Concat(failed.Select(r => $"<li><code>{Escape(r.Id)}</code>: {Escape(r.Failure ?? "")}</li>\n")) + "</ul>\n");
        }
        if (grid.Problems.Count > 0)
        {
            page.Heading(2, "Notes on the input");
            page.Raw("<ul>\n" + string.Concat(grid.Problems.Select(p => $"<li>{Escape(p)}</li>\n")) + "</ul>\n");
        }
    }

    private static string Table(GridData grid)
    {
        var sb = new StringBuilder("<div class=\"scroll\"><table>\n<thead><tr><th class=\"id\">run</th><th>status</th>");
        foreach (var key in grid.SweptKeys) sb.Append($"<th>{Escape(key)}</th>");
        foreach (var type in TableTypes) sb.Append($"<th>{Escape(SettingNames.Probe(type))}</th>");
        sb.Append("<th>OOD analogy: time-averaged acc</th><th>share of passes solved</th><th>best P(target)</th>")
            .Append("<th>stages (ID / near-OOD / OOD analogy)</th>")
            .Append("<th>first OOD-analogy success (epoch)</th><th>transient (times lost)</th><th>min Dirichlet (emb / head)</th>")
            .Append("<th>max P (ID / OOD)</th><th>epochs</th><th>steps</th><th>seconds</th></tr></thead>\n<tbody>\n");
        foreach (var run in grid.Runs)
        {
            var status = SummaryCsv.Status(run.Status);
            var s = run.Summary;
            sb.Append($"<tr class=\"{status}\"><td class=\"id\">{Escape(run.Id)}</td><td>{status}</td>");
            foreach (var key in grid.SweptKeys) sb.Append($"<td>{Escape(run.Setting(key))}</td>");
            foreach (var type in TableTypes) sb.Append($"<td>{Fixed(run.FinalAccuracy(type), 3)}</td>");
            foreach (var measure in new[] { Measure.MeanAcc, Measure.SolvedFraction, Measure.BestProb })
                sb.Append($"<td>{Fixed(run.Figure(ProbeTypes.OodAnalogical, measure), 3)}</td>");
            sb.Append($"<td>{Stage(s?.Stages?.IdFacts)} / {Stage(s?.Stages?.NearOodComposition)} / {Stage(s?.Stages?.OodAnalogy)}</td>");
            sb.Append($"<td>{(s?.FirstOodAnalogySuccessEpoch?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "–")}</td>")
                .Append($"<td>{(s is null ? "–" : s.Transient ? $"yes ({s.TimesLost})" : "no")}</td>")
                .Append($"<td>{Pair(s?.MinDirichletNorm, s?.MinDirichletHeadNorm)}</td>")
                .Append($"<td>{Pair(s?.MaxParallelismId, s?.MaxParallelismOod)}</td>")
                .Append($"<td>{Whole(s?.Epochs)}</td><td>{Whole(s?.Steps)}</td><td>{Fixed(s?.Seconds ?? double.NaN, 1)}</td></tr>\n");
        }
        return sb.Append("</tbody>\n</table></div>\n").ToString();
    }

    private static string Pair(double? a, double? b) => $"{Fixed(a ?? double.NaN, 3)} / {Fixed(b ?? double.NaN, 3)}";

    private static string Stage(int? epoch) => epoch?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "–";

    private static string Whole(long? value) => value?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "–";
}
