using System.Numerics;

namespace Engine.Kernels.Ops;

// The naive float64 loops of this family (see NaiveOps.cs).
public static partial class NaiveOps
{
    /// <summary>
    /// In place: per token t, head h, pair i &lt; D/2, a = t·f_i: (x_i, x_{i+D/2}) ← (x_i·cos a − x_{i+D/2}·sin a,
    /// x_{i+D/2}·cos a + x_i·sin a).   x (T, NH·D); inverseFrequencies (D/2).
    /// </summary>
    public static void RotaryForward<T>(Span<T> x, ReadOnlySpan<T> inverseFrequencies, int tokens, int heads, int headDim)
        where T : IFloatingPointIeee754<T>
    {
        var half = headDim / 2;
        for (var t = 0; t < tokens; t++)
        {
            for (var h = 0; h < heads; h++)
            {
                var start = (t * heads + h) * headDim;
                for (var i = 0; i < half; i++)
                {
                    var angle = t * D(inverseFrequencies[i]);
                    var (sin, cos) = Math.SinCos(angle);
                    var x1 = D(x[start + i]);
                    var x2 = D(x[start + i + half]);
                    x[start + i] = F<T>(x1 * cos - x2 * sin);
                    x[start + i + half] = F<T>(x2 * cos + x1 * sin);
                }
            }
        }
    }
}
