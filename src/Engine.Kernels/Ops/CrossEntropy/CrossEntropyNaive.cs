using System.Numerics;

namespace Engine.Kernels.Ops;

// The naive float64 loops of this family (see NaiveOps.cs).
public static partial class NaiveOps
{
    public static void CrossEntropyForwardBackward<T>(
        Span<T> losses, Span<T> dLogits, ReadOnlySpan<T> logits, ReadOnlySpan<int> targets,
        int rows, int vocab, T gradScale, bool withGradient) where T : IFloatingPointIeee754<T>
    {
        for (var r = 0; r < rows; r++)
        {
            var row = logits.Slice(r * vocab, vocab);
            var max = double.NegativeInfinity;
            for (var v = 0; v < vocab; v++) max = Math.Max(max, D(row[v]));
            var sum = 0.0;
            for (var v = 0; v < vocab; v++) sum += Math.Exp(D(row[v]) - max);
            var logSumExp = max + Math.Log(sum);
            var target = targets[r];
            losses[r] = F<T>(logSumExp - D(row[target]));
            if (!withGradient) continue;
            for (var v = 0; v < vocab; v++)
            {
                var p = Math.Exp(D(logits[r * vocab + v]) - logSumExp);
                dLogits[r * vocab + v] = F<T>(D(gradScale) * (p - (v == target ? 1.0 : 0.0)));
            }
        }
    }
}
