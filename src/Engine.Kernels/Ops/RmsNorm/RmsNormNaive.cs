using System.Numerics;

namespace Engine.Kernels.Ops;

// The naive float64 loops of this family (see NaiveOps.cs).
public static partial class NaiveOps
{
    /// <summary>rstd = 1/√(mean(x²) + eps); out = x·rstd·(offset + w).   output, x (R,C); weight (C); rstd (R) or empty.</summary>
    public static void RmsNormForward<T>(Span<T> output, Span<T> rstd, ReadOnlySpan<T> x, ReadOnlySpan<T> weight,
        int rows, int channels, T epsilon, T weightOffset) where T : IFloatingPointIeee754<T>
    {
        for (var r = 0; r < rows; r++)
        {
            var squares = 0.0;
            for (var c = 0; c < channels; c++) squares += D(x[r * channels + c]) * D(x[r * channels + c]);
            var s = 1.0 / Math.Sqrt(squares / channels + D(epsilon));
            for (var c = 0; c < channels; c++)
                output[r * channels + c] = F<T>(D(x[r * channels + c]) * s * (D(weightOffset) + D(weight[c])));
            if (!rstd.IsEmpty) rstd[r] = F<T>(s);
        }
    }
}
