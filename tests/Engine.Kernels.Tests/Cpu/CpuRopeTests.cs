using Engine.Kernels.Ops;
using Engine.Kernels.Cpu;
using NUnit.Framework;

namespace Engine.Kernels.Tests.Cpu;

// Legend: B batch, T tokens, C channels, NH heads; qkv (B,T,3C).

/// <summary>Rotary embedding forward and its accumulated transpose against the float64 reference.</summary>
[TestFixture]
[Category("CpuKernels")]
public sealed class CpuRopeTests
{
    [TestCase(1, 1, 2, 1)]
    [TestCase(2, 3, 12, 2)]
    [TestCase(3, 7, 34, 1)]
    [TestCase(64, 3, 128, 4)]
    [TestCase(32, 8, 512, 8)]
    public void ForwardAndBackward(int batch, int tokens, int channels, int heads)
    {
        using var device = TestData.Threaded();
        var seed = TestData.FreshSeed();
        var random = new Random(seed);
        var length = batch * tokens * 3 * channels;
        var qkv = TestData.Uniform(random, length);
        var dOut = TestData.Uniform(random, length);
        var dQkv = TestData.Uniform(random, length);
        const float ropeBase = 10000f;

        var output = new double[length];
        NaiveOps.RopeForward<double>(output, TestData.Wide(qkv), batch, tokens, channels, heads, ropeBase);
        var expectedDQkv = TestData.Wide(dQkv);
        NaiveOps.RopeBackward<double>(expectedDQkv, TestData.Wide(dOut), batch, tokens, channels, heads, ropeBase);

        using var dx = TestData.Upload(device, qkv);
        using var o = device.Allocate<float>(length);
        using var g = TestData.Upload(device, dQkv);
        using var go = TestData.Upload(device, dOut);
        device.RopeForward(o.View, dx.View, batch, tokens, channels, heads, ropeBase);
        device.RopeBackward(g.View, go.View, batch, tokens, channels, heads, ropeBase);
        TestData.AssertClose(TestData.Download(device, o), output, seed, "rope");
        TestData.AssertClose(TestData.Download(device, g), expectedDQkv, seed, "rope backward");
    }

    [Test]
    public void CachedTablesServeOtherBases()
    {
        // Same shape, two bases in turn: each must use its own cos/sin table.
        using var device = new CpuDevice(1);
        var seed = TestData.FreshSeed();
        var qkv = TestData.Uniform(new Random(seed), 2 * 5 * 3 * 16);
        using var dx = TestData.Upload(device, qkv);
        using var o = device.Allocate<float>(qkv.Length);
        foreach (var ropeBase in new[] { 10000f, 100f, 10000f })
        {
            var expected = new double[qkv.Length];
            NaiveOps.RopeForward<double>(expected, TestData.Wide(qkv), 2, 5, 16, 2, ropeBase);
            device.RopeForward(o.View, dx.View, 2, 5, 16, 2, ropeBase);
            TestData.AssertClose(TestData.Download(device, o), expected, seed, $"rope base {ropeBase}");
        }
    }
}
