using Engine.Train.Config;
using Engine.Train.Report;
using Engine.Train.Tests.Report;
using Engine.Train.Training;
using NUnit.Framework;

namespace Engine.Train.Tests.Analysis;

/// <summary>The report's layer-wise section: drawn from analysis.json (and analysis.jsonl), or a note saying how to get it.</summary>
[TestFixture]
[Category("Analysis")]
public sealed class AnalysisSectionTests
{
    private string _root = "";

    [SetUp]
    public void SetUp() => _root = Directory.CreateTempSubdirectory("engine-analysis-report-").FullName;

    [TearDown]
    public void TearDown() => Directory.Delete(_root, recursive: true);

    private string Train(bool analyze)
    {
        var dir = Path.Combine(_root, analyze ? "analysed" : "plain");
        var settings = new RunSettings
        {
            Entities = 6,
            Relations = 20,
            Width = 16,
            Depth = 2,
            Lr = 1e-2,
            Batch = 16,
            Epochs = 10,
            EvalEvery = 5,
            CheckpointEvery = 5,
            Device = "cpu:1",
            Analyze = analyze,
        };
        using var trainer = new Trainer(settings, dir, resume: false);
        trainer.Run();
        return dir;
    }

    [Test]
    public void DrawsTheAnalysisOfTheRun()
    {
        var dir = Train(analyze: true);
        var page = new ReportPage(ReportBuilder.Build(dir, new ReportOptions()).ReportHtmlPath);
        var id = Path.GetFileName(dir);
        var titles = page.Figures.Select(f => f.Title).ToList();
        Assert.That(titles, Does.Contain($"Logit lens by layer, run {id}")
            .And.Contain($"Linear probe by layer, run {id}")
            .And.Contain($"Residual-stream Dirichlet energy by layer, run {id}")
            .And.Contain($"OOD-analogy logit lens over training, run {id}"));
        Assert.That(page.Captions.Single(c => c.Contains("ridge least-squares")), Does.Contain("fitted on the").And.Contain("id_atomic, id_compositional, id_analogical"));
        Assert.That(page.Captions.Single(c => c.Contains("final LayerNorm and the output head")), Does.Contain("checkpoint of epoch 10"));
        Assert.That(page.SectionHeadings, Has.Some.EndsWith(". Layer-wise analysis"));

        // The plotted values are analysis.json's, layer by layer.
        var report = Engine.Train.Analysis.AnalysisReport.FromJson(File.ReadAllText(Path.Combine(dir, "analysis.json")));
        var lens = page.FigureTitled($"Logit lens by layer, run {id}").Trace("OOD analogical");
        Assert.That(PageFigure.Numbers(lens["x"]), Is.EqualTo(new double?[] { 0, 1, 2 }));
        Assert.That(PageFigure.Numbers(lens["y"]), Is.EqualTo(report.LogitLens["ood_analogical"].Prob.Select(v => (double?)v)).Within(1e-12));
        var energy = page.FigureTitled($"Residual-stream Dirichlet energy by layer, run {id}").Trace("F_1 <f>");
        Assert.That(PageFigure.Numbers(energy["y"]), Is.EqualTo(report.Dirichlet[0].Norm).Within(1e-12));
    }

    [Test]
    public void SaysHowToGetTheAnalysisWhenTheRunHasNone()
    {
        var dir = Train(analyze: false);
        var page = new ReportPage(ReportBuilder.Build(dir, new ReportOptions()).ReportHtmlPath);
        Assert.That(page.Text, Does.Contain("has no analysis.json: run engine analyze"));
        Assert.That(page.AbsentNotes, Has.None.Contains("analysis"));
        Assert.That(page.Figures.Select(f => f.Title), Has.None.Contains("by layer"));
    }
}
