using Engine.Kernels.Cpu;
using Engine.Kernels.Gpu;

namespace Engine.Kernels;

public abstract partial class Device
{
    /// <summary>
    /// Opens a device by spec (see <see cref="DeviceSpec.Parse"/>): "cpu", "cpu:THREADS", "cpu-ieee[:THREADS]", "naive", "cuda[:i]",
    /// "opencl[:i]", "gpu-sim[:GROUP]" (the GPU kernels on ILGPU's CPU accelerator) or "auto" (the first usable CUDA device,
    /// else the first usable OpenCL GPU, else the CPU).
    /// </summary>
    /// <exception cref="ArgumentException">The spec is malformed or names no known device kind (the message lists them).</exception>
    /// <exception cref="DeviceUnavailableException">The backend is not installed here, no device has that index, or the
    /// device cannot run the engine's kernels (the message says which and why).</exception>
    public static Device Open(string spec) => Open(DeviceSpec.Parse(spec));

    /// <inheritdoc cref="Open(string)"/>
    public static Device Open(DeviceSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        return spec.Kind switch
        {
            DeviceKind.Cpu => spec.Number is { } threads ? new CpuDevice(threads) : new CpuDevice(),
            DeviceKind.CpuIeee => new CpuDevice(spec.Number ?? 0) { FlushesSubnormals = false },
            DeviceKind.Naive => new NaiveDevice(),
            DeviceKind.Cuda => GpuDevice.OpenCuda(spec.Index),
            DeviceKind.OpenCl => GpuDevice.OpenOpenCl(spec.Index),
            DeviceKind.GpuSim => spec.Number is { } group ? GpuDevice.OpenSimulator(group) : GpuDevice.OpenSimulator(),
            _ => Open(DeviceInventory.Collect().ChooseAuto().Spec),
        };
    }

    /// <summary>
    /// What "auto" picks on this machine and why, e.g.
    /// "auto → cpu: no usable CUDA device (no NVIDIA driver: …); no usable OpenCL GPU (…)".
    /// </summary>
    public static string DescribeAutoChoice() => DeviceInventory.Collect().ChooseAuto().Reason;
}
