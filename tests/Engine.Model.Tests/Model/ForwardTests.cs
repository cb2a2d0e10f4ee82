using Engine.Kernels.Cpu;
using Engine.Model;

namespace Engine.Model.Tests;

/// <summary>The forward pass (logits, per-row and mean losses, attention probabilities) against <see cref="NaiveGpt"/>.</summary>
[TestFixture]
[Category("Model")]
public sealed class ForwardTests
{
    private static readonly int[] Tokens = [1, 4, 7, 9, 2, 0, 3, 3, 10, 6, 5, 2];
    private static readonly int[] Last = [2, 1, 2, 0];
    private static readonly int[] Targets = [5, 8, 0, 10];

    [TestCase(8, 1, 1, false, false)]
    [TestCase(8, 1, 2, true, true)]
    [TestCase(12, 2, 2, false, false)]
    [TestCase(16, 3, 4, true, false)]
    public void Float64MatchesNaiveReference(int width, int depth, int heads, bool tied, bool attentionOnly)
    {
        using var device = new CpuDevice(1);
        var config = new GptConfig(11, width, depth, heads, tied, attentionOnly);
        using var model = new Gpt<double>(config, device, seed: 3);
        GradChecker.Randomize(model.Parameters, seed: 4, scale: 0.5);
        using var inputs = new GptInputs(device, 11);
        using var tape = new Tape<double>(device);
        var output = model.Forward(tape, inputs.Set(Tokens, Last, Targets, 4, 3));

        var naive = new NaiveGpt(model);
        var expected = naive.Logits(Tokens, Last, 4, 3);
        var logits = output.Logits.ToArray();
        Assert.That(output.Logits.Shape, Is.EqualTo(Shape.Of(4, 11)));
        for (var b = 0; b < 4; b++)
            for (var v = 0; v < 11; v++)
                Assert.That(logits[b * 11 + v], Is.EqualTo(expected[b, v]).Within(1e-12), $"logit [{b},{v}]");

        var losses = NaiveGpt.CrossEntropy(expected, Targets);
        Assert.That(output.Losses!.ToArray(), Is.EqualTo(losses).Within(1e-12));
        Assert.That(output.Loss!.ToArray()[0], Is.EqualTo(losses.Average()).Within(1e-12));

        for (var layer = 0; layer < depth; layer++)
        {
            var probabilities = model.AttentionProbabilities[layer];
            Assert.That(probabilities.Shape, Is.EqualTo(Shape.Of(4, heads, 3, 3)));
            var actual = probabilities.ToArray();
            var i = 0;
            foreach (var p in naive.Attention[layer]) Assert.That(actual[i++], Is.EqualTo(p).Within(1e-13), $"layer {layer} probability {i - 1}");
        }
    }

    [TestCase(8, 1, 1, false)]
    [TestCase(12, 3, 2, false)]
    [TestCase(8, 2, 2, true)]
    public void ResidualCaptureRecordsTheStreamAtTheSupervisedPositionsAfterEveryLayer(int width, int depth, int heads, bool attentionOnly)
    {
        using var device = new CpuDevice(1);
        var config = new GptConfig(11, width, depth, heads, Tied: false, AttentionOnly: attentionOnly);
        using var model = new Gpt<double>(config, device, seed: 5);
        GradChecker.Randomize(model.Parameters, seed: 6, scale: 0.5);
        using var inputs = new GptInputs(device, 11);
        using var tape = new Tape<double>(device);
        var buffers = Enumerable.Range(0, depth + 1).Select(_ => device.Allocate<double>(4 * width)).ToList();
        try
        {
            var plain = model.Forward(tape, inputs.Set(Tokens, Last, Targets, 4, 3)).Logits.ToArray();
            tape.Reset();
            var capture = new ResidualCapture<double>([.. buffers.Select(buffer => buffer.View)]);
            var captured = model.Forward(tape, inputs.Set(Tokens, Last, Targets, 4, 3), capture).Logits.ToArray();
            Assert.That(captured, Is.EqualTo(plain), "capturing leaves the forward pass unchanged");

            var naive = new NaiveGpt(model);
            naive.Logits(Tokens, Last, 4, 3);
            var host = new double[4 * width];
            for (var layer = 0; layer <= depth; layer++)
            {
                device.Download(buffers[layer].View, host);
                for (var b = 0; b < 4; b++)
                    for (var j = 0; j < width; j++)
                        Assert.That(host[b * width + j], Is.EqualTo(naive.Residuals[layer][b][j]).Within(1e-12), $"layer {layer}, sequence {b}, channel {j}");
            }
            Assert.That(() => model.Forward(tape, inputs.Set(Tokens, Last, Targets, 4, 3), new ResidualCapture<double>([buffers[0].View])),
                Throws.ArgumentException.With.Message.Contains($"needs {depth + 1} buffers"));
        }
        finally
        {
            foreach (var buffer in buffers) buffer.Dispose();
        }
    }

