using Engine.Kernels.Gpu;
using Engine.Kernels.Ops;
using NUnit.Framework;
using static Engine.Kernels.Tests.Parity.ParityMath;

namespace Engine.Kernels.Tests.Parity;

/// <summary>
/// Edge cases every backend must get right: fills by bit pattern, an empty GEMM product, accuracy where float32
/// cancels (a confident softmax row, GELU's negative tail), ties and NaN in the arg-max, Adam over several steps, and
/// the shape errors the one shared checker refuses in the same words everywhere.
/// </summary>
public abstract partial class DeviceParitySuite
{
    [TestCase(1, 0f)]
    [TestCase(1003, -0f)]
    [TestCase(100_003, 2.5f)]
    public void FillSetsEveryElementBitForBit(int n, float value)
    {
        var x = Upload(Random(n, 91));
        Device.Fill(x.View, value);
        Assert.That(Download(x.View).Select(BitConverter.SingleToInt32Bits), Is.All.EqualTo(BitConverter.SingleToInt32Bits(value)));
        var indices = Upload(new int[n]);
        Device.Fill(indices.View, -7);
        Assert.That(Download(indices.View), Is.All.EqualTo(-7));
    }

    [Test]
    public void GemmWithAnEmptyProductScalesC()
    {
        var (a, b, c) = (Upload(new float[1]), Upload(new float[1]), Upload([1f, 2, 3, 4, 5, 6]));
        Device.Gemm(false, false, 2, 3, 0, 1f, a.View, 1, b.View, 3, 0.5f, c.View, 3);
        Assert.That(Download(c.View), Is.EqualTo(new[] { 0.5f, 1, 1.5f, 2, 2.5f, 3 }));
        Device.Gemm(false, false, 2, 3, 0, 1f, a.View, 1, b.View, 3, 0f, c.View, 3);
        Assert.That(Download(c.View), Is.EqualTo(new float[6]));
    }

    [Test]
    public void ConfidentCrossEntropyRowKeepsItsSmallLossAndGradient()
    {
        // The target dominates: loss = ln(1 + 9·e^−20) ≈ 1.855e-8, below float's resolution of 1 + x; the target's
        // gradient p − 1 ≈ −1.855e-8 would cancel the same way.
        const int vocab = 10;
        var logits = new float[vocab];
        logits[3] = 20f;
        var (expected, expectedGradient) = (new double[1], new double[vocab]);
        NaiveOps.CrossEntropyForwardBackward<double>(expected, expectedGradient, ToDouble(logits), [3], 1, vocab, 1.0, withGradient: true);
        var (input, target, loss, gradient) = (Upload(logits), Upload([3]), Upload(new float[1]), Upload(new float[vocab]));
        Device.CrossEntropyForward(loss.View, input.View, target.View, 1, vocab);
        Assert.That(Download(loss.View)[0], Is.EqualTo(expected[0]).Within(1e-5 * expected[0]), "forward");
        Device.CrossEntropyForwardBackward(loss.View, gradient.View, input.View, target.View, 1, vocab, 1f);
        Assert.That(Download(loss.View)[0], Is.EqualTo(expected[0]).Within(1e-5 * expected[0]), "fused");
        Assert.That(Download(gradient.View)[3], Is.EqualTo(expectedGradient[3]).Within(1e-5 * Math.Abs(expectedGradient[3])), "target gradient");
    }

    [Test]
    public void GeluNegativeTailIsAccurateInAbsoluteTerms()
    {
        // x·Φ(x) is tiny for very negative x; the erfc form keeps it accurate where 1 + erf would cancel.
        float[] x = [-3f, -5f, -8f, -12f, 0f, 1f, -1f];
        var expected = new double[x.Length];
        NaiveOps.GeluForward<double>(expected, ToDouble(x));
        var (input, output) = (Upload(x), Upload(new float[x.Length]));
        Device.GeluForward(output.View, input.View);
        var actual = Download(output.View);
        for (var i = 0; i < x.Length; i++) Assert.That(actual[i], Is.EqualTo(expected[i]).Within(1e-7), $"gelu({x[i]})");
    }

