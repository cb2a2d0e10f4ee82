using System.Runtime.Intrinsics;
using System.Text;
using Engine.Kernels.Cpu;
using Engine.Kernels.Gpu;

namespace Engine.Kernels;

/// <summary>The host CPU as the CPU device sees it.</summary>
/// <param name="Model">"model name" from /proc/cpuinfo, or "unknown".</param>
/// <param name="LogicalCores">Environment.ProcessorCount (what the CPU device's threads default to).</param>
/// <param name="Vector512">Whether Vector512 is hardware-accelerated (AVX-512).</param>
/// <param name="Vector256">Whether Vector256 is hardware-accelerated (AVX2).</param>
public sealed record CpuInventory(string Model, int LogicalCores, bool Vector512, bool Vector256)
{
    /// <summary>The widest accelerated SIMD register in bits: 512, 256 or 128.</summary>
    public int SimdWidthBits => Vector512 ? 512 : Vector256 ? 256 : 128;
}

/// <summary>
/// Every compute device this machine offers the engine: the CPU (and the naive device), CUDA devices, OpenCL devices
/// and ILGPU's CPU accelerator, each GPU device with whether the engine's kernels can run on it and why not.
/// Collecting never throws for a missing or broken driver; that becomes the backend's reason.
/// </summary>
public sealed class DeviceInventory
{
    private DeviceInventory(GpuBackendReport cuda, GpuBackendReport openCl, GpuBackendReport simulator, CpuInventory cpu)
    {
        Cuda = cuda;
        OpenCl = openCl;
        Simulator = simulator;
        Cpu = cpu;
    }

    public GpuBackendReport Cuda { get; }

    public GpuBackendReport OpenCl { get; }

    /// <summary>ILGPU's CPU accelerator ("gpu-sim").</summary>
    public GpuBackendReport Simulator { get; }

    public CpuInventory Cpu { get; }

    /// <summary>Queries every backend; a backend that fails is reported absent with the reason.</summary>
    public static DeviceInventory Collect()
        => new(GpuInventory.Probe(GpuBackend.Cuda), GpuInventory.Probe(GpuBackend.OpenCl), GpuInventory.Probe(GpuBackend.Simulator), ProbeCpu());

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

    /// <summary>What "auto" picks: the first usable CUDA device, else the first usable OpenCL GPU, else the CPU — and why.</summary>
    public (string Spec, string Reason) ChooseAuto()
    {
        if (Cuda.FirstUsable() is { } cuda) return (cuda.Spec, $"auto → {cuda.Summary}");
        var cudaWhyNot = $"no usable CUDA device ({Cuda.WhyNoneUsable()})";
        if (OpenCl.FirstUsable(d => d.IsGpu) is { } gpu) return (gpu.Spec, $"auto → {gpu.Summary}; {cudaWhyNot}");
        var openClWhyNot = OpenCl.Devices.Any(d => d.IsGpu) || OpenCl.AbsentReason is not null
            ? $"no usable OpenCL GPU ({OpenCl.WhyNoneUsable()})"
            : $"no GPU among the OpenCL devices ({string.Join("; ", OpenCl.Devices.Select(d => d.Summary))})";
        return ("cpu", $"auto → cpu: {cudaWhyNot}; {openClWhyNot}");
    }

    /// <summary>The spec that <see cref="Device.Open(string)"/> would open here: "auto" becomes its choice, any other spec is returned as given.</summary>
    public string Resolve(string spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        return DeviceSpec.Parse(spec).Kind == DeviceKind.Auto ? ChooseAuto().Spec : spec;
    }

    /// <summary>
    /// The total memory in bytes of the GPU device <paramref name="spec"/> names ("auto" resolved first); null for the
    /// host devices and the simulator, for a device this inventory does not list, and for a malformed spec.
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
        var report = parsed.Kind switch
        {
            DeviceKind.Cuda => Cuda,
            DeviceKind.OpenCl => OpenCl,
            _ => null,
        };
        return report?.Devices.FirstOrDefault(d => d.Spec == parsed.ToString())?.MemoryBytes;
    }

    /// <summary>
    /// Why the device <paramref name="spec"/> names cannot run the engine's kernels here ("auto" resolved first), or null
    /// when it can: the backend's absent reason, "no such device", or the device's own reason.
    /// </summary>
    public string? WhyUnavailable(string spec)
    {
        var parsed = DeviceSpec.Parse(Resolve(spec));
        var report = parsed.Kind switch
        {
            DeviceKind.Cuda => Cuda,
            DeviceKind.OpenCl => OpenCl,
            DeviceKind.GpuSim => Simulator,
            _ => null,
        };
        if (report is null) return null;
        // The simulator is one device whatever its group size ("gpu-sim:256").
        var device = parsed.Kind == DeviceKind.GpuSim ? report.Devices.FirstOrDefault() : report.Devices.FirstOrDefault(d => d.Spec == parsed.ToString());
        if (device is null) return report.AbsentReason ?? $"{parsed}: no such device ({report.Devices.Count} found)";
        return device.Unusable is { } why ? $"{device.Spec} {why}" : null;
    }

    /// <summary>A human-readable listing, one backend per section: each device with its state, absent backends with their reason.</summary>
    public string Describe()
    {
        var text = new StringBuilder();
        text.AppendLine("CPU:");
        text.AppendLine($"  cpu = {Cpu.Model}, {Cpu.LogicalCores} logical cores, SIMD {Cpu.SimdWidthBits}-bit " +
                        $"(Vector512 {(Cpu.Vector512 ? "accelerated" : "no")}, Vector256 {(Cpu.Vector256 ? "accelerated" : "no")}): usable");
        text.AppendLine(SubnormalFlush.Supported
            ? "  cpu-ieee = the cpu device keeping IEEE float32 subnormals (cpu flushes them to 0; slower late in training): usable"
            : "  cpu-ieee = the same as cpu here (no flush-to-zero control on this platform): usable");
        text.AppendLine("  naive = the plain float64 loops on one thread (the baseline of the CPU benchmarks): usable");
        foreach (var (title, report) in new[] { ("CUDA (ILGPU)", Cuda), ("OpenCL (ILGPU)", OpenCl), ("GPU kernels on the CPU (ILGPU's CPU accelerator)", Simulator) })
        {
            text.AppendLine($"{title}:");
            if (report.AbsentReason is { } reason) text.AppendLine($"  absent: {reason}");
            foreach (var device in report.Devices) text.AppendLine($"  {device.Summary}: {device.Unusable ?? "usable"}");
        }
        return text.ToString();
    }
}
