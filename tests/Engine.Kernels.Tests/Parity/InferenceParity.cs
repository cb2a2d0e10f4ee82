using Engine.Kernels.Ops;
using NUnit.Framework;
using static Engine.Kernels.Tests.Parity.ParityMath;

namespace Engine.Kernels.Tests.Parity;

/// <summary>
/// The inference ops of pretrained LLMs (forward only): RMSNorm, gated activations, soft-capping, the Hugging Face
/// rotary embedding and grouped-query causal attention. Legend: R rows, C channels, T tokens, NH query heads,
/// NKV key/value heads, D head size, W sliding window (0 = none).
/// </summary>
public abstract partial class DeviceParitySuite
{
    [TestCase(1, 7, 0f)]
    [TestCase(5, 3, 1f)]
    [TestCase(37, 45, 0f)]
    [TestCase(60, 2304, 1f)] // a Gemma-2-2B prompt
    public void RmsNormForwardMatchesFloat64(int rows, int channels, float weightOffset)
    {
        const float epsilon = 1e-6f;
        var x = Random(rows * channels, 300, scale: 3);
        for (var r = 0; r < rows; r++) x[r * channels] += 20 * (r % 3); // an outlier channel, as residual streams have
        var weight = Random(channels, 301, scale: 1.5);
        var (expected, rstd) = (new double[rows * channels], new double[rows]);
        NaiveOps.RmsNormForward<double>(expected, rstd, ToDouble(x), ToDouble(weight), rows, channels, epsilon, weightOffset);
        var shape = $"{rows}×{channels} offset {weightOffset}";
        Check($"RmsNormForward {shape}", Tight, ["out", "rstd"], [expected, rstd], () =>
        {
            var (xs, ws, os, rs) = (Upload(x), Upload(weight), Upload(new float[rows * channels]), Upload(new float[rows]));
            Device.RmsNormForward(os.View, rs.View, xs.View, ws.View, rows, channels, epsilon, weightOffset);
            return [Download(os.View), Download(rs.View)];
        });
        Check($"RmsNormForward in place, no rstd {shape}", Tight, expected, () =>
        {
            var (xs, ws) = (Upload(x), Upload(weight));
            Device.RmsNormForward(xs.View, default, xs.View, ws.View, rows, channels, epsilon, weightOffset);
            return Download(xs.View);
        });
    }

    [TestCase(1, GatedActivation.Silu)]
    [TestCase(1003, GatedActivation.Silu)]
    [TestCase(1003, GatedActivation.GeluTanh)]
    [TestCase(60 * 9216, GatedActivation.GeluTanh)] // a Gemma-2-2B prompt's MLP
    public void GatedActivationForwardMatchesFloat64(int n, GatedActivation activation)
    {
        var gate = Random(n, 310, scale: 12); // both tails: a(x) → 0 and a(x) → x
        var up = Random(n, 311, scale: 2);
        var expected = new double[n];
        NaiveOps.GatedActivationForward<double>(expected, ToDouble(gate), ToDouble(up), activation);
        Check($"GatedActivationForward {activation} n={n}", Tight, expected, () =>
        {
            var (gs, us, os) = (Upload(gate), Upload(up), Upload(new float[n]));
            Device.GatedActivationForward(os.View, gs.View, us.View, activation);
            return Download(os.View);
        });
    }

    [Test]
    public void GatedActivationTailsAreAccurateInAbsoluteTerms()
    {
        // a(x)·1 for very negative x is tiny; the x·σ(z) form keeps it so (½(1 + tanh) would cancel to 0 or worse).
        float[] gate = [-30f, -12f, -6f, -3f, -0.5f, 0f, 1e-3f, 0.5f, 3f, 12f, 30f];
        var up = Enumerable.Repeat(1f, gate.Length).ToArray();
        foreach (var activation in Enum.GetValues<GatedActivation>())
        {
            var expected = new double[gate.Length];
            NaiveOps.GatedActivationForward<double>(expected, ToDouble(gate), ToDouble(up), activation);
            var (gs, us, os) = (Upload(gate), Upload(up), Upload(new float[gate.Length]));
            Device.GatedActivationForward(os.View, gs.View, us.View, activation);
            var actual = Download(os.View);
            for (var i = 0; i < gate.Length; i++)
                Assert.That(actual[i], Is.EqualTo(expected[i]).Within(1e-6 * Math.Max(1, Math.Abs(expected[i]))), $"{activation}({gate[i]})");
        }
    }

