using Engine.Kernels.Cpu;
using Engine.Kernels.Gpu;
using NUnit.Framework;

namespace Engine.Kernels.Tests.Parity;

/// <summary>The parity suite on the host: the fast CPU device against the naive device (both on the float64 answer).</summary>
[TestFixture]
[Category("Parity")]
public sealed class CpuParityTests : DeviceParitySuite
{
    private CpuDevice? _fast;
    private NaiveDevice? _naive;
    private Device? _current;

    protected override string? WhyUnavailable() => null;

    protected override void Open() => (_fast, _naive) = (new CpuDevice(), new NaiveDevice());

    protected override void Close() => _fast?.Dispose();

    protected override void SelectVariant(KernelVariant variant) => _current = variant == KernelVariant.Naive ? _naive : _fast;

    protected override Device Device => _current ?? throw new InvalidOperationException("device not open");

    /// <summary>The naive device is the float64 reference loops and may allocate; the fast CPU device may not.</summary>
    protected override KernelVariant[] AllocationFreeVariants => [KernelVariant.Fast];
}

/// <summary>The parity suite on one ILGPU device, naive kernels against fast ones; skipped with the reason where it is absent.</summary>
public abstract class GpuParitySuite : DeviceParitySuite
{
    private GpuDevice? _device;

    /// <summary>The device's spec, e.g. "cuda:0".</summary>
    protected abstract string Spec { get; }

    protected override string? WhyUnavailable() => DeviceInventory.Collect().WhyUnavailable(Spec);

    protected override void Open() => _device = (GpuDevice)Kernels.Device.Open(Spec);

    protected override void Close() => _device?.Dispose();

    protected override void SelectVariant(KernelVariant variant) => ((GpuDevice)Device).Variant = variant;

    protected override Device Device => _device ?? throw new InvalidOperationException("device not open");
}

[TestFixture]
[Category("Parity")]
[Category("Cuda")]
public sealed class CudaParityTests : GpuParitySuite
{
    protected override string Spec => "cuda:0";
}

[TestFixture]
[Category("Parity")]
public sealed class OpenClParityTests : GpuParitySuite
{
    protected override string Spec => "opencl:0";
}

/// <summary>
/// The parity suite on ILGPU's CPU accelerator with the CUDA launch shapes ("gpu-sim:256"): every GPU kernel, with real
/// groups of up to 256 threads, barriers and shared memory on host threads, at the same shapes as everywhere else.
/// </summary>
[TestFixture]
[Category("Parity")]
[Category("Simulator")]
public sealed class SimulatorParityTests : GpuParitySuite
{
    protected override string Spec => "gpu-sim:256";

    protected override string WhyLaunchesAllocate =>
        "ILGPU's CPU accelerator allocates in its own launcher (about 200 B per launch); the engine's code is checked on the cpu device and on CUDA and OpenCL";
}

/// <summary>
/// The parity suite on the simulator with its default small groups ("gpu-sim", 16 threads: the configuration a training
/// run on the simulator uses), so the kernels' group-size-agnostic paths and the naive-GEMM fallback are checked too.
/// </summary>
[TestFixture]
[Category("Parity")]
[Category("Simulator")]
public sealed class SimulatorSmallGroupParityTests : GpuParitySuite
{
    protected override string Spec => "gpu-sim";

    protected override string WhyLaunchesAllocate =>
        "ILGPU's CPU accelerator allocates in its own launcher (about 200 B per launch); the engine's code is checked on the cpu device and on CUDA and OpenCL";
}
