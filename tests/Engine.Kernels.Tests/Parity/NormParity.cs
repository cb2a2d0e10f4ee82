using Engine.Kernels.Ops;
using Engine.Kernels.Cpu;
using NUnit.Framework;
using static Engine.Kernels.Tests.Parity.ParityMath;

namespace Engine.Kernels.Tests.Parity;

/// <summary>Bias add and gradient, LayerNorm forward and backward. Legend: R rows, C channels.</summary>
public abstract partial class DeviceParitySuite
{
    [TestCase(37, 45)]
    [TestCase(192, 512)] // the MLP's first Linear at batch 64 × 3 tokens, width 128
    public void BiasAddAndBackwardMatchFloat64(int rows, int channels)
    {
        var y = Random(rows * channels, 20);
        var bias = Random(channels, 21);
        var dBias = Random(channels, 22);
        var expectedY = ToDouble(y);
        NaiveOps.BiasAdd<double>(expectedY, ToDouble(bias), rows, channels);
        var expectedDBias = ToDouble(dBias);
        NaiveOps.BiasBackward<double>(expectedDBias, ToDouble(y), rows, channels);
        Check($"BiasAdd {rows}×{channels}", Tight, expectedY, () =>
        {
            var (ys, bs) = (Upload(y), Upload(bias));
            Device.BiasAdd(ys.View, bs.View, rows, channels);
            return Download(ys.View);
        });
        Check($"BiasBackward {rows}×{channels}", Tight, expectedDBias, () =>
        {
            var (ys, ds) = (Upload(y), Upload(dBias));
            Device.BiasBackward(ds.View, ys.View, rows, channels);
            return Download(ds.View);
        });
    }

    [TestCase(37, 45)]
    [TestCase(5, 3)]
    [TestCase(192, 128)] // every LayerNorm of the default model at batch 64 × 3 tokens
    [TestCase(64, 512)]  // ln_f of the widest model
    public void LayerNormForwardAndBackwardMatchFloat64(int rows, int channels)
    {
        const float epsilon = 1e-5f;
        // An offset and a spread per row, as residual streams have.
        var x = Random(rows * channels, 30, scale: 2);
        for (var r = 0; r < rows; r++)
            for (var c = 0; c < channels; c++) x[r * channels + c] += r % 5 - 2;
        var weight = Uniform(channels, 31, 0.5, 1.5);
        var bias = Random(channels, 32);
        var dOut = Random(rows * channels, 33);
        var (dX, dWeight, dBias) = (Random(rows * channels, 34), Random(channels, 35), Random(channels, 36));

        var (output, mean, rstd) = (new double[rows * channels], new double[rows], new double[rows]);
        NaiveOps.LayerNormForward<double>(output, mean, rstd, ToDouble(x), ToDouble(weight), ToDouble(bias), rows, channels, epsilon);
        Check($"LayerNormForward {rows}×{channels}", Tight, ["out", "mean", "rstd"], [output, mean, rstd], () =>
        {
            var (xs, ws, bs) = (Upload(x), Upload(weight), Upload(bias));
            var (os, ms, rs) = (Upload(new float[rows * channels]), Upload(new float[rows]), Upload(new float[rows]));
            Device.LayerNormForward(os.View, ms.View, rs.View, xs.View, ws.View, bs.View, rows, channels, epsilon);
            return [Download(os.View), Download(ms.View), Download(rs.View)];
        });

        // The backward takes the float statistics, as it does in a model.
        var (floatMean, floatRstd) = (Array.ConvertAll(mean, v => (float)v), Array.ConvertAll(rstd, v => (float)v));
        var (expectedDx, expectedDw, expectedDb) = (ToDouble(dX), ToDouble(dWeight), ToDouble(dBias));
        NaiveOps.LayerNormBackward<double>(expectedDx, expectedDw, expectedDb, ToDouble(dOut), ToDouble(x), ToDouble(weight),
            ToDouble(floatMean), ToDouble(floatRstd), rows, channels);
        Check($"LayerNormBackward {rows}×{channels}", Tight, ["dX", "dWeight", "dBias"], [expectedDx, expectedDw, expectedDb], () =>
        {
            var (xs, ws, gs, ms, rs) = (Upload(x), Upload(weight), Upload(dOut), Upload(floatMean), Upload(floatRstd));
            var (dxs, dws, dbs) = (Upload(dX), Upload(dWeight), Upload(dBias));
            Device.LayerNormBackward(dxs.View, dws.View, dbs.View, gs.View, xs.View, ws.View, ms.View, rs.View, rows, channels);
            return [Download(dxs.View), Download(dws.View), Download(dbs.View)];
        });
    }
}
