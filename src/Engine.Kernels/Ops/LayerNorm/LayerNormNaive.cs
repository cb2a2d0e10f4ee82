using System.Numerics;

namespace Engine.Kernels.Ops;

// The naive float64 loops of this family (see NaiveOps.cs).
public static partial class NaiveOps
{
    public static void LayerNormForward<T>(
        Span<T> output, Span<T> mean, Span<T> rstd,
        ReadOnlySpan<T> x, ReadOnlySpan<T> weight, ReadOnlySpan<T> bias, int rows, int channels, T epsilon)
        where T : IFloatingPointIeee754<T>
    {
        for (var r = 0; r < rows; r++)
        {
            var row = x.Slice(r * channels, channels);
            var mu = 0.0;
            for (var c = 0; c < channels; c++) mu += D(row[c]);
            mu /= channels;
            var variance = 0.0;
            for (var c = 0; c < channels; c++) variance += (D(row[c]) - mu) * (D(row[c]) - mu);
            variance /= channels;
            var s = 1.0 / Math.Sqrt(variance + D(epsilon));
            for (var c = 0; c < channels; c++)
                output[r * channels + c] = F<T>((D(row[c]) - mu) * s * D(weight[c]) + D(bias[c]));
            mean[r] = F<T>(mu);
            rstd[r] = F<T>(s);
        }
    }

    public static void LayerNormBackward<T>(
        Span<T> dX, Span<T> dWeight, Span<T> dBias,
        ReadOnlySpan<T> dOut, ReadOnlySpan<T> x, ReadOnlySpan<T> weight,
        ReadOnlySpan<T> mean, ReadOnlySpan<T> rstd, int rows, int channels)
        where T : IFloatingPointIeee754<T>
    {
        for (var r = 0; r < rows; r++)
        {
            var mu = D(mean[r]);
            var s = D(rstd[r]);
            // forward: out = x̂·w + b, x̂ = (x − μ)·rstd
            var meanG = 0.0;
            var meanGx = 0.0;
            for (var c = 0; c < channels; c++)
            {
                var xhat = (D(x[r * channels + c]) - mu) * s;
                var g = D(dOut[r * channels + c]) * D(weight[c]);
                meanG += g;
                meanGx += g * xhat;
            }
            meanG /= channels;
            meanGx /= channels;
            for (var c = 0; c < channels; c++)
            {
                var i = r * channels + c;
                var xhat = (D(x[i]) - mu) * s;
                var g = D(dOut[i]) * D(weight[c]);
                dX[i] = F<T>(D(dX[i]) + s * (g - meanG - xhat * meanGx));
                dWeight[c] = F<T>(D(dWeight[c]) + D(dOut[i]) * xhat);
                dBias[c] = F<T>(D(dBias[c]) + D(dOut[i]));
            }
        }
    }
}
