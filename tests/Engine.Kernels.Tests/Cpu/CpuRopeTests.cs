using Engine.Kernels.Ops;
using Engine.Kernels.Cpu;
using NUnit.Framework;

namespace Engine.Kernels.Tests.Cpu;

// Legend: B batch, T tokens, C channels, NH heads; qkv (B,T,3C).

/// <summary>Rotary embedding forward and its accumulated transpose against the float64 naive loop.</summary>
[TestFixture]
[Category("CpuKernels")]
public sealed class CpuRopeTests
{
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
