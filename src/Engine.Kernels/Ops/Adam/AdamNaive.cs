using System.Numerics;

namespace Engine.Kernels.Ops;

// The naive float64 loops of this family (see NaiveOps.cs).
public static partial class NaiveOps
{
    public static void AdamStep<T>(Span<T> parameters, ReadOnlySpan<T> gradients, Span<T> m, Span<T> v,
        AdamSettings s, int step) where T : IFloatingPointIeee754<T>
    {
        var correction1 = 1.0 - Math.Pow(s.Beta1, step);
        var correction2 = 1.0 - Math.Pow(s.Beta2, step);
        for (var i = 0; i < parameters.Length; i++)
        {
            var theta = D(parameters[i]);
            var g = D(gradients[i]);
            if (s.Decoupled) theta *= 1.0 - s.LearningRate * s.WeightDecay;
            else g += s.WeightDecay * theta;
            var mi = s.Beta1 * D(m[i]) + (1 - s.Beta1) * g;
            var vi = s.Beta2 * D(v[i]) + (1 - s.Beta2) * g * g;
            m[i] = F<T>(mi);
            v[i] = F<T>(vi);
            parameters[i] = F<T>(theta - s.LearningRate * (mi / correction1) / (Math.Sqrt(vi / correction2) + s.Epsilon));
        }
    }
}
