using System.Reflection;
using System.Runtime.InteropServices;

namespace Engine.Kernels.Native;

/// <summary>
/// Finds and loads the three native libraries the GPU backends use, once per process, and
/// routes every <c>[LibraryImport]</c> of this assembly to the handle found. Each binding class
/// touches <see cref="EnsureResolver"/> in its static constructor, so the resolver is in place
/// before the first native call.
/// </summary>
internal static class NativeLibraries
{
    /// <summary>The OpenCL ICD loader (dispatches to PoCL, NVIDIA, ROCm... drivers).</summary>
    public const string OpenCl = "libOpenCL.so.1";

    /// <summary>The CUDA driver API; comes with the NVIDIA driver, not the toolkit.</summary>
    public const string Cuda = "libcuda.so.1";

    /// <summary>Logical name of NVRTC: its file name carries the toolkit version, so it is searched for.</summary>
    public const string Nvrtc = "libnvrtc.so";

    private static readonly Lock Gate = new();
    private static readonly Dictionary<string, LoadResult> Results = new(StringComparer.Ordinal);

    static NativeLibraries() => NativeLibrary.SetDllImportResolver(typeof(NativeLibraries).Assembly, Resolve);

    /// <summary>Runs the static constructor (which installs the resolver); does nothing else.</summary>
    public static void EnsureResolver() { }

    /// <summary>Loads <paramref name="library"/> or throws <see cref="NativeLibraryMissingException"/>.</summary>
    public static void Require(string library)
    {
        var result = Load(library);
        if (result.Handle == 0) throw new NativeLibraryMissingException(library, result.Attempts);
    }

    /// <summary>Whether <paramref name="library"/> loads; when not, <paramref name="reason"/> lists the paths tried.</summary>
    public static bool IsAvailable(string library, out string reason)
    {
        var result = Load(library);
        reason = result.Handle != 0 ? $"loaded from {result.Path}"
            : $"{library} not found; tried: " + string.Join("; ", result.Attempts);
        return result.Handle != 0;
    }

    /// <summary>The path (or bare name) <paramref name="library"/> was loaded from, or null.</summary>
    public static string? LoadedPath(string library) => Load(library).Path;

    public static LoadResult Load(string library)
    {
        lock (Gate)
        {
            if (!Results.TryGetValue(library, out var result))
            {
                result = LoadFirst(Candidates(library));
                Results[library] = result;
            }
            return result;
        }
    }

    /// <summary>Tries each candidate in order; the first that loads wins. Never throws.</summary>
    public static LoadResult LoadFirst(IEnumerable<string> candidates)
    {
        var attempts = new List<string>();
        foreach (var candidate in candidates)
        {
            if (candidate.EndsWith('/'))
            {
                attempts.Add($"{candidate}libnvrtc.so*: none there");
                continue;
            }
            if (Path.IsPathRooted(candidate) && !File.Exists(candidate))
            {
                attempts.Add($"{candidate}: no such file");
                continue;
            }
            try
            {
                return new LoadResult(NativeLibrary.Load(candidate), candidate, attempts);
            }
            catch (DllNotFoundException e)
            {
                attempts.Add($"{candidate}: {DlError(e.Message)}");
            }
            catch (BadImageFormatException e)
            {
                attempts.Add($"{candidate}: not a loadable library ({e.Message})");
            }
        }
        return new LoadResult(0, null, attempts);
    }

    /// <summary>The runtime's message ends with dlerror's own line ("...: cannot open shared object file..."); keep that.</summary>
    private static string DlError(string message)
    {
        var lines = message.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        return lines.Length == 0 ? "dlopen failed" : lines[^1];
    }

    private static nint Resolve(string libraryName, Assembly assembly, DllImportSearchPath? searchPath)
        => libraryName is OpenCl or Cuda or Nvrtc ? Load(libraryName).Handle : 0;

    internal static IEnumerable<string> Candidates(string library) => library switch
    {
        OpenCl => OpenClCandidates(),
        Cuda => CudaCandidates(),
        Nvrtc => NvrtcCandidates(),
        _ => [library],
    };

    private static string MultiarchTriple =>
        RuntimeInformation.OSArchitecture == Architecture.Arm64 ? "aarch64-linux-gnu" : "x86_64-linux-gnu";

    private static IEnumerable<string> OpenClCandidates()
    {
        if (Environment.GetEnvironmentVariable("ENGINE_OPENCL") is { Length: > 0 } explicitPath) yield return explicitPath;
        yield return OpenCl;
        yield return $"/usr/lib/{MultiarchTriple}/libOpenCL.so.1";
        yield return "/usr/lib64/libOpenCL.so.1";
        yield return "/usr/local/cuda/lib64/libOpenCL.so.1";
        yield return "/opt/rocm/lib/libOpenCL.so.1";
    }

    private static IEnumerable<string> CudaCandidates()
    {
        yield return Cuda;
        yield return $"/usr/lib/{MultiarchTriple}/libcuda.so.1";
        yield return "/usr/lib64/libcuda.so.1";
        yield return "/usr/local/nvidia/lib64/libcuda.so.1";
        yield return "/usr/lib/wsl/lib/libcuda.so.1";
    }

