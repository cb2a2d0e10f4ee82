using Engine.Train.Config;
using Engine.Train.Metrics;
using Engine.Train.Training;
using NUnit.Framework;

namespace Engine.Train.Tests.Training;

/// <summary>A run folder's life: the target checks, a fresh start and a resume, each on the files alone.</summary>
[TestFixture]
[Category("Train")]
public class RunFolderTests
{
    private string _root = "";

    [SetUp]
    public void SetUp() => _root = Directory.CreateTempSubdirectory("engine-folder-").FullName;

    [TearDown]
    public void TearDown() => Directory.Delete(_root, recursive: true);

    [Test]
    public void TheTargetMustBeAFolderWithoutAnotherRun()
    {
        var file = Path.Combine(_root, "file");
        File.WriteAllText(file, "");
        Assert.That(() => new RunFolder(file).CheckTarget(resume: true),
            Throws.TypeOf<SettingsException>().With.Property("Setting").EqualTo("out").And.Message.Contains("is a file"));

        var folder = new RunFolder(Path.Combine(_root, "run"));
        Assert.That(() => folder.CheckTarget(resume: false), Throws.Nothing, "a folder that does not exist yet");
        Assert.That(Directory.Exists(folder.Files.Directory), Is.False, "checking makes nothing");
        folder.Create();
        File.WriteAllText(folder.Files.Summary, "{}");
        Assert.That(() => folder.CheckTarget(resume: false),
            Throws.TypeOf<SettingsException>().With.Message.Contains("already holds a run"));
        Assert.That(() => folder.CheckTarget(resume: true), Throws.Nothing);
    }

    [Test]
    public void CreateRemovesWhatAKilledWriterLeftButNotTheFilesItWasReplacing()
    {
        var folder = new RunFolder(Path.Combine(_root, "run"));
        Directory.CreateDirectory(Path.Combine(folder.Files.Data));
        File.WriteAllText(folder.Files.Config, "old");
        File.WriteAllText(Path.Combine(folder.Files.Directory, ".config.json.1234.tmp"), "torn");
        File.WriteAllText(Path.Combine(folder.Files.Data, ".train.json.99.tmp"), "torn");
        folder.Create();
        Assert.That(Directory.GetFiles(folder.Files.Directory, "*", SearchOption.AllDirectories).Select(Path.GetFileName),
            Is.EquivalentTo(new[] { "config.json" }));
        Assert.That(File.ReadAllText(folder.Files.Config), Is.EqualTo("old"));
    }

    [Test]
    public void ReopenKeepsTheMetricsUpToTheCheckpointAndClearsTheEndOfTheLastRun()
    {
        var folder = new RunFolder(Path.Combine(_root, "run"));
        folder.Create();
        var lines = new[] { 10, 20, 30 }.Select(e => new EpochMetrics { Epoch = e, Step = 3 * e, TrainLoss = 1.0 / e }.ToJsonLine());
        File.WriteAllText(folder.Files.Metrics, string.Join("\n", lines) + "\n{\"epoch\":40,\"st");  // a torn last line
        File.WriteAllText(folder.Files.Summary, "{}");
        File.WriteAllText(folder.Files.Failed, "{}");
        var settings = new RunSettings { Epochs = 77 };

        var kept = folder.Reopen(settings, epoch: 20);

        Assert.That(kept.Select(p => (p.Epoch, p.Step)), Is.EqualTo(new[] { (10, 30L), (20, 60L) }));
        Assert.That(File.ReadAllLines(folder.Files.Metrics).Select(l => EpochMetrics.FromJsonLine(l).Epoch), Is.EqualTo(new[] { 10, 20 }));
        Assert.That(File.Exists(folder.Files.Summary) || File.Exists(folder.Files.Failed), Is.False);
        Assert.That(RunSettings.FromJson(File.ReadAllText(folder.Files.Config), "config.json").Epochs, Is.EqualTo(77));
    }

    [Test]
    public void FinishWritesThePcaAndTheSummary()
    {
        var folder = new RunFolder(Path.Combine(_root, "run"));
        folder.Create();
        var passes = new[] { new EpochMetrics { Epoch = 5, Step = 15, TrainLoss = 0.25 } };
        folder.Finish(new PcaSnapshot(5, [0.75, 0.25], [], []), RunSummary.FromMetrics(passes));
        Assert.That(PcaSnapshot.FromJson(File.ReadAllText(folder.Files.Pca)).Epoch, Is.EqualTo(5));
        Assert.That(File.ReadAllText(folder.Files.Summary), Does.Contain("\"final_train_loss\": 0.25"));
    }
}
