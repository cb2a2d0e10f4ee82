using System.Diagnostics;

namespace Engine.Kernels.Tests.Ptx;

/// <summary>NVIDIA's PTX assembler, found without a GPU: ENGINE_PTXAS, scripts/setup-system.sh's copy, a CUDA toolkit, or PATH.</summary>
public static class Ptxas
{
    private static readonly Lazy<string?> Found = new(Find);

    /// <summary>The ptxas executable, or null.</summary>
    public static string? Path => Found.Value;

    /// <summary>Where it was looked for, for the skip message.</summary>
    public const string Searched = "ENGINE_PTXAS, /opt/engine/cuda-11.8/bin/ptxas (scripts/setup-system.sh installs it), /usr/local/cuda/bin/ptxas, PATH";

    private static string? Find()
    {
        var candidates = new List<string>();
        if (Environment.GetEnvironmentVariable("ENGINE_PTXAS") is { Length: > 0 } explicitPath) candidates.Add(explicitPath);
        candidates.Add("/opt/engine/cuda-11.8/bin/ptxas");
        candidates.Add("/usr/local/cuda/bin/ptxas");
        candidates.AddRange((Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Select(d => System.IO.Path.Combine(d, "ptxas")));
        return candidates.FirstOrDefault(File.Exists);
    }

    /// <summary>Assembles <paramref name="ptx"/> for <paramref name="arch"/> (e.g. "sm_90"): exit code and ptxas's output.</summary>
    public static (int ExitCode, string Output) Assemble(string ptx, string arch)
    {
        var folder = Directory.CreateTempSubdirectory("engine-ptx-").FullName;
        try
        {
            var input = System.IO.Path.Combine(folder, "kernel.ptx");
            File.WriteAllText(input, ptx);
            var start = new ProcessStartInfo(Path ?? throw new InvalidOperationException("no ptxas"),
                ["-arch=" + arch, "-o", System.IO.Path.Combine(folder, "kernel.cubin"), input])
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            };
            using var process = Process.Start(start)!;
            var output = process.StandardOutput.ReadToEndAsync();
            var error = process.StandardError.ReadToEnd();
            process.WaitForExit();
            return (process.ExitCode, (output.Result + error).Trim());
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
