namespace Engine.Kernels.Cuda;

/// <summary>What NVRTC hands the driver for a kernel.</summary>
public enum CudaImage
{
    /// <summary>PTX for a virtual architecture; the driver JIT-compiles it, also for newer GPUs, but only when the
    /// driver is at least as new as the NVRTC that wrote it.</summary>
    Ptx,

    /// <summary>Machine code for one real architecture; loads on an older driver of the same major version
    /// (CUDA minor-version compatibility), which PTX does not.</summary>
    Cubin,
}