    [TestCase(1, 30f, 1.0)]
    [TestCase(256_000, 30f, 200.0)] // Gemma-2's final logits, many saturated
    [TestCase(1003, 50f, 0.01)]     // a large cap on small values: nearly the identity
    [TestCase(1003, 0.5f, 3.0)]     // a small cap: everything near ±cap
    public void SoftCapForwardMatchesFloat64(int n, float cap, double scale)
    {
        var x = Random(n, 320, scale);
        var expected = new double[n];
        NaiveOps.SoftCapForward<double>(expected, ToDouble(x), cap);
        Check($"SoftCapForward n={n} cap={cap} |x|≤{scale}", Tight, expected, () =>
        {
            var xs = Upload(x);
            Device.SoftCapForward(xs.View, xs.View, cap);
            return Download(xs.View);
        });
    }

    [Test]
    public void SoftCapOfSmallValuesIsTheIdentityToFloatPrecision()
    {
        float[] x = [1e-6f, -3e-4f, 0.01f, -0.5f, 0f];
        var (input, output) = (Upload(x), Upload(new float[x.Length]));
        Device.SoftCapForward(output.View, input.View, 50f);
        var actual = Download(output.View);
        for (var i = 0; i < x.Length; i++)
            Assert.That(actual[i], Is.EqualTo(50 * Math.Tanh(x[i] / 50.0)).Within(2e-7 * Math.Abs(x[i])), $"softcap({x[i]})");
    }

    [TestCase(1, 2, 8)]
    [TestCase(7, 3, 10)]    // an odd half (5): SIMD tails
    [TestCase(64, 4, 128)]  // Llama's head size
    [TestCase(60, 8, 256)]  // Gemma-2-2B's query heads
    public void RotaryForwardMatchesFloat64(int tokens, int heads, int headDim)
    {
        var x = Random(tokens * heads * headDim, 330, scale: 2);
        // HF inverse frequencies base^(−2i/D), then a llama3-style scaling of the low frequencies (host side).
        var frequencies = Enumerable.Range(0, headDim / 2)
            .Select(i => (float)(Math.Pow(10000, -2.0 * i / headDim) / (i > headDim / 4 ? 8 : 1))).ToArray();
        var expected = ToDouble(x);
        NaiveOps.RotaryForward<double>(expected, ToDouble(frequencies), tokens, heads, headDim);
        Check($"RotaryForward T={tokens} NH={heads} D={headDim}", Tight, expected, () =>
        {
            var (xs, fs) = (Upload(x), Upload(frequencies));
            Device.RotaryForward(xs.View, fs.View, tokens, heads, headDim);
            return Download(xs.View);
        });
    }

    [TestCase(1, 2, 1, 8, 0, 0f)]        // one token: the output is v_0
    [TestCase(7, 4, 4, 16, 0, 0f)]       // ratio 1: plain multi-head attention
    [TestCase(9, 4, 2, 16, 0, 50f)]      // ratio 2, Gemma-2's cap
    [TestCase(13, 8, 2, 12, 3, 0f)]      // ratio 4, a window of 3
    [TestCase(10, 4, 1, 8, 1, 0f)]       // a window of 1: each token sees only itself
    [TestCase(6, 2, 1, 8, 10, 0f)]       // a window ≥ T: plain causal
    [TestCase(11, 4, 2, 8, 0, 0.5f)]     // a small cap: scores squashed to ±0.5
    [TestCase(60, 8, 4, 256, 4096, 50f)] // Gemma-2-2B at a 60-token prompt
    [TestCase(33, 32, 8, 128, 0, 0f)]    // Llama-3.1-8B's heads
    public void GroupedAttentionForwardMatchesFloat64(int tokens, int heads, int kvHeads, int headDim, int window, float cap)
    {
        var scale = (float)(1 / Math.Sqrt(headDim));
        var q = Random(tokens * heads * headDim, 340, scale: 3);
        var k = Random(tokens * kvHeads * headDim, 341, scale: 3);
        var v = Random(tokens * kvHeads * headDim, 342, scale: 2);
        var expected = new double[q.Length];
        NaiveOps.GroupedAttentionForward<double>(expected, ToDouble(q), ToDouble(k), ToDouble(v), tokens, heads, kvHeads, headDim,
            scale, cap, window);
        Check($"GroupedAttentionForward T={tokens} NH={heads} NKV={kvHeads} D={headDim} W={window} cap={cap}", Tight, expected, () =>
        {
            var (qs, ks, vs, os) = (Upload(q), Upload(k), Upload(v), Upload(Enumerable.Repeat(float.NaN, q.Length).ToArray()));
            Device.GroupedAttentionForward(os.View, qs.View, ks.View, vs.View, tokens, heads, kvHeads, headDim, scale, cap, window);
            return Download(os.View);
        });
    }

