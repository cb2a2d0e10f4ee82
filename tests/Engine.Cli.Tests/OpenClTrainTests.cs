using System.Text.Json;
using Engine.Kernels;
using NUnit.Framework;

namespace Engine.Cli.Tests;

/// <summary>
/// <c>engine train --device opencl</c> as a process: the trainer and probes run unchanged on the OpenCL
/// device and follow the CPU run of the same settings. Skipped with the reason where no OpenCL device exists.
/// </summary>
[TestFixture]
[Category("Cli")]
public class OpenClTrainTests
{
    private string _root = "";

    private static readonly string[] SmallWorld =
        ["--epochs", "3", "--entities", "6", "--relations", "20", "--width", "32", "--batch", "16"];

    [SetUp]
    public void SetUp()
    {
        var openCl = DeviceInventory.Collect().OpenCl;
        if (!openCl.IsPresent) Assert.Ignore($"skipped: {openCl.AbsentReason}");
        _root = Directory.CreateTempSubdirectory("engine-cli-opencl-").FullName;
    }

    [TearDown]
    public void TearDown()
    {
        if (_root.Length > 0) Directory.Delete(_root, recursive: true);
    }

    /// <summary>Per epoch: the training loss and the id_atomic probe's mean cross-entropy.</summary>
    private static (double Loss, double AtomicCe)[] Curve(string directory)
        => File.ReadAllLines(Path.Combine(directory, "metrics.jsonl")).Select(line =>
        {
            using var json = JsonDocument.Parse(line);
            var root = json.RootElement;
            return (root.GetProperty("train_loss").GetDouble(), root.GetProperty("probes").GetProperty("id_atomic").GetProperty("ce").GetDouble());
        }).ToArray();

    [Test]
    public void ShortRunOnOpenClFinishesAndTracksTheCpuRun() => RunOnBothAndCompare(SmallWorld, epochs: 3);

    /// <summary>The default world and model (N 10, R 10000 → V 10011, width 128, batch 64), two epochs.</summary>
    [Test]
    public void DefaultRunOnOpenClFinishesAndTracksTheCpuRun() => RunOnBothAndCompare(["--epochs", "2"], epochs: 2);

    private void RunOnBothAndCompare(string[] settings, int epochs)
    {
        var gpuDirectory = Path.Combine(_root, "opencl");
        var gpu = EngineProcess.Run(["train", "--out", gpuDirectory, "--device", "opencl", .. settings]);
        Assert.That(gpu.ExitCode, Is.EqualTo(0), gpu.Error);
        Assert.That(gpu.Output, Does.Contain("OpenCL").And.Contain("results: " + gpuDirectory));
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
            TestContext.Out.WriteLine($"epoch {epoch + 1}: loss opencl {gpuCurve[epoch].Loss:R} cpu {cpuCurve[epoch].Loss:R}");
            Assert.That(gpuCurve[epoch].Loss, Is.EqualTo(cpuCurve[epoch].Loss).Within(1e-2).Percent, $"training loss, epoch {epoch + 1}");
            Assert.That(gpuCurve[epoch].AtomicCe, Is.EqualTo(cpuCurve[epoch].AtomicCe).Within(1e-2).Percent, $"id_atomic CE, epoch {epoch + 1}");
        }
    }
}
