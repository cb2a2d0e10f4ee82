using Engine.Train.Analysis;
using Engine.Train.Config;
using Engine.Train.Metrics;
using Engine.Train.Training;
using NUnit.Framework;

namespace Engine.Train.Tests.Analysis;

/// <summary><c>engine analyze</c>'s loading: a trained run folder in, analysis.json out; anything else is bad input.</summary>
[TestFixture]
[Category("Analysis")]
public sealed class RunFolderAnalysisTests
{
    private string _root = "";

    [SetUp]
    public void SetUp() => _root = Directory.CreateTempSubdirectory("engine-analysis-").FullName;

    [TearDown]
    public void TearDown() => Directory.Delete(_root, recursive: true);

    private static readonly RunSettings Small = new()
    {
        Entities = 6,
        Relations = 20,
        Width = 16,
        Depth = 2,
        Heads = 2,
        Lr = 1e-2,
        Batch = 16,
        Epochs = 20,
        EvalEvery = 5,
        CheckpointEvery = 0,
        Device = "cpu:1",
    };

    private string Train()
    {
        var dir = Path.Combine(_root, "run");
        using var trainer = new Trainer(Small, dir, resume: false);
        trainer.Run();
        return dir;
    }

    [Test]
    public void AnalysesTheFinalCheckpointConsistentlyWithItsLastProbePass()
    {
        var dir = Train();
        var (report, path) = RunFolderAnalysis.Run(dir, "cpu:1");
        Assert.That(path, Is.EqualTo(Path.Combine(dir, "analysis.json")));
        Assert.That(AnalysisReport.FromJson(File.ReadAllText(path)).ToJson(), Is.EqualTo(report.ToJson()));
        var last = EpochMetrics.FromJsonLine(File.ReadAllLines(Path.Combine(dir, "metrics.jsonl"))[^1]);
        Assert.Multiple(() =>
        {
            Assert.That(report.Epoch, Is.EqualTo(20));
            Assert.That(report.Checkpoint, Is.EqualTo("checkpoint.safetensors"));
            Assert.That(report.Layers, Has.Count.EqualTo(3));
            foreach (var (type, lens) in report.LogitLens)
            {
                Assert.That(lens.Prob[^1], Is.EqualTo(last.Probes[type].Probability).Within(1e-5), type);
                Assert.That(lens.Count, Is.EqualTo(last.Probes[type].Count), type);
            }
            Assert.That(report.Dirichlet[0].Norm[0], Is.EqualTo(last.DirichletNorm).Within(1e-6));
            Assert.That(report.LinearProbe.FittedOn, Is.EqualTo(new[] { "id_atomic", "id_compositional", "id_analogical" }));
        });
    }

    [Test]
    public void AFolderThatIsNotARunIsBadInput()
    {
        Assert.That(() => RunFolderAnalysis.Run(Path.Combine(_root, "none"), "cpu:1"),
            Throws.TypeOf<AnalysisException>().With.Message.StartsWith("analyze: no folder"));
        Assert.That(() => RunFolderAnalysis.Run(_root, "cpu:1"),
            Throws.TypeOf<AnalysisException>().With.Message.EqualTo($"analyze: '{_root}' is not a run folder (no config.json)"));
        File.WriteAllText(Path.Combine(_root, "config.json"), Small.ToJson());
        Assert.That(() => RunFolderAnalysis.Run(_root, "cpu:1"),
            Throws.TypeOf<AnalysisException>().With.Message.Contains("has no checkpoint.safetensors"));
    }

    [Test]
    public void ATruncatedCheckpointIsBadInputAndLeavesTheOldAnalysis()
    {
        var dir = Train();
        var (_, path) = RunFolderAnalysis.Run(dir, "cpu:1");
        var before = File.ReadAllText(path);
        var checkpoint = Path.Combine(dir, "checkpoint.safetensors");
        var bytes = File.ReadAllBytes(checkpoint);
        File.WriteAllBytes(checkpoint, bytes[..(bytes.Length / 2)]);
        Assert.That(() => RunFolderAnalysis.Run(dir, "cpu:1"),
            Throws.TypeOf<InvalidDataException>().With.Message.Contains("checkpoint.safetensors"));
        Assert.That(File.ReadAllText(path), Is.EqualTo(before));
        Assert.That(() => RunFolderAnalysis.Run(dir, "cpu:1", ridge: -1), Throws.TypeOf<SettingsException>().With.Message.StartsWith("ridge:"));
    }

    [Test]
    public void TrainingWithAnalyzeAnalysesEveryCheckpointAndResumesWithoutRepeats()
    {
        var settings = Small with { Analyze = true, CheckpointEvery = 10 };
        Assert.That(settings.ToJson(), Does.Contain("\"analyze\": true"));
        var whole = Path.Combine(_root, "whole");
        using (var trainer = new Trainer(settings, whole, resume: false)) trainer.Run();
        static IEnumerable<int?> Epochs(string dir) => File.ReadAllLines(Path.Combine(dir, "analysis.jsonl")).Select(l => AnalysisReport.FromJson(l).Epoch);
        Assert.That(Epochs(whole), Is.EqualTo(new int?[] { 0, 10, 20 }));
        var final = AnalysisReport.FromJson(File.ReadAllText(Path.Combine(whole, "analysis.json")));
        Assert.That(final.ToJson(), Is.EqualTo(AnalysisReport.FromJson(File.ReadAllLines(Path.Combine(whole, "analysis.jsonl"))[^1]).ToJson()));
        // The trainer's analysis of its final checkpoint is what engine analyze finds in the folder.
        Assert.That(RunFolderAnalysis.Run(whole, "cpu:1").Report.ToJson(), Is.EqualTo(final.ToJson()));

        var parts = Path.Combine(_root, "parts");
        using (var first = new Trainer(settings with { Epochs = 10 }, parts, resume: false)) first.Run();
        using (var second = new Trainer(settings, parts, resume: true)) second.Run();
        Assert.That(Epochs(parts), Is.EqualTo(new int?[] { 0, 10, 20 }));
        Assert.That(File.ReadAllText(Path.Combine(parts, "analysis.json")), Is.EqualTo(File.ReadAllText(Path.Combine(whole, "analysis.json"))));
    }
}

