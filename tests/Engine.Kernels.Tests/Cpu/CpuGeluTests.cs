using Engine.Kernels.Ops;
using Engine.Kernels.Cpu;
using NUnit.Framework;

namespace Engine.Kernels.Tests.Cpu;

/// <summary>The float erfc-based GELU against the float64 reference (exact erf), forward and accumulated backward.</summary>
[TestFixture]
[Category("CpuKernels")]
public sealed class CpuGeluTests
{
    [TestCase(1)]
    [TestCase(17)]
    [TestCase(64 * 512)]
    [TestCase(100003)]
    public void ForwardAndBackward(int n)
    {
        using var device = TestData.Threaded();
        var seed = TestData.FreshSeed();
        var random = new Random(seed);
        var x = TestData.Uniform(random, n, -6, 6);
        var dOut = TestData.Uniform(random, n);
        var dX = TestData.Uniform(random, n);

        var output = new double[n];
        NaiveOps.GeluForward<double>(output, TestData.Wide(x));
        var expectedDX = TestData.Wide(dX);
        NaiveOps.GeluBackward<double>(expectedDX, TestData.Wide(x), TestData.Wide(dOut));

        using var dx = TestData.Upload(device, x);
        using var o = device.Allocate<float>(n);
        using var g = TestData.Upload(device, dX);
        using var go = TestData.Upload(device, dOut);
        device.GeluForward(o.View, dx.View);
        device.GeluBackward(g.View, dx.View, go.View);
        TestData.AssertClose(TestData.Download(device, o), output, seed, "gelu");
        TestData.AssertClose(TestData.Download(device, g), expectedDX, seed, "gelu backward");
    }

    [Test]
    public void NegativeTailIsAccurateInAbsoluteTerms()
    {
        // x·Φ(x) is tiny for very negative x; the erfc form keeps it accurate where 1 + erf would cancel.
        using var device = new CpuDevice(1);
        float[] x = [-3f, -5f, -8f, -12f, 0f, 1f, -1f];
        var expected = new double[x.Length];
        NaiveOps.GeluForward<double>(expected, TestData.Wide(x));
        using var dx = TestData.Upload(device, x);
        using var o = device.Allocate<float>(x.Length);
        device.GeluForward(o.View, dx.View);
        var actual = TestData.Download(device, o);
        for (var i = 0; i < x.Length; i++)
            Assert.That(actual[i], Is.EqualTo(expected[i]).Within(1e-7), $"gelu({x[i]})");
    }
}
