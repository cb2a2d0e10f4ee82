using System.Runtime.Intrinsics;
using System.Text;
using Engine.Kernels.Cuda;
using Engine.Kernels.Native;
using Engine.Kernels.OpenCl;

namespace Engine.Kernels;

/// <summary>
/// Every compute device this machine offers the engine: CUDA devices, OpenCL platforms and
/// devices, and the CPU, with the reason for each backend that is absent. Collecting never throws
/// for a missing or broken driver; that becomes the backend's <see cref="BackendReport{T}.AbsentReason"/>.
/// </summary>
public sealed class DeviceInventory
{
    private DeviceInventory(BackendReport<CudaDeviceInfo> cuda, string nvrtc, bool nvrtcAvailable,
        BackendReport<OpenClDeviceInfo> openCl, CpuInventory cpu)
    {
        Cuda = cuda;
        Nvrtc = nvrtc;
        NvrtcAvailable = nvrtcAvailable;
        OpenCl = openCl;
        Cpu = cpu;
    }

    public BackendReport<CudaDeviceInfo> Cuda { get; }

    /// <summary>"NVRTC 11.8 (path)" or why it was not found (with the paths tried).</summary>
    public string Nvrtc { get; }

    /// <summary>Whether NVRTC loads (CUDA devices need it to compile kernels).</summary>
    public bool NvrtcAvailable { get; }

    public BackendReport<OpenClDeviceInfo> OpenCl { get; }

    public CpuInventory Cpu { get; }

    /// <summary>Queries every backend; a backend that fails is reported absent with the reason.</summary>
    public static DeviceInventory Collect()
    {
        var nvrtcAvailable = NvrtcCompiler.IsAvailable(out var nvrtcReason);
        var nvrtc = nvrtcAvailable
            ? $"NVRTC {NvrtcCompiler.Version.Major}.{NvrtcCompiler.Version.Minor} ({NvrtcCompiler.LibraryPath})"
            : nvrtcReason;
        return new DeviceInventory(ProbeCuda(), nvrtc, nvrtcAvailable, ProbeOpenCl(), ProbeCpu());
    }

    private static BackendReport<CudaDeviceInfo> ProbeCuda()
    {
        try
        {
            var devices = CudaDevices.List();
            return new BackendReport<CudaDeviceInfo>(devices, devices.Count == 0 ? "no CUDA device (cuDeviceGetCount = 0)" : null);
        }
        catch (NativeLibraryMissingException e)
        {
            return new BackendReport<CudaDeviceInfo>([], "no NVIDIA driver: " + e.Message);
        }
        catch (CudaException e)
        {
            return new BackendReport<CudaDeviceInfo>([], "driver error: " + e.Message);
        }
    }

    private static BackendReport<OpenClDeviceInfo> ProbeOpenCl()
    {
        try
        {
            var devices = OpenClDevices.List();
            return new BackendReport<OpenClDeviceInfo>(devices,
                devices.Count == 0 ? "no OpenCL device (the ICD loader found no platform with a device)" : null);
        }
        catch (NativeLibraryMissingException e)
        {
            return new BackendReport<OpenClDeviceInfo>([], "no OpenCL ICD loader: " + e.Message);
        }
        catch (OpenClException e)
        {
            return new BackendReport<OpenClDeviceInfo>([], "driver error: " + e.Message);
        }
    }

    private static CpuInventory ProbeCpu()
    {
        var model = "unknown";
        try
        {
            if (File.Exists("/proc/cpuinfo"))
            {
                var line = File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal));
                if (line is not null && line.IndexOf(':') is var colon and >= 0) model = line[(colon + 1)..].Trim();
            }
        }
        catch (IOException)
        {
            // The model is decoration; the rest of the inventory stands without it.
        }
        return new CpuInventory(model, Environment.ProcessorCount, Vector512.IsHardwareAccelerated, Vector256.IsHardwareAccelerated);
    }

    /// <summary>The spec that <see cref="Device.Open(string)"/> would open here: "auto" becomes its choice, any other spec is returned as given.</summary>
    public string Resolve(string spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        return spec.Trim().Equals("auto", StringComparison.OrdinalIgnoreCase) ? Device.ChooseAuto(this).Spec : spec;
    }

    /// <summary>
    /// The total memory in bytes of the device <paramref name="spec"/> names ("cuda[:i]", "opencl[:i]" or
    /// "auto", resolved first); null for the CPU and the naive device, for a device this inventory does
    /// not list, and for a malformed spec (opening it reports the problem).
    /// </summary>
    public long? MemoryBytes(string spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        DeviceSpec parsed;
        try
        {
            parsed = DeviceSpec.Parse(Resolve(spec));
        }
        catch (ArgumentException)
        {
            return null;
        }
        return parsed.Kind switch
        {
            DeviceKind.Cuda => Cuda.Devices.FirstOrDefault(d => d.Index == parsed.Index)?.TotalMemoryBytes,
            DeviceKind.OpenCl => OpenCl.Devices.FirstOrDefault(d => d.Index == parsed.Index)?.GlobalMemoryBytes,
            _ => null,
        };
    }

    /// <summary>A human-readable listing, one backend per section, absent backends with their reason.</summary>
    public string Describe()
    {
        var text = new StringBuilder();
        text.AppendLine("CUDA:");
        if (Cuda.IsPresent)
        {
            foreach (var device in Cuda.Devices) text.AppendLine($"  {device.Summary}");
            text.AppendLine($"  compiler: {Nvrtc}");
        }
        else
        {
            text.AppendLine($"  absent: {Indent(Cuda.AbsentReason)}");
            text.AppendLine($"  compiler (PTX without a GPU): {Indent(Nvrtc)}");
        }
        text.AppendLine("OpenCL:");
        if (OpenCl.IsPresent)
        {
            foreach (var platform in OpenCl.Devices.GroupBy(d => d.PlatformIndex))
            {
                var first = platform.First();
                text.AppendLine($"  platform {platform.Key}: {first.PlatformName} ({first.PlatformVersion})");
                foreach (var device in platform) text.AppendLine($"    {device.Summary}");
            }
        }
        else
        {
            text.AppendLine($"  absent: {Indent(OpenCl.AbsentReason)}");
        }
        text.AppendLine("CPU:");
        text.AppendLine($"  {Cpu.Model}, {Cpu.LogicalCores} logical cores, SIMD {Cpu.SimdWidthBits}-bit " +
                        $"(Vector512 {(Cpu.Vector512 ? "accelerated" : "no")}, Vector256 {(Cpu.Vector256 ? "accelerated" : "no")})");
        return text.ToString();
    }

    private static string Indent(string? text) => (text ?? "").Replace(Environment.NewLine, Environment.NewLine + "    ");
}
