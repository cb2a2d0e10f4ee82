using Engine.Train.Analysis;
using Engine.Train.Report.Charts;
using Engine.Train.Training;

namespace Engine.Train.Report.Sections;

/// <summary>
/// The layer-wise analyses of the chosen run, read from its <c>analysis.json</c> (written by
/// <c>engine analyze</c>, or by training with <c>--analyze</c>): the logit lens P(target) per probe type, the linear
/// probe's accuracy per probe type and the normalised Dirichlet energy of the entities' residual streams per functor,
/// each against the layer; with <c>analysis.jsonl</c>, also the OOD-analogy lens over training, one line per layer.
/// Kept to this one file so the charts move with the rest of the report.
/// </summary>
public sealed class AnalysisSection : IReportSection
{
    public void Write(HtmlPage page, ReportContext context)
    {
        page.Section("Layer-wise analysis");
        // The analysis is optional (a separate command): a run without one gets a note, not an "absent" entry.
        if (context.Chosen is not { } run)
        {
            page.Paragraph($"No layer-wise analysis: {context.ChosenNote}.");
            return;
        }
        var files = new RunFiles(run.Folder);
        var path = files.Analysis;
        if (!File.Exists(path))
        {
            page.Paragraph($"Run {run.Id} has no {Path.GetFileName(path)}: run engine analyze {run.Folder} (or train with --analyze) " +
                "for the logit lens, linear probe and residual-stream Dirichlet energy by layer.");
            return;
        }
        AnalysisReport report;
        try
        {
            report = AnalysisReport.FromJson(File.ReadAllText(path));
        }
        catch (Exception e) when (e is System.Text.Json.JsonException or IOException)
        {
            page.Missing($"Layer-wise analysis of run {run.Id}", $"{path} is not readable: {e.Message.ReplaceLineEndings(" ")}");
            return;
        }
        var where = $"Run: {context.ChosenNote}: {context.Describe(run)}; checkpoint of epoch {report.Epoch?.ToString() ?? "?"}.";
        var layers = Enumerable.Range(0, report.Layers.Count).Select(l => (double)l).ToList();
        var layerAxis = $"layer (0 = embedding, ℓ = after block ℓ; {report.Layers.Count - 1} blocks)";
        page.BeginFigures();
        Plot(page, $"Logit lens by layer, run {run.Id}", layerAxis, "mean P(target) (0–1)", (0, 1), layers,
            [.. report.LogitLens.Select(p => (SettingNames.Probe(p.Key), (IReadOnlyList<double?>)[.. p.Value.Prob.Select(v => (double?)v)]))],
            "The final LayerNorm and the output head applied to the residual stream at the predicting position after each " +
            "layer; the mean probability of the target over all V tokens. The last layer is the model's own output. " + where);
        Plot(page, $"Linear probe by layer, run {run.Id}", layerAxis, "probe accuracy (fraction correct)", (0, 1), layers,
            [.. report.LinearProbe.Types.Select(p => (SettingNames.Probe(p.Key), (IReadOnlyList<double?>)[.. p.Value.Acc.Select(v => (double?)v)]))],
            $"A ridge least-squares map (α = {report.LinearProbe.Ridge}) from the residual stream at the predicting position to " +
            $"the target entity, fitted on the {report.LinearProbe.Fit.Count} trained facts ({string.Join(", ", report.LinearProbe.FittedOn)}) " +
            "and scored on every type by argmax over the entities: held-out types out of sample, trained ones in sample. " + where);
        Plot(page, $"Residual-stream Dirichlet energy by layer, run {run.Id}", layerAxis, "normalised Dirichlet energy (0–4, unitless)", (0, 4), layers,
            [.. report.Dirichlet.Select(d => ($"F_{d.Functor} {d.Token}", d.Norm))],
            "Mean over e ∈ E1 of ‖r̂_e − r̂_F(e)‖², r the residual stream of the one-token input [e] after each layer " +
            "(r̂ = r/‖r‖): about 2 for unrelated directions, 0 when each entity's stream sits on its image's. " + where);
        PlotOverTraining(page, run, files.AnalysisLog, layerAxis);
        page.EndFigures();
    }

    private static void Plot(HtmlPage page, string title, string xLabel, string yLabel, (double, double) yRange, IReadOnlyList<double> xs,
        IReadOnlyList<(string Name, IReadOnlyList<double?> Values)> lines, string caption)
    {
        var chart = new XyChart { Title = title, XLabel = xLabel, YLabel = yLabel, YRange = yRange, XTicks = xs };
        for (var i = 0; i < lines.Count; i++)
        {
            var (name, values) = lines[i];
            var points = xs.Select((x, l) => new SeriesPoint(x, values[l] ?? double.NaN,
                Hover: $"{name}, layer {l}: {(values[l] is { } v ? v.ToString("0.####", System.Globalization.CultureInfo.InvariantCulture) : "undefined")}")).ToList();
            if (points.Any(p => double.IsFinite(p.Y))) chart.Lines.Add(new LineSeries(name, Palette.Series(i), points));
        }
        if (!chart.HasData)
        {
            page.Missing(title, "the analysis holds no such values");
            return;
        }
        page.Figure(chart.Build(), title, caption);
    }

    /// <summary>The OOD-analogy lens P(target) at each checkpoint of analysis.jsonl, one line per layer.</summary>
    private static void PlotOverTraining(HtmlPage page, RunRecord run, string log, string layerAxis)
    {
        if (!File.Exists(log)) return;
        var reports = new List<AnalysisReport>();
        foreach (var line in File.ReadLines(log))
        {
            try
            {
                reports.Add(AnalysisReport.FromJson(line));
            }
            catch (System.Text.Json.JsonException)
            {
            }
        }
        var usable = reports.Where(r => r.Epoch is not null && r.LogitLens.ContainsKey("ood_analogical")).ToList();
        if (usable.Count < 2) return;
        var title = $"OOD-analogy logit lens over training, run {run.Id}";
        var chart = new XyChart { Title = title, XLabel = "epoch (checkpoint)", YLabel = "mean P(target) on OOD analogies (0–1)", YRange = (0, 1) };
        for (var layer = 0; layer < usable[0].Layers.Count; layer++)
        {
            var points = usable.Where(r => r.Layers.Count == usable[0].Layers.Count)
                .Select(r => new SeriesPoint(r.Epoch!.Value, r.LogitLens["ood_analogical"].Prob[layer],
                    Hover: $"layer {layer}, epoch {r.Epoch}: P(target) {r.LogitLens["ood_analogical"].Prob[layer]:0.####}")).ToList();
            chart.Lines.Add(new LineSeries($"layer {layer}", Palette.Series(layer), points));
        }
        page.Figure(chart.Build(), title,
            $"From analysis.jsonl (training with --analyze): the logit-lens probability of the OOD-analogy targets at each checkpoint, " +
            $"one line per {layerAxis}.");
    }
}
