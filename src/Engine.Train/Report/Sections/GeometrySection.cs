using Engine.Train.Metrics;
using Engine.Train.Report.Charts;
using static Engine.Train.Report.Html;

namespace Engine.Train.Report.Sections;

/// <summary>
/// For the chosen run, the normalised Dirichlet energy over the functor graph (mean ‖x̂_e − x̂_F(e)‖², on
/// embedding and head rows; ≈ 2 at initialisation, 0 when aligned) and the parallelism
/// P = cos(u_F(e) − h_e, e_f) over ID and OOD analogies, against the step on a log axis.
/// </summary>
public sealed class GeometrySection : IReportSection
{
    public void Write(HtmlPage page, ReportContext context)
    {
        page.Section("Geometry over training");
        if (context.Chosen is not { } run)
        {
            page.Missing("Dirichlet energy and parallelism", context.ChosenNote);
            return;
        }
        page.BeginFigures();
        var tied = run.Setting("tied") == "true";
        Plot(page, context, run, $"Dirichlet energy (normalised), run {run.Id}",
            "normalised Dirichlet energy (0–4, unitless)", (0, 2),
            [("embedding rows", m => m.DirichletNorm, false), ("head rows", m => m.DirichletHeadNorm, true)],
            "Mean over the functor pairs (e, F(e)) of ‖x̂_e − x̂_F(e)‖², x̂ = x/‖x‖: about 2 for random rows, 0 when E1 and E2 " +
            "align. Head rows dashed." + (tied ? " The model is tied, so the two lines coincide." : ""));
        Plot(page, context, run, $"Parallelism over training, run {run.Id}",
            "parallelism P (cosine, −1…1)", (-1, 1),
            [("ID analogies", m => m.ParallelismId, false), ("OOD analogies", m => m.ParallelismOod, false)],
            "P = cos(u_F(e) − h_e, e_f): h_e the layer-1 attention value/output image of the source, u the head row of its " +
            "image, e_f the embedding of <f>; averaged over the ID and the OOD analogical facts.");
        page.EndFigures();
    }

    private static void Plot(HtmlPage page, ReportContext context, RunRecord run, string title, string yLabel, (double, double) yRange,
        IReadOnlyList<(string Name, Func<EpochMetrics, double?> Value, bool Dashed)> lines, string caption)
    {
        var chart = new XyChart { Title = title, XLabel = "optimizer step (log scale)", YLabel = yLabel, LogX = true, YRange = yRange };
        for (var i = 0; i < lines.Count; i++)
        {
            var (name, value, dashed) = lines[i];
            // An undefined value (null) becomes NaN, which breaks the line instead of joining across the gap.
            var points = run.Metrics.Where(m => m.Step > 0)
                .Select(m => new SeriesPoint(m.Step, value(m) ?? double.NaN, Hover: $"{name}, epoch {m.Epoch} (step {m.Step}): {Fixed(value(m) ?? double.NaN, 3)}"))
                .ToList();
            if (points.Any(p => double.IsFinite(p.Y)))
                chart.Lines.Add(new LineSeries(name, Palette.Series(i), TrajectorySection.Thin(points), Markers: points.Count <= 40, Dashed: dashed));
        }
        if (!chart.HasData)
        {
            page.Missing(title, "the run recorded no such values after step 0");
            return;
        }
        page.Figure(chart.Build(), title, $"{caption} Run: {context.ChosenNote}: {context.Describe(run)}.");
    }
}
