using Engine.Kernels;
using Engine.Train.Config;
using Engine.Train.Training;

namespace Engine.Train.Grid;

/// <summary>
/// The default of <c>--jobs</c>, how many runs a grid trains at once:
/// <list type="bullet">
/// <item>on the CPU: cores / threads-per-run;</item>
/// <item>on a GPU: as many runs as fit in <see cref="UsableMemoryShare"/> of its memory, by the
/// <see cref="RunMemory.EstimateBytes"/> of the grid's largest run; at most one per CPU core (each run's host
/// thread launches its kernels, so more runs than cores only queue), at most <see cref="MaxRunsPerGpu"/>;
/// 1 when the device's memory is unknown.</item>
/// </list>
/// Always at least 1. Each run opens its own device (a CUDA stream on the shared primary context, or its
/// own OpenCL context and queue), so runs on one GPU share no device object.
/// </summary>
public static class GridJobs
{
    /// <summary>The most runs the default puts on one GPU: beyond this, small launch-bound runs gain little.</summary>
    public const int MaxRunsPerGpu = 8;

    /// <summary>The share of the GPU's total memory the runs may fill; the rest is left to the driver,
    /// the context and other processes.</summary>
    public const double UsableMemoryShare = 0.75;

    /// <summary>The default for one grid.</summary>
    /// <param name="device">The resolved device spec ("auto" already replaced by its choice): "cpu…", else a GPU.</param>
    /// <param name="runs">The grid's runs; the largest estimate among them decides on a GPU.</param>
    /// <param name="threadsPerRun">CPU threads of each run (at least 1).</param>
    /// <param name="cores">The CPU cores of this machine.</param>
    /// <param name="memoryBytes">The device's total memory for a spec (null when unknown), e.g.
    /// <c>DeviceInventory.Collect().MemoryBytes</c>; asked only for a GPU.</param>
    public static int Default(string device, IReadOnlyCollection<RunSettings> runs, int threadsPerRun, int cores,
        Func<string, long?> memoryBytes)
    {
        ArgumentNullException.ThrowIfNull(device);
        ArgumentNullException.ThrowIfNull(runs);
        ArgumentNullException.ThrowIfNull(memoryBytes);
        if (DeviceSpec.Parse(device).IsHost) return OnCpu(cores, threadsPerRun);
        var largest = runs.Count == 0 ? RunMemory.FixedAllowanceBytes : runs.Max(RunMemory.EstimateBytes);
        return OnGpu(memoryBytes(device), largest, cores);
    }

    /// <summary>max(1, cores / threadsPerRun).</summary>
    public static int OnCpu(int cores, int threadsPerRun)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(threadsPerRun, 1);
        return Math.Max(1, cores / threadsPerRun);
    }

    /// <summary>clamp(min(⌊share·memory / run⌋, cores), 1, <see cref="MaxRunsPerGpu"/>); 1 when the memory is unknown.</summary>
    public static int OnGpu(long? deviceMemoryBytes, long runBytes, int cores)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(runBytes, 1);
        if (deviceMemoryBytes is not { } memory || memory <= 0) return 1;
        var fit = (long)Math.Floor(UsableMemoryShare * memory / runBytes);
        return (int)Math.Clamp(Math.Min(fit, cores), 1, MaxRunsPerGpu);
    }
}
