using System.Text.Json;
using System.Text.RegularExpressions;
using Engine.Train.Metrics;
using Engine.Train.Training;
using NUnit.Framework;

namespace Engine.Cli.Tests;

/// <summary>
/// One process trains a run at a time, checked across real processes: the lock excludes another process (flock on
/// Linux), a SIGKILLed holder leaves no stale lock, a second <c>engine train</c> is refused, and two grids started
/// together on one folder train every run exactly once.
/// </summary>
[TestFixture]
[Category("Grid")]
public partial class RunLockProcessTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromMinutes(3);
    private static readonly string[] SmallWorld =
        ["--entities", "6", "--relations", "20", "--width", "16", "--batch", "16", "--lr", "0.01"];

    private string _root = "";

    [SetUp]
    public void SetUp() => _root = Directory.CreateTempSubdirectory("engine-lock-").FullName;

    [TearDown]
    public void TearDown() => Directory.Delete(_root, recursive: true);

    private static string RepositoryRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Engine.sln"))) dir = dir.Parent;
        return dir?.FullName ?? throw new InvalidOperationException("Engine.sln not found above the test assembly");
    }

    /// <summary>Every file under a folder: its bytes (not the lock file's, which cannot be opened while held) and last write time.</summary>
    private static Dictionary<string, (string Hash, DateTime Written)> Snapshot(string folder) =>
        Directory.GetFiles(folder, "*", SearchOption.AllDirectories).ToDictionary(
            f => Path.GetRelativePath(folder, f),
            f => (Path.GetFileName(f) == RunLock.FileName ? "" : Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(File.ReadAllBytes(f))),
                File.GetLastWriteTimeUtc(f)));

    private static void WaitFor(Func<bool> condition, string what)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (!condition())
        {
            if (clock.Elapsed > Patience) Assert.Fail($"timed out waiting for {what}");
            Thread.Sleep(20);
        }
    }

    [Test]
    public void AnotherProcessHoldsTheLockWhileItTrainsAndSigkillReleasesIt()
    {
        var dir = Path.Combine(_root, "run");
        using var training = EngineProcess.Start(["train", "--out", dir, "--epochs", "100000", "--checkpoint-every", "0", .. SmallWorld]);
        // The lock is taken before any file of the run is written, so once metrics exist the engine holds it.
        WaitFor(() => File.Exists(Path.Combine(dir, "metrics.jsonl")) || training.Process.HasExited, "the first epoch");
        Assert.That(training.Process.HasExited, Is.False, "the long run should still be training");
        Assert.That(RunLock.TryAcquire(dir), Is.Null, "held by the other process");

        training.Process.Kill();   // SIGKILL: the engine runs no code on the way out
        training.Process.WaitForExit();
        using (var free = RunLock.TryAcquire(dir))
            Assert.That(free, Is.Not.Null, "the kernel dropped the dead process's lock");

        // And the killed run resumes as usual: no stale lock refuses it.
        var resumed = EngineProcess.Run(["train", "--out", dir, "--resume", "--epochs", "3", "--checkpoint-every", "0", .. SmallWorld]);
        Assert.That(resumed.ExitCode, Is.EqualTo(0), resumed.Output + resumed.Error);
        Assert.That(File.ReadAllLines(Path.Combine(dir, "metrics.jsonl")).Select(l => EpochMetrics.FromJsonLine(l).Epoch), Is.EqualTo(new[] { 1, 2, 3 }));
    }

    [Test]
    public void TrainingALockedRunIsRefusedWithOneLineAndTouchesNothing()
    {
        var dir = Path.Combine(_root, "run");
        var first = EngineProcess.Run(["train", "--out", dir, "--epochs", "3", .. SmallWorld]);
        Assert.That(first.ExitCode, Is.EqualTo(0), first.Error);
        var before = Snapshot(dir);

        using (var held = RunLock.TryAcquire(dir))   // this test process plays the one that is training it
        {
            Assert.That(held, Is.Not.Null);
            var resumed = EngineProcess.Run(["train", "--out", dir, "--resume", "--epochs", "6", .. SmallWorld]);
            Assert.That(resumed.ExitCode, Is.EqualTo(2), resumed.Output + resumed.Error);
            Assert.That(resumed.Error.Trim().Split('\n'), Has.Length.EqualTo(1), resumed.Error);
            Assert.That(resumed.Error.Trim(), Is.EqualTo(
                $"engine: out: '{dir}' is being trained by another process (it holds train.lock); wait for it to finish or choose another --out"));
            Assert.That(Snapshot(dir), Is.EqualTo(before), "no file written, replaced or deleted");

            // Without --resume the folder already holds a run: also refused, before the lock is even tried.
            var fresh = EngineProcess.Run(["train", "--out", dir, "--epochs", "6", .. SmallWorld]);
            Assert.That(fresh.ExitCode, Is.EqualTo(2));
            Assert.That(fresh.Error, Does.Contain("already holds a run"));
            Assert.That(Snapshot(dir), Is.EqualTo(before));
        }

        var other = Directory.CreateDirectory(Path.Combine(_root, "empty")).FullName;
        using (RunLock.TryAcquire(other))
        {
            var fresh = EngineProcess.Run(["train", "--out", other, "--epochs", "2", .. SmallWorld]);
            Assert.That(fresh.ExitCode, Is.EqualTo(2), fresh.Output + fresh.Error);
            Assert.That(fresh.Error, Does.Contain("is being trained by another process"));
            Assert.That(Directory.GetFileSystemEntries(other).Select(Path.GetFileName), Is.EqualTo(new[] { RunLock.FileName }));
        }

        var released = EngineProcess.Run(["train", "--out", dir, "--resume", "--epochs", "6", .. SmallWorld]);
        Assert.That(released.ExitCode, Is.EqualTo(0), released.Error);
        Assert.That(File.ReadAllLines(Path.Combine(dir, "metrics.jsonl")), Has.Length.EqualTo(6));
    }

    [GeneratedRegex(@"run \d+ \((?<id>[^)]+)\) (?<what>started|finished|already finished|skipped: another process)")]
    private static partial Regex RunEvent();

    [Test]
    public void TwoGridsStartedTogetherOnOneFolderTrainEveryRunExactlyOnce()
    {
        var grid = Path.Combine(RepositoryRoot(), "grids", "smoke.yaml");   // 8 runs, 150 epochs, a probe pass every 5
        var dir = Path.Combine(_root, "out");
        var clock = System.Diagnostics.Stopwatch.StartNew();
        using var a = EngineProcess.Start("grid", grid, "--out", dir);
        using var b = EngineProcess.Start("grid", grid, "--out", dir);
        var results = new[] { a.Wait(Patience), b.Wait(Patience) };
        TestContext.Out.WriteLine($"two grids on one folder: {clock.Elapsed.TotalSeconds:F1} s");
        foreach (var r in results) Assert.That(r.ExitCode, Is.EqualTo(0), r.Output + r.Error);

        var events = results.SelectMany((r, p) => RunEvent().Matches(r.Output).Select(m => (Process: p, Id: m.Groups["id"].Value, What: m.Groups["what"].Value))).ToList();
        foreach (var e in events.Where(e => e.What != "started" && e.What != "finished")) TestContext.Out.WriteLine($"process {e.Process}: {e.Id} {e.What}");
        var folders = Directory.GetDirectories(Path.Combine(dir, "runs")).Order().ToList();
        Assert.That(folders, Has.Count.EqualTo(8));
        var trained = events.Where(e => e.What == "started").Select(e => e.Id).ToList();
        Assert.That(trained, Is.EquivalentTo(folders.Select(Path.GetFileName)), "each run started exactly once, by one of the two");
        Assert.That(events.Where(e => e.What == "finished").Select(e => e.Id), Is.EquivalentTo(trained));
        Assert.That(events.Count(e => e.What == "skipped: another process"), Is.GreaterThan(0),
            "the grids should have met at a locked run (if the second started only after the first ended, this test proves nothing)");
        Assert.That(results.Select(r => r.Output), Has.All.Contain("0 failed"));

        var expectedEpochs = Enumerable.Range(1, 30).Select(e => 5 * e).ToList();
        foreach (var folder in folders)
        {
            var epochs = File.ReadAllLines(Path.Combine(folder, "metrics.jsonl")).Select(l => EpochMetrics.FromJsonLine(l).Epoch).ToList();
            Assert.That(epochs, Is.EqualTo(expectedEpochs), $"{folder}: one row per probe pass, in order, none twice");
            using var summary = JsonDocument.Parse(File.ReadAllText(Path.Combine(folder, "summary.json")));
            Assert.That(summary.RootElement.GetProperty("epochs").GetInt32(), Is.EqualTo(150));
            JsonDocument.Parse(File.ReadAllText(Path.Combine(folder, "config.json"))).Dispose();
            JsonDocument.Parse(File.ReadAllText(Path.Combine(folder, "pca.json"))).Dispose();
            Assert.That(File.Exists(Path.Combine(folder, "failed.json")), Is.False);
            Assert.That(Directory.GetFiles(folder, "*.tmp", SearchOption.AllDirectories), Is.Empty);
            using var free = RunLock.TryAcquire(folder);
            Assert.That(free, Is.Not.Null, "both grids released their locks");
        }
    }
}
