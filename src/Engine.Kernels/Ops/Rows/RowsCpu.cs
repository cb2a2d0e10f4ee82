using System.Numerics;
using System.Numerics.Tensors;

using Engine.Kernels.Cpu;

namespace Engine.Kernels.Ops;

// Legend: R selected rows, V table rows (vocabulary), C channels (row width).

/// <summary>
/// float32 fast paths of row gather, deterministic scatter-add and row arg-max. Naive loops:
/// <see cref="NaiveOps.GatherRows{T}"/>, <see cref="NaiveOps.ScatterAddRows{T}"/>,
/// <see cref="NaiveOps.ArgMaxRows{T}"/>. Indices are validated by the device before these run.
/// </summary>
internal static unsafe class RowsCpu
{
    /// <summary>Channels per scatter chunk: threads split the columns, never the rows.</summary>
    private const int ChannelChunk = 64;

    /// <summary>output[r, :] = table[indices[r], :].   output (R,C), table (V,C), indices (R).</summary>
    public static void Gather(CpuDevice device, float* output, float* table, int* indices, int rows, int channels)
        => CpuParallel.For(device, rows, channels, CpuParallel.Grain(channels, 1L << 17), new GatherJob(output, table, indices, channels));

    /// <summary>
    /// dTable[indices[r], :] += dOut[r, :], rows in increasing r. Parallel over channel chunks, each walking
    /// all rows in order, so repeated indices add in the naive loop's order (bit-identical to it).
    /// dTable (V,C), dOut (R,C), indices (R).
    /// </summary>
    public static void ScatterAdd(CpuDevice device, float* dTable, float* dOut, int* indices, int rows, int channels)
    {
        var chunks = (channels + ChannelChunk - 1) / ChannelChunk;
        CpuParallel.For(device, chunks, (long)rows * ChannelChunk, 1, new ScatterAddJob(dTable, dOut, indices, rows, channels));
    }

    /// <summary>
    /// indices[r] = the first c with x[r, c] = max_c x[r, c] (<see cref="FirstMax"/>).   indices (R), x (R, columns).
    /// </summary>
    public static void ArgMax(CpuDevice device, int* indices, float* x, int rows, int columns)
        => CpuParallel.For(device, rows, 2L * columns, CpuParallel.Grain(2L * columns), new ArgMaxJob(indices, x, columns));

    private readonly struct GatherJob(float* output, float* table, int* indices, int channels) : IChunkJob
    {
        public void Run(int start, int end)
        {
            for (var r = start; r < end; r++)
                new ReadOnlySpan<float>(table + (nint)indices[r] * channels, channels)
                    .CopyTo(new Span<float>(output + (nint)r * channels, channels));
        }
    }

    private readonly struct ScatterAddJob(float* dTable, float* dOut, int* indices, int rows, int channels) : IChunkJob
    {
        public void Run(int start, int end)
        {
            var c0 = start * ChannelChunk;
            var width = Math.Min(end * ChannelChunk, channels) - c0;
            for (var r = 0; r < rows; r++)
            {
                var target = new Span<float>(dTable + (nint)indices[r] * channels + c0, width);
                TensorPrimitives.Add(target, new ReadOnlySpan<float>(dOut + (nint)r * channels + c0, width), target);
            }
        }
    }

    private readonly struct ArgMaxJob(int* indices, float* x, int columns) : IChunkJob
    {
        public void Run(int start, int end)
        {
            for (var r = start; r < end; r++)
            {
                var row = new ReadOnlySpan<float>(x + (nint)r * columns, columns);
                indices[r] = FirstMax(row);
            }
        }
    }

    /// <summary>
    /// The first c with row[c] = max(row), as the naive loop's scan (−0 and +0 tie, so the first of them wins):
    /// a SIMD max, then a SIMD search for the first equal element. A row holding NaN takes the naive loop's
    /// scalar scan (where no comparison with NaN succeeds).
    /// </summary>
    public static int FirstMax(ReadOnlySpan<float> row)
    {
        if (row.IsEmpty) return 0;
        var max = TensorPrimitives.Max(row);
        if (float.IsNaN(max))
        {
            var best = 0;
            for (var c = 1; c < row.Length; c++)
                if (row[c] > row[best]) best = c;
            return best;
        }
        var target = new Vector<float>(max);
        var i = 0;
        fixed (float* x = row)
        {
            for (; i + Vector<float>.Count <= row.Length; i += Vector<float>.Count)
                if (Vector.EqualsAny(Vector.Load(x + i), target)) break;
        }
        for (; i < row.Length; i++)
            if (row[i] == max) return i;
        return 0;
    }
}