    [Test]
    public void ArgMaxTakesTheFirstOfEqualValuesAndNeverANaNAfterAValue()
    {
        // Row 0: −0 then +0 (equal: the first wins). Row 1: a NaN is never "greater". Row 2: NaN first (the naive scan keeps it).
        float[] x = [-1f, -0f, 0f, -2f, 1f, float.NaN, 3f, 2f, float.NaN, 1f, 5f, 2f];
        var expected = new int[3];
        NaiveOps.ArgMaxRows<float>(expected, x, 3, 4);
        Assert.That(expected, Is.EqualTo(new[] { 1, 2, 0 }));
        var (input, indices) = (Upload(x), Upload(new int[3]));
        Device.ArgMaxRows(indices.View, input.View, 3, 4);
        var actual = Download(indices.View);
        Assert.That(actual[..2], Is.EqualTo(expected[..2]), "ties and a NaN after a value");
        // A NaN before every value: the host devices scan in order as the naive loop does; a GPU's tree of strided
        // partial maxima has no order to keep with NaN (NaN compares false both ways), so only the host is held to it.
        if (Device is Kernels.Cpu.HostDevice) Assert.That(actual[2], Is.EqualTo(expected[2]), "a NaN first, on the host");
    }

    [TestCase(1, false)]
    [TestCase(17, true)]
    [TestCase(300_001, false)]
    public void AdamStepsTrackFloat64OverSeveralSteps(int count, bool decoupled)
    {
        var settings = new AdamSettings(LearningRate: 1e-3, WeightDecay: 0.1, Decoupled: decoupled);
        var parameters = Random(count, 61);
        var (p, m, v, g) = (Upload(parameters), Upload(new float[count]), Upload(new float[count]), Upload(new float[count]));
        var (expectedP, expectedM, expectedV) = (ToDouble(parameters), new double[count], new double[count]);
        for (var step = 1; step <= 3; step++)
        {
            var gradients = Random(count, 61 + step);
            Device.Upload<float>(gradients, g.View);
            Device.AdamStep(p.View, g.View, m.View, v.View, settings, step);
            NaiveOps.AdamStep<double>(expectedP, ToDouble(gradients), expectedM, expectedV, settings, step);
        }
        Assert.That(RelativeError(Download(p.View), expectedP), Is.LessThan(Tight), "parameters");
        Assert.That(RelativeError(Download(m.View), expectedM), Is.LessThan(Tight), "first moment");
        Assert.That(RelativeError(Download(v.View), expectedV), Is.LessThan(Tight), "second moment");
    }

    [TestCase(false)]
    [TestCase(true)]
    public void AdamStoresNoSubnormalResults(bool decoupled)
    {
        // Rows no step feeds, as weight decay leaves them late in training: θ or a moment just above or inside the
        // subnormal range (< 2⁻¹²⁶ ≈ 1.18e-38) and nothing pushing it back. Before the flush every device stored
        // subnormal θ, m or v here (checked below on the float64 answer), which x86 arithmetic runs in microcode.
        const int count = 1003;                       // SIMD vectors and a tail
        var settings = new AdamSettings(LearningRate: 1e-3, WeightDecay: 0.01, Decoupled: decoupled);
        var (parameters, gradients, m, v) = (new float[count], new float[count], new float[count], new float[count]);
        for (var i = 0; i < count; i++)
        {
            var scale = 1f + i % 7 / 7f;
            switch (i % 4)
            {
                case 0: parameters[i] = -3e-39f * scale; break;                               // θ subnormal, moments 0
                case 1: (parameters[i], v[i]) = (5e-39f * scale, 1e-10f); break;              // θ subnormal, v normal
                case 2: (parameters[i], m[i], v[i]) = (0.5f * scale, 1.2e-38f, 1e-10f); break; // m decays below 2⁻¹²⁶
                default: v[i] = 1.1760e-38f; break;                                          // v decays below 2⁻¹²⁶
            }
        }
        const int step = 500;
        var (expectedP, expectedM, expectedV) = (ToDouble(parameters), ToDouble(m), ToDouble(v));
        NaiveOps.AdamStep<double>(expectedP, ToDouble(gradients), expectedM, expectedV, settings, step);
        static int Subnormal(IEnumerable<double> xs) => xs.Count(x => float.IsSubnormal((float)x));
        Assert.That(Subnormal(expectedP), Is.GreaterThan(count / 5), "precondition: θ rounds to subnormal floats");
        Assert.That(Subnormal(expectedM), Is.GreaterThan(count / 8), "precondition: m rounds to subnormal floats");
        Assert.That(Subnormal(expectedV), Is.GreaterThan(count / 8), "precondition: v rounds to subnormal floats");

        foreach (var variant in new[] { KernelVariant.Naive, KernelVariant.Fast })
        {
            SelectVariant(variant);
            var (p, g, dm, dv) = (Upload(parameters), Upload(gradients), Upload(m), Upload(v));
            Device.AdamStep(p.View, g.View, dm.View, dv.View, settings, step);
            foreach (var (name, actual, expected) in new[] { ("θ", Download(p.View), expectedP), ("m", Download(dm.View), expectedM), ("v", Download(dv.View), expectedV) })
            {
                Assert.That(actual.Count(float.IsSubnormal), Is.Zero, $"{variant}: subnormal {name}");
                // Within float32 rounding of the float64 answer and the documented bound of the flush: θ off by less
                // than its limit + η·2⁻¹²⁶/ε (a flushed m enters its update as 0), m and v by less than 2⁻¹²⁶.
                var flushBound = name == "θ" ? AdamFlush.For(settings).Parameter + 1.2e-38 * settings.LearningRate / settings.Epsilon : 1.2e-38;
                for (var i = 0; i < count; i++)
                    Assert.That(actual[i], Is.EqualTo(expected[i]).Within(flushBound + 1e-6 * Math.Abs(expected[i])), $"{variant}: {name}[{i}]");
            }
        }
    }

