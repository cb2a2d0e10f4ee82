using Engine.Kernels.Cpu;
using NUnit.Framework;

namespace Engine.Kernels.Tests.Cpu;

/// <summary>
/// The CPU device's worker pool: every item is run exactly once, workers really run chunks at the same time,
/// a chunk's exception reaches the caller and leaves the pool usable, nested calls do not deadlock, idle
/// workers sleep, and a disposed device still computes (on the calling thread).
/// </summary>
[TestFixture]
[Category("CpuKernels")]
public sealed class CpuWorkerPoolTests
{
    /// <summary>Adds 1 to every item of its range and records the range it saw.</summary>
    private readonly struct CountJob(int[] hits) : IChunkJob
    {
        public void Run(int start, int end)
        {
            for (var i = start; i < end; i++) Interlocked.Increment(ref hits[i]);
        }
    }

    [Test]
    public void EveryItemRunsExactlyOnce([Values(1, 2, 7, 64, 1000)] int chunks)
    {
        using var pool = new CpuWorkerPool(3);
        const int count = 5003;
        for (var repeat = 0; repeat < 20; repeat++)
        {
            var hits = new int[count];
            pool.Run(new CountJob(hits), count, chunks);
            Assert.That(hits, Is.All.EqualTo(1), $"{chunks} chunks, repeat {repeat}");
        }
    }

    /// <summary>Both chunks wait for each other: it completes only if two threads run them at once.</summary>
    private readonly struct MeetJob(Barrier barrier, bool[] met) : IChunkJob
    {
        public void Run(int start, int end) => met[start] = barrier.SignalAndWait(TimeSpan.FromSeconds(20));
    }

    [Test]
    public void WorkerAndCallerRunChunksConcurrently()
    {
        using var pool = new CpuWorkerPool(1);
        using var barrier = new Barrier(2);
        var met = new bool[2];
        pool.Run(new MeetJob(barrier, met), 2, 2);
        Assert.That(met, Is.All.True, "the two chunks never ran at the same time");
    }

    /// <summary>Like <see cref="MeetJob"/>, recording whether each chunk's thread flushes subnormals.</summary>
    private readonly struct ModeJob(Barrier barrier, bool[] flushing, int[] threads) : IChunkJob
    {
        public void Run(int start, int end)
        {
            flushing[start] = SubnormalFlush.IsOn;
            threads[start] = Environment.CurrentManagedThreadId;
            barrier.SignalAndWait(TimeSpan.FromSeconds(20));
        }
    }

    [TestCase(true)]
    [TestCase(false)]
    public void WorkersRunInTheDevicesSubnormalMode(bool flush)
    {
        if (!SubnormalFlush.Supported) Assert.Ignore("skipped: no flush-to-zero control on this platform (x86-64 Linux only)");
        using var pool = new CpuWorkerPool(1, flush);
        using var barrier = new Barrier(2);
        var (flushing, threads) = (new bool[2], new int[2]);
        pool.Run(new ModeJob(barrier, flushing, threads), 2, 2);
        var worker = Array.FindIndex(threads, id => id != Environment.CurrentManagedThreadId);
        Assert.That(worker, Is.Not.EqualTo(-1), "one chunk ran on the worker");
        Assert.That(flushing[worker], Is.EqualTo(flush), "the worker's mode");
        Assert.That(flushing[1 - worker], Is.False, "the caller's mode is its own (the device sets it per op)");
    }

    private readonly struct ThrowingJob(int failingItem, int[] hits) : IChunkJob
    {
        public void Run(int start, int end)
        {
            for (var i = start; i < end; i++)
            {
                if (i == failingItem) throw new InvalidOperationException($"item {i} failed");
                Interlocked.Increment(ref hits[i]);
            }
        }
    }

    [Test]
    public void ChunkExceptionReachesTheCallerAndThePoolStaysUsable([Values(0, 63, 99)] int failingItem)
    {
        using var pool = new CpuWorkerPool(2);
        var hits = new int[100];
        var error = Assert.Throws<InvalidOperationException>(() => pool.Run(new ThrowingJob(failingItem, hits), 100, 10));
        Assert.That(error!.Message, Is.EqualTo($"item {failingItem} failed"));
        // The other chunks still ran (the failing chunk stopped at its failing item).
        var failingChunkStart = failingItem / 10 * 10;
        for (var i = 0; i < 100; i++)
        {
            var expected = i >= failingChunkStart && i >= failingItem && i < failingChunkStart + 10 ? 0 : 1;
            Assert.That(hits[i], Is.EqualTo(expected), $"item {i}");
        }
        var again = new int[1000];
        pool.Run(new CountJob(again), 1000, 50);
        Assert.That(again, Is.All.EqualTo(1), "pool after an exception");
    }

