using System.Runtime.Intrinsics;
using Engine.Kernels.Ops;

namespace Engine.Kernels.Cpu;

/// <summary>
/// The default device: float32 and float64 on the host. float32 ops run the SIMD, multi-threaded fast paths
/// (Ops/&lt;family&gt;/*Cpu.cs, each tested against its naive loop); float64 (gradient checks) runs
/// <see cref="Ops.NaiveOps"/> itself. float32 ops run with flush-to-zero and denormals-are-zero on
/// (<see cref="SubnormalFlush"/>): an operand or result below 2⁻¹²⁶ is 0, so tiny weights late in training cost no
/// microcode assists on processors that have them; float64 keeps IEEE subnormals. The fast paths index raw memory through arguments that
/// <see cref="Device"/> has checked. Results are bit-identical for any thread count.
/// Parallel ops run on this device's own <see cref="CpuWorkerPool"/> (Threads − 1 background threads plus
/// the caller), started by the first op that fans out and stopped by <see cref="Dispose"/>; ops allocate
/// nothing on the managed heap once warm.
/// </summary>
public sealed partial class CpuDevice : HostDevice
{
    /// <summary>Opens the CPU device with <paramref name="threads"/> threads (default: all cores).</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="threads"/> is negative.</exception>
    public CpuDevice(int threads = 0)
    {
        if (threads < 0) throw new ArgumentOutOfRangeException(nameof(threads), "cpu threads must be ≥ 0 (0 = all cores)");
        Threads = threads == 0 ? Environment.ProcessorCount : threads;
    }

    /// <summary>Lets the workers of a device that was never disposed exit (they do not keep it alive).</summary>
    ~CpuDevice() => workers?.Shutdown();

    /// <summary>Threads an op may use: the calling thread and Threads − 1 workers of this device.</summary>
    public int Threads { get; }

    private CpuWorkerPool? workers;

    /// <summary>This device's worker pool, started on the first parallel op (a serial device never starts one).</summary>
    internal CpuWorkerPool Workers
    {
        get
        {
            var pool = Volatile.Read(ref workers);
            if (pool is not null) return pool;
            pool = new CpuWorkerPool(Threads - 1, FlushesSubnormals);
            var raced = Interlocked.CompareExchange(ref workers, pool, null);
            if (raced is null) return pool;
            pool.Dispose();
            return raced;
        }
    }

    /// <summary>Stops this device's worker threads; later ops still work, on the calling thread alone.</summary>
    public override void Dispose()
    {
        // A pool created after this (an op after Dispose) would leak threads: leave a stopped one in place.
        var pool = Interlocked.Exchange(ref workers, new CpuWorkerPool(0));
        pool?.Dispose();
        base.Dispose();
    }

    /// <summary>
    /// Whether float32 ops run with flush-to-zero and denormals-are-zero (default true where
    /// <see cref="SubnormalFlush"/> is supported). false keeps IEEE subnormals: the benchmarks' reference, and the
    /// tests that show which inputs used to produce subnormal results.
    /// </summary>
    public bool FlushesSubnormals { get => flushesSubnormals && SubnormalFlush.Supported; init => flushesSubnormals = value; }

    private readonly bool flushesSubnormals = true;

    /// <summary>The float32 GEMM micro-kernel; tests force the AVX2 and scalar fallbacks.</summary>
    internal CpuGemmKernel GemmKernel { get; init; } = CpuGemmKernel.Auto;

    public override string Name => flushesSubnormals ? "cpu" : "cpu-ieee";

    public override string Description =>
        $"CPU, {Threads} thread(s), SIMD {(Vector512.IsHardwareAccelerated ? "AVX-512" : Vector256.IsHardwareAccelerated ? "AVX2" : "scalar")}"
        + (FlushesSubnormals ? ", float32 subnormals flushed to 0" : ", float32 subnormals kept (IEEE)");
}