    [Test]
    public void Float32MatchesNaiveReferenceToSinglePrecision()
    {
        using var device = new CpuDevice(1);
        var config = new GptConfig(11, 16, 2, 2);
        using var model = new Gpt<float>(config, device, seed: 8);
        using var inputs = new GptInputs(device, 11);
        using var tape = new Tape<float>(device);
        var logits = model.Forward(tape, inputs.Set(Tokens, Last, Targets, 4, 3)).Logits.ToArray();
        var expected = new NaiveGpt(model).Logits(Tokens, Last, 4, 3);
        for (var b = 0; b < 4; b++)
            for (var v = 0; v < 11; v++)
                Assert.That(logits[b * 11 + v], Is.EqualTo(expected[b, v]).Within(1e-6 + 1e-5 * Math.Abs(expected[b, v])));
    }

    [Test]
    public void WithoutTargetsOnlyLogitsAreProduced()
    {
        using var device = new CpuDevice(1);
        using var model = new Gpt<double>(new GptConfig(11, 8), device, seed: 1);
        using var inputs = new GptInputs(device, 11);
        using var tape = new Tape<double>(device);
        using (tape.NoGrad())
        {
            var output = model.Forward(tape, inputs.Set(Tokens, Last, [], 4, 3));
            Assert.That(output.Loss, Is.Null);
            Assert.That(output.Losses, Is.Null);
            Assert.That(output.Logits.HasGrad, Is.False);
            Assert.That(tape.Count, Is.Zero, "no-grad records nothing");
            var expected = new NaiveGpt(model).Logits(Tokens, Last, 4, 3);
            Assert.That(output.Logits.ToArray()[11 * 3 + 10], Is.EqualTo(expected[3, 10]).Within(1e-12));
        }
    }

    [Test]
    public void InitialisationFollowsTheSpecification()
    {
        using var device = new CpuDevice(1);
        var config = new GptConfig(200, 32, 2, 2);
        using var model = new Gpt<double>(config, device, seed: 12);
        foreach (var (name, tensor) in model.StateDict)
        {
            var values = tensor.ToArray();
            if (name.Contains("ln") && name.EndsWith(".weight", StringComparison.Ordinal))
                Assert.That(values, Is.All.EqualTo(1.0), name);
            else if (name.EndsWith(".bias", StringComparison.Ordinal))
                Assert.That(values, Is.All.EqualTo(0.0), name);
            else
            {
                // N(0, 0.02²): the sample mean and standard deviation over ≥ 1024 draws.
                var mean = values.Average();
                var std = Math.Sqrt(values.Sum(v => (v - mean) * (v - mean)) / values.Length);
                Assert.That(mean, Is.EqualTo(0).Within(5 * 0.02 / Math.Sqrt(values.Length)), name);
                Assert.That(std, Is.EqualTo(0.02).Within(0.02 * 0.1), name);
            }
        }
        using var same = new Gpt<double>(config, device, seed: 12);
        using var other = new Gpt<double>(config, device, seed: 13);
        Assert.That(same.Parameters.ValuesToArray(), Is.EqualTo(model.Parameters.ValuesToArray()));
        Assert.That(other.Parameters.ValuesToArray(), Is.Not.EqualTo(model.Parameters.ValuesToArray()));
    }
}