    [Test]
    public void EveryChunkThrowingStillReturnsOneException()
    {
        using var pool = new CpuWorkerPool(2);
        var hits = new int[64];
        for (var repeat = 0; repeat < 10; repeat++)
            Assert.Throws<InvalidOperationException>(() => pool.Run(new AlwaysThrowingJob(), 64, 64));
        pool.Run(new CountJob(hits), 64, 64);
        Assert.That(hits, Is.All.EqualTo(1));
    }

    private readonly struct AlwaysThrowingJob : IChunkJob
    {
        public void Run(int start, int end) => throw new InvalidOperationException("always");
    }

    /// <summary>Each chunk runs a whole inner parallel call on the same pool.</summary>
    private readonly struct NestedJob(CpuWorkerPool pool, int[][] inner) : IChunkJob
    {
        public void Run(int start, int end)
        {
            for (var i = start; i < end; i++) pool.Run(new CountJob(inner[i]), inner[i].Length, 4);
        }
    }

    [Test]
    public void NestedCallsRunSeriallyInsteadOfDeadlocking()
    {
        using var pool = new CpuWorkerPool(2);
        var inner = Enumerable.Range(0, 8).Select(_ => new int[100]).ToArray();
        pool.Run(new NestedJob(pool, inner), 8, 8);
        Assert.That(inner.SelectMany(x => x), Is.All.EqualTo(1));
    }

    /// <summary>
    /// Chunk 0 (the caller's first claim) takes 1 ms, long enough for the worker to claim chunk 1, which takes
    /// 5 ms: far longer than the caller's spin before it sleeps.
    /// </summary>
    private readonly struct SlowJob(int[] hits) : IChunkJob
    {
        public void Run(int start, int end)
        {
            Thread.Sleep(start == 0 ? 1 : 5);
            for (var i = start; i < end; i++) Interlocked.Increment(ref hits[i]);
        }
    }

    [Test]
    public void CallerWaitingForALongChunkIsWokenWhenItEnds()
    {
        using var pool = new CpuWorkerPool(1);
        var run = Task.Run(() =>
        {
            for (var repeat = 0; repeat < 40; repeat++)
            {
                var hits = new int[10];
                pool.Run(new SlowJob(hits), 10, 2);
                if (hits.Any(h => h != 1)) return false;
            }
            return true;
        });
        // A lost wake-up would hang here: wait with a bound instead.
        Assert.That(run.Wait(TimeSpan.FromSeconds(60)), Is.True, "the caller was never woken");
        Assert.That(run.Result, Is.True, "an item ran other than once");
        Assert.That(pool.CallerSleeps, Is.Positive, "the caller never had to sleep: the test did not reach that path");
    }

    [Test]
    public void IdleWorkersSleep()
    {
        using var device = new CpuDevice(3);
        using var x = device.Allocate<float>(1 << 19);
        device.Scale(2f, x.View);
        Assert.That(device.Workers.ParallelCalls, Is.EqualTo(1), "the scale did not fan out");
        // The workers spin ~50 µs after a call, then block; a worker that kept spinning would show as running.
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (!device.Workers.WorkersIdle && DateTime.UtcNow < deadline) Thread.Sleep(1);
        for (var sample = 0; sample < 20; sample++)
        {
            Assert.That(device.Workers.WorkersIdle, Is.True, $"sample {sample}: a worker is running while the device is idle");
            Thread.Sleep(5);
        }
    }

    [Test]
    public void DisposedDeviceStillComputesOnTheCaller()
    {
        var values = TestData.Uniform(new Random(5), 1 << 19);
        var device = new CpuDevice(2);
        using var x = TestData.Upload(device, values);
        device.Scale(3f, x.View);
        var parallel = TestData.Download(device, x);
        device.Dispose();
        device.Upload<float>(values, x.View);
        device.Scale(3f, x.View);
        Assert.That(TestData.Download(device, x), Is.EqualTo(parallel));
    }

    [Test]
    public void DevicesRunConcurrentlyWithTheirOwnPools()
    {
        // As a grid does: several runs at once, each with its own device; results must not mix.
        var values = TestData.Uniform(new Random(9), 1 << 19);
        var results = new float[4][];
        Parallel.For(0, 4, run =>
        {
            using var device = new CpuDevice(2);
            using var x = TestData.Upload(device, values);
            for (var i = 0; i < 20; i++) device.Scale(1f + run, x.View);
            results[run] = TestData.Download(device, x);
        });
        for (var run = 0; run < 4; run++)
        {
            var expected = values.Select(v => { for (var i = 0; i < 20; i++) v *= 1f + run; return v; }).ToArray();
            Assert.That(results[run], Is.EqualTo(expected), $"run {run}");
        }
    }
}
