using System.Numerics.Tensors;

using Engine.Kernels.Cpu;

namespace Engine.Kernels.Ops;

// Legend: R rows (B·T), C channels.

/// <summary>
/// float32 fast paths of the bias add and its gradient. Naive loops: <see cref="NaiveOps.BiasAdd{T}"/>,
/// <see cref="NaiveOps.BiasBackward{T}"/>.
/// </summary>
internal static unsafe class BiasCpu
{
    /// <summary>Channels per chunk of the bias gradient: a stack accumulator of 1 KB.</summary>
    private const int ChannelChunk = 256;

    /// <summary>y[r, c] += bias[c]; parallel over rows.   y (R,C), bias (C).</summary>
    public static void Add(CpuDevice device, float* y, float* bias, int rows, int channels)
        => CpuParallel.For(device, rows, channels, CpuParallel.Grain(channels), new AddJob(y, bias, channels));

    /// <summary>
    /// dBias[c] += Σ_r dY[r, c]: each channel chunk sums its rows in order into a float accumulator, then adds
    /// it once (as the naive loop sums before adding); parallel over channel chunks, so it is deterministic.
    /// dY (R,C), dBias (C).
    /// </summary>
    public static void Backward(CpuDevice device, float* dBias, float* dY, int rows, int channels)
    {
        var chunks = (channels + ChannelChunk - 1) / ChannelChunk;
        CpuParallel.For(device, chunks, (long)rows * ChannelChunk, 1, new BackwardJob(dBias, dY, rows, channels));
    }

    private readonly struct AddJob(float* y, float* bias, int channels) : IChunkJob
    {
        public void Run(int start, int end)
        {
            var b = new ReadOnlySpan<float>(bias, channels);
            for (var r = start; r < end; r++)
            {
                var row = new Span<float>(y + (nint)r * channels, channels);
                TensorPrimitives.Add(row, b, row);
            }
        }
    }

    private readonly struct BackwardJob(float* dBias, float* dY, int rows, int channels) : IChunkJob
    {
        public void Run(int start, int end)
        {
            Span<float> sum = stackalloc float[ChannelChunk];
            for (var chunk = start; chunk < end; chunk++)
            {
                var c0 = chunk * ChannelChunk;
                var width = Math.Min(ChannelChunk, channels - c0);
                var acc = sum[..width];
                acc.Clear();
                for (var r = 0; r < rows; r++)
                    TensorPrimitives.Add(acc, new ReadOnlySpan<float>(dY + (nint)r * channels + c0, width), acc);
                var target = new Span<float>(dBias + c0, width);
                TensorPrimitives.Add(target, acc, target);
            }
        }
    }
}
