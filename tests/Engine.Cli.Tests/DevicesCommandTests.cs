using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Text.RegularExpressions;
using NUnit.Framework;

namespace Engine.Cli.Tests;

/// <summary>
/// <c>engine devices</c> as a process: every backend is listed with its devices or the reason it is absent, and the
/// CPU line agrees with what the runtime of this (test) process says about the machine.
/// </summary>
[TestFixture]
[Category("Cli")]
public partial class DevicesCommandTests
{
    [GeneratedRegex(@"^  (?<model>.+), (?<cores>\d+) logical cores, SIMD (?<bits>\d+)-bit \(Vector512 (?<v512>accelerated|no), Vector256 (?<v256>accelerated|no)\)$")]
    private static partial Regex CpuLine();

    [GeneratedRegex(@"^  cuda:\d+ = .+ \(compute \d+\.\d+, \d+ SMs, \d+ MiB\)$")]
    private static partial Regex CudaDevice();

    [GeneratedRegex(@"^    opencl:\d+ = .+ \([A-Z|]+, .+, \d+ compute units, \d+ MiB\)$")]
    private static partial Regex OpenClDevice();

    private static Dictionary<string, List<string>> Sections(string output)
    {
        var sections = new Dictionary<string, List<string>>();
        List<string>? current = null;
        foreach (var line in output.Split('\n').Select(l => l.TrimEnd('\r')))
        {
            if (line is "CUDA:" or "OpenCL:" or "CPU:") sections[line] = current = [];
            else if (line.StartsWith("auto ", StringComparison.Ordinal)) sections["auto"] = current = [line];
            else if (line.Length > 0) current?.Add(line);
        }
        return sections;
    }

    /// <summary>The reason after "  absent: " (with its continuation lines), or null when the backend lists devices.</summary>
    private static string? AbsentReason(List<string> section)
    {
        var at = section.FindIndex(l => l.StartsWith("  absent: ", StringComparison.Ordinal));
        if (at < 0) return null;
        var continuation = section.Skip(at + 1).TakeWhile(l => l.StartsWith("    ", StringComparison.Ordinal));
        return string.Join(" ", [section[at]["  absent: ".Length..], .. continuation.Select(l => l.Trim())]).Trim();
    }

    [Test]
    public void ListsTheCpuAndEachGpuBackendWithItsDevicesOrWhyItIsAbsent()
    {
        var result = EngineProcess.Run("devices");
        Assert.That(result.ExitCode, Is.EqualTo(0), result.Error);
        Assert.That(result.Error, Is.Empty);
        var sections = Sections(result.Output);
        Assert.That(sections.Keys, Is.EquivalentTo(new[] { "CUDA:", "OpenCL:", "CPU:", "auto" }), result.Output);

        // CPU: the core count and SIMD width this process sees.
        var cpu = CpuLine().Match(sections["CPU:"].Single());
        Assert.That(cpu.Success, Is.True, sections["CPU:"].Single());
        var expectedBits = Vector512.IsHardwareAccelerated ? 512 : Vector256.IsHardwareAccelerated ? 256 : 128;
        Assert.That(int.Parse(cpu.Groups["cores"].Value), Is.EqualTo(Environment.ProcessorCount));
        Assert.That(int.Parse(cpu.Groups["bits"].Value), Is.EqualTo(expectedBits));
        Assert.That(cpu.Groups["v512"].Value == "accelerated", Is.EqualTo(Vector512.IsHardwareAccelerated));
        Assert.That(cpu.Groups["v256"].Value == "accelerated", Is.EqualTo(Vector256.IsHardwareAccelerated));

        // CUDA: devices, or a reason. Without a loadable driver (CI) it must be absent and say that the driver is missing.
        var cuda = sections["CUDA:"];
        var cudaAbsent = AbsentReason(cuda);
        if (!NativeLibrary.TryLoad("libcuda.so.1", out var handle))
        {
            Assert.That(cudaAbsent, Does.Contain("libcuda.so.1"), string.Join("\n", cuda));
            Assert.That(cuda.Where(l => CudaDevice().IsMatch(l)), Is.Empty);
        }
        else
        {
            NativeLibrary.Free(handle);
            Assert.That(cudaAbsent is { Length: > 10 } || cuda.Any(l => CudaDevice().IsMatch(l)), Is.True, string.Join("\n", cuda));
        }
        Assert.That(cuda.Any(l => l.StartsWith("  compiler", StringComparison.Ordinal)), Is.True, "the NVRTC line");

        // OpenCL (PoCL in CI): devices, or a reason; without an ICD loader, a reason naming it.
        var openCl = sections["OpenCL:"];
        var openClAbsent = AbsentReason(openCl);
        if (!NativeLibrary.TryLoad("libOpenCL.so.1", out var openClHandle))
        {
            Assert.That(openClAbsent, Does.Contain("libOpenCL.so.1"), string.Join("\n", openCl));
        }
        else
        {
            NativeLibrary.Free(openClHandle);
            Assert.That(openClAbsent is { Length: > 10 } || openCl.Any(l => OpenClDevice().IsMatch(l)), Is.True, string.Join("\n", openCl));
            if (openClAbsent is null) Assert.That(openCl[0], Does.Match(@"^  platform 0: .+"));
        }

        // auto: what it picks, and why not the faster backends when it picks the CPU.
        Assert.That(sections["auto"][0], Does.Match(@"^auto +auto → (cuda:\d+|opencl:\d+|cpu): .+"));
        if (cudaAbsent is not null) Assert.That(sections["auto"][0], Does.Contain("no CUDA device"));
    }
}
