using Engine.Kernels.Ops;
using Engine.Kernels.Cpu;
using NUnit.Framework;

namespace Engine.Kernels.Tests.Cpu;

// Legend: R rows (supervised positions), V vocabulary.

/// <summary>Softmax cross-entropy, forward and fused forward + gradient (also in place), against the float64 reference.</summary>
[TestFixture]
[Category("CpuKernels")]
public sealed class CpuCrossEntropyTests
{
    [TestCase(1, 1)]
    [TestCase(3, 17)]
    [TestCase(64, 10011)]
    [TestCase(5, 65)]
    public void ForwardAndFusedBackward(int rows, int vocab)
    {
        using var device = TestData.Threaded();
        var seed = TestData.FreshSeed();
        var random = new Random(seed);
        var logits = TestData.Uniform(random, rows * vocab, -8, 8);
        var targets = TestData.Indices(random, rows, vocab);
        const float gradScale = 1f / 64;

        var losses = new double[rows];
        var dLogits = new double[rows * vocab];
        NaiveOps.CrossEntropyForwardBackward<double>(losses, dLogits, TestData.Wide(logits), targets, rows, vocab, gradScale, withGradient: true);

        using var dl = TestData.Upload(device, logits);
        using var dt = TestData.Upload(device, targets);
        using var loss = device.Allocate<float>(rows);
        using var gradient = device.Allocate<float>(rows * vocab);
        device.CrossEntropyForward(loss.View, dl.View, dt.View, rows, vocab);
        TestData.AssertClose(TestData.Download(device, loss), losses, seed, "cross-entropy forward");

        device.Fill(loss.View, 0f);
        device.CrossEntropyForwardBackward(loss.View, gradient.View, dl.View, dt.View, rows, vocab, gradScale);
        TestData.AssertClose(TestData.Download(device, loss), losses, seed, "fused losses");
        TestData.AssertClose(TestData.Download(device, gradient), dLogits, seed, "fused dLogits");

        // In place: the gradient overwrites the logits it is computed from.
        device.CrossEntropyForwardBackward(loss.View, dl.View, dl.View, dt.View, rows, vocab, gradScale);
        TestData.AssertClose(TestData.Download(device, loss), losses, seed, "in-place losses");
        TestData.AssertClose(TestData.Download(device, dl), dLogits, seed, "in-place dLogits");
    }

    [Test]
    public void ConfidentRowKeepsSmallLossAndGradientAccurate()
    {
        // The target dominates: loss = ln(1 + 9·e^−20) ≈ 1.855e-8, below float's resolution of 1 + x;
        // the target's gradient p − 1 ≈ −1.855e-8 would cancel the same way.
        using var device = new CpuDevice(1);
        const int vocab = 10;
        var logits = new float[vocab];
        logits[3] = 20f;
        var expected = new double[1];
        var expectedGradient = new double[vocab];
        NaiveOps.CrossEntropyForwardBackward<double>(expected, expectedGradient, TestData.Wide(logits), [3], 1, vocab, 1.0, withGradient: true);
        using var dl = TestData.Upload(device, logits);
        using var dt = TestData.Upload(device, new[] { 3 });
        using var loss = device.Allocate<float>(1);
        using var gradient = device.Allocate<float>(vocab);
        device.CrossEntropyForward(loss.View, dl.View, dt.View, 1, vocab);
        Assert.That(TestData.Download(device, loss)[0], Is.EqualTo(expected[0]).Within(1e-5 * expected[0]));
        device.CrossEntropyForwardBackward(loss.View, gradient.View, dl.View, dt.View, 1, vocab, 1f);
        Assert.That(TestData.Download(device, loss)[0], Is.EqualTo(expected[0]).Within(1e-5 * expected[0]));
        Assert.That(TestData.Download(device, gradient)[3], Is.EqualTo(expectedGradient[3]).Within(1e-5 * Math.Abs(expectedGradient[3])));
    }
}
