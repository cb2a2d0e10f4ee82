using System.Numerics;

namespace Engine.Kernels.Ops;

// The naive float64 loops of this family (see NaiveOps.cs).
public static partial class NaiveOps
{
    public static void BiasAdd<T>(Span<T> y, ReadOnlySpan<T> bias, int rows, int channels)
        where T : IFloatingPointIeee754<T>
    {
        for (var r = 0; r < rows; r++)
            for (var c = 0; c < channels; c++)
                y[r * channels + c] += bias[c];
    }

    public static void BiasBackward<T>(Span<T> dBias, ReadOnlySpan<T> dY, int rows, int channels)
        where T : IFloatingPointIeee754<T>
    {
        for (var c = 0; c < channels; c++)
        {
            var sum = 0.0;
            for (var r = 0; r < rows; r++) sum += D(dY[r * channels + c]);
            dBias[c] = F<T>(D(dBias[c]) + sum);
        }
    }
}
