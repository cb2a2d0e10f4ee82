using System.Diagnostics;
using System.Text.Json;
using Engine.Kernels;
using Engine.Train.Metrics;
using NUnit.Framework;

namespace Engine.Cli.Tests;

[TestFixture]
[Category("Grid")]
public class GridCommandTests
{
    private string _root = "";

    [SetUp]
    public void SetUp() => _root = Directory.CreateTempSubdirectory("engine-grid-").FullName;

    [TearDown]
    public void TearDown() => Directory.Delete(_root, recursive: true);

    private string WriteGrid(string sweep, int epochs = 40)
    {
        var path = Path.Combine(_root, "grid.yaml");
        File.WriteAllText(path, $"""
            fixed:
              entities: 6
              relations: 20
              batch: 16
              lr: 0.01
              epochs: {epochs}
              eval_every: 2
              checkpoint_every: 10
            sweep:
            {sweep}
            """);
        return path;
    }

    private static string[] RunFolders(string dir) => Directory.GetDirectories(Path.Combine(dir, "runs")).Order().ToArray();

    [TestCase(0, "00:00:00")]
    [TestCase(3_661.9, "01:01:01")]
    [TestCase(93_784, "26:03:04")]     // 1 d 2 h 3 min 4 s: hours go on past 24
    [TestCase(360_000, "100:00:00")]
    public void ElapsedAndEtaCountHoursPastADay(double seconds, string expected)
        => Assert.That(Engine.Cli.Verbs.GridVerb.Clock(TimeSpan.FromSeconds(seconds)), Is.EqualTo(expected));

    [Test]
    public void KilledMidwayAndRerunFinishesEveryRunExactlyOnce()
    {
        var grid = WriteGrid("  width: [16, 32]\n  seed: [1, 2]", epochs: 60);
        var dir = Path.Combine(_root, "out");
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in new[] { EngineProcess.EngineDll, "grid", grid, "--out", dir, "--jobs", "1" }) start.ArgumentList.Add(a);
        using (var process = Process.Start(start)!)
        {
            // Kill once one run is finished and another has written some metrics (mid-run, mid-grid).
            var clock = Stopwatch.StartNew();
            while (clock.Elapsed < TimeSpan.FromMinutes(2))
            {
                var current = Directory.Exists(Path.Combine(dir, "runs")) ? RunFolders(dir) : [];
                var finished = current.Count(f => File.Exists(Path.Combine(f, "summary.json")));
                var started = current.Count(f => !File.Exists(Path.Combine(f, "summary.json")) && File.Exists(Path.Combine(f, "metrics.jsonl")));
                if (finished >= 1 && started >= 1) break;
                Thread.Sleep(20);
            }
            process.Kill(entireProcessTree: true); // SIGKILL: no chance to clean up
            process.WaitForExit();
        }
        var killedWith = RunFolders(dir).Count(f => File.Exists(Path.Combine(f, "summary.json")));
        Assert.That(killedWith, Is.InRange(1, 3), "the kill should land mid-grid");

        var rerun = EngineProcess.Run("grid", grid, "--out", dir, "--jobs", "2");
        Assert.That(rerun.ExitCode, Is.EqualTo(0), rerun.Output + rerun.Error);
        Assert.That(rerun.Output, Does.Contain("already finished"));

        var folders = RunFolders(dir);
        Assert.That(folders, Has.Length.EqualTo(4));
        foreach (var folder in folders)
        {
            var summary = JsonDocument.Parse(File.ReadAllText(Path.Combine(folder, "summary.json")));
            Assert.That(summary.RootElement.GetProperty("epochs").GetInt32(), Is.EqualTo(60));
            var epochs = File.ReadAllLines(Path.Combine(folder, "metrics.jsonl")).Select(l => EpochMetrics.FromJsonLine(l).Epoch).ToList();
            Assert.That(epochs, Is.EqualTo(Enumerable.Range(1, 30).Select(e => 2 * e)), folder);
            JsonDocument.Parse(File.ReadAllText(Path.Combine(folder, "config.json")));
            JsonDocument.Parse(File.ReadAllText(Path.Combine(folder, "pca.json")));
            Assert.That(Directory.GetFiles(folder, "*.tmp", SearchOption.AllDirectories), Is.Empty);
        }

