using System.Numerics;
using System.Numerics.Tensors;

using Engine.Kernels.Cpu;

namespace Engine.Kernels.Ops;

// Legend: R rows (B·T), C channels.

/// <summary>
/// float32 fast paths of LayerNorm forward and backward. Naive loops: <see cref="NaiveOps.LayerNormForward{T}"/>,
/// <see cref="NaiveOps.LayerNormBackward{T}"/>. Rows are independent, so both passes over rows run in
/// parallel; the weight and bias gradients (sums over rows) run in a second pass parallel over channel
/// chunks, each chunk adding rows in order, so the result does not depend on the thread count.
/// </summary>
internal static unsafe class LayerNormCpu
{
    private const int ChannelChunk = 256;

    /// <summary>
    /// μ = mean(x_r), rstd = 1/√(mean((x_r − μ)²) + eps) (two passes: no cancellation),
    /// output = (x − μ)·rstd·weight + bias.   output, x (R,C); weight, bias (C); mean, rstd (R).
    /// </summary>
    public static void Forward(CpuDevice device, float* output, float* mean, float* rstd,
        float* x, float* weight, float* bias, int rows, int channels, float epsilon)
        => CpuParallel.For(device, rows, 8L * channels, CpuParallel.Grain(8L * channels),
            new ForwardJob(output, mean, rstd, x, weight, bias, channels, epsilon));

    /// <summary>
    /// With x̂ = (x − μ)·rstd, g = dOut·weight: dX += rstd·(g − mean_c(g) − x̂·mean_c(g·x̂));
    /// dWeight += Σ_r dOut·x̂; dBias += Σ_r dOut.   dX, dOut, x (R,C); dWeight, dBias, weight (C); mean, rstd (R).
    /// </summary>
    public static void Backward(CpuDevice device, float* dX, float* dWeight, float* dBias,
        float* dOut, float* x, float* weight, float* mean, float* rstd, int rows, int channels)
    {
        CpuParallel.For(device, rows, 12L * channels, CpuParallel.Grain(12L * channels),
            new InputGradientJob(dX, dOut, x, weight, mean, rstd, channels));
        var chunks = (channels + ChannelChunk - 1) / ChannelChunk;
        CpuParallel.For(device, chunks, 4L * rows * ChannelChunk, 1,
            new ParameterGradientJob(dWeight, dBias, dOut, x, mean, rstd, rows, channels));
    }

    private readonly struct ForwardJob(float* output, float* mean, float* rstd, float* x, float* weight, float* bias,
        int channels, float epsilon) : IChunkJob
    {
        public void Run(int start, int end)
        {
            var w = new ReadOnlySpan<float>(weight, channels);
            var b = new ReadOnlySpan<float>(bias, channels);
            for (var r = start; r < end; r++)
            {
                var row = new ReadOnlySpan<float>(x + (nint)r * channels, channels);
                var mu = TensorPrimitives.Sum(row) / channels;
                var variance = SumSquaredDeviation(row, mu) / channels;
                var s = (float)(1.0 / Math.Sqrt(variance + (double)epsilon));
                Normalize(row, mu, s, w, b, new Span<float>(output + (nint)r * channels, channels));
                mean[r] = mu;
                rstd[r] = s;
            }
        }
    }

    private readonly struct InputGradientJob(float* dX, float* dOut, float* x, float* weight, float* mean, float* rstd,
        int channels) : IChunkJob
    {
        public void Run(int start, int end)
        {
            for (var r = start; r < end; r++)
                InputGradientRow(dX + (nint)r * channels, dOut + (nint)r * channels, x + (nint)r * channels,
                    weight, mean[r], rstd[r], channels);
        }
    }

    private readonly struct ParameterGradientJob(float* dWeight, float* dBias, float* dOut, float* x, float* mean,
        float* rstd, int rows, int channels) : IChunkJob
    {
        public void Run(int start, int end)
        {
            for (var chunk = start; chunk < end; chunk++)
                ParameterGradientChunk(dWeight, dBias, dOut, x, mean, rstd, rows, channels, chunk * ChannelChunk);
        }
    }

