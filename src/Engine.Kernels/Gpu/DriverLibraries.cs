using System.Reflection;
using System.Runtime.InteropServices;

namespace Engine.Kernels.Gpu;

/// <summary>
/// Points ILGPU's P/Invokes at the driver libraries where they really are. ILGPU asks for "cuda" and "OpenCL", which
/// the runtime maps to the unversioned development links (libcuda.so, libOpenCL.so) that driver-only machines lack;
/// this resolver loads the versioned sonames from the usual driver folders instead, and remembers what it tried, so
/// "no CUDA device" can say why. Installed once, before the first ILGPU context.
/// </summary>
internal static class DriverLibraries
{
    private static readonly Lock Gate = new();
    private static readonly Dictionary<string, (nint Handle, string Detail)> Loaded = new(StringComparer.Ordinal);
    private static int _installed;

    /// <summary>Installs the resolver on ILGPU's assembly (idempotent).</summary>
    public static void Install()
    {
        if (Interlocked.Exchange(ref _installed, 1) == 0)
            NativeLibrary.SetDllImportResolver(typeof(ILGPU.Context).Assembly, Resolve);
    }

    /// <summary>"loaded from PATH", or the paths tried and why each failed.</summary>
    public static string Describe(string library) => Load(library).Detail;

    /// <summary>Whether the CUDA driver (libcuda.so.1) loads.</summary>
    public static bool HasCudaDriver => Load(Cuda).Handle != 0;

    /// <summary>Whether an OpenCL ICD loader (libOpenCL.so.1) loads.</summary>
    public static bool HasOpenClLoader => Load(OpenCl).Handle != 0;

    public const string Cuda = "libcuda.so.1";

    public const string OpenCl = "libOpenCL.so.1";

    private static nint Resolve(string name, Assembly assembly, DllImportSearchPath? searchPath) => name switch
    {
        "cuda" or "nvcuda" => Load(Cuda).Handle,
        "OpenCL" or "opencl" => Load(OpenCl).Handle,
        _ => 0,
    };

    private static (nint Handle, string Detail) Load(string library)
    {
        lock (Gate)
        {
            if (Loaded.TryGetValue(library, out var known)) return known;
            var attempts = new List<string>();
            foreach (var candidate in Candidates(library))
            {
                if (Path.IsPathRooted(candidate) && !File.Exists(candidate))
                {
                    attempts.Add($"{candidate}: no such file");
                    continue;
                }
                if (NativeLibrary.TryLoad(candidate, out var handle))
                    return Loaded[library] = (handle, $"loaded from {candidate}");
                attempts.Add($"{candidate}: cannot be loaded");
            }
            return Loaded[library] = (0, $"{library} was not found; tried: {string.Join("; ", attempts)}");
        }
    }

    private static string Triple => RuntimeInformation.OSArchitecture == Architecture.Arm64 ? "aarch64-linux-gnu" : "x86_64-linux-gnu";

    private static IEnumerable<string> Candidates(string library)
    {
        var variable = library == Cuda ? "ENGINE_LIBCUDA" : "ENGINE_OPENCL";
        if (Environment.GetEnvironmentVariable(variable) is { Length: > 0 } explicitPath) yield return explicitPath;
        yield return library;
        yield return $"/usr/lib/{Triple}/{library}";
        yield return $"/usr/lib64/{library}";
        if (library == Cuda)
        {
            yield return "/usr/local/nvidia/lib64/libcuda.so.1";
            yield return "/usr/lib/wsl/lib/libcuda.so.1";
        }
        else
        {
            yield return "/usr/local/cuda/lib64/libOpenCL.so.1";
            yield return "/opt/rocm/lib/libOpenCL.so.1";
        }
    }
}
