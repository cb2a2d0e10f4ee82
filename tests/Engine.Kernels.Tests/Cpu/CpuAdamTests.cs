using Engine.Kernels.Ops;
using Engine.Kernels.Cpu;
using NUnit.Framework;

namespace Engine.Kernels.Tests.Cpu;

// Legend: P parameters in one flat buffer.

/// <summary>The fused Adam (coupled L2) and AdamW steps against the float64 naive loop over several steps.</summary>
[TestFixture]
[Category("CpuKernels")]
public sealed class CpuAdamTests
{
    [Test]
    public void UntouchedElementsStayExactlyAsTheFullUpdateLeavesThem([Values] bool decoupled, [Values(0, 0.01, 2000)] double decay)
    {
        // SIMD vectors whose gradients and moments are all +0 (with decay: and parameters) are skipped (nothing
        // stored). The full update leaves such elements bit for bit unchanged: compare every element with the full
        // update done in scalar float32. −0 values are not skipped (element 1001: its −0 parameter becomes +0).
        // Decay 2000 makes the decoupled shrink 1 − ηλ negative, where +0·shrink = −0: nothing may be skipped there.
        using var device = TestData.Threaded();
        var seed = TestData.FreshSeed();
        var random = new Random(seed);
        const int count = 300001;
        var settings = new AdamSettings(LearningRate: 1e-3, WeightDecay: decay, Decoupled: decoupled);
        var parameters = TestData.Uniform(random, count);
        var gradients = TestData.Uniform(random, count);
        var m = TestData.Uniform(random, count, -1e-3, 1e-3);
        var v = TestData.Uniform(random, count, 0, 1e-4);
        // Untouched stretches (an unused embedding row is 128 wide) and scattered single zero elements.
        for (var i = 1000; i < 200000; i++) (gradients[i], m[i], v[i]) = (0f, 0f, 0f);
        for (var i = 250000; i < 300001; i += 7) (gradients[i], m[i], v[i]) = (0f, 0f, 0f);
        // With decay, the untouched rows' parameters have decayed to +0 (a stretch inside the first one keeps θ).
        if (decay > 0)
            for (var i = 1000; i < 150000; i++) parameters[i] = 0f;
        // Rows whose gradient and m are +0 but whose v still decays (θ +0 too, for the decay case).
        for (var i = 200000; i < 240000; i++) (gradients[i], m[i], parameters[i]) = (0f, 0f, decay > 0 ? 0f : parameters[i]);
        parameters[1000] = -0f;
        (gradients[1001], m[1001], v[1001]) = (-0f, -0f, 0f);
        parameters[1001] = -0f;

        var expectedParameters = (float[])parameters.Clone();
        var expectedM = (float[])m.Clone();
        var expectedV = (float[])v.Clone();
        for (var i = 0; i < count; i++) ScalarStep(settings, 4, ref expectedParameters[i], gradients[i], ref expectedM[i], ref expectedV[i]);

        using var dp = TestData.Upload(device, parameters);
        using var dg = TestData.Upload(device, gradients);
        using var dm = TestData.Upload(device, m);
        using var dv = TestData.Upload(device, v);
        device.AdamStep(dp.View, dg.View, dm.View, dv.View, settings, 4);
        Assert.That(TestData.Download(device, dp).Select(BitConverter.SingleToInt32Bits), Is.EqualTo(expectedParameters.Select(BitConverter.SingleToInt32Bits)), $"seed {seed}: parameters");
        Assert.That(TestData.Download(device, dm).Select(BitConverter.SingleToInt32Bits), Is.EqualTo(expectedM.Select(BitConverter.SingleToInt32Bits)), $"seed {seed}: m");
        Assert.That(TestData.Download(device, dv).Select(BitConverter.SingleToInt32Bits), Is.EqualTo(expectedV.Select(BitConverter.SingleToInt32Bits)), $"seed {seed}: v");
        if (decay == 0)
            Assert.That(BitConverter.SingleToInt32Bits(TestData.Download(device, dp)[1000]), Is.EqualTo(BitConverter.SingleToInt32Bits(-0f)), "a −0 parameter with zero gradient and moments keeps its sign");
    }

    /// <summary>The full update of one element, with the kernel's float32 expressions and flush (never skipped).</summary>
    private static void ScalarStep(AdamSettings settings, int step, ref float parameter, float gradient, ref float m, ref float v)
    {
        var beta1 = (float)settings.Beta1;
        var beta2 = (float)settings.Beta2;
        if (settings.WeightDecay != 0)
        {
            if (settings.Decoupled) parameter *= (float)(1.0 - settings.LearningRate * settings.WeightDecay);
            else gradient = MathF.FusedMultiplyAdd((float)settings.WeightDecay, parameter, gradient);
        }
        var flush = AdamFlush.For(settings);
        var g1 = MathF.Abs(gradient) < flush.FirstTerm ? 0f : gradient;
        var g2 = MathF.Abs(gradient) < flush.SecondTerm ? 0f : gradient;
        var mi = Flushed(MathF.FusedMultiplyAdd(beta1, m, (float)(1.0 - settings.Beta1) * g1), AdamFlush.SmallestNormal);
        var vi = Flushed(MathF.FusedMultiplyAdd(beta2, v, (float)(1.0 - settings.Beta2) * g2 * g2), AdamFlush.SmallestNormal);
        m = mi;
        v = vi;
        var inverseCorrection1 = (float)(1.0 / (1.0 - Math.Pow(settings.Beta1, step)));
        var inverseCorrection2 = (float)(1.0 / (1.0 - Math.Pow(settings.Beta2, step)));
        parameter = Flushed(parameter - (float)settings.LearningRate * (mi * inverseCorrection1)
            / (MathF.Sqrt(vi * inverseCorrection2) + (float)settings.Epsilon), flush.Parameter);
    }

    private static float Flushed(float x, float limit) => x != 0f && MathF.Abs(x) < limit ? 0f : x;
}
