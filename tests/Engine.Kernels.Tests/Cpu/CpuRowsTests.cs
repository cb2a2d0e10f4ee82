using Engine.Kernels.Ops;
using Engine.Kernels.Cpu;
using NUnit.Framework;

namespace Engine.Kernels.Tests.Cpu;

// Legend: R selected rows, V table rows, C channels.

/// <summary>Row gather, deterministic scatter-add and row arg-max against the reference.</summary>
[TestFixture]
[Category("CpuKernels")]
public sealed class CpuRowsTests
{
    [TestCase(1, 1, 1)]
    [TestCase(17, 5, 33)]
    [TestCase(192, 10011, 128)]
    [TestCase(3000, 40, 300)]
    public void GatherAndScatterAdd(int rows, int tableRows, int channels)
    {
        using var device = TestData.Threaded();
        var seed = TestData.FreshSeed();
        var random = new Random(seed);
        var table = TestData.Uniform(random, tableRows * channels);
        // Few table rows and many selected ones: repeated indices, whose adds must keep row order.
        var indices = TestData.Indices(random, rows, tableRows);
        var dOut = TestData.Uniform(random, rows * channels);

        var gathered = new double[rows * channels];
        NaiveOps.GatherRows<double>(gathered, TestData.Wide(table), indices, rows, channels);
        // Float32 reference for the scatter: its adds are float adds in row order, which the fast path must repeat exactly.
        var scattered = (float[])table.Clone();
        NaiveOps.ScatterAddRows<float>(scattered, dOut, indices, rows, channels);

        using var dt = TestData.Upload(device, table);
        using var di = TestData.Upload(device, indices);
        using var o = device.Allocate<float>(rows * channels);
        using var go = TestData.Upload(device, dOut);
        device.GatherRows(o.View, dt.View, di.View, rows, channels);
        Assert.That(TestData.Download(device, o), Is.EqualTo(gathered.Select(v => (float)v).ToArray()), $"seed {seed}: gather");
        device.ScatterAddRows(dt.View, go.View, di.View, rows, channels);
        Assert.That(TestData.Download(device, dt), Is.EqualTo(scattered), $"seed {seed}: scatter-add is bit-identical to the in-order reference");
    }

    [TestCase(1, 1)]
    [TestCase(5, 17)]
    [TestCase(64, 10011)]
    public void ArgMaxMatchesReference(int rows, int columns)
    {
        using var device = TestData.Threaded();
        var seed = TestData.FreshSeed();
        var random = new Random(seed);
        // Values on a coarse grid so ties happen: the first maximum must win.
        var x = Enumerable.Range(0, rows * columns).Select(_ => (float)random.Next(-20, 20)).ToArray();
        var expected = new int[rows];
        NaiveOps.ArgMaxRows<float>(expected, x, rows, columns);
        using var dx = TestData.Upload(device, x);
        using var di = device.Allocate<int>(rows);
        device.ArgMaxRows(di.View, dx.View, rows, columns);
        Assert.That(TestData.Download(device, di), Is.EqualTo(expected), $"seed {seed}");
    }

    [Test]
    public void ArgMaxHandlesSignedZeroAndNaNAsReference()
    {
        using var device = new CpuDevice(1);
        // Row 0: −0 then +0 (equal: the first wins). Row 1: a NaN is never "greater". Row 2: NaN first.
        float[] x = [-1f, -0f, 0f, -2f, 1f, float.NaN, 3f, 2f, float.NaN, 1f, 5f, 2f];
        var expected = new int[3];
        NaiveOps.ArgMaxRows<float>(expected, x, 3, 4);
        using var dx = TestData.Upload(device, x);
        using var di = device.Allocate<int>(3);
        device.ArgMaxRows(di.View, dx.View, 3, 4);
        Assert.That(TestData.Download(device, di), Is.EqualTo(expected));
        Assert.That(expected, Is.EqualTo(new[] { 1, 2, 0 }));
    }
}
