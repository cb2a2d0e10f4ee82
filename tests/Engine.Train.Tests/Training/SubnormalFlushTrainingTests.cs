using Engine.Kernels;
using Engine.Kernels.Cpu;
using Engine.Train.Config;
using Engine.Train.Metrics;
using Engine.Train.Training;
using NUnit.Framework;

namespace Engine.Train.Tests.Training;

/// <summary>
/// The cpu device's flush-to-zero mode changes results only by amounts below 2⁻¹²⁶ per operation: a weight-decay run
/// on <c>cpu</c> tracks the same run on <c>cpu-ieee</c> (IEEE subnormals) within float32 rounding, pass for pass.
/// </summary>
[TestFixture]
[Category("Train")]
public sealed class SubnormalFlushTrainingTests
{
    private string _root = "";

    [SetUp]
    public void SetUp()
    {
        using var probe = new CpuDevice(1);
        if (!probe.FlushesSubnormals) Assert.Ignore("skipped: no flush-to-zero control on this platform (x86-64 Linux only)");
        _root = Directory.CreateTempSubdirectory("engine-flush-").FullName;
    }

    [TearDown]
    public void TearDown()
    {
        if (_root.Length > 0) Directory.Delete(_root, recursive: true);
    }

    [Test]
    public void AWeightDecayRunTracksTheIeeeRun()
    {
        var settings = new RunSettings
        {
            Entities = 6,
            Relations = 20,
            Width = 32,
            Heads = 2,
            Batch = 8,
            Epochs = 40,
            WeightDecay = 0.01,
            Lr = 3e-3,
            EvalEvery = 10,
            CheckpointEvery = 0,
        };
        var flushed = Train(settings, "cpu:2", "flushed");
        var ieee = Train(settings, "cpu-ieee:2", "ieee");
        Assert.That(flushed.Count, Is.EqualTo(ieee.Count));
        for (var i = 0; i < flushed.Count; i++)
        {
            Assert.That(flushed[i].Epoch, Is.EqualTo(ieee[i].Epoch));
            Assert.That(flushed[i].TrainLoss, Is.EqualTo(ieee[i].TrainLoss).Within(1e-5).Percent, $"train loss at epoch {flushed[i].Epoch}");
            foreach (var (probe, score) in ieee[i].Probes)
                Assert.That(flushed[i].Probes[probe].Accuracy, Is.EqualTo(score.Accuracy), $"{probe} accuracy at epoch {flushed[i].Epoch}");
        }
        Assert.That(flushed[^1].TrainLoss, Is.LessThan(flushed[0].TrainLoss), "the run learned something");
    }

    private List<EpochMetrics> Train(RunSettings settings, string spec, string name)
    {
        using var device = Device.Open(spec);
        using var trainer = new Trainer(settings, Path.Combine(_root, name), resume: false, device);
        trainer.Run();
        return [.. trainer.Passes];
    }
}
