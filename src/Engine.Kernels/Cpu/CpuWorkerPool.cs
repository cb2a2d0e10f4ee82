using System.Diagnostics;
using System.Runtime.ExceptionServices;

namespace Engine.Kernels.Cpu;

/// <summary>
/// A range of work cut into chunks: <see cref="Run"/> handles items [start, end). Ops pass their arguments as a
/// readonly struct implementing this, so a parallel call needs no delegate, closure or boxing.
/// </summary>
internal interface IChunkJob
{
    void Run(int start, int end);
}

/// <summary>
/// The worker threads of one <see cref="CpuDevice"/>: Threads − 1 background threads, plus the calling thread,
/// which always takes part. An op's chunks are claimed one at a time from a shared counter, so a worker that
/// wakes late simply finds less left to do, and the caller never waits for a thread that has nothing to run.
/// Idle workers spin for a few tens of microseconds (ops of a training step follow each other closely), then
/// sleep on a monitor: an idle device burns no core. A caller waiting for a worker's chunk does the same. Nothing allocates in steady state: each job type gets one
/// cached <see cref="ChunkRunner{TJob}"/> holder, reused for every later call with that type.
/// </summary>
/// <remarks>
/// Protocol. <c>state</c> packs the generation (one per parallel call, high 32 bits) with the chunks still to
/// claim (low 32 bits). The caller writes the job, its chunk and item counts, then publishes a new generation;
/// a claim is a compare-exchange of the whole state, so it succeeds only inside the generation the claimer
/// read. A worker reads the job fields between two reads of the state that both show its generation with
/// chunks left: the caller overwrites those fields only after every chunk of that generation has finished, so
/// they are that generation's own. The caller returns once all chunks have finished, re-throwing the first
/// exception a chunk raised (the other chunks still run, so the pool is left consistent).
/// </remarks>
internal sealed class CpuWorkerPool : IDisposable
{
    /// <summary>How long an idle worker polls for the next call before it blocks: about one small op.</summary>
    private static readonly long SpinTicks = Stopwatch.Frequency / 20_000; // 50 µs

    /// <summary>
    /// How long the caller polls for chunks still running elsewhere before it sleeps: longer than a GEMM task
    /// (sleeping and being woken costs more than a short wait), short of a scheduler time slice (a worker that
    /// lost its core).
    /// </summary>
    private static readonly long CallerSpinTicks = Stopwatch.Frequency / 2_000; // 500 µs

    private readonly Thread[] workers;
    private readonly bool flushSubnormals;
    private readonly object gate = new();
    private readonly object doneGate = new();
    private ChunkRunner?[] runners = [];

    // The call in flight (see the remarks): written by the caller, read by the workers.
    private long state;
    private ChunkRunner? current;
    private int chunkCount;
    private int itemCount;
    private int finished;
    private Exception? failure;
    private int busy;
    private int sleepers;
    private int callerAsleep;
    private volatile bool disposed;
    private long workerChunks;

    /// <summary>Calls that fanned out to the workers (not the nested or concurrent ones run serially); for tests.</summary>
    internal long ParallelCalls { get; private set; }

    /// <summary>Waits in which the caller gave up spinning and slept; for tests.</summary>
    internal long CallerSleeps { get; private set; }

    /// <summary>Chunks run by the worker threads (not the caller); for tests.</summary>
    internal long WorkerChunks => Interlocked.Read(ref workerChunks);

    /// <summary>Whether every worker is blocked (asleep or exited), not spinning; for tests.</summary>
    internal bool WorkersIdle => workers.All(worker => (worker.ThreadState & (Sleeping | System.Threading.ThreadState.Stopped)) != 0);

    private const System.Threading.ThreadState Sleeping = System.Threading.ThreadState.WaitSleepJoin;

