using System.Text.Json;
using Engine.Kernels;
using NUnit.Framework;

namespace Engine.Cli.Tests;

/// <summary>
/// <c>engine train --device D</c> as a process for every GPU backend: the trainer and probes run unchanged on the GPU
/// kernels and follow the CPU run of the same settings within 1e-4. The simulator (ILGPU's CPU accelerator) always
/// runs; CUDA and OpenCL report skipped with the reason where absent.
/// </summary>
[TestFixture]
[Category("Cli")]
public class GpuTrainTests
{
    private string _root = "";

    /// <summary>The acceptance run: N 6, R 50 (V 57), the default model (width 128, batch 64), 30 epochs.</summary>
    private static readonly string[] SmallWorld = ["--entities", "6", "--relations", "50", "--epochs", "30"];

    [SetUp]
    public void SetUp() => _root = Directory.CreateTempSubdirectory("engine-cli-gpu-").FullName;

    [TearDown]
    public void TearDown()
    {
        if (_root.Length > 0) Directory.Delete(_root, recursive: true);
    }

    private static void Require(string spec)
    {
        if (DeviceInventory.Collect().WhyUnavailable(spec) is { } why) Assert.Ignore($"skipped: {why}");
    }

    [Test]
    [Category("Simulator")]
    public void ThirtyEpochsOnTheSimulatorTrackTheCpuRun()
    {
        Require("gpu-sim");
        RunOnBothAndCompare("gpu-sim", "ILGPU CPU accelerator", SmallWorld, epochs: 30);
    }

    [TestCase("cuda:0", "CUDA")]
    [TestCase("opencl:0", "OpenCL")]
    public void ThirtyEpochsOnAGpuTrackTheCpuRun(string spec, string label)
    {
        Require(spec);
        RunOnBothAndCompare(spec, label, SmallWorld, epochs: 30);
    }

    /// <summary>The default world and model (N 10, R 10000 → V 10011, width 128, batch 64), two epochs.</summary>
    [TestCase("cuda:0", "CUDA")]
    [TestCase("opencl:0", "OpenCL")]
    public void DefaultRunOnAGpuTracksTheCpuRun(string spec, string label)
    {
        Require(spec);
        RunOnBothAndCompare(spec, label, ["--epochs", "2"], epochs: 2);
    }

    /// <summary>Per epoch: the training loss and the id_atomic probe's mean cross-entropy.</summary>
    private static (double Loss, double AtomicCe)[] Curve(string directory)
        => File.ReadAllLines(Path.Combine(directory, "metrics.jsonl")).Select(line =>
        {
            using var json = JsonDocument.Parse(line);
            var root = json.RootElement;
            return (root.GetProperty("train_loss").GetDouble(), root.GetProperty("probes").GetProperty("id_atomic").GetProperty("ce").GetDouble());
        }).ToArray();

    private void RunOnBothAndCompare(string spec, string description, string[] settings, int epochs)
    {
        var gpuDirectory = Path.Combine(_root, "gpu");
        var gpu = EngineProcess.Run(["train", "--out", gpuDirectory, "--device", spec, .. settings]);
        Assert.That(gpu.ExitCode, Is.EqualTo(0), gpu.Error);
        Assert.That(gpu.Output, Does.Contain(description).And.Contain("results: " + gpuDirectory));
        Assert.That(File.Exists(Path.Combine(gpuDirectory, "summary.json")), Is.True);
        Assert.That(File.Exists(Path.Combine(gpuDirectory, "checkpoint.safetensors")), Is.True);

        var cpuDirectory = Path.Combine(_root, "cpu");
        var cpu = EngineProcess.Run(["train", "--out", cpuDirectory, "--device", "cpu", .. settings]);
        Assert.That(cpu.ExitCode, Is.EqualTo(0), cpu.Error);

        var (gpuCurve, cpuCurve) = (Curve(gpuDirectory), Curve(cpuDirectory));
        Assert.That(gpuCurve, Has.Length.EqualTo(epochs), "one metrics line per epoch");
        // 1e-2 percent = 1e-4 relative.
        for (var epoch = 0; epoch < cpuCurve.Length; epoch++)
        {
            TestContext.Out.WriteLine($"epoch {epoch + 1}: loss {spec} {gpuCurve[epoch].Loss:R} cpu {cpuCurve[epoch].Loss:R}");
            Assert.That(gpuCurve[epoch].Loss, Is.EqualTo(cpuCurve[epoch].Loss).Within(1e-2).Percent, $"training loss, epoch {epoch + 1}");
            Assert.That(gpuCurve[epoch].AtomicCe, Is.EqualTo(cpuCurve[epoch].AtomicCe).Within(1e-2).Percent, $"id_atomic CE, epoch {epoch + 1}");
        }
    }
}
