using ILGPU;
using ILGPU.Runtime;
using ILGPU.Runtime.Cuda;
using ILGPU.Runtime.OpenCL;

namespace Engine.Kernels.Gpu;

/// <summary>One device of a GPU backend as <c>engine devices</c> lists it.</summary>
/// <param name="Spec">What --device takes, e.g. "cuda:0", "opencl:1", "gpu-sim".</param>
/// <param name="IsGpu">Whether the hardware is a GPU (an OpenCL CPU device, say, is not).</param>
/// <param name="MemoryBytes">Device memory in bytes.</param>
/// <param name="Summary">One line: name, kind, units, memory.</param>
/// <param name="Unusable">Why the engine's kernels cannot run on it, or null when they can.</param>
public sealed record GpuDeviceInfo(string Spec, bool IsGpu, long MemoryBytes, string Summary, string? Unusable)
{
    public bool IsUsable => Unusable is null;
}

/// <summary>The devices one backend offers, or why it offers none.</summary>
/// <param name="Backend">Which ILGPU backend.</param>
/// <param name="Devices">Every device found, usable or not (empty when the backend is absent).</param>
/// <param name="AbsentReason">Why there are none (no driver library, with the paths tried; no device); null when some were found.</param>
public sealed record GpuBackendReport(GpuBackend Backend, IReadOnlyList<GpuDeviceInfo> Devices, string? AbsentReason)
{
    /// <summary>The first device the engine can run on, or null.</summary>
    public GpuDeviceInfo? FirstUsable(Func<GpuDeviceInfo, bool>? also = null) => Devices.FirstOrDefault(d => d.IsUsable && (also?.Invoke(d) ?? true));

    /// <summary>"no device" reasons in one line: the absent reason, or each device's own.</summary>
    public string WhyNoneUsable() => AbsentReason ?? string.Join("; ", Devices.Select(d => $"{d.Spec} {d.Unusable}"));
}

/// <summary>Queries each ILGPU backend without ever throwing: a missing driver or a broken device becomes a reason.</summary>
internal static class GpuInventory
{
    public static GpuBackendReport Probe(GpuBackend backend)
    {
        DriverLibraries.Install();
        if (backend == GpuBackend.Cuda && !DriverLibraries.HasCudaDriver)
            return new(backend, [], "no NVIDIA driver: " + DriverLibraries.Describe(DriverLibraries.Cuda));
        if (backend == GpuBackend.OpenCl && !DriverLibraries.HasOpenClLoader)
            return new(backend, [], "no OpenCL ICD loader: " + DriverLibraries.Describe(DriverLibraries.OpenCl));
        try
        {
            using var context = GpuDevice.CreateContext(backend);
            var devices = GpuDevice.Devices(context, backend);
            var infos = devices.Select((d, i) => Info(context, backend, d, i)).ToList();
            return new(backend, infos, infos.Count == 0 ? WhyNoDevice(backend) : null);
        }
        catch (Exception e) when (e is AcceleratorException or DllNotFoundException or EntryPointNotFoundException or InvalidOperationException or TypeInitializationException)
        {
            return new(backend, [], $"driver error: {e.Message}");
        }
    }

    /// <summary>The reason a backend whose library loads lists no device.</summary>
    public static string WhyNoDevice(GpuBackend backend) => backend switch
    {
        GpuBackend.Cuda => DriverLibraries.HasCudaDriver ? "the NVIDIA driver reports no CUDA device"
            : "no NVIDIA driver: " + DriverLibraries.Describe(DriverLibraries.Cuda),
        GpuBackend.OpenCl => DriverLibraries.HasOpenClLoader ? "the OpenCL ICD loader found no platform with a device"
            : "no OpenCL ICD loader: " + DriverLibraries.Describe(DriverLibraries.OpenCl),
        _ => "ILGPU offers no CPU accelerator",
    };

    private static GpuDeviceInfo Info(Context context, GpuBackend backend, ILGPU.Runtime.Device device, int index)
    {
        var spec = GpuDevice.Spec(backend, index);
        var isGpu = device switch
        {
            CudaDevice => true,
            CLDevice cl => cl.DeviceType.HasFlag(CLDeviceType.CL_DEVICE_TYPE_GPU),
            _ => false,
        };
        var summary = $"{spec} = {GpuDevice.Describe(backend, device)}";
        return new GpuDeviceInfo(spec, isGpu, device.MemorySize, summary, Unusable(context, backend, device));
    }

    /// <summary>Null when an accelerator can be created on the device, else ILGPU's reason (e.g. PoCL 3: no generic address space).</summary>
    private static string? Unusable(Context context, GpuBackend backend, ILGPU.Runtime.Device device)
    {
        if (backend == GpuBackend.Simulator) return null;
        try
        {
            using var accelerator = device.CreateAccelerator(context);
            return null;
        }
        catch (Exception e) when (e is CapabilityNotSupportedException or NotSupportedException or AcceleratorException or InvalidOperationException)
        {
            var reason = e.Message.ReplaceLineEndings(" ").Trim();
            return device is CLDevice cl && !cl.Capabilities.GenericAddressSpace
                ? $"unusable: ILGPU's OpenCL kernels need the generic address space, which {cl.Name} ({cl.DeviceVersion}) lacks ({reason})"
                : $"unusable: {reason}";
        }
    }
}
