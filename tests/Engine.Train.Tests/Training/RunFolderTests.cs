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

        using var folder = new RunFolder(Path.Combine(_root, "run"));
        Assert.That(() => folder.CheckTarget(resume: false), Throws.Nothing, "a folder that does not exist yet");
        Assert.That(Directory.Exists(folder.Files.Directory), Is.False, "checking makes nothing");
        folder.Create(resume: false);
        File.WriteAllText(folder.Files.Summary, "{}");
        Assert.That(() => folder.CheckTarget(resume: false),
            Throws.TypeOf<SettingsException>().With.Message.Contains("already holds a run"));
        Assert.That(() => folder.CheckTarget(resume: true), Throws.Nothing);
    }

    [Test]
    public void CreateRemovesWhatAKilledWriterLeftButNotTheFilesItWasReplacing()
    {
        using var folder = new RunFolder(Path.Combine(_root, "run"));
        Directory.CreateDirectory(Path.Combine(folder.Files.Data));
        File.WriteAllText(folder.Files.Config, "old");
        File.WriteAllText(Path.Combine(folder.Files.Directory, ".config.json.1234.tmp"), "torn");
        File.WriteAllText(Path.Combine(folder.Files.Data, ".train.json.99.tmp"), "torn");
        folder.Create(resume: true);
        Assert.That(Directory.GetFiles(folder.Files.Directory, "*", SearchOption.AllDirectories).Select(Path.GetFileName),
            Is.EquivalentTo(new[] { "config.json", RunLock.FileName }));
        Assert.That(File.ReadAllText(folder.Files.Config), Is.EqualTo("old"));
    }

    [Test]
    public void ReopenKeepsTheMetricsUpToTheCheckpointAndClearsTheEndOfTheLastRun()
    {
        using var folder = new RunFolder(Path.Combine(_root, "run"));
        folder.Create(resume: false);
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
        using var folder = new RunFolder(Path.Combine(_root, "run"));
        folder.Create(resume: false);
        var passes = new[] { new EpochMetrics { Epoch = 5, Step = 15, TrainLoss = 0.25 } };
        folder.Finish(new PcaSnapshot(5, [0.75, 0.25], [], []), RunSummary.FromMetrics(passes));
        Assert.That(PcaSnapshot.FromJson(File.ReadAllText(folder.Files.Pca)).Epoch, Is.EqualTo(5));
        Assert.That(File.ReadAllText(folder.Files.Summary), Does.Contain("\"final_train_loss\": 0.25"));
    }

    [Test]
    public void CreateLocksTheFolderUntilDisposeAndASecondOpenerIsRefusedWithoutTouchingIt()
    {
        var path = Path.Combine(_root, "run");
        var owner = new RunFolder(path);
        owner.Create(resume: false);
        File.WriteAllText(owner.Files.Config, "mine");
        File.WriteAllText(Path.Combine(path, ".checkpoint.safetensors.7.tmp"), "being written");
        Assert.That(owner.IsLocked, Is.True);

        using (var second = new RunFolder(path))
        {
            Assert.That(() => second.Create(resume: true), Throws.TypeOf<SettingsException>()
                .With.Property("Setting").EqualTo("out").And.Message.Contains("being trained by another process"));
            Assert.That(second.IsLocked, Is.False);
        }
        Assert.That(File.ReadAllText(owner.Files.Config), Is.EqualTo("mine"));
        Assert.That(File.Exists(Path.Combine(path, ".checkpoint.safetensors.7.tmp")), Is.True, "the owner's write in flight is left alone");

        owner.Dispose();
        using var next = new RunFolder(path);
        Assert.That(() => next.Create(resume: true), Throws.Nothing, "the lock is released on dispose");
        Assert.That(next.IsLocked, Is.True);
    }

    [Test]
    public void ALockHandedInIsUsedAndStaysTheCallersAfterDispose()
    {
        var path = Path.Combine(_root, "run");
        Directory.CreateDirectory(path);
        using var held = RunLock.TryAcquire(path)!;
        using (var folder = new RunFolder(path, held))
        {
            folder.Create(resume: false);   // does not try to lock again (which this process's own lock would refuse)
            Assert.That(folder.IsLocked, Is.True);
        }
        Assert.That(RunLock.TryAcquire(path), Is.Null, "the caller still holds it");
        var other = Path.Combine(_root, "other");
        Directory.CreateDirectory(other);
        Assert.That(() => new RunFolder(other, held).Create(resume: false), Throws.ArgumentException.With.Message.Contains("does not claim"));
    }

    [Test]
    public void ClearKeepsOnlyTheLockFile()
    {
        using var folder = new RunFolder(Path.Combine(_root, "run"));
        Assert.That(folder.Clear, Throws.InvalidOperationException, "not without the lock");
        folder.Create(resume: false);
        Directory.CreateDirectory(folder.Files.Data);
        File.WriteAllText(Path.Combine(folder.Files.Data, "train.json"), "[]");
        File.WriteAllText(folder.Files.Checkpoint, "torn");
        folder.Clear();
        Assert.That(Directory.GetFileSystemEntries(folder.Files.Directory).Select(Path.GetFileName), Is.EqualTo(new[] { RunLock.FileName }));
        Assert.That(RunLock.TryAcquire(folder.Files.Directory), Is.Null, "still locked");
    }
}
