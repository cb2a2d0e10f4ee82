using Engine.Kernels;

namespace Engine.Model.Tests.Parity;

/// <summary>Model parity on CUDA device 0; skipped with the reason where there is none.</summary>
[TestFixture]
[Category("Parity")]
[Category("Cuda")]
public sealed class CudaModelParityTests : ModelParitySuite
{
    protected override string Spec => "cuda:0";
}

/// <summary>Model parity on OpenCL device 0; skipped with the reason where it is absent or cannot run ILGPU's kernels.</summary>
[TestFixture]
[Category("Parity")]
public sealed class OpenClModelParityTests : ModelParitySuite
{
    protected override string Spec => "opencl:0";
}

/// <summary>Model parity with the GPU kernels on ILGPU's CPU accelerator (every model config, the default one included).</summary>
[TestFixture]
[Category("Parity")]
[Category("Simulator")]
public sealed class SimulatorModelParityTests : ModelParitySuite
{
    protected override string Spec => "gpu-sim";

    protected override string? WhyLaunchesAllocate =>
        "ILGPU's CPU accelerator allocates in its own launcher (about 200 B per launch); the model's step is checked allocation-free on the cpu device (AllocationTests) and on CUDA";
}
