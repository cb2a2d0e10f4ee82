using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Text.RegularExpressions;
using NUnit.Framework;

namespace Engine.Cli.Tests;

/// <summary>
/// <c>engine devices</c> as a process: every backend is listed with its devices (each usable, or unusable and why) or the
/// reason it is absent, and the CPU line agrees with what the runtime of this (test) process says about the machine.
/// </summary>
[TestFixture]
[Category("Cli")]
public partial class DevicesCommandTests
{
    private const string Cpu = "CPU:", Cuda = "CUDA (ILGPU):", OpenCl = "OpenCL (ILGPU):", Simulator = "GPU kernels on the CPU (ILGPU's CPU accelerator):";

    [GeneratedRegex(@"^  cpu = (?<model>.+), (?<cores>\d+) logical cores, SIMD (?<bits>\d+)-bit \(Vector512 (?<v512>accelerated|no), Vector256 (?<v256>accelerated|no)\): usable$")]
    private static partial Regex CpuLine();

    [GeneratedRegex(@"^  cuda:\d+ = CUDA .+, compute .+, \d+ SMs, \d+ MiB, driver \d+\.\d+: (usable|unusable: .+)$")]
    private static partial Regex CudaDevice();

    [GeneratedRegex(@"^  opencl:\d+ = OpenCL .+ \(CL_DEVICE_TYPE_[A-Z_|, ]+.*\), \d+ compute units, \d+ MiB: (usable|unusable: .+)$")]
    private static partial Regex OpenClDevice();

    private static Dictionary<string, List<string>> Sections(string output)
    {
        var sections = new Dictionary<string, List<string>>();
        List<string>? current = null;
        foreach (var line in output.Split('\n').Select(l => l.TrimEnd('\r')))
        {
            if (line is Cpu or Cuda or OpenCl or Simulator) sections[line] = current = [];
            else if (line.StartsWith("auto ", StringComparison.Ordinal)) sections["auto"] = current = [line];
            else if (line.Length > 0) current?.Add(line);
        }
        return sections;
    }

    private static string? AbsentReason(List<string> section)
        => section.FirstOrDefault(l => l.StartsWith("  absent: ", StringComparison.Ordinal))?["  absent: ".Length..];

    [Test]
    public void ListsEveryBackendWithItsDevicesAndTheirStateOrWhyItIsAbsent()
    {
        var result = EngineProcess.Run("devices");
        Assert.That(result.ExitCode, Is.EqualTo(0), result.Error);
        Assert.That(result.Error, Is.Empty);
        var sections = Sections(result.Output);
        Assert.That(sections.Keys, Is.EquivalentTo(new[] { Cpu, Cuda, OpenCl, Simulator, "auto" }), result.Output);

        // CPU: the core count and SIMD width this process sees, then cpu-ieee, then the naive device.
        var cpu = CpuLine().Match(sections[Cpu][0]);
        Assert.That(cpu.Success, Is.True, sections[Cpu][0]);
        var expectedBits = Vector512.IsHardwareAccelerated ? 512 : Vector256.IsHardwareAccelerated ? 256 : 128;
        Assert.That(int.Parse(cpu.Groups["cores"].Value), Is.EqualTo(Environment.ProcessorCount));
        Assert.That(int.Parse(cpu.Groups["bits"].Value), Is.EqualTo(expectedBits));
        Assert.That(cpu.Groups["v512"].Value == "accelerated", Is.EqualTo(Vector512.IsHardwareAccelerated));
        Assert.That(cpu.Groups["v256"].Value == "accelerated", Is.EqualTo(Vector256.IsHardwareAccelerated));
        Assert.That(sections[Cpu][1], Does.StartWith("  cpu-ieee = ").And.Contain("subnormals").And.EndWith(": usable"));
        Assert.That(sections[Cpu][2], Does.StartWith("  naive = ").And.EndWith(": usable"));

        // CUDA: devices with their state, or a reason. Without a loadable driver (CI) it is absent and says the driver is missing.
        var cuda = sections[Cuda];
        if (!NativeLibrary.TryLoad("libcuda.so.1", out var handle))
        {
            Assert.That(AbsentReason(cuda), Does.StartWith("no NVIDIA driver: libcuda.so.1 was not found; tried: "), string.Join("\n", cuda));
            Assert.That(cuda, Has.Count.EqualTo(1));
        }
        else
        {
            NativeLibrary.Free(handle);
            Assert.That(AbsentReason(cuda) is { Length: > 10 } || cuda.All(l => CudaDevice().IsMatch(l)), Is.True, string.Join("\n", cuda));
        }

        // OpenCL: devices with their state, or a reason. PoCL 3 (CI) is listed and unusable for want of the generic address space.
        var openCl = sections[OpenCl];
        if (!NativeLibrary.TryLoad("libOpenCL.so.1", out var openClHandle))
        {
            Assert.That(AbsentReason(openCl), Does.Contain("libOpenCL.so.1"), string.Join("\n", openCl));
        }
        else
        {
            NativeLibrary.Free(openClHandle);
            Assert.That(AbsentReason(openCl) is { Length: > 10 } || openCl.All(l => OpenClDevice().IsMatch(l)), Is.True, string.Join("\n", openCl));
            foreach (var line in openCl.Where(l => l.Contains("Portable Computing Language") && l.Contains(", 3.0)")))
                Assert.That(line, Does.Contain("unusable: ILGPU's OpenCL kernels need the generic address space"));
        }

        // The simulator is always there and usable.
        Assert.That(sections[Simulator], Has.Count.EqualTo(1));
        Assert.That(sections[Simulator][0], Does.StartWith("  gpu-sim = ILGPU CPU accelerator").And.EndWith(": usable"));

        // auto: what it picks, and why not the faster backends when it picks the CPU.
        Assert.That(sections["auto"][0], Does.Match(@"^auto +auto → (cuda:\d+|opencl:\d+|cpu)\b.+"));
        if (AbsentReason(cuda) is not null) Assert.That(sections["auto"][0], Does.Contain("no usable CUDA device"));
    }

    [Test]
    public void ChoosingAnUnusableDeviceIsBadInputWithOneLine()
    {
        foreach (var spec in new[] { "opencl:7", "cuda:3", "gpu-sim:3" })
        {
            var root = Directory.CreateTempSubdirectory("engine-cli-device-").FullName;
            try
            {
                var run = EngineProcess.Run("train", "--out", Path.Combine(root, "run"), "--device", spec, "--epochs", "1");
                if (spec.StartsWith("cuda", StringComparison.Ordinal) && NativeLibrary.TryLoad("libcuda.so.1", out var h))
                {
                    NativeLibrary.Free(h);
                    continue; // a machine with GPUs may have device 3
                }
                Assert.That(run.ExitCode, Is.EqualTo(2), $"{spec}: {run.Error}");
                Assert.That(run.Error.Trim().Split('\n'), Has.Length.EqualTo(1), run.Error);
                Assert.That(run.Error, Does.Contain($"'{spec}' is not available here"));
                Assert.That(Directory.Exists(Path.Combine(root, "run")), Is.False, "a bad --device leaves nothing");
            }
            finally
            {
                Directory.Delete(root, recursive: true);
            }
        }
    }
}
