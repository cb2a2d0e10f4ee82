using System.Numerics;

namespace Engine.Kernels.Ops;

// The naive float64 loops of this family (see NaiveOps.cs).
public static partial class NaiveOps
{
    /// <summary>
    /// The Adam / AdamW step of <see cref="AdamArgs{T}"/> in float64, each result rounded once to T. For float32 the
    /// flush of <see cref="AdamFlush"/> applies, as on every device: the moments' terms of a tiny g are 0, m and v below
    /// 2⁻¹²⁶ and θ below its limit are stored as +0, and θ's update uses the moments as stored (a flushed one as 0).
    /// float64 is not flushed (exact semantics, as the gradient checks need).
    /// </summary>
    public static void AdamStep<T>(Span<T> parameters, ReadOnlySpan<T> gradients, Span<T> m, Span<T> v,
        AdamSettings s, int step) where T : IFloatingPointIeee754<T>
    {
        var correction1 = 1.0 - Math.Pow(s.Beta1, step);
        var correction2 = 1.0 - Math.Pow(s.Beta2, step);
        var flush = typeof(T) == typeof(float) ? AdamFlush.For(s) : new AdamFlush(0f, 0f, 0f);
        for (var i = 0; i < parameters.Length; i++)
        {
            var theta = D(parameters[i]);
            var g = D(gradients[i]);
            if (s.Decoupled) theta *= 1.0 - s.LearningRate * s.WeightDecay;
            else g += s.WeightDecay * theta;
            var g1 = Math.Abs(g) < flush.FirstTerm ? 0.0 : g;
            var g2 = Math.Abs(g) < flush.SecondTerm ? 0.0 : g;
            // θ is computed from the moments as stored: a flushed moment enters as 0, as on every device.
            (m[i], var mi) = Stored<T>(s.Beta1 * D(m[i]) + (1 - s.Beta1) * g1, AdamFlush.SmallestNormal, flush);
            (v[i], var vi) = Stored<T>(s.Beta2 * D(v[i]) + (1 - s.Beta2) * g2 * g2, AdamFlush.SmallestNormal, flush);
            (parameters[i], _) = Stored<T>(theta - s.LearningRate * (mi / correction1) / (Math.Sqrt(vi / correction2) + s.Epsilon), flush.Parameter, flush);
        }
    }

    /// <summary>x rounded to T, and the float64 value the update goes on with: for float32 (limits set), +0 and 0 where
    /// the rounded value is non-zero and below <paramref name="limit"/>; otherwise the rounded value and x.</summary>
    private static (T Stored, double Value) Stored<T>(double x, float limit, AdamFlush flush) where T : IFloatingPointIeee754<T>
    {
        var rounded = F<T>(x);
        var tiny = flush.Parameter > 0 && !T.IsZero(rounded) && T.Abs(rounded) < T.CreateTruncating(limit);
        return tiny ? (T.Zero, 0.0) : (rounded, x);
    }
}
