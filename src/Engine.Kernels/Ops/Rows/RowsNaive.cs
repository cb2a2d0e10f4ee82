using System.Numerics;

namespace Engine.Kernels.Ops;

// The naive float64 loops of this family (see NaiveOps.cs).
public static partial class NaiveOps
{
    public static void GatherRows<T>(Span<T> output, ReadOnlySpan<T> table, ReadOnlySpan<int> indices,
        int rows, int channels) where T : IFloatingPointIeee754<T>
    {
        for (var r = 0; r < rows; r++)
            table.Slice(indices[r] * channels, channels).CopyTo(output.Slice(r * channels, channels));
    }

    public static void ScatterAddRows<T>(Span<T> dTable, ReadOnlySpan<T> dOut, ReadOnlySpan<int> indices,
        int rows, int channels) where T : IFloatingPointIeee754<T>
    {
        for (var r = 0; r < rows; r++)
            for (var c = 0; c < channels; c++)
                dTable[indices[r] * channels + c] += dOut[r * channels + c];
    }

    public static void ArgMaxRows<T>(Span<int> indices, ReadOnlySpan<T> x, int rows, int columns)
        where T : IFloatingPointIeee754<T>
    {
        for (var r = 0; r < rows; r++)
        {
            var best = 0;
            for (var c = 1; c < columns; c++)
                if (x[r * columns + c] > x[r * columns + best]) best = c;
            indices[r] = best;
        }
    }
}
