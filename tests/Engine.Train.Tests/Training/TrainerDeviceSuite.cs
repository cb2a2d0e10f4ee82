using Engine.Kernels;
using Engine.Kernels.Gpu;
using Engine.Train.Config;
using Engine.Train.Training;
using NUnit.Framework;

namespace Engine.Train.Tests.Training;

/// <summary>
/// The trainer on a GPU device: its steps never make the host wait. Written once, instantiated per
/// backend; an absent backend reports the tests skipped with the reason.
/// </summary>
public abstract class TrainerDeviceSuite
{
    private string? _unavailable;
    private string _root = "";

    /// <summary>The device's spec, e.g. "cuda:0".</summary>
    protected abstract string Spec { get; }

    private GpuDevice Open() => (GpuDevice)Device.Open(Spec);

    [OneTimeSetUp]
    public void CheckBackend() => _unavailable = DeviceInventory.Collect().WhyUnavailable(Spec);

    [SetUp]
    public void SetUp()
    {
        if (_unavailable is not null) Assert.Ignore($"skipped: {_unavailable}");
        _root = Directory.CreateTempSubdirectory("engine-train-gpu-").FullName;
    }

    [TearDown]
    public void TearDown()
    {
        if (_root.Length > 0) Directory.Delete(_root, recursive: true);
    }

    [Test]
    public void AnEpochWaitsForTheDeviceTwiceWhateverItsStepCount()
    {
        // N = 6, k = 3: 30 training facts → 4 steps of batch 8 per epoch. Probes and checkpoints only at the end.
        var settings = new RunSettings
        {
            Entities = 6,
            Relations = 20,
            Width = 32,
            Heads = 2,
            Batch = 8,
            Epochs = 5,
            EvalEvery = 5,
            CheckpointEvery = 0,
        };
        using var device = Open();
        using var trainer = new Trainer(settings, Path.Combine(_root, "run"), resume: false, device);
        var stepsPerEpoch = (trainer.Dataset.TrainingFacts.Count + settings.Batch - 1) / settings.Batch;
        Assert.That(stepsPerEpoch, Is.GreaterThanOrEqualTo(3), "several steps per epoch");

        var waitsAfterEpoch = new List<long>();
        var stepsAfterEpoch = new List<long>();
        trainer.Run(progress =>
        {
            waitsAfterEpoch.Add(device.HostWaits);
            stepsAfterEpoch.Add(progress.Step);
        });

        // Epochs 2-4 have neither probes nor checkpoints: one upload of the epoch's batches, one read of its losses.
        for (var epoch = 2; epoch <= 4; epoch++)
        {
            Assert.That(stepsAfterEpoch[epoch - 1] - stepsAfterEpoch[epoch - 2], Is.EqualTo(stepsPerEpoch), $"steps in epoch {epoch}");
            Assert.That(waitsAfterEpoch[epoch - 1] - waitsAfterEpoch[epoch - 2], Is.EqualTo(2), $"host waits in epoch {epoch}");
        }
    }
}

[TestFixture]
[Category("Train")]
[Category("Simulator")]
public sealed class SimulatorTrainerTests : TrainerDeviceSuite
{
    protected override string Spec => "gpu-sim";
}

[TestFixture]
[Category("Train")]
public sealed class OpenClTrainerTests : TrainerDeviceSuite
{
    protected override string Spec => "opencl:0";
}

[TestFixture]
[Category("Train")]
[Category("Cuda")]
public sealed class CudaTrainerTests : TrainerDeviceSuite
{
    protected override string Spec => "cuda:0";
}
