using System.Numerics;
using System.Numerics.Tensors;

using Engine.Kernels.Cpu;

namespace Engine.Kernels.Ops;

// Legend: R rows (tokens), C channels.

/// <summary>
/// float32 fast path of RMSNorm forward, rows in parallel, each row one SIMD sum of squares and one SIMD scale.
/// Naive loop: <see cref="NaiveOps.RmsNormForward{T}"/>.
/// </summary>
internal static unsafe class RmsNormCpu
{
    /// <summary>rstd = 1/√(mean(x²) + eps); output = x·rstd·(offset + weight).   output, x (R,C); weight (C); rstd (R) or null.</summary>
    public static void Forward(CpuDevice device, float* output, float* rstd, float* x, float* weight,
        int rows, int channels, float epsilon, float weightOffset)
        => CpuParallel.For(device, rows, 4L * channels, CpuParallel.Grain(4L * channels),
            new ForwardJob(output, rstd, x, weight, channels, epsilon, weightOffset));

    private readonly struct ForwardJob(float* output, float* rstd, float* x, float* weight, int channels, float epsilon, float offset)
        : IChunkJob
    {
        public void Run(int start, int end)
        {
            for (var r = start; r < end; r++)
            {
                var row = x + (nint)r * channels;
                var y = output + (nint)r * channels;
                var squares = TensorPrimitives.SumOfSquares(new ReadOnlySpan<float>(row, channels));
                var s = (float)(1.0 / Math.Sqrt((double)squares / channels + epsilon));
                var sV = new Vector<float>(s);
                var offsetV = new Vector<float>(offset);
                var c = 0;
                for (; c + Vector<float>.Count <= channels; c += Vector<float>.Count)
                    Vector.Store(Vector.Load(row + c) * sV * (offsetV + Vector.Load(weight + c)), y + c);
                for (; c < channels; c++) y[c] = row[c] * s * (offset + weight[c]);
                if (rstd != null) rstd[r] = s;
            }
        }
    }
}