    /// <summary>
    /// Starts <paramref name="workerCount"/> background threads (the caller is the extra one); with
    /// <paramref name="flushSubnormals"/> they run in flush-to-zero and denormals-are-zero mode (<see cref="SubnormalFlush"/>).
    /// </summary>
    public CpuWorkerPool(int workerCount, bool flushSubnormals = false)
    {
        this.flushSubnormals = flushSubnormals;
        workers = new Thread[workerCount];
        for (var i = 0; i < workerCount; i++)
        {
            workers[i] = new Thread(Work) { IsBackground = true, Name = $"cpu device worker {i + 1}" };
            workers[i].Start();
        }
    }

    /// <summary>
    /// Runs job.Run over the <paramref name="chunks"/> chunks of [0, <paramref name="count"/>) that
    /// <see cref="CpuParallel.Start"/> defines, on the workers and the calling thread. A nested call (from inside
    /// a chunk) or a call from a second thread while one runs takes the same chunks serially on its own thread.
    /// </summary>
    /// <exception cref="Exception">The first exception thrown by a chunk, with its original stack.</exception>
    public void Run<TJob>(in TJob job, int count, int chunks) where TJob : struct, IChunkJob
    {
        if (Interlocked.CompareExchange(ref busy, 1, 0) != 0)
        {
            for (var chunk = 0; chunk < chunks; chunk++)
                job.Run(CpuParallel.Start(chunk, chunks, count), CpuParallel.Start(chunk + 1, chunks, count));
            return;
        }
        var runner = Runner<TJob>();
        try
        {
            runner.Job = job;
            Volatile.Write(ref current, runner);
            Volatile.Write(ref chunkCount, chunks);
            Volatile.Write(ref itemCount, count);
            Volatile.Write(ref finished, 0);
            failure = null;
            var generation = Generation(Volatile.Read(ref state)) + 1;
            ParallelCalls++;
            lock (gate)
            {
                Volatile.Write(ref state, ((long)generation << 32) | (uint)chunks);
                if (sleepers > 0) Monitor.PulseAll(gate);
            }
            Drain(generation, worker: false);
            WaitForChunks(chunks);
            if (failure is { } error)
            {
                failure = null;
                ExceptionDispatchInfo.Throw(error);
            }
        }
        finally
        {
            // Drop the job's references (a Rope table, say) so the cache keeps nothing alive.
            runner.Job = default;
            Volatile.Write(ref busy, 0);
        }
    }

    /// <summary>Stops the workers (they finish the call in flight) and waits for them to exit.</summary>
    public void Dispose()
    {
        Shutdown();
        foreach (var worker in workers)
            if (worker != Thread.CurrentThread) worker.Join();
    }

    /// <summary>Tells the workers to exit without waiting (safe from a finalizer). Later calls run on the caller.</summary>
    public void Shutdown()
    {
        disposed = true;
        lock (gate) Monitor.PulseAll(gate);
    }

    private static int Generation(long packed) => (int)(packed >> 32);

    private static int Remaining(long packed) => (int)(uint)packed;

    /// <summary>This pool's holder for <typeparamref name="TJob"/>, created on the type's first call.</summary>
    private ChunkRunner<TJob> Runner<TJob>() where TJob : struct, IChunkJob
    {
        var slot = JobSlot<TJob>.Index;
        if (slot < runners.Length && runners[slot] is ChunkRunner<TJob> cached) return cached;
        if (slot >= runners.Length) Array.Resize(ref runners, Math.Max(slot + 1, runners.Length * 2));
        var runner = new ChunkRunner<TJob>();
        runners[slot] = runner;
        return runner;
    }

