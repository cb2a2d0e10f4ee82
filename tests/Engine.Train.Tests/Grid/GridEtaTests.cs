using Engine.Train.Config;
using Engine.Train.Grid;
using NUnit.Framework;

namespace Engine.Train.Tests.Grid;

/// <summary>The grid's ETA: the schedule played forward, and the speed it is played at.</summary>
[TestFixture]
[Category("Grid")]
public class GridEtaTests
{
    [Test]
    public void EachWaitingRunGoesToTheSlotThatFreesFirst()
    {
        // Slots free at 10 and 0; 8 → the idle one (8), 4 → it again (12), 2 → the first (12): both end at 12.
        Assert.That(GridEta.Remaining(2, 1.0, [10], [8, 4, 2]), Is.EqualTo(TimeSpan.FromSeconds(12)));
        // At twice the speed, half the time.
        Assert.That(GridEta.Remaining(2, 2.0, [10], [8, 4, 2]), Is.EqualTo(TimeSpan.FromSeconds(6)));
    }

    [Test]
    public void ALongRunAtTheEndCountsInFullAndIdleSlotsDoNotHelp()
    {
        Assert.That(GridEta.Remaining(4, 1.0, [], [100, 1, 1]), Is.EqualTo(TimeSpan.FromSeconds(100)));
        Assert.That(GridEta.Remaining(2, 1.0, [3], [100]), Is.EqualTo(TimeSpan.FromSeconds(100)), "the idle slot starts it now");
        Assert.That(GridEta.Remaining(1, 1.0, [3], [100]), Is.EqualTo(TimeSpan.FromSeconds(103)));
        Assert.That(GridEta.Remaining(3, 1.0, [], []), Is.EqualTo(TimeSpan.Zero));
    }

    [Test]
    public void RefusesAnImpossibleSchedule()
    {
        Assert.That(() => GridEta.Remaining(1, 1.0, [1, 1], []), Throws.InstanceOf<ArgumentOutOfRangeException>(), "more running than slots");
        Assert.That(() => GridEta.Remaining(1, 0.0, [], [1]), Throws.InstanceOf<ArgumentOutOfRangeException>());
        Assert.That(() => GridEta.Remaining(1, double.NaN, [], [1]), Throws.InstanceOf<ArgumentOutOfRangeException>());
    }

    private static GridRun Run(int index) => new(index, $"run{index}", new RunSettings(), new Dictionary<string, string>());

    [Test]
    public void TheScheduleMeasuresTheSpeedFromTheEpochsOfRunningRuns()
    {
        var now = TimeSpan.Zero;
        var costs = new Dictionary<int, double> { [0] = 20, [1] = 20, [2] = 10 };
        var schedule = new GridSchedule(3, [Run(0), Run(1), Run(2)], r => costs[r.Index], slots: 2, () => now);
        Assert.That(schedule.TryTake(out var a, out var costA), Is.True);
        Assert.That(schedule.TryTake(out var b, out var costB), Is.True);
        schedule.Start(a, costA);
        schedule.Start(b, costB);
        Assert.That(schedule.Snapshot(null).Remaining, Is.Null, "no work measured yet");

        now = TimeSpan.FromSeconds(10);
        schedule.EpochDone(a, 1, 2);
        schedule.EpochDone(b, 1, 2);
        // 10 + 10 units in 2 × 10 slot-seconds: 1 unit/s. Left: 10 and 10 running, 10 waiting → 10 s, then 10 s.
        var snapshot = schedule.Snapshot("x");
        Assert.That(snapshot.Remaining, Is.EqualTo(TimeSpan.FromSeconds(20)));
        Assert.That((snapshot.Running, snapshot.Done, snapshot.Total, snapshot.Event), Is.EqualTo((2, 0, 3, "x")));

        now = TimeSpan.FromSeconds(20);
        schedule.EpochDone(a, 2, 2);
        schedule.Finished(a);
        Assert.That(schedule.TryTake(out var c, out var costC), Is.True);
        schedule.Start(c, costC);
        // 20 (a) + 10 (b, still at half) units in 20 + 20 slot-seconds: 0.75 unit/s; left 10 (b) and 10 (c) side by side.
        snapshot = schedule.Snapshot(null);
        Assert.That(snapshot.Remaining!.Value.TotalSeconds, Is.EqualTo(10 / 0.75).Within(1e-6));
        Assert.That((snapshot.Running, snapshot.Done), Is.EqualTo((2, 1)));
        Assert.That(schedule.TryTake(out _, out _), Is.False);
    }

    [Test]
    public void EpochsTrainedBeforeAResumeAreNotCountedAsSpeed()
    {
        var now = TimeSpan.Zero;
        var schedule = new GridSchedule(1, [Run(0)], _ => 100, slots: 1, () => now);
        schedule.TryTake(out var run, out var cost);
        schedule.Start(run, cost);
        now = TimeSpan.FromSeconds(5);
        schedule.EpochDone(run, 91, 100);   // resumed at epoch 90: one epoch (1 unit) in 5 s
        Assert.That(schedule.Snapshot(null).Remaining!.Value.TotalSeconds, Is.EqualTo(9 * 5).Within(1e-6));
    }

    [Test]
    public void RunsAreTakenLongestFirstAndTiesKeepTheGridOrder()
    {
        var costs = new[] { 1.0, 5.0, 3.0, 5.0, 1.0, 3.0 };
        var schedule = new GridSchedule(6, Enumerable.Range(0, 6).Select(Run), r => costs[r.Index], slots: 2, () => TimeSpan.Zero);
        Assert.That(schedule.Waiting.Select(r => r.Index), Is.EqualTo(new[] { 1, 3, 2, 5, 0, 4 }));
    }

    [Test]
    public void SkippedLockedAndFailedRunsAreCountedApart()
    {
        var schedule = new GridSchedule(4, [Run(0), Run(1)], _ => 1, slots: 2, () => TimeSpan.Zero);
        schedule.AlreadyFinished();
        schedule.LockedElsewhere();
        schedule.TryTake(out var run, out var cost);
        schedule.Start(run, cost);
        schedule.Failed(run);
        schedule.TryTake(out run, out cost);
        schedule.Start(run, cost);
        schedule.Finished(run);
        Assert.That(schedule.Outcome(), Is.EqualTo(new GridOutcome(Total: 4, Finished: 2, Failed: 1, Skipped: 1, Locked: 1)));
        var end = schedule.Snapshot(null);
        Assert.That((end.Done, end.Running, end.Failed, end.Skipped, end.Locked), Is.EqualTo((2, 0, 1, 1, 1)));
    }
}
