using System.Text;
using Engine.Kernels.Native;

namespace Engine.Kernels.Cuda;

/// <summary>
/// Compiles CUDA C++ text to PTX (or to a CUBIN) with NVRTC. Needs no GPU and no driver, only libnvrtc, so every
/// generated CUDA kernel can be checked on a CPU-only machine.
/// </summary>
public static class NvrtcCompiler
{
    /// <summary>Whether libnvrtc loads; otherwise <paramref name="reason"/> lists every path tried.</summary>
    public static bool IsAvailable(out string reason) => NativeLibraries.IsAvailable(NativeLibraries.Nvrtc, out reason);

    /// <summary>The file libnvrtc was loaded from.</summary>
    /// <exception cref="NativeLibraryMissingException">libnvrtc was not found (the message lists the paths tried).</exception>
    public static string LibraryPath
    {
        get
        {
            NativeLibraries.Require(NativeLibraries.Nvrtc);
            return NativeLibraries.LoadedPath(NativeLibraries.Nvrtc)!;
        }
    }

    /// <summary>NVRTC's version, e.g. (11, 8).</summary>
    /// <exception cref="NativeLibraryMissingException">libnvrtc was not found.</exception>
    public static unsafe (int Major, int Minor) Version
    {
        get
        {
            NativeLibraries.Require(NativeLibraries.Nvrtc);
            int major, minor;
            Nvrtc.Check(Nvrtc.nvrtcVersion(&major, &minor), "nvrtcVersion");
            return (major, minor);
        }
    }

    /// <summary>
    /// The virtual architectures this NVRTC can target, as numbers (…, 80, 86, 89, 90), ascending.
    /// Empty for NVRTC older than 11.2, which cannot list them.
    /// </summary>
    /// <exception cref="NativeLibraryMissingException">libnvrtc was not found.</exception>
    public static unsafe IReadOnlyList<int> SupportedArchitectures
    {
        get
        {
            NativeLibraries.Require(NativeLibraries.Nvrtc);
            try
            {
                int count;
                Nvrtc.Check(Nvrtc.nvrtcGetNumSupportedArchs(&count), "nvrtcGetNumSupportedArchs");
                var architectures = new int[count];
                fixed (int* first = architectures)
                {
                    Nvrtc.Check(Nvrtc.nvrtcGetSupportedArchs(first), "nvrtcGetSupportedArchs");
                }
                Array.Sort(architectures);
                return architectures;
            }
            catch (EntryPointNotFoundException)
            {
                return [];
            }
        }
    }

    /// <summary>
    /// Compiles <paramref name="source"/> (CUDA C++, entry points <c>extern "C"</c>) to PTX for
    /// <paramref name="architecture"/> ("sm_80", "compute_90" or "90"); the PTX's <c>.target</c>
    /// line then reads <c>sm_80</c>. <paramref name="name"/> is the program's file name in NVRTC's
    /// messages (".cu" is appended when it has no extension).
    /// </summary>
    /// <exception cref="NvrtcException">The compile failed; the message ends with NVRTC's log.</exception>
    /// <exception cref="ArgumentException">The architecture is malformed or unknown to this NVRTC.</exception>
    /// <exception cref="NativeLibraryMissingException">libnvrtc was not found (the message lists the paths tried).</exception>
    public static string CompileToPtx(string source, string name, string architecture = "sm_80", IReadOnlyList<string>? options = null)
    {
        var ptx = Compile(source, name, ParseArchitecture(architecture), options, CudaImage.Ptx);
        return Encoding.UTF8.GetString(ptx, 0, ptx.Length - 1);
    }

    /// <summary>
    /// Compiles <paramref name="source"/> to a CUBIN (an ELF image of machine code) for the real architecture
    /// <paramref name="architecture"/> ("sm_90" or "90"), as <see cref="CompileToPtx"/> otherwise.
    /// </summary>
    /// <exception cref="NvrtcException">The compile failed; the message ends with NVRTC's log.</exception>
    /// <exception cref="ArgumentException">The architecture is malformed or unknown to this NVRTC.</exception>
    /// <exception cref="NativeLibraryMissingException">libnvrtc was not found (the message lists the paths tried).</exception>
    public static byte[] CompileToCubin(string source, string name, string architecture = "sm_80", IReadOnlyList<string>? options = null)
        => Compile(source, name, ParseArchitecture(architecture), options, CudaImage.Cubin);

