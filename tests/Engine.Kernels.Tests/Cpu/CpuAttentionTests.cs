using Engine.Kernels.Ops;
using Engine.Kernels.Cpu;
using NUnit.Framework;

namespace Engine.Kernels.Tests.Cpu;

// Legend: B batch, T tokens, C channels, NH heads; qkv (B,T,3C), probabilities (B,NH,T,T).

/// <summary>Causal attention forward (output and probabilities) and accumulated backward against the float64 reference.</summary>
[TestFixture]
[Category("CpuKernels")]
public sealed class CpuAttentionTests
{
    [TestCase(1, 1, 4, 1)]
    [TestCase(2, 3, 12, 3)]
    [TestCase(3, 5, 34, 2)]
    [TestCase(64, 3, 128, 4)]
    [TestCase(256, 8, 256, 8)]
    public void ForwardAndBackward(int batch, int tokens, int channels, int heads)
    {
        using var device = TestData.Threaded();
        var seed = TestData.FreshSeed();
        var random = new Random(seed);
        var qkv = TestData.Uniform(random, batch * tokens * 3 * channels, -2, 2);
        var dOut = TestData.Uniform(random, batch * tokens * channels);
        var dQkv = TestData.Uniform(random, qkv.Length);

        var output = new double[batch * tokens * channels];
        var probabilities = new double[batch * heads * tokens * tokens];
        NaiveOps.AttentionForward<double>(output, probabilities, TestData.Wide(qkv), batch, tokens, channels, heads);

        using var dx = TestData.Upload(device, qkv);
        using var o = device.Allocate<float>(output.Length);
        using var p = TestData.Upload(device, Enumerable.Repeat(float.NaN, probabilities.Length).ToArray());
        device.AttentionForward(o.View, p.View, dx.View, batch, tokens, channels, heads);
        TestData.AssertClose(TestData.Download(device, o), output, seed, "attention output");
        TestData.AssertClose(TestData.Download(device, p), probabilities, seed, "attention probabilities (zeros above the diagonal)");

        // The backward reads the forward's probabilities: both sides get the same float32 ones.
        var savedProbabilities = TestData.Download(device, p);
        var expectedDQkv = TestData.Wide(dQkv);
        NaiveOps.AttentionBackward<double>(expectedDQkv, TestData.Wide(dOut), TestData.Wide(qkv), TestData.Wide(savedProbabilities),
            batch, tokens, channels, heads);
        using var g = TestData.Upload(device, dQkv);
        using var go = TestData.Upload(device, dOut);
        device.AttentionBackward(g.View, go.View, dx.View, p.View, batch, tokens, channels, heads);
        TestData.AssertClose(TestData.Download(device, g), expectedDQkv, seed, "attention backward");
    }
}