    /// <summary>
    /// ENGINE_NVRTC first, then every libnvrtc.so* (newest version first) in the CUDA toolkit,
    /// Debian multiarch, conda and pip (nvidia-cuda-nvrtc wheel) locations, then the loader path.
    /// A directory without one yields an entry ending in '/', reported as "none there".
    /// </summary>
    private static IEnumerable<string> NvrtcCandidates()
    {
        if (Environment.GetEnvironmentVariable("ENGINE_NVRTC") is { Length: > 0 } explicitPath) yield return explicitPath;
        foreach (var directory in NvrtcDirectories().Distinct(StringComparer.Ordinal))
        {
            var found = NvrtcFilesIn(directory);
            if (found.Count == 0) yield return directory.TrimEnd('/') + "/";
            foreach (var file in found) yield return file;
        }
        yield return "libnvrtc.so";
    }

    internal static IEnumerable<string> NvrtcDirectories()
    {
        var targets = RuntimeInformation.OSArchitecture == Architecture.Arm64 ? "sbsa-linux" : "x86_64-linux";
        foreach (var variable in new[] { "CUDA_HOME", "CUDA_PATH" })
        {
            if (Environment.GetEnvironmentVariable(variable) is { Length: > 0 } root)
            {
                yield return Path.Combine(root, "lib64");
                yield return Path.Combine(root, "targets", targets, "lib");
            }
        }
        yield return "/usr/local/cuda/lib64";
        yield return $"/usr/local/cuda/targets/{targets}/lib";
        foreach (var root in NewestToolkitFirst(SafeDirectories("/usr/local", "cuda-*")))
        {
            yield return Path.Combine(root, "lib64");
            yield return Path.Combine(root, "targets", targets, "lib");
        }
        yield return $"/usr/lib/{MultiarchTriple}";
        yield return "/usr/lib64";
        if (Environment.GetEnvironmentVariable("CONDA_PREFIX") is { Length: > 0 } conda) yield return Path.Combine(conda, "lib");
        foreach (var sitePackages in PythonPackageDirectories())
        {
            yield return Path.Combine(sitePackages, "nvidia", "cuda_nvrtc", "lib");
        }
    }

    private static IEnumerable<string> PythonPackageDirectories()
    {
        var home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
        var roots = new List<string>();
        if (Environment.GetEnvironmentVariable("VIRTUAL_ENV") is { Length: > 0 } venv) roots.Add(Path.Combine(venv, "lib"));
        if (Environment.GetEnvironmentVariable("CONDA_PREFIX") is { Length: > 0 } conda) roots.Add(Path.Combine(conda, "lib"));
        if (home.Length > 0) roots.Add(Path.Combine(home, ".local", "lib"));
        roots.Add("/usr/local/lib");
        roots.Add("/usr/lib");
        foreach (var root in roots)
        {
            foreach (var python in SafeDirectories(root, "python3*").OrderByDescending(d => d, StringComparer.Ordinal))
            {
                yield return Path.Combine(python, "site-packages");
                yield return Path.Combine(python, "dist-packages");
            }
        }
    }

    private static string[] SafeDirectories(string root, string pattern)
    {
        try
        {
            return Directory.Exists(root) ? Directory.GetDirectories(root, pattern) : [];
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return [];
        }
    }

    /// <summary>libnvrtc.so[.X[.Y[.Z]]] in <paramref name="directory"/>, newest first (the builtins and alt variants excluded).</summary>
    internal static List<string> NvrtcFilesIn(string directory)
    {
        string[] files;
        try
        {
            files = Directory.Exists(directory) ? Directory.GetFiles(directory, "libnvrtc.so*") : [];
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return [];
        }
        return files
            .Where(f => Path.GetFileName(f) is var name && (name == "libnvrtc.so" || name.StartsWith("libnvrtc.so.", StringComparison.Ordinal)))
            .OrderByDescending(VersionOf)
            .ThenBy(f => f, StringComparer.Ordinal)
            .ToList();
    }

    /// <summary>Toolkit folders "/usr/local/cuda-12.10" before "/usr/local/cuda-12.9" (by version, not by text).</summary>
    internal static IEnumerable<string> NewestToolkitFirst(IEnumerable<string> folders) => folders
        .OrderByDescending(f => DottedVersion(Path.GetFileName(f.TrimEnd('/'))["cuda-".Length..]))
        .ThenBy(f => f, StringComparer.Ordinal);

    /// <summary>"11.8.89" → 11.8.89.0; parts that are not numbers count as 0.</summary>
    private static Version DottedVersion(string text)
    {
        var parts = text.Split('.').Select(p => int.TryParse(p, out var v) ? v : 0).Concat([0, 0, 0, 0]).Take(4).ToArray();
        return new Version(parts[0], parts[1], parts[2], parts[3]);
    }

    /// <summary>The version in a file name "libnvrtc.so.11.8.89"; the unversioned dev link ranks highest (it names the newest).</summary>
    private static Version VersionOf(string file)
    {
        var suffix = Path.GetFileName(file)["libnvrtc.so".Length..].TrimStart('.');
        return suffix.Length == 0 ? new Version(int.MaxValue, 0) : DottedVersion(suffix);
    }

    /// <summary>The outcome of one search: a handle (0 when none loaded), where it came from, and what failed before.</summary>
    public sealed record LoadResult(nint Handle, string? Path, IReadOnlyList<string> Attempts);
}
