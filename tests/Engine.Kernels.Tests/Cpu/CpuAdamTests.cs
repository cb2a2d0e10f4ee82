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
    public void UntouchedElementsStayExactlyAsTheFullUpdateLeavesThem([Values] bool decoupled)
    {
        // Without decay, SIMD vectors whose gradients and moments are all +0 are skipped (nothing stored). The
        // full update leaves such elements bit for bit unchanged: compare every element with the full update
        // done in scalar float32. −0 values are not skipped (element 1001: its −0 parameter becomes +0).
        using var device = TestData.Threaded();
        var seed = TestData.FreshSeed();
        var random = new Random(seed);
        const int count = 300001;
        var settings = new AdamSettings(LearningRate: 1e-3, Decoupled: decoupled);
        var parameters = TestData.Uniform(random, count);
        var gradients = TestData.Uniform(random, count);
        var m = TestData.Uniform(random, count, -1e-3, 1e-3);
        var v = TestData.Uniform(random, count, 0, 1e-4);
        // Untouched stretches (an unused embedding row is 128 wide) and scattered single zero elements.
        for (var i = 1000; i < 200000; i++) (gradients[i], m[i], v[i]) = (0f, 0f, 0f);
        for (var i = 250000; i < 300001; i += 7) (gradients[i], m[i], v[i]) = (0f, 0f, 0f);
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
        Assert.That(BitConverter.SingleToInt32Bits(TestData.Download(device, dp)[1000]), Is.EqualTo(BitConverter.SingleToInt32Bits(-0f)), "a −0 parameter with zero gradient and moments keeps its sign");
    }

    /// <summary>The full no-decay update of one element, with the kernel's float32 expressions (never skipped).</summary>
    private static void ScalarStep(AdamSettings settings, int step, ref float parameter, float gradient, ref float m, ref float v)
    {
        var beta1 = (float)settings.Beta1;
        var beta2 = (float)settings.Beta2;
        var mi = MathF.FusedMultiplyAdd(beta1, m, (float)(1.0 - settings.Beta1) * gradient);
        var vi = MathF.FusedMultiplyAdd(beta2, v, (float)(1.0 - settings.Beta2) * gradient * gradient);
        m = mi;
        v = vi;
        var inverseCorrection1 = (float)(1.0 / (1.0 - Math.Pow(settings.Beta1, step)));
        var inverseCorrection2 = (float)(1.0 / (1.0 - Math.Pow(settings.Beta2, step)));
        parameter = parameter - (float)settings.LearningRate * (mi * inverseCorrection1)
            / (MathF.Sqrt(vi * inverseCorrection2) + (float)settings.Epsilon);
    }
}
