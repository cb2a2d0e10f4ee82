using System.Collections.Concurrent;
using Engine.Train.Config;
using Engine.Train.Grid;
using Engine.Train.Training;
using NUnit.Framework;

namespace Engine.Train.Tests.Grid;

/// <summary>
/// The grid's slots and queue with a fake trainer: each run starts, reports an epoch, and then waits for the test
/// to open its gate, so which runs run when is decided by the test, not by timing.
/// </summary>
[TestFixture]
[Category("Grid")]
public class GridRunnerTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);
    private string _root = "";

    [SetUp]
    public void SetUp() => _root = Directory.CreateTempSubdirectory("engine-gridrunner-").FullName;

    [TearDown]
    public void TearDown() => Directory.Delete(_root, recursive: true);

    /// <summary>Five runs of unequal expected cost: by width, longest first, they are 3 (128), 1 (64), 4 (48), 2 (32), 0 (16).</summary>
    private static GridSpec UnequalRuns() => GridSpec.Parse("""
        fixed:
          epochs: 2
        sweep:
          width: [16, 64, 32, 128, 48]
        """, "test grid", new RunSettings());

    private static readonly int[] LongestFirst = [3, 1, 4, 2, 0];

    private sealed class GatedTrainer
    {
        private readonly ConcurrentDictionary<int, SemaphoreSlim> _gates = new();
        public BlockingCollection<int> Started { get; } = new();
        public ConcurrentQueue<int> Trained { get; } = new();
        public Action<GridRun, string>? OnStart { get; init; }

        public SemaphoreSlim Gate(int index) => _gates.GetOrAdd(index, _ => new SemaphoreSlim(0));

        public void OpenAll()
        {
            for (var i = 0; i < 100; i++) Gate(i).Release();
        }

        public void Train(GridRun run, string folder, RunLock held, Action<int, int> epochDone, CancellationToken cancel)
        {
            Assert.That(held.Directory, Is.EqualTo(Path.GetFullPath(folder)), "the runner holds the run's own lock");
            OnStart?.Invoke(run, folder);
            Started.Add(run.Index);
            epochDone(1, 2);
            if (!Gate(run.Index).Wait(Patience, cancel)) throw new TimeoutException($"run {run.Index}'s gate was never opened");
            epochDone(2, 2);
            File.WriteAllText(Path.Combine(folder, "summary.json"), "{}");
            Trained.Enqueue(run.Index);
        }
    }

    private int NextStart(GatedTrainer trainer)
    {
        Assert.That(trainer.Started.TryTake(out var index, Patience), Is.True, "a run should have started");
        return index;
    }

    [TestCase("cpu", "cpu:3")]
    [TestCase("CPU-IEEE", "cpu-ieee:3")]
    [TestCase("cpu:2", "cpu:2")]
    [TestCase("gpu-sim", "gpu-sim")]
    public void EachRunOpensTheGridsDeviceWithItsThreads(string device, string expected)
        => Assert.That(new GridRunner(UnequalRuns(), _root, device, jobs: 1, threadsPerRun: 3).RunDevice, Is.EqualTo(expected));

    [Test]
    public void OneSlotTrainsTheRunsLongestExpectedFirst()
    {
        var trainer = new GatedTrainer();
        trainer.OpenAll();
        var runner = new GridRunner(UnequalRuns(), _root, "cpu", jobs: 1, threadsPerRun: 1, trainer.Train);
        var outcome = runner.Run();
        Assert.That(trainer.Trained, Is.EqualTo(LongestFirst));
        Assert.That(outcome, Is.EqualTo(new GridOutcome(5, 5, 0, 0, 0)));
    }

    [Test]
    public void NoSlotIdlesWhileRunsWait()
    {
        var trainer = new GatedTrainer();
        var events = new ConcurrentQueue<GridProgress>();
        var runner = new GridRunner(UnequalRuns(), _root, "cpu", jobs: 2, threadsPerRun: 1, trainer.Train);
        var grid = Task.Run(() => runner.Run(progress: events.Enqueue));

        // The two longest start first, one per slot.
        Assert.That(new[] { NextStart(trainer), NextStart(trainer) }, Is.EquivalentTo(new[] { 3, 1 }));
        Assert.That(trainer.Started.TryTake(out _, TimeSpan.FromMilliseconds(200)), Is.False, "two slots, two runs");

        // Whichever run ends, its slot takes the next waiting run at once, while the other slot is still busy:
        // the longest run (3) is held to the very end, as an unlucky fixed split of the list would leave it.
        trainer.Gate(1).Release();
        Assert.That(NextStart(trainer), Is.EqualTo(4));
        trainer.Gate(4).Release();
        Assert.That(NextStart(trainer), Is.EqualTo(2));
        trainer.Gate(2).Release();
        Assert.That(NextStart(trainer), Is.EqualTo(0));
        trainer.Gate(0).Release();
        trainer.Gate(3).Release();
        Assert.That(grid.Wait(Patience), Is.True);

        Assert.That(grid.Result, Is.EqualTo(new GridOutcome(5, 5, 0, 0, 0)));
        var log = events.ToList();
        var starts = log.Where(p => p.Event?.EndsWith("started", StringComparison.Ordinal) == true).ToList();
        Assert.That(starts, Has.Count.EqualTo(5));
        Assert.That(starts.Skip(1).Select(p => p.Running), Is.All.EqualTo(2), "every start after the first fills the second slot");
        var last = log[^1];
        Assert.That((last.Done, last.Running, last.Failed, last.Remaining), Is.EqualTo((5, 0, 0, (TimeSpan?)TimeSpan.Zero)));
        Assert.That(log.Where(p => p.Event is null), Is.Not.Empty, "epochs update the overview between events");
    }

    [Test]
    public void ARunLockedByAnotherHolderIsSkippedAndSaidSoWithoutCountingAsFailed()
    {
        var trainer = new GatedTrainer();
        trainer.OpenAll();
        var events = new ConcurrentQueue<GridProgress>();
        var runner = new GridRunner(UnequalRuns(), _root, "cpu", jobs: 2, threadsPerRun: 1, trainer.Train);
        var lockedFolder = runner.RunDirectory(runner.Runs[1]);
        Directory.CreateDirectory(lockedFolder);
        using (var other = RunLock.TryAcquire(lockedFolder))
        {
            var outcome = runner.Run(progress: events.Enqueue);
            Assert.That(outcome, Is.EqualTo(new GridOutcome(Total: 5, Finished: 4, Failed: 0, Skipped: 0, Locked: 1)));
        }
        Assert.That(trainer.Trained, Is.EquivalentTo(new[] { 0, 2, 3, 4 }));
        Assert.That(events.Select(p => p.Event), Has.One.EqualTo(
            $"run 1 ({runner.Runs[1].Id}) skipped: another process is training it (it holds {Path.Combine("runs", runner.Runs[1].Id, RunLock.FileName)})"));
        Assert.That(Directory.GetFileSystemEntries(lockedFolder).Select(Path.GetFileName), Is.EqualTo(new[] { RunLock.FileName }),
            "nothing written in the locked run's folder: no failed.json");
        var last = events.Last();
        Assert.That((last.Done, last.Running, last.Failed, last.Locked, last.Remaining), Is.EqualTo((4, 0, 0, 1, (TimeSpan?)TimeSpan.Zero)),
            "a locked run is not waited for");
    }

    [Test]
    public void ARunFinishedElsewhereWhileItWaitedIsNotTrainedAgain()
    {
        GridRunner? runner = null;
        var trainer = new GatedTrainer
        {
            // While the first run trains, "another process" finishes run 0 (the last in the queue).
            OnStart = (run, _) =>
            {
                if (run.Index != 3) return;
                var other = runner!.RunDirectory(runner.Runs[0]);
                Directory.CreateDirectory(other);
                File.WriteAllText(Path.Combine(other, "summary.json"), "{}");
            },
        };
        trainer.OpenAll();
        runner = new GridRunner(UnequalRuns(), _root, "cpu", jobs: 1, threadsPerRun: 1, trainer.Train);
        var events = new ConcurrentQueue<GridProgress>();
        var outcome = runner.Run(progress: events.Enqueue);
        Assert.That(trainer.Trained, Is.EqualTo(new[] { 3, 1, 4, 2 }));
        Assert.That(outcome, Is.EqualTo(new GridOutcome(5, 5, 0, 1, 0)));
        Assert.That(events.Select(p => p.Event), Has.One.EqualTo($"run 0 ({runner.Runs[0].Id}) already finished"));
    }

    [Test]
    public void RunsFinishedBeforeTheGridStartedAreSkippedFirst()
    {
        var trainer = new GatedTrainer();
        trainer.OpenAll();
        var runner = new GridRunner(UnequalRuns(), _root, "cpu", jobs: 2, threadsPerRun: 1, trainer.Train);
        var done = runner.RunDirectory(runner.Runs[3]);
        Directory.CreateDirectory(done);
        File.WriteAllText(Path.Combine(done, "summary.json"), "{}");
        var events = new ConcurrentQueue<GridProgress>();
        var outcome = runner.Run(progress: events.Enqueue);
        Assert.That(outcome, Is.EqualTo(new GridOutcome(5, 5, 0, 1, 0)));
        Assert.That(trainer.Trained, Is.EquivalentTo(new[] { 0, 1, 2, 4 }));
        Assert.That(events.First().Event, Is.EqualTo($"run 3 ({runner.Runs[3].Id}) already finished"));
    }

    [Test]
    public void AFailedRunIsRecordedAndTheOthersStillRun()
    {
        var runner = new GridRunner(UnequalRuns(), _root, "cpu", jobs: 2, threadsPerRun: 1, (run, folder, _, epochDone, _) =>
        {
            epochDone(1, 2);
            if (run.Index == 4) throw new InvalidOperationException("the fake run breaks");
            File.WriteAllText(Path.Combine(folder, "summary.json"), "{}");
        });
        var outcome = runner.Run();
        Assert.That(outcome, Is.EqualTo(new GridOutcome(5, 4, 1, 0, 0)));
        Assert.That(File.ReadAllText(Path.Combine(runner.RunDirectory(runner.Runs[4]), "failed.json")), Does.Contain("the fake run breaks"));
    }

    [Test]
    public void CancellingStopsTheSlotsAndReleasesTheLocks()
    {
        var trainer = new GatedTrainer();
        using var cancel = new CancellationTokenSource();
        var runner = new GridRunner(UnequalRuns(), _root, "cpu", jobs: 2, threadsPerRun: 1, trainer.Train);
        var grid = Task.Run(() => runner.Run(cancel: cancel.Token));
        NextStart(trainer);
        NextStart(trainer);
        cancel.Cancel();
        Assert.That(() => grid.Wait(Patience), Throws.InstanceOf<AggregateException>().With.InnerException.InstanceOf<OperationCanceledException>());
        Assert.That(trainer.Trained, Is.Empty);
        foreach (var run in runner.Runs.Where(r => Directory.Exists(runner.RunDirectory(r))))
        {
            using var free = RunLock.TryAcquire(runner.RunDirectory(run));
            Assert.That(free, Is.Not.Null, $"run {run.Index}'s lock is released");
        }
    }
}
