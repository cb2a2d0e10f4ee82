namespace Engine.Kernels.Cpu;

/// <summary>
/// The naive device: every op, in float32 and float64, is its plain <see cref="Ops.NaiveOps"/> loop on one thread
/// (float64 accumulation). It is the "before" of every CPU speed-up claim (perf/ compares the fast
/// <see cref="CpuDevice"/> against it in the same run) and a second opinion for tests.
/// Open it with <c>Device.Open("naive")</c>.
/// </summary>
public sealed class NaiveDevice : HostDevice
{
    public override string Name => "naive";

    public override string Description => "CPU, naive loops (float64 accumulation), 1 thread";
}
