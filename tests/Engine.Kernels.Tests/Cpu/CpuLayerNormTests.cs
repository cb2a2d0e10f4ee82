using Engine.Kernels.Ops;
using Engine.Kernels.Cpu;
using NUnit.Framework;

namespace Engine.Kernels.Tests.Cpu;

// Legend: R rows (B·T), C channels.

/// <summary>LayerNorm forward (output, mean, rstd) and backward (dX, dWeight, dBias accumulated) against the float64 reference.</summary>
[TestFixture]
[Category("CpuKernels")]
public sealed class CpuLayerNormTests
{
    [TestCase(1, 1)]
    [TestCase(3, 17)]
    [TestCase(5, 33)]
    [TestCase(64, 128)]
    [TestCase(257, 130)]
    [TestCase(64, 512)]
    [TestCase(3, 600)]
    public void ForwardAndBackward(int rows, int channels)
    {
        using var device = TestData.Threaded();
        var seed = TestData.FreshSeed();
        var random = new Random(seed);
        // A shifted, scaled input: the two-pass variance must not cancel.
        var x = TestData.Uniform(random, rows * channels, 2, 5);
        var weight = TestData.Uniform(random, channels, 0.5, 1.5);
        var bias = TestData.Uniform(random, channels);
        var dOut = TestData.Uniform(random, rows * channels);
        var dX = TestData.Uniform(random, rows * channels);
        var dWeight = TestData.Uniform(random, channels);
        var dBias = TestData.Uniform(random, channels);
        const float epsilon = 1e-5f;

        var output = new double[rows * channels];
        var mean = new double[rows];
        var rstd = new double[rows];
        NaiveOps.LayerNormForward<double>(output, mean, rstd, TestData.Wide(x), TestData.Wide(weight), TestData.Wide(bias),
            rows, channels, epsilon);

        using var dx = TestData.Upload(device, x);
        using var dw = TestData.Upload(device, weight);
        using var db = TestData.Upload(device, bias);
        using var dOutput = device.Allocate<float>(rows * channels);
        using var dMean = device.Allocate<float>(rows);
        using var dRstd = device.Allocate<float>(rows);
        device.LayerNormForward(dOutput.View, dMean.View, dRstd.View, dx.View, dw.View, db.View, rows, channels, epsilon);
        TestData.AssertClose(TestData.Download(device, dOutput), output, seed, "output");
        TestData.AssertClose(TestData.Download(device, dMean), mean, seed, "mean");
        TestData.AssertClose(TestData.Download(device, dRstd), rstd, seed, "rstd");

        // The backward reads the saved statistics: give both sides the same float32 ones.
        var savedMean = TestData.Download(device, dMean);
        var savedRstd = TestData.Download(device, dRstd);
        var expectedDX = TestData.Wide(dX);
        var expectedDWeight = TestData.Wide(dWeight);
        var expectedDBias = TestData.Wide(dBias);
        NaiveOps.LayerNormBackward<double>(expectedDX, expectedDWeight, expectedDBias, TestData.Wide(dOut), TestData.Wide(x),
            TestData.Wide(weight), TestData.Wide(savedMean), TestData.Wide(savedRstd), rows, channels);

        using var gX = TestData.Upload(device, dX);
        using var gWeight = TestData.Upload(device, dWeight);
        using var gBias = TestData.Upload(device, dBias);
        using var gOut = TestData.Upload(device, dOut);
        device.LayerNormBackward(gX.View, gWeight.View, gBias.View, gOut.View, dx.View, dw.View, dMean.View, dRstd.View, rows, channels);
        TestData.AssertClose(TestData.Download(device, gX), expectedDX, seed, "dX");
        TestData.AssertClose(TestData.Download(device, gWeight), expectedDWeight, seed, "dWeight");
        TestData.AssertClose(TestData.Download(device, gBias), expectedDBias, seed, "dBias");
    }
}
