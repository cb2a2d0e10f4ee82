namespace Engine.Kernels;

/// <summary>The kinds of device a spec can name.</summary>
public enum DeviceKind
{
    /// <summary>"cpu" or "cpu:THREADS": the default, SIMD and multi-threaded.</summary>
    Cpu,

    /// <summary>
    /// "cpu-ieee" or "cpu-ieee:THREADS": the cpu device keeping IEEE float32 subnormals (no flush-to-zero; see
    /// <see cref="Cpu.CpuDevice.FlushesSubnormals"/>): slower late in training, for comparing with IEEE code bit for bit.
    /// </summary>
    CpuIeee,

    /// <summary>"naive": the plain float64 loops on one thread (the "before" of every CPU speed-up claim).</summary>
    Naive,

    /// <summary>"cuda" or "cuda:i".</summary>
    Cuda,

    /// <summary>"opencl" or "opencl:i".</summary>
    OpenCl,

    /// <summary>"gpu-sim" or "gpu-sim:GROUP": the GPU kernels on ILGPU's CPU accelerator, groups of up to GROUP threads (slow; for debugging and tests).</summary>
    GpuSim,

    /// <summary>"auto": CUDA, then a usable OpenCL GPU, then the CPU.</summary>
    Auto,
}

/// <summary>
/// A parsed device spec such as "cpu", "cpu:4", "cuda:1" or "auto": a <see cref="Kind"/> and, where the kind takes
/// one, a number (the device index; for the CPU, the thread count; for the simulator, the largest group).
/// </summary>
public sealed record DeviceSpec(DeviceKind Kind, int? Number = null)
{
    private static readonly (string Word, DeviceKind Kind, bool TakesNumber)[] Words =
    [
        ("cpu", DeviceKind.Cpu, true),
        ("cpu-ieee", DeviceKind.CpuIeee, true),
        ("naive", DeviceKind.Naive, false),
        ("cuda", DeviceKind.Cuda, true),
        ("opencl", DeviceKind.OpenCl, true),
        ("gpu-sim", DeviceKind.GpuSim, true),
        ("auto", DeviceKind.Auto, false),
    ];

    /// <summary>The specs this parser accepts, for messages.</summary>
    public const string Accepted = "cpu, cpu:THREADS, cpu-ieee[:THREADS], naive, cuda[:i], opencl[:i], gpu-sim[:GROUP] or auto";

    /// <summary>Whether the device runs the kernels on the host CPU devices (cpu, cpu-ieee, naive).</summary>
    public bool IsHost => Kind is DeviceKind.Cpu or DeviceKind.CpuIeee or DeviceKind.Naive;

    /// <summary>The device index of a GPU kind (0 when the spec names none).</summary>
    public int Index => Number ?? 0;

    /// <summary>Parses a spec, ignoring case and surrounding spaces.</summary>
    /// <exception cref="ArgumentException">The spec names no known kind, or its number is malformed (the message lists what is accepted).</exception>
    public static DeviceSpec Parse(string spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var trimmed = spec.Trim().ToLowerInvariant();
        var colon = trimmed.IndexOf(':');
        var word = colon < 0 ? trimmed : trimmed[..colon];
        foreach (var (known, kind, takesNumber) in Words)
        {
            if (word != known) continue;
            if (colon < 0) return new DeviceSpec(kind);
            if (!takesNumber) throw new ArgumentException($"device '{spec}': '{known}' takes no ':number'", nameof(spec));
            if (!int.TryParse(trimmed[(colon + 1)..], out var number) || number < 0)
                throw new ArgumentException($"device '{spec}': the part after ':' must be a non-negative integer", nameof(spec));
            return new DeviceSpec(kind, number);
        }
        throw new ArgumentException($"unknown device '{spec}': expected {Accepted}", nameof(spec));
    }

    /// <summary>The spec in its canonical text, e.g. "cuda:0", "cpu:2", "auto".</summary>
    public override string ToString()
    {
        var word = Words.First(w => w.Kind == Kind).Word;
        return Number is { } n ? $"{word}:{n}" : word;
    }
}
