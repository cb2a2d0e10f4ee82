namespace Engine.Kernels.Gpu;

/// <summary>Which ILGPU accelerator runs a <see cref="GpuDevice"/>'s kernels.</summary>
public enum GpuBackend
{
    /// <summary>An NVIDIA GPU through the CUDA driver (kernels compiled to PTX by ILGPU).</summary>
    Cuda,

    /// <summary>An OpenCL 2.x device, or 3.0 with the generic address space (AMD and Intel GPUs; kernels compiled to OpenCL C).</summary>
    OpenCl,

    /// <summary>
    /// ILGPU's CPU accelerator: the same GPU kernels, each group's threads simulated by host threads with real barriers
    /// and shared memory. Slow (a barrier costs tens of µs to ms), so only for debugging and tests at small shapes;
    /// the device spec is "gpu-sim".
    /// </summary>
    Simulator,
}

/// <summary>Which kernel of an op family a GPU device launches.</summary>
public enum KernelVariant
{
    /// <summary>The tuned kernels (tiled GEMM, one group per row, fused attention, vector loads): the default.</summary>
    Fast,

    /// <summary>
    /// The plain kernels (about one thread per output, loops in the naive order): what the fast kernels are tested
    /// against on the device, and a baseline for the benchmarks.
    /// </summary>
    Naive,
}
