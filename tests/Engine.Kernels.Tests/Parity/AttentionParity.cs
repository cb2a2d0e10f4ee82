using Engine.Kernels.Ops;
using Engine.Kernels.Cpu;
using NUnit.Framework;
using static Engine.Kernels.Tests.Parity.ParityMath;

namespace Engine.Kernels.Tests.Parity;

/// <summary>RoPE and causal attention. Legend: B batch, T tokens, C channels, NH heads (HS = C/NH).</summary>
public abstract partial class DeviceParitySuite
{
    [TestCase(3, 5, 24, 2)]
    [TestCase(2, 64, 32, 4)]
    [TestCase(64, 3, 128, 1)] // the default model at batch 64
    public void RopeForwardAndBackwardMatchFloat64(int batch, int tokens, int channels, int heads)
    {
        const float ropeBase = 100f;
        var length = batch * tokens * 3 * channels;
        var qkv = Random(length, 40);
        var dOut = Random(length, 41);
        var dQkv = Random(length, 42);
        var expectedOut = new double[length];
        NaiveOps.RopeForward<double>(expectedOut, ToDouble(qkv), batch, tokens, channels, heads, ropeBase);
        var expectedDqkv = ToDouble(dQkv);
        NaiveOps.RopeBackward<double>(expectedDqkv, ToDouble(dOut), batch, tokens, channels, heads, ropeBase);
        Check($"RopeForward B={batch} T={tokens} C={channels} NH={heads}", Tight, expectedOut, () =>
        {
            var (input, output) = (Upload(qkv), Upload(new float[length]));
            Device.RopeForward(output.View, input.View, batch, tokens, channels, heads, ropeBase);
            return Download(output.View);
        });
        Check($"RopeBackward B={batch} T={tokens} C={channels} NH={heads}", Tight, expectedDqkv, () =>
        {
            var (gradient, upstream) = (Upload(dQkv), Upload(dOut));
            Device.RopeBackward(gradient.View, upstream.View, batch, tokens, channels, heads, ropeBase);
            return Download(gradient.View);
        });
    }

    [TestCase(3, 7, 24, 3)]
    [TestCase(2, 64, 32, 2)]  // the longest sequence the fused kernels hold on chip
    [TestCase(1, 70, 16, 2)]  // longer: the fast path falls back to the naive kernels
    [TestCase(64, 3, 128, 1)] // the default model at batch 64
    [TestCase(16, 4, 512, 8)] // the widest model, several heads
    public void AttentionForwardAndBackwardMatchFloat64(int batch, int tokens, int channels, int heads)
    {
        var qkvLength = batch * tokens * 3 * channels;
        var outLength = batch * tokens * channels;
        var probabilityLength = batch * heads * tokens * tokens;
        var qkv = Random(qkvLength, 50, scale: 2);
        var dOut = Random(outLength, 51);
        var dQkv = Random(qkvLength, 52);

        var (expectedOut, expectedP) = (new double[outLength], new double[probabilityLength]);
        NaiveOps.AttentionForward<double>(expectedOut, expectedP, ToDouble(qkv), batch, tokens, channels, heads);
        var shape = $"B={batch} T={tokens} C={channels} NH={heads}";
        Check($"AttentionForward {shape}", Tight, ["out", "probabilities"], [expectedOut, expectedP], () =>
        {
            var input = Upload(qkv);
            var (output, probabilities) = (Upload(new float[outLength]), Upload(Enumerable.Repeat(float.NaN, probabilityLength).ToArray()));
            Device.AttentionForward(output.View, probabilities.View, input.View, batch, tokens, channels, heads);
            return [Download(output.View), Download(probabilities.View)];
        });

        // The backward takes float probabilities, as it does in a model.
        var floatP = Array.ConvertAll(expectedP, v => (float)v);
        var expectedDqkv = ToDouble(dQkv);
        NaiveOps.AttentionBackward<double>(expectedDqkv, ToDouble(dOut), ToDouble(qkv), ToDouble(floatP), batch, tokens, channels, heads);
        Check($"AttentionBackward {shape}", Tight, expectedDqkv, () =>
        {
            var (input, upstream, probabilities, gradient) = (Upload(qkv), Upload(dOut), Upload(floatP), Upload(dQkv));
            Device.AttentionBackward(gradient.View, upstream.View, input.View, probabilities.View, batch, tokens, channels, heads);
            return Download(gradient.View);
        });
    }
}