        var report = EngineProcess.Run("report", dir);
        Assert.That(report.ExitCode, Is.EqualTo(0), report.Error);
        var rows = File.ReadAllLines(Path.Combine(dir, "summary.csv")).Skip(1).ToList();
        Assert.That(rows, Has.Count.EqualTo(4));
        Assert.That(rows.Select(r => r.Split(',')[0]).Distinct().Count(), Is.EqualTo(4));
        Assert.That(rows.All(r => r.Split(',')[1] == "finished"), Is.True);
    }

    [Test]
    public void RerunSkipsFinishedRunsAndAGrownGridAddsOnlyNewRuns()
    {
        var dir = Path.Combine(_root, "out");
        var first = EngineProcess.Run("grid", WriteGrid("  width: [16]", epochs: 4), "--out", dir);
        Assert.That(first.ExitCode, Is.EqualTo(0), first.Error);
        var folder = RunFolders(dir).Single();
        var written = File.GetLastWriteTimeUtc(Path.Combine(folder, "summary.json"));

        var grown = EngineProcess.Run("grid", WriteGrid("  width: [16, 32]", epochs: 4), "--out", dir);
        Assert.That(grown.ExitCode, Is.EqualTo(0), grown.Error);
        Assert.That(grown.Output, Does.Contain("2/2 finished (1 already)"));
        Assert.That(File.GetLastWriteTimeUtc(Path.Combine(folder, "summary.json")), Is.EqualTo(written));
        Assert.That(RunFolders(dir), Has.Length.EqualTo(2));
        var expansion = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir, "grid.json")));
        Assert.That(expansion.RootElement.GetProperty("runs").GetArrayLength(), Is.EqualTo(2));
    }

    [Test]
    public void AFailedRunIsRecordedAndTheOthersStillRun()
    {
        var dir = Path.Combine(_root, "out");
        var result = EngineProcess.Run("grid", WriteGrid("  lr: [0.01, 1e30]", epochs: 6), "--out", dir);
        Assert.That(result.ExitCode, Is.EqualTo(1));
        Assert.That(result.Output, Does.Contain("1 failed"));
        var folders = RunFolders(dir);
        Assert.That(folders.Count(f => File.Exists(Path.Combine(f, "summary.json"))), Is.EqualTo(1));
        var failed = folders.Single(f => File.Exists(Path.Combine(f, "failed.json")));
        using var failure = JsonDocument.Parse(File.ReadAllText(Path.Combine(failed, "failed.json")));
        Assert.That(failure.RootElement.GetProperty("error").GetString(), Does.StartWith("training diverged: the loss became"));
        Assert.That(failure.RootElement.GetProperty("type").GetString(), Is.EqualTo("TrainingDivergedException"));
        Assert.That(result.Output, Does.Contain("FAILED: training diverged: the loss became"));
        // As for engine train: one line on stderr.
        Assert.That(result.Error.Trim().Split('\n'), Has.Length.EqualTo(1), result.Error);
        Assert.That(result.Error, Does.StartWith("engine: 1 of 2 runs failed").And.Contain("failed.json"));
    }

    [Test]
    public void ABadDeviceIsBadInputBeforeAnyRunStarts()
    {
        var dir = Path.Combine(_root, "out");
        var result = EngineProcess.Run("grid", WriteGrid("  lr: [0.01, 0.02]", epochs: 2), "--out", dir, "--device", "cpu:many");
        Assert.That(result.ExitCode, Is.EqualTo(2), result.Output + result.Error);
        Assert.That(result.Error.Trim().Split('\n'), Has.Length.EqualTo(1), result.Error);
        Assert.That(result.Error, Does.StartWith("engine: device: ").And.Contain("'cpu:many'"));
        Assert.That(Directory.Exists(Path.Combine(dir, "runs")) && RunFolders(dir).Any(), Is.False);
    }

    [Test]
    public void SlurmScriptIsAnArrayOverTheRunsAndTaskIndexRunsExactlyThatRun()
    {
        var grid = WriteGrid("  width: [16, 32]\n  seed: [1, 2, 3]", epochs: 2);
        var dir = Path.Combine(_root, "out");
        var script = Path.Combine(_root, "job.sbatch");
        var emitted = EngineProcess.Run("grid", grid, "--out", dir, "--emit-slurm", script, "--partition", "gpu", "--gpus-per-task", "1",
            "--time", "01:00:00", "--threads-per-run", "2", "--device", "cpu");
        Assert.That(emitted.ExitCode, Is.EqualTo(0), emitted.Error);
        var lines = File.ReadAllLines(script);
        Assert.That(lines[0], Is.EqualTo("#!/bin/bash"));
        Assert.That(lines, Does.Contain("#SBATCH --array=0-5"));
        Assert.That(lines, Does.Contain("#SBATCH --partition=gpu"));
        Assert.That(lines, Does.Contain("#SBATCH --gpus-per-task=1"));
        Assert.That(lines, Does.Contain("#SBATCH --time=01:00:00"));
        Assert.That(lines, Does.Contain("#SBATCH --cpus-per-task=2"));
        // The task line carries every option that changes how a run executes: the device and its threads.
        Assert.That(lines.Last(), Does.EndWith(
            $"grid '{grid}' --out '{dir}' --device 'cpu' --threads-per-run 2 --task-index \"$SLURM_ARRAY_TASK_ID\""));
        Assert.That(Directory.Exists(Path.Combine(dir, "slurm")), Is.True, "Slurm needs the log folder to exist");
        // bash -n: the script is syntactically valid shell.
        var check = Process.Start(new ProcessStartInfo("bash", ["-n", script]) { RedirectStandardError = true })!;
        check.WaitForExit();
        Assert.That(check.ExitCode, Is.EqualTo(0), check.StandardError.ReadToEnd());

        // Run the script as Slurm would run task 4 (the #SBATCH lines are comments to bash): exactly run 4
        // trains, on a CPU device of 2 threads.
        var ids = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir, "grid.json"))).RootElement.GetProperty("runs")
            .EnumerateArray().Select(r => r.GetProperty("id").GetString()!).ToList();
        var start = new ProcessStartInfo("bash", [script]) { RedirectStandardOutput = true, RedirectStandardError = true };
        start.Environment["SLURM_ARRAY_TASK_ID"] = "4";
        using (var task = Process.Start(start)!)
        {
            var output = task.StandardOutput.ReadToEndAsync();
            var error = task.StandardError.ReadToEndAsync();
            Assert.That(task.WaitForExit(TimeSpan.FromMinutes(3)), Is.True, "task 4 did not finish");
            Assert.That(task.ExitCode, Is.EqualTo(0), output.Result + error.Result);
            Assert.That(output.Result, Does.Contain("engine grid: 6 runs → " + dir + " (task 4 only) on cpu:2"));
        }
        var finished = RunFolders(dir).Where(f => File.Exists(Path.Combine(f, "summary.json"))).Select(Path.GetFileName).ToList();
        Assert.That(finished, Is.EqualTo(new[] { ids[4] }));
        Assert.That(EngineProcess.Run("grid", grid, "--out", dir, "--task-index", "6").ExitCode, Is.EqualTo(2));
    }

    [Test]
    public void AutoWithoutAGpuRunsLikeTheCpuWithItsJobsDefault()
    {
        // "auto" is resolved once for the grid: without a GPU it is the CPU, with cores / threads-per-run runs at
        // once, each on its own threads (before, it meant one run at a time on an all-cores device).
        if (DeviceInventory.Collect().Resolve("auto") != "cpu") Assert.Ignore("skipped: auto picks a GPU on this machine");
        var dir = Path.Combine(_root, "out");
        var result = EngineProcess.Run("grid", WriteGrid("  width: [16, 32]", epochs: 2), "--out", dir, "--device", "auto");
        Assert.That(result.ExitCode, Is.EqualTo(0), result.Output + result.Error);
        Assert.That(result.Output, Does.Contain($"engine grid: 2 runs → {dir}, {Environment.ProcessorCount} at a time on cpu:1"));
        Assert.That(result.Output, Does.Contain("2/2 finished"));
    }

    [Test]
    public void SlurmArrayTaskIdSelectsTheRunWhenTheFlagIsAbsent()
    {
        var grid = WriteGrid("  width: [16, 32]", epochs: 2);
        var dir = Path.Combine(_root, "out");
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in new[] { EngineProcess.EngineDll, "grid", grid, "--out", dir }) start.ArgumentList.Add(a);
        start.Environment["SLURM_ARRAY_TASK_ID"] = "1";
        using var process = Process.Start(start)!;
        process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        Assert.That(process.ExitCode, Is.EqualTo(0));
        Assert.That(RunFolders(dir).Count(f => File.Exists(Path.Combine(f, "summary.json"))), Is.EqualTo(1));
    }
}