    [Test]
    public void GroupedAttentionWithAWindowOfOneCopiesEachTokensValue()
    {
        const int tokens = 5, heads = 4, kvHeads = 2, headDim = 6;
        var q = Random(tokens * heads * headDim, 350, scale: 5);
        var k = Random(tokens * kvHeads * headDim, 351, scale: 5);
        var v = Random(tokens * kvHeads * headDim, 352);
        var (qs, ks, vs, os) = (Upload(q), Upload(k), Upload(v), Upload(new float[q.Length]));
        Device.GroupedAttentionForward(os.View, qs.View, ks.View, vs.View, tokens, heads, kvHeads, headDim, 1f, 0f, 1);
        var actual = Download(os.View);
        for (var t = 0; t < tokens; t++)
            for (var h = 0; h < heads; h++)
                for (var j = 0; j < headDim; j++)
                    Assert.That(actual[(t * heads + h) * headDim + j], Is.EqualTo(v[(t * kvHeads + h / 2) * headDim + j]).Within(1e-6),
                        $"t={t} h={h} j={j}");
    }

    [Test]
    public void InferenceOpShapeErrorsAreRefusedInTheSameWordsOnEveryDevice()
    {
        BufferView<float> F(int length) => Upload(new float[length]).View;
        var name = Device.Name;
        void Refused(Action op, string message) =>
            Assert.That(Assert.Throws(Is.InstanceOf<ArgumentException>(), op)!.Message, Does.StartWith($"{name}: {message}"));
        Refused(() => Device.RmsNormForward(F(12), F(2), F(12), F(4), 3, 4, 1e-6f, 0f), "RmsNormForward: Rstd has 2 elements, expected 3");
        Refused(() => Device.RmsNormForward(F(12), default, F(12), F(5), 3, 4, 1e-6f, 1f), "RmsNormForward: Weight has 5 elements, expected 4");
        Refused(() => Device.GatedActivationForward(F(4), F(4), F(5), GatedActivation.Silu), "GatedActivationForward: Up has 5 elements but Output has 4");
        Refused(() => Device.SoftCapForward(F(4), F(4), 0f), "SoftCapForward: Cap must be finite and > 0, got 0");
        Refused(() => Device.RotaryForward(F(2 * 6), F(4), 2, 1, 6), "RotaryForward: InverseFrequencies has 4 elements, expected 3");
        Refused(() => Device.RotaryForward(F(2 * 5), F(2), 2, 1, 5), "RotaryForward: head size 5 must be even");
        Refused(() => Device.GroupedAttentionForward(F(3 * 6 * 4), F(3 * 6 * 4), F(3 * 4 * 4), F(3 * 4 * 4), 3, 6, 4, 4, 0.5f),
            "GroupedAttentionForward: 6 query heads do not split into groups of 4 key/value heads");
        Refused(() => Device.GroupedAttentionForward(F(3 * 4 * 4), F(3 * 4 * 4), F(3 * 2 * 4), F(3 * 2 * 4 - 1), 3, 4, 2, 4, 0.5f),
            "GroupedAttentionForward: V has 23 elements, expected 24");
        Refused(() => Device.GroupedAttentionForward(F(3 * 4 * 4), F(3 * 4 * 4), F(3 * 2 * 4), F(3 * 2 * 4), 3, 4, 2, 4, 0.5f, -1f),
            "GroupedAttentionForward: SoftCap must be finite and ≥ 0 (0 = none), got -1");
    }
}
