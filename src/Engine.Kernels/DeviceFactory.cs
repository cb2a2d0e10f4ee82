using Engine.Kernels.Cpu;
using Engine.Kernels.Cuda;
using Engine.Kernels.OpenCl;

namespace Engine.Kernels;

public abstract partial class Device
{
    /// <summary>
    /// Opens a device by spec: "cpu", "cpu:THREADS", "opencl[:i]", "cuda[:i]", "auto"
    /// (CUDA, then a GPU OpenCL device, then the CPU) or "reference" (the naive loops, for comparisons).
    /// </summary>
    /// <exception cref="ArgumentException">The spec names no known device kind (the message lists them), or
    /// (as <see cref="ArgumentOutOfRangeException"/>) an index with no device (the message lists those that exist).</exception>
    /// <exception cref="Native.NativeLibraryMissingException">The backend's library is not installed (the message lists the paths tried).</exception>
    public static Device Open(string spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var (kind, index) = ParseSpec(spec);
        return kind switch
        {
            "cpu" => index is null ? new CpuDevice() : new CpuDevice(index.Value),
            "opencl" => new OpenClDevice(index ?? 0),
            "cuda" => new CudaDevice(index ?? 0),
            "reference" when index is null => new ReferenceDevice(),
            "auto" => OpenAuto(),
            _ => throw new ArgumentException(
                $"unknown device '{spec}': expected cpu, cpu:THREADS, opencl[:i], cuda[:i] or auto", nameof(spec)),
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

    internal static (string Kind, int? Index) ParseSpec(string spec)
    {
        var trimmed = spec.Trim().ToLowerInvariant();
        var colon = trimmed.IndexOf(':');
        if (colon < 0) return (trimmed, null);
        var kind = trimmed[..colon];
        if (!int.TryParse(trimmed[(colon + 1)..], out var index) || index < 0)
        {
            throw new ArgumentException($"device '{spec}': the part after ':' must be a non-negative integer", nameof(spec));
        }
        return (kind, index);
    }
}