    private static float SumSquaredDeviation(ReadOnlySpan<float> row, float mu)
    {
        var muV = new Vector<float>(mu);
        var acc = Vector<float>.Zero;
        var c = 0;
        for (; c + Vector<float>.Count <= row.Length; c += Vector<float>.Count)
        {
            var d = new Vector<float>(row[c..]) - muV;
            acc = Vector.FusedMultiplyAdd(d, d, acc);
        }
        var sum = Vector.Sum(acc);
        for (; c < row.Length; c++) sum += (row[c] - mu) * (row[c] - mu);
        return sum;
    }

    private static void Normalize(ReadOnlySpan<float> row, float mu, float s, ReadOnlySpan<float> w,
        ReadOnlySpan<float> b, Span<float> output)
    {
        var muV = new Vector<float>(mu);
        var sV = new Vector<float>(s);
        var c = 0;
        for (; c + Vector<float>.Count <= row.Length; c += Vector<float>.Count)
        {
            var xhat = (new Vector<float>(row[c..]) - muV) * sV;
            Vector.FusedMultiplyAdd(xhat, new Vector<float>(w[c..]), new Vector<float>(b[c..])).CopyTo(output[c..]);
        }
        for (; c < row.Length; c++) output[c] = MathF.FusedMultiplyAdd((row[c] - mu) * s, w[c], b[c]);
    }

    private static void InputGradientRow(float* dX, float* dOut, float* x, float* weight, float mu, float s, int channels)
    {
        // forward: out = x̂·w + b, x̂ = (x − μ)·rstd
        var muV = new Vector<float>(mu);
        var sV = new Vector<float>(s);
        var sumG = Vector<float>.Zero;
        var sumGx = Vector<float>.Zero;
        var c = 0;
        var width = Vector<float>.Count;
        for (; c + width <= channels; c += width)
        {
            var xhat = (Vector.Load(x + c) - muV) * sV;
            var g = Vector.Load(dOut + c) * Vector.Load(weight + c);
            sumG += g;
            sumGx = Vector.FusedMultiplyAdd(g, xhat, sumGx);
        }
        var meanG = Vector.Sum(sumG);
        var meanGx = Vector.Sum(sumGx);
        for (var t = c; t < channels; t++)
        {
            var g = dOut[t] * weight[t];
            meanG += g;
            meanGx += g * ((x[t] - mu) * s);
        }
        meanG /= channels;
        meanGx /= channels;

        var meanGV = new Vector<float>(meanG);
        var meanGxV = new Vector<float>(meanGx);
        c = 0;
        for (; c + width <= channels; c += width)
        {
            var xhat = (Vector.Load(x + c) - muV) * sV;
            var g = Vector.Load(dOut + c) * Vector.Load(weight + c);
            Vector.Store(Vector.FusedMultiplyAdd(sV, g - meanGV - xhat * meanGxV, Vector.Load(dX + c)), dX + c);
        }
        for (; c < channels; c++)
        {
            var xhat = (x[c] - mu) * s;
            dX[c] += s * (dOut[c] * weight[c] - meanG - xhat * meanGx);
        }
    }

    private static void ParameterGradientChunk(float* dWeight, float* dBias, float* dOut, float* x,
        float* mean, float* rstd, int rows, int channels, int c0)
    {
        var width = Math.Min(ChannelChunk, channels - c0);
        Span<float> sumW = stackalloc float[width];
        Span<float> sumB = stackalloc float[width];
        sumW.Clear();
        sumB.Clear();
        for (var r = 0; r < rows; r++)
        {
            var xr = x + (nint)r * channels + c0;
            var dr = dOut + (nint)r * channels + c0;
            var mu = mean[r];
            var s = rstd[r];
            var c = 0;
            for (; c + Vector<float>.Count <= width; c += Vector<float>.Count)
            {
                var d = Vector.Load(dr + c);
                var xhat = (Vector.Load(xr + c) - new Vector<float>(mu)) * new Vector<float>(s);
                Vector.FusedMultiplyAdd(d, xhat, new Vector<float>(sumW[c..])).CopyTo(sumW[c..]);
                (new Vector<float>(sumB[c..]) + d).CopyTo(sumB[c..]);
            }
            for (; c < width; c++)
            {
                sumW[c] += dr[c] * ((xr[c] - mu) * s);
                sumB[c] += dr[c];
            }
        }
        var w = new Span<float>(dWeight + c0, width);
        var b = new Span<float>(dBias + c0, width);
        TensorPrimitives.Add(w, sumW, w);
        TensorPrimitives.Add(b, sumB, b);
    }
}