    /// <summary>"sm_80" / "compute_80" / "80" → 80.</summary>
    /// <exception cref="ArgumentException">Not one of those forms.</exception>
    public static int ParseArchitecture(string architecture)
    {
        ArgumentNullException.ThrowIfNull(architecture);
        var digits = architecture.Trim().ToLowerInvariant() switch
        {
            var a when a.StartsWith("sm_", StringComparison.Ordinal) => a[3..],
            var a when a.StartsWith("compute_", StringComparison.Ordinal) => a[8..],
            var a => a,
        };
        if (!int.TryParse(digits, out var number) || number < 10 || number > 999)
            throw new ArgumentException($"architecture '{architecture}': expected sm_XY, compute_XY or XY (e.g. sm_80)", nameof(architecture));
        return number;
    }

    /// <summary>
    /// The image cuModuleLoadDataEx takes: PTX as NUL-terminated UTF-8 for the virtual architecture compute_XY,
    /// or a CUBIN for the real architecture sm_XY.
    /// </summary>
    internal static unsafe byte[] Compile(string source, string name, int architecture, IReadOnlyList<string>? options, CudaImage image)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        NativeLibraries.Require(NativeLibraries.Nvrtc);
        var supported = SupportedArchitectures;
        if (supported.Count > 0 && !supported.Contains(architecture))
        {
            throw new ArgumentException(
                $"NVRTC {Version.Major}.{Version.Minor} cannot target compute_{architecture}; it supports {string.Join(", ", supported)}",
                nameof(architecture));
        }
        var programName = name.Contains('.') ? name : name + ".cu";
        var target = image == CudaImage.Cubin ? $"sm_{architecture}" : $"compute_{architecture}";
        string[] allOptions = [$"--gpu-architecture={target}", .. options ?? []];

        var sourceBytes = NulTerminated(source);
        var nameBytes = NulTerminated(programName);
        // All options in one buffer, each NUL-terminated, so one pin covers them.
        var optionText = NulTerminated(string.Join('\0', allOptions));
        nint program = 0;
        try
        {
            fixed (byte* sourcePointer = sourceBytes)
            fixed (byte* namePointer = nameBytes)
            fixed (byte* optionsPointer = optionText)
            {
                Nvrtc.Check(Nvrtc.nvrtcCreateProgram(&program, sourcePointer, namePointer, 0, null, null),
                    $"nvrtcCreateProgram({programName})");
                var optionPointers = stackalloc byte*[allOptions.Length];
                var next = optionsPointer;
                for (var i = 0; i < allOptions.Length; i++)
                {
                    optionPointers[i] = next;
                    while (*next != 0) next++;
                    next++;
                }
                var compiled = Nvrtc.nvrtcCompileProgram(program, allOptions.Length, optionPointers);
                Nvrtc.Check(compiled, $"nvrtcCompileProgram({programName}, {string.Join(' ', allOptions)})", ProgramLog(program));
            }

            nuint size;
            if (image == CudaImage.Cubin)
            {
                Nvrtc.Check(Nvrtc.nvrtcGetCUBINSize(program, &size), $"nvrtcGetCUBINSize({programName})");
                var cubin = new byte[(int)size];
                fixed (byte* destination = cubin)
                {
                    Nvrtc.Check(Nvrtc.nvrtcGetCUBIN(program, destination), $"nvrtcGetCUBIN({programName})");
                }
                return cubin;
            }
            Nvrtc.Check(Nvrtc.nvrtcGetPTXSize(program, &size), $"nvrtcGetPTXSize({programName})");
            var ptx = new byte[(int)size];
            fixed (byte* destination = ptx)
            {
                Nvrtc.Check(Nvrtc.nvrtcGetPTX(program, destination), $"nvrtcGetPTX({programName})");
            }
            return ptx;
        }
        finally
        {
            if (program != 0) Nvrtc.nvrtcDestroyProgram(&program);
        }
    }

    private static unsafe string ProgramLog(nint program)
    {
        nuint size;
        if (Nvrtc.nvrtcGetProgramLogSize(program, &size) != Nvrtc.Success || size <= 1) return "";
        var log = new byte[(int)size];
        fixed (byte* destination = log)
        {
            if (Nvrtc.nvrtcGetProgramLog(program, destination) != Nvrtc.Success) return "";
        }
        return Encoding.UTF8.GetString(log, 0, log.Length - 1);
    }

    private static byte[] NulTerminated(string text)
    {
        var bytes = new byte[Encoding.UTF8.GetByteCount(text) + 1];
        Encoding.UTF8.GetBytes(text, bytes);
        return bytes;
    }
}
