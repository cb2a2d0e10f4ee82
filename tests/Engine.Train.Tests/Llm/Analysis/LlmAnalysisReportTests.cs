using Engine.Train.Llm.Analysis;
using Engine.Train.Llm.Prompts;
using Engine.Train.Tests.Report;
using NUnit.Framework;

namespace Engine.Train.Tests.Llm.Analysis;

[TestFixture]
[Category("Llm")]
public class LlmAnalysisReportTests
{
    private static LayerCurves Curves(double?[] energy, double?[] prob) =>
        new(energy, energy, [1, 1, 1], prob, [.. prob.Select(p => p is { } v ? Math.Log(v) : (double?)null)], [3, 2, 1],
            [0, 0, 1], [0.5, 0.6, 0.7], [0.4, 0.5, 0.6]);

    private static LlmAnalysisReport Report()
    {
        var settings = new AnalogyPromptSettings(3, 2, Seed: 5);
        var a = Curves([4, 2, 0], [0.1, 0.5, 0.9]);
        var b = Curves([2, null, 1], [0.3, 0.5, 0.5]);
        PromptResult Result(int i, LayerCurves c) => new(i, "1", "text", "7", 55, c, PromptAnalysis.Correlate(c));
        return LlmAnalysisReport.Of([Result(0, a), Result(1, b)], "tiny", "Gemma2", "cpu", settings, ResidualMode.NextNorm,
            EntityVectorMode.LastDigit, 1.5, 1 << 20);
    }

    [Test]
    public void MeansAreOverTheDefinedValuesPerLayerAndCorrelationsOfTheMeanCurves()
    {
        var report = Report();
        Assert.That(report.Layers, Is.EqualTo(new[] { "embedding", "block 1", "block 2" }));
        Assert.That(report.Mean.EnergyRaw, Is.EqualTo(new double?[] { 3, 2, 0.5 }).Within(1e-12));
        Assert.That(report.Mean.ProbTarget, Is.EqualTo(new double?[] { 0.2, 0.5, 0.7 }).Within(1e-12));
        // Mean curves: energy (3, 2, 0.5) against P (0.2, 0.5, 0.7).
        Assert.That(report.Correlation.EnergyRawVsProb, Is.EqualTo(Pearson([3, 2, 0.5], [0.2, 0.5, 0.7])).Within(1e-12));
        // Prompt a: r = −1; prompt b has two defined layers only: no correlation, so the mean is a's.
        Assert.That(report.Prompts[1].Correlation.EnergyRawVsProb, Is.Null);
        Assert.That(report.MeanPromptCorrelation.EnergyRawVsProb, Is.EqualTo(-1).Within(1e-12));
    }

    private static double Pearson(double[] x, double[] y)
    {
        double mx = x.Average(), my = y.Average();
        var sxy = x.Zip(y, (a, b) => (a - mx) * (b - my)).Sum();
        return sxy / Math.Sqrt(x.Sum(a => (a - mx) * (a - mx)) * y.Sum(b => (b - my) * (b - my)));
    }

    [Test]
    public void JsonRoundTripsWithUndefinedValuesAsNull()
    {
        var report = Report();
        var json = report.ToJson();
        Assert.That(json, Does.Contain("\"energy_normalised\""));
        Assert.That(json, Does.Contain("null"));
        var back = LlmAnalysisReport.FromJson(json);
        Assert.That(back.Mean.EnergyRaw, Is.EqualTo(report.Mean.EnergyRaw));
        Assert.That(back.Prompts[1].Curves.EnergyRaw, Is.EqualTo(new double?[] { 2, null, 1 }));
        Assert.That(back.PromptSettings, Is.EqualTo(report.PromptSettings));
        Assert.That(back.Format, Is.EqualTo(LlmAnalysisReport.CurrentFormat));
    }

    [Test]
    public void FilesAreWrittenAndThePageHoldsEveryCurveOffline()
    {
        var folder = Path.Combine(Path.GetTempPath(), $"llm-report-{Guid.NewGuid():N}");
        try
        {
            var (json, html) = LlmAnalysisFiles.Write(folder, Report());
            Assert.That(LlmAnalysisReport.FromJson(File.ReadAllText(json)).Prompts, Has.Count.EqualTo(2));
            Assert.That(Directory.GetFiles(folder).Select(Path.GetFileName), Is.EquivalentTo(new[] { "llm-analysis.json", "llm-report.html" }));
            var page = new ReportPage(html);
            Assert.That(page.LibraryScripts, Has.Count.EqualTo(1));
            Assert.That(page.Html, Does.Not.Contain("src=\"http"));
            Assert.That(page.Figures.Select(f => f.Title), Is.EqualTo(new[]
            {
                "Dirichlet energy (raw)", "Dirichlet energy (normalised)", "Logit lens P(target)", "Functor cosine",
                "Functor spectrum ratio", "Energy against P(target), layer by layer",
            }));
            Assert.That(page.Text, Does.Contain("on the mean curves"));
            var lens = page.FigureTitled("Logit lens P(target)").Traces.Single();
            Assert.That(PageFigure.Numbers(lens["y"]), Is.EqualTo(new double?[] { 0.2, 0.5, 0.7 }).Within(1e-12));
            var energy = page.FigureTitled("Dirichlet energy (raw)").Traces.Single();
            Assert.That(PageFigure.Numbers(energy["y"]), Is.EqualTo(new double?[] { 3, 2, 0.5 }).Within(1e-12));
        }
        finally
        {
            Directory.Delete(folder, true);
        }
    }
}
