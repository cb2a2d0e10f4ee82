using Engine.Train.Report.Charts;

namespace Engine.Train.Report.Sections;

/// <summary>
/// The chosen run's entity embeddings on their first two principal components (pca.json): E1 and E2 in two
/// colours (other entities grey), an arrow e → F(e) for each functor pair, each point labelled, equal scales on
/// both axes so angles and lengths are true.
/// </summary>
public sealed class PcaSection : IReportSection
{
    public void Write(HtmlPage page, ReportContext context)
    {
        page.Section("Embedding geometry (PCA)");
        if (context.Chosen is not { } run)
        {
            page.Missing("PCA picture", context.ChosenNote);
            return;
        }
        if (run.Pca is not { Points.Count: > 0 } pca)
        {
            page.Missing("PCA picture", run.Pca is null ? $"run {run.Id} has no pca.json" : $"run {run.Id}'s pca.json has no points");
            return;
        }
        var title = $"Entity embeddings, PC1 vs PC2, epoch {pca.Epoch}, run {run.Id}";
        var chart = new XyChart
        {
            Title = title,
            XLabel = $"PC1 ({Ratio(pca.ExplainedRatio, 0)} of variance; embedding units)",
            YLabel = $"PC2 ({Ratio(pca.ExplainedRatio, 1)} of variance)",
            EqualAspect = true,
            Width = 640,
            Height = 540,
        };
        var byToken = pca.Points.GroupBy(p => p.Token).ToDictionary(g => g.Key, g => g.First());
        var arrows = pca.Functor.Where(pair => pair.Count == 2 && byToken.ContainsKey(pair[0]) && byToken.ContainsKey(pair[1]))
            .Select(pair => (byToken[pair[0]].X, byToken[pair[0]].Y, byToken[pair[1]].X, byToken[pair[1]].Y)).ToList();
        if (arrows.Count > 0) chart.Arrows.Add(new ArrowSet("F: e → F(e)", "#777777", arrows));
        var unknown = 0;
        foreach (var group in pca.Points.GroupBy(p => p.Category).OrderBy(g => Rank(g.Key)).ThenBy(g => g.Key, StringComparer.Ordinal))
        {
            var colour = group.Key switch
            {
                "E1" => Palette.Series(0),
                "E2" => Palette.Series(1),
                "other" => Palette.Grey,
                _ => Palette.Series(3 + unknown++),
            };
            chart.Scatters.Add(new ScatterSeries(group.Key, colour, [.. group.Select(p => new ScatterPoint(p.X, p.Y, p.Label))]));
        }
        page.BeginFigures();
        page.Figure(chart.Build(), title,
            $"Rows of the token embedding for the entities, projected on their first two principal components; arrows join e ∈ E1 to " +
            $"F(e) ∈ E2. Hover a point for its label and coordinates. Parallel arrows of equal length mean the functor is a translation. Run: {context.ChosenNote}: {context.Describe(run)}.");
        page.EndFigures();
    }

    private static int Rank(string category) => category switch { "E1" => 0, "E2" => 1, "other" => 2, _ => 3 };

    private static string Ratio(IReadOnlyList<double> ratios, int i) =>
        i < ratios.Count && double.IsFinite(ratios[i]) ? (ratios[i] * 100).ToString("F1", System.Globalization.CultureInfo.InvariantCulture) + "%" : "?%";
}
