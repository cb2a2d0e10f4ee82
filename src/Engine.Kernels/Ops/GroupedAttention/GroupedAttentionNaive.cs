using System.Numerics;

namespace Engine.Kernels.Ops;

// The naive float64 loops of this family (see NaiveOps.cs).
public static partial class NaiveOps
{
    /// <summary>
    /// Grouped-query causal attention, one sequence: head h reads kv head h/(NH/NKV); keys max(0, t−W+1) ≤ s ≤ t
    /// (all s ≤ t when W = 0); score = cap·tanh(scale·q·k/cap) (cap &gt; 0) or scale·q·k; stable softmax; out = Σ P·v.
    /// output, q (T, NH·D); k, v (T, NKV·D).
    /// </summary>
    public static void GroupedAttentionForward<T>(Span<T> output, ReadOnlySpan<T> q, ReadOnlySpan<T> k, ReadOnlySpan<T> v,
        int tokens, int heads, int kvHeads, int headDim, T scale, T softCap, int slidingWindow)
        where T : IFloatingPointIeee754<T>
    {
        var group = heads / kvHeads;
        var cap = D(softCap);
        var scores = new double[tokens];
        for (var t = 0; t < tokens; t++)
        {
            var first = slidingWindow > 0 ? Math.Max(0, t - slidingWindow + 1) : 0;
            for (var h = 0; h < heads; h++)
            {
                var g = h / group;
                var qStart = (t * heads + h) * headDim;
                var max = double.NegativeInfinity;
                for (var s = first; s <= t; s++)
                {
                    var kStart = (s * kvHeads + g) * headDim;
                    var dot = 0.0;
                    for (var j = 0; j < headDim; j++) dot += D(q[qStart + j]) * D(k[kStart + j]);
                    var score = D(scale) * dot;
                    if (cap > 0) score = cap * Math.Tanh(score / cap);
                    scores[s] = score;
                    max = Math.Max(max, score);
                }
                var sum = 0.0;
                for (var s = first; s <= t; s++)
                {
                    scores[s] = Math.Exp(scores[s] - max);
                    sum += scores[s];
                }
                for (var j = 0; j < headDim; j++)
                {
                    var acc = 0.0;
                    for (var s = first; s <= t; s++) acc += scores[s] / sum * D(v[(s * kvHeads + g) * headDim + j]);
                    output[qStart + j] = F<T>(acc);
                }
            }
        }
    }
}