    /// <summary>Claims and runs chunks of <paramref name="generation"/> until none is left to claim.</summary>
    private void Drain(int generation, bool worker)
    {
        var runner = Volatile.Read(ref current);
        var chunks = Volatile.Read(ref chunkCount);
        var count = Volatile.Read(ref itemCount);
        // Still open after the reads above: they belong to this generation (see the remarks).
        var packed = Volatile.Read(ref state);
        if (Generation(packed) != generation || Remaining(packed) == 0 || runner is null) return;
        while (true)
        {
            packed = Volatile.Read(ref state);
            if (Generation(packed) != generation || Remaining(packed) == 0) return;
            if (Interlocked.CompareExchange(ref state, packed - 1, packed) != packed) continue;
            try
            {
                runner.Run(chunks - Remaining(packed), chunks, count);
            }
            catch (Exception error)
            {
                Interlocked.CompareExchange(ref failure, error, null);
            }
            if (worker) Interlocked.Increment(ref workerChunks);
            if (Interlocked.Increment(ref finished) == chunks && Volatile.Read(ref callerAsleep) != 0)
            {
                lock (doneGate) Monitor.Pulse(doneGate);
            }
        }
    }

    /// <summary>
    /// The caller's wait for chunks other threads still run: a short spin, then a sleep until the last chunk's
    /// thread wakes it, so a long chunk (a GEMM task) on a worker does not cost the caller's core too — on a
    /// loaded machine that core may be what the late worker needs.
    /// </summary>
    private void WaitForChunks(int chunks)
    {
        var deadline = Stopwatch.GetTimestamp() + CallerSpinTicks;
        var spinner = new SpinWait();
        while (Volatile.Read(ref finished) != chunks)
        {
            if (Stopwatch.GetTimestamp() > deadline)
            {
                CallerSleeps++;
                lock (doneGate)
                {
                    // Full fence between announcing the sleep and re-reading the count; the finishing thread
                    // increments (full fence) before it reads callerAsleep, so one of the two sees the other.
                    Interlocked.Exchange(ref callerAsleep, 1);
                    while (Volatile.Read(ref finished) != chunks) Monitor.Wait(doneGate);
                    Volatile.Write(ref callerAsleep, 0);
                }
                return;
            }
            spinner.SpinOnce(sleep1Threshold: -1);
        }
    }

    private void Work()
    {
        // Workers run nothing but the float32 fast paths' chunks: the device's subnormal mode for the thread's life.
        if (flushSubnormals) SubnormalFlush.TurnOnForThread();
        var seen = 0;
        while (true)
        {
            var generation = WaitForCall(seen);
            if (disposed) return;
            seen = generation;
            Drain(generation, worker: true);
        }
    }

    /// <summary>Spins briefly, then sleeps, until a generation other than <paramref name="seen"/> is published.</summary>
    private int WaitForCall(int seen)
    {
        var deadline = Stopwatch.GetTimestamp() + SpinTicks;
        var spinner = new SpinWait();
        while (Stopwatch.GetTimestamp() < deadline)
        {
            var generation = Generation(Volatile.Read(ref state));
            if (generation != seen || disposed) return generation;
            spinner.SpinOnce(sleep1Threshold: -1);
        }
        lock (gate)
        {
            sleepers++;
            while (Generation(Volatile.Read(ref state)) == seen && !disposed) Monitor.Wait(gate);
            sleepers--;
        }
        return Generation(Volatile.Read(ref state));
    }
}

/// <summary>The type-erased face of a cached job holder: runs chunk <c>chunk</c> of <c>chunks</c> over <c>count</c> items.</summary>
internal abstract class ChunkRunner
{
    public abstract void Run(int chunk, int chunks, int count);
}

/// <summary>Holds the job of the call in flight; one per job type and pool, reused (no allocation per call).</summary>
internal sealed class ChunkRunner<TJob> : ChunkRunner where TJob : struct, IChunkJob
{
    public TJob Job;

    public override void Run(int chunk, int chunks, int count)
        => Job.Run(CpuParallel.Start(chunk, chunks, count), CpuParallel.Start(chunk + 1, chunks, count));
}

/// <summary>
/// A small index per job type, so a pool finds its holder by array lookup. Process-wide but write-once per
/// type: it numbers types, it holds no device state.
/// </summary>
internal static class JobSlot
{
    private static int next;

    public static int Take() => Interlocked.Increment(ref next) - 1;
}

internal static class JobSlot<TJob> where TJob : struct, IChunkJob
{
    public static readonly int Index = JobSlot.Take();
}