    [Test]
    public void ShapeErrorsAreRefusedInTheSameWordsOnEveryDevice()
    {
        BufferView<float> F(int length) => Upload(new float[length]).View;
        BufferView<int> I(int length) => Upload(new int[length]).View;
        var name = Device.Name;
        void Refused(Action op, string message) =>
            Assert.That(Assert.Throws(Is.InstanceOf<ArgumentException>(), op)!.Message, Does.StartWith($"{name}: {message}"));
        Refused(() => Device.Axpy(1f, F(4), F(5)), "Axpy: X has 4 elements but Y has 5");
        Refused(() => Device.Add(F(4), F(4), F(3)), "Add: A has 4 elements but Output has 3");
        Refused(() => Device.Copy(F(4), F(3)), "Copy: Destination has 3 elements but Source has 4");
        Refused(() => Device.Sum(F(4), F(0)), "Sum: Result has 0 elements, expected 1");
        Refused(() => Device.GeluBackward(F(4), F(4), F(5)), "GeluBackward: DOut has 5 elements but X has 4");
        Refused(() => Device.AdamStep(F(4), F(4), F(3), F(4), new AdamSettings(0.1), 1), "AdamStep: FirstMoment has 3 elements but Parameters has 4");
        Refused(() => Device.BiasAdd(F(12), F(3), 3, 4), "BiasAdd: Bias has 3 elements, expected 4");
        Refused(() => Device.LayerNormForward(F(12), F(3), F(2), F(12), F(4), F(4), 3, 4, 1e-5f), "LayerNormForward: Rstd has 2 elements, expected 3");
        Refused(() => Device.RopeForward(F(3 * 6), F(3 * 6), 1, 1, 6, 2, 100f), "RopeForward: head size 3 must be even");
        Refused(() => Device.AttentionForward(F(2 * 3 * 8), F(2 * 2 * 9 + 1), F(2 * 3 * 24), 2, 3, 8, 2), "AttentionForward: Probabilities has 37 elements, expected 36");
        Refused(() => Device.AttentionBackward(F(2 * 3 * 24), F(2 * 3 * 8), F(2 * 3 * 24), F(2 * 2 * 9), 2, 3, 7, 2), "AttentionBackward: 7 channels do not split into 2 heads");
        Refused(() => Device.CrossEntropyForward(F(2), F(2 * 5), I(3), 2, 5), "CrossEntropyForward: Targets has 3 elements, expected 2");
        Refused(() => Device.ArgMaxRows(I(2), F(11), 2, 5), "ArgMaxRows: X has 11 elements, expected 10");
        Refused(() => Device.GatherRows(F(8), F(21), I(2), 2, 4), "GatherRows: Table has 21 elements, not a whole number of rows of 4");
        // GEMM: operands hold at least their strided extent; leading dimensions cover their rows.
        Assert.DoesNotThrow(() => Device.Gemm(false, false, 3, 4, 5, 1f, F(15), 5, F(20), 4, 0f, F(12), 4));
        Refused(() => Device.Gemm(false, false, 3, 4, 5, 1f, F(14), 5, F(20), 4, 0f, F(12), 4), "Gemm: A has 14 elements, needs at least 15");
        Refused(() => Device.Gemm(false, false, 3, 4, 5, 1f, F(15), 4, F(20), 4, 0f, F(12), 4), "Gemm: Lda = 4 is less than the 5 columns it strides");
        Refused(() => Device.Gemm(false, false, 3, 4, 5, 1f, F(30), 5, F(20), 4, 0f, F(24), 4, batchCount: 2, strideA: 15, strideB: 1, strideC: 12),
            "Gemm: B has 20 elements, needs at least 21");
        Assert.Throws<ArgumentOutOfRangeException>(() => Device.Gemm(false, false, -1, 4, 5, 1f, F(15), 5, F(20), 4, 0f, F(12), 4));
    }
}
