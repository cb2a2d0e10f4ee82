using Engine.Kernels.Cpu;
using Engine.Kernels.Cuda;
using Engine.Kernels.OpenCl;

namespace Engine.Kernels;

public abstract partial class Device
{
    /// <summary>
    /// Opens a device by spec (see <see cref="DeviceSpec.Parse"/>): "cpu", "cpu:THREADS", "naive", "opencl[:i]",
    /// "cuda[:i]" or "auto" (CUDA, then a GPU OpenCL device, then the CPU).
    /// </summary>
    /// <exception cref="ArgumentException">The spec is malformed or names no known device kind (the message lists them).</exception>
    /// <exception cref="DeviceUnavailableException">The backend is not installed here, or no device has that index
    /// (the message lists what was tried or what exists).</exception>
    public static Device Open(string spec) => Open(DeviceSpec.Parse(spec));

    /// <inheritdoc cref="Open(string)"/>
    public static Device Open(DeviceSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        return spec.Kind switch
        {
            DeviceKind.Cpu => spec.Number is { } threads ? new CpuDevice(threads) : new CpuDevice(),
            DeviceKind.Naive => new NaiveDevice(),
            DeviceKind.OpenCl => new OpenClDevice(spec.Index),
            DeviceKind.Cuda => new CudaDevice(spec.Index),
            _ => OpenAuto(),
        };
    }

    private static Device OpenAuto() => Open(ChooseAuto(DeviceInventory.Collect()).Spec);

    /// <summary>
    /// What "auto" picks on this machine and why, e.g.
    /// "auto → cpu: no CUDA device (no NVIDIA driver: …); no GPU among the OpenCL devices (opencl:0 = pthread-… (CPU, …))".
    /// </summary>
    public static string DescribeAutoChoice() => ChooseAuto(DeviceInventory.Collect()).Reason;

    /// <summary>CUDA (when NVRTC can compile for it), else the first GPU-type OpenCL device, else the CPU.</summary>
    internal static (string Spec, string Reason) ChooseAuto(DeviceInventory inventory)
    {
        if (inventory.Cuda.IsPresent && inventory.NvrtcAvailable)
            return ("cuda:0", $"auto → cuda:0: {inventory.Cuda.Devices[0].Summary}");
        var gpu = inventory.OpenCl.Devices.FirstOrDefault(d => d.IsGpu);
        var cudaWhyNot = inventory.Cuda.IsPresent
            ? $"CUDA device present but NVRTC missing ({OneLine(inventory.Nvrtc)})"
            : $"no CUDA device ({OneLine(inventory.Cuda.AbsentReason)})";
        if (gpu is not null) return ($"opencl:{gpu.Index}", $"auto → opencl:{gpu.Index}: {cudaWhyNot}; {gpu.Summary}");
        var openClWhyNot = inventory.OpenCl.IsPresent
            ? "no GPU among the OpenCL devices (" + string.Join("; ", inventory.OpenCl.Devices.Select(d => d.Summary)) + ")"
            : $"no OpenCL device ({OneLine(inventory.OpenCl.AbsentReason)})";
        return ("cpu", $"auto → cpu: {cudaWhyNot}; {openClWhyNot}");
    }

    private static string OneLine(string? text)
        => string.Join(" ", (text ?? "").Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
}
