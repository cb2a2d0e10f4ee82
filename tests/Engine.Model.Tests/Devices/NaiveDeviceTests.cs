using Engine.Kernels;
using Engine.Model;
using NUnit.Framework;

namespace Engine.Model.Tests.Devices;

[TestFixture]
[Category("Model")]
public class NaiveDeviceTests
{
    /// <summary>Losses of <paramref name="steps"/> Adam steps of a small model on <paramref name="spec"/>.</summary>
    private static float[] Losses(string spec, int steps)
    {
        using var device = Device.Open(spec);
        var config = new GptConfig(VocabSize: 37, Width: 16, Depth: 2, Heads: 2);
        using var model = new Gpt<float>(config, device, seed: 5);
        using var tape = new Tape<float>(device);
        using var adam = new AdamOptimizer<float>(model.Parameters, new OptimizerConfig(LearningRate: 1e-2));
        using var inputs = new GptInputs(device, config.VocabSize);
        int[] tokens = [1, 2, 3, 4, 5, 0, 7, 8, 9, 10, 11, 0];
        int[] last = [2, 1, 2, 1];
        int[] targets = [6, 12, 13, 14];
        var losses = new float[steps];
        var host = new float[1];
        for (var s = 0; s < steps; s++)
        {
            tape.Reset();
            model.ZeroGrad();
            var output = model.Forward(tape, inputs.Set(tokens, last, targets, 4, 3));
            device.Download(output.Loss!.Data, host);
            losses[s] = host[0];
            tape.Backward(output.Loss!);
            adam.Step();
        }
        return losses;
    }

    [Test]
    public void TrainsLikeTheFastCpuDevice()
    {
        var naive = Losses("naive", 10);
        var fast = Losses("cpu", 10);
        for (var s = 0; s < naive.Length; s++)
            Assert.That(fast[s], Is.EqualTo(naive[s]).Within(1e-4).Percent, $"step {s}");
        Assert.That(naive[^1], Is.LessThan(naive[0]));
        using var device = Device.Open("naive");
        Assert.That(device.Name, Is.EqualTo("naive"));
        Assert.That(device.Supports<double>(), Is.True);
    }
}
