using Engine.Kernels.Ops;
using Engine.Kernels.Cpu;
using NUnit.Framework;

namespace Engine.Kernels.Tests.Cpu;

// Legend: n a flat length, R rows, C channels.

/// <summary>Flat element-wise ops, reductions and the bias pair against their float64 references.</summary>
[TestFixture]
[Category("CpuKernels")]
public sealed class CpuElementwiseTests
{
    // 1 and 17 stay serial and exercise SIMD tails; 300001 is split over threads.
    private static readonly int[] Lengths = [1, 17, 1000, 300001];

    [Test]
    public void AxpyScaleAdd([ValueSource(nameof(Lengths))] int n)
    {
        using var device = TestData.Threaded();
        var seed = TestData.FreshSeed();
        var random = new Random(seed);
        var x = TestData.Uniform(random, n);
        var y = TestData.Uniform(random, n);
        using var dx = TestData.Upload(device, x);
        using var dy = TestData.Upload(device, y);
        using var output = device.Allocate<float>(n);

        var expected = TestData.Wide(y);
        NaiveOps.Axpy(-0.75, TestData.Wide(x), expected);
        device.Axpy(-0.75f, dx.View, dy.View);
        TestData.AssertClose(TestData.Download(device, dy), expected, seed, "axpy");

        NaiveOps.Scale(3.5, expected);
        device.Scale(3.5f, dy.View);
        TestData.AssertClose(TestData.Download(device, dy), expected, seed, "scale");

        var sum = new double[n];
        NaiveOps.Add(TestData.Wide(x), expected, sum);
        device.Add(dx.View, dy.View, output.View);
        TestData.AssertClose(TestData.Download(device, output), sum, seed, "add");

        // The residual connection adds in place: output aliases a.
        device.Add(dy.View, dx.View, dy.View);
        TestData.AssertClose(TestData.Download(device, dy), sum, seed, "add in place");
    }

    [Test]
    public void FillSetsEveryElement([ValueSource(nameof(Lengths))] int n, [Values(0f, -0f, 2.5f)] float value)
    {
        using var device = TestData.Threaded();
        var x = TestData.Uniform(new Random(n), n);
        using var dx = TestData.Upload(device, x);
        device.Fill(dx.View, value);
        var filled = TestData.Download(device, dx);
        // Bit patterns, so −0 must stay −0.
        Assert.That(filled.Select(BitConverter.SingleToInt32Bits), Is.All.EqualTo(BitConverter.SingleToInt32Bits(value)));
        using var indices = device.Allocate<int>(n);
        device.Fill(indices.View, -7);
        Assert.That(TestData.Download(device, indices), Is.All.EqualTo(-7));
    }

    [Test]
    public void SumAndNorm([ValueSource(nameof(Lengths))] int n)
    {
        using var device = TestData.Threaded();
        var seed = TestData.FreshSeed();
        // Offset from zero so the sum is not a near-cancellation (a normwise test of one number).
        var x = TestData.Uniform(new Random(seed), n, -0.5, 1.5);
        using var dx = TestData.Upload(device, x);
        using var result = device.Allocate<float>(1);

        device.Sum(dx.View, result.View);
        TestData.AssertClose(TestData.Download(device, result), [NaiveOps.Sum<double>(TestData.Wide(x))], seed, "sum");
        device.Norm(dx.View, result.View);
        TestData.AssertClose(TestData.Download(device, result), [NaiveOps.Norm<double>(TestData.Wide(x))], seed, "norm");
    }

    [TestCase(1, 1)]
    [TestCase(3, 17)]
    [TestCase(64, 512)]
    [TestCase(600, 300)]
    public void BiasAddAndBackward(int rows, int channels)
    {
        using var device = TestData.Threaded();
        var seed = TestData.FreshSeed();
        var random = new Random(seed);
        var y = TestData.Uniform(random, rows * channels);
        var bias = TestData.Uniform(random, channels);
        var dBias = TestData.Uniform(random, channels);

        var expectedY = TestData.Wide(y);
        NaiveOps.BiasAdd<double>(expectedY, TestData.Wide(bias), rows, channels);
        var expectedDBias = TestData.Wide(dBias);
        NaiveOps.BiasBackward<double>(expectedDBias, TestData.Wide(y), rows, channels);

        using var dy = TestData.Upload(device, y);
        using var db = TestData.Upload(device, bias);
        using var ddb = TestData.Upload(device, dBias);
        device.BiasBackward(ddb.View, dy.View, rows, channels);
        device.BiasAdd(dy.View, db.View, rows, channels);
        TestData.AssertClose(TestData.Download(device, dy), expectedY, seed, "bias add");
        TestData.AssertClose(TestData.Download(device, ddb), expectedDBias, seed, "bias backward (accumulated)");
    }
}
