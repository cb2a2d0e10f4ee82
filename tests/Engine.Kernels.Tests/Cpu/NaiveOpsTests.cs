using Engine.Kernels.Ops;
using NUnit.Framework;
using Engine.Kernels.Cpu;

namespace Engine.Kernels.Tests.Cpu;

/// <summary>
/// The naive loops are the spec every fast path is compared to, so they are themselves checked
/// against values computed by hand (or with a calculator, digits quoted).
/// </summary>
[TestFixture]
[Category("CpuKernels")]
public sealed class NaiveOpsTests
{
    [Test]
    public void GemmTwoByTwo()
    {
        // [1 2; 3 4]·[5 6; 7 8] = [19 22; 43 50]; then alpha = 2, beta = 1 on C = 1: [39 45; 87 101].
        double[] a = [1, 2, 3, 4], b = [5, 6, 7, 8];
        var c = new double[4];
        NaiveOps.Gemm(false, false, 2, 2, 2, 1.0, a, 2, b, 2, 0.0, c, 2, 1, 0, 0, 0);
        Assert.That(c, Is.EqualTo(new double[] { 19, 22, 43, 50 }));

        c = [1, 1, 1, 1];
        NaiveOps.Gemm(false, false, 2, 2, 2, 2.0, a, 2, b, 2, 1.0, c, 2, 1, 0, 0, 0);
        Assert.That(c, Is.EqualTo(new double[] { 39, 45, 87, 101 }));

        // Aᵀ·Bᵀ = (B·A)ᵀ: B·A = [23 34; 31 46], so its transpose [23 31; 34 46].
        NaiveOps.Gemm(true, true, 2, 2, 2, 1.0, a, 2, b, 2, 0.0, c, 2, 1, 0, 0, 0);
        Assert.That(c, Is.EqualTo(new double[] { 23, 31, 34, 46 }));
    }

    [Test]
    public void LayerNormRow()
    {
        // x = [1 2 3 4]: μ = 2.5, σ² = 1.25, rstd = 1/√1.25 = 0.894427191; weight 2, bias 1.
        double[] x = [1, 2, 3, 4], weight = [2, 2, 2, 2], bias = [1, 1, 1, 1];
        var output = new double[4];
        var mean = new double[1];
        var rstd = new double[1];
        NaiveOps.LayerNormForward<double>(output, mean, rstd, x, weight, bias, 1, 4, 0.0);
        Assert.That(mean[0], Is.EqualTo(2.5).Within(1e-15));
        Assert.That(rstd[0], Is.EqualTo(0.8944271909999159).Within(1e-15));
        Assert.That(output, Is.EqualTo(new[] { -1.6832815729997477, 0.10557280900008414, 1.8944271909999157, 3.6832815729997477 })
            .Within(1e-14));
    }

    [Test]
    public void GeluAtKnownPoints()
    {
        // x·Φ(x): Φ(1) = 0.8413447460685429, Φ(−1) = 0.15865525393145707.
        double[] x = [0, 1, -1];
        var output = new double[3];
        NaiveOps.GeluForward<double>(output, x);
        Assert.That(output[0], Is.EqualTo(0.0));
        Assert.That(output[1], Is.EqualTo(0.8413447460685429).Within(1e-15));
        Assert.That(output[2], Is.EqualTo(-0.15865525393145707).Within(1e-15));

        // d/dx = Φ(x) + x·φ(x): at 0 it is ½; at 1, 0.8413447460685429 + 0.24197072451914337.
        var dX = new double[3];
        NaiveOps.GeluBackward<double>(dX, x, [1, 1, 1]);
        Assert.That(dX[0], Is.EqualTo(0.5).Within(1e-15));
        Assert.That(dX[1], Is.EqualTo(0.8413447460685429 + 0.24197072451914337).Within(1e-15));
    }

    [Test]
    public void SoftmaxCrossEntropyRow()
    {
        // logits [1 2 3], target 0: loss = ln(e + e² + e³) − 1 = 2.40760596444438;
        // softmax = [0.0900305732 0.2447284711 0.6652409558], gradient = softmax − one-hot(0).
        double[] logits = [1, 2, 3];
        var losses = new double[1];
        var dLogits = new double[3];
        NaiveOps.CrossEntropyForwardBackward<double>(losses, dLogits, logits, [0], 1, 3, 1.0, withGradient: true);
        Assert.That(losses[0], Is.EqualTo(2.40760596444438).Within(1e-14));
        Assert.That(dLogits, Is.EqualTo(new[] { -0.9099694268296196, 0.24472847105479764, 0.6652409557748218 }).Within(1e-15));
    }

    [Test]
    public void AdamFirstStep()
    {
        // θ = 1, g = 0.5, η = 0.1: m = 0.05, v = 0.00025, m̂ = 0.5, v̂ = 0.25, θ = 1 − 0.1·0.5/(0.5 + 1e-8) = 0.900000002.
        var settings = new AdamSettings(0.1);
        double[] theta = [1], m = [0], v = [0];
        NaiveOps.AdamStep<double>(theta, [0.5], m, v, settings, 1);
        Assert.That(m[0], Is.EqualTo(0.05).Within(1e-16));
        Assert.That(v[0], Is.EqualTo(0.00025).Within(1e-18));
        Assert.That(theta[0], Is.EqualTo(0.900000002).Within(1e-15));

        // Coupled L2, λ = 0.01: g = 0.51, so θ = 1 − 0.1·0.51/(0.51 + 1e-8).
        theta = [1]; m = [0]; v = [0];
        NaiveOps.AdamStep<double>(theta, [0.5], m, v, settings with { WeightDecay = 0.01 }, 1);
        Assert.That(theta[0], Is.EqualTo(0.9000000019607842).Within(1e-15));

        // Decoupled (AdamW): θ = 1·(1 − 0.1·0.01) − 0.1·0.5/(0.5 + 1e-8) = 0.899000002.
        theta = [1]; m = [0]; v = [0];
        NaiveOps.AdamStep<double>(theta, [0.5], m, v, settings with { WeightDecay = 0.01, Decoupled = true }, 1);
        Assert.That(theta[0], Is.EqualTo(0.899000002).Within(1e-15));
    }
}
