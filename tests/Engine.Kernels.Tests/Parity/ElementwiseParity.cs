using Engine.Kernels.Gpu;
using Engine.Kernels.Ops;
using Engine.Kernels.Cpu;
using NUnit.Framework;
using static Engine.Kernels.Tests.Parity.ParityMath;

namespace Engine.Kernels.Tests.Parity;

/// <summary>Axpy, Scale, Add, GELU, Adam, Sum and Norm. Legend: n elements; offset = the views' start in their buffers.</summary>
public abstract partial class DeviceParitySuite
{
    // Offset 0 takes the float4 kernels; offset 1 (misaligned) the scalar fallback; n = 1003 leaves a ragged tail.
    [TestCase(1003, 0)]
    [TestCase(1003, 1)]
    public void AxpyScaleAddMatchFloat64(int n, int offset)
    {
        var x = Random(n, 1);
        var y = Random(n, 2);
        var axpy = new double[n];
        var scaled = new double[n];
        var sum = new double[n];
        for (var i = 0; i < n; i++)
        {
            axpy[i] = y[i] + (double)0.375f * x[i];
            scaled[i] = (double)-1.5f * x[i];
            sum[i] = (double)x[i] + y[i];
        }
        Check($"Axpy n={n} offset={offset}", Tight, axpy, () =>
        {
            var (xs, ys) = (Upload([.. new float[offset], .. x]), Upload([.. new float[offset], .. y]));
            Device.Axpy(0.375f, xs.Slice(offset, n), ys.Slice(offset, n));
            return Download(ys.Slice(offset, n));
        });
        Check($"Scale n={n} offset={offset}", Tight, scaled, () =>
        {
            var xs = Upload([.. new float[offset], .. x]);
            Device.Scale(-1.5f, xs.Slice(offset, n));
            return Download(xs.Slice(offset, n));
        });
        Check($"Add n={n} offset={offset} (output aliases a)", Tight, sum, () =>
        {
            var (xs, ys) = (Upload([.. new float[offset], .. x]), Upload([.. new float[offset], .. y]));
            Device.Add(xs.Slice(offset, n), ys.Slice(offset, n), xs.Slice(offset, n));
            return Download(xs.Slice(offset, n));
        });
    }

    [TestCase(1003, 0)]
    [TestCase(1003, 3)]
    [TestCase(64 * 3 * 512, 0)] // the MLP hidden activation of batch 64, T = 3, width 128
    public void GeluForwardAndBackwardMatchFloat64(int n, int offset)
    {
        var x = Random(n, 3, scale: 4);
        var dOut = Random(n, 4);
        var dX = Random(n, 5);
        var expectedOut = new double[n];
        NaiveOps.GeluForward<double>(expectedOut, ToDouble(x));
        var expectedDx = ToDouble(dX);
        NaiveOps.GeluBackward<double>(expectedDx, ToDouble(x), ToDouble(dOut));
        var pad = new float[offset];
        Check($"GeluForward n={n} offset={offset}", Tight, expectedOut, () =>
        {
            var (xs, output) = (Upload([.. pad, .. x]), Upload(new float[offset + n]));
            Device.GeluForward(output.Slice(offset, n), xs.Slice(offset, n));
            return Download(output.Slice(offset, n));
        });
        Check($"GeluBackward n={n} offset={offset}", Tight, expectedDx, () =>
        {
            var (xs, gs, ds) = (Upload([.. pad, .. x]), Upload([.. pad, .. dOut]), Upload([.. pad, .. dX]));
            Device.GeluBackward(ds.Slice(offset, n), xs.Slice(offset, n), gs.Slice(offset, n));
            return Download(ds.Slice(offset, n));
        });
    }

    [TestCase(1003, false, 1, 0)]
    [TestCase(1003, true, 7, 0)]
    [TestCase(1003, false, 3, 2)]
    public void AdamStepMatchesFloat64(int n, bool decoupled, int step, int offset)
    {
        var settings = new AdamSettings(LearningRate: 1e-2, WeightDecay: 0.1, Decoupled: decoupled);
        var theta = Random(n, 6);
        var gradients = Random(n, 7, scale: 0.1);
        var m = Random(n, 8, scale: 0.01);
        var v = Uniform(n, 9, 0, 1e-3);
        var (expectedTheta, expectedM, expectedV) = (ToDouble(theta), ToDouble(m), ToDouble(v));
        NaiveOps.AdamStep<double>(expectedTheta, ToDouble(gradients), expectedM, expectedV, settings, step);
        var pad = new float[offset];
        Check($"AdamStep n={n} {(decoupled ? "AdamW" : "Adam+L2")} t={step} offset={offset}", Tight,
            ["theta", "m", "v"], [expectedTheta, expectedM, expectedV], () =>
            {
                var (ps, gs, ms, vs) = (Upload([.. pad, .. theta]), Upload([.. pad, .. gradients]), Upload([.. pad, .. m]), Upload([.. pad, .. v]));
                Device.AdamStep(ps.Slice(offset, n), gs.Slice(offset, n), ms.Slice(offset, n), vs.Slice(offset, n), settings, step);
                return [Download(ps.Slice(offset, n)), Download(ms.Slice(offset, n)), Download(vs.Slice(offset, n))];
            });
    }

    [TestCase(1)]
    [TestCase(1003)]
    [TestCase(100_003)]
    public void SumAndNormMatchFloat64(int n)
    {
        var x = Random(n, 10);
        var (sum, absoluteSum, squares) = (0.0, 0.0, 0.0);
        foreach (var value in x)
        {
            sum += value;
            absoluteSum += Math.Abs(value);
            squares += (double)value * value;
        }
        var tolerance = n > 10_000 ? Long : Tight;
        // A sum of mixed signs is judged against Σ|x| (its condition number's denominator): that is what rounding bounds.
        foreach (var (op, expected, scale) in new[] { ("Sum", sum, absoluteSum), ("Norm", Math.Sqrt(squares), Math.Sqrt(squares)) })
        {
            var results = new Dictionary<KernelVariant, float>();
            foreach (var variant in new[] { KernelVariant.Naive, KernelVariant.Fast })
            {
                SelectVariant(variant);
                var (xs, result) = (Upload(x), Upload([float.NaN, 7f]));
                if (op == "Sum") Device.Sum(xs.View, result.Slice(0, 1));
                else Device.Norm(xs.View, result.Slice(0, 1));
                var host = Download(result.View);
                Assert.That(host[1], Is.EqualTo(7f), "only result[0] is written");
                results[variant] = host[0];
            }
            var (naive, fast) = (results[KernelVariant.Naive], results[KernelVariant.Fast]);
            var (naiveError, fastError, agreement) = (Math.Abs(naive - expected) / scale, Math.Abs(fast - expected) / scale, Math.Abs(fast - naive) / scale);
            TestContext.Out.WriteLine($"parity {op} n={n} out: naive {naiveError:E2}, fast {fastError:E2} vs float64; fast vs naive {agreement:E2}");
            Assert.That(naiveError, Is.LessThan(tolerance), $"{op}: naive kernel vs float64");
            Assert.That(fastError, Is.LessThan(tolerance), $"{op}: fast kernel vs float64");
            Assert.That(agreement, Is.LessThan(tolerance), $"{op}: fast vs naive kernel");
        }
    }
}
