using System.Numerics;

using Engine.Kernels.Cpu;

namespace Engine.Kernels.Ops;

// Legend: T tokens, NH query heads, NKV key/value heads, D head size, W sliding window (0 = none).

/// <summary>
/// float32 fast path of grouped-query causal attention over one sequence. The (t, h) query rows are the parallel unit
/// (T·NH of them, a few hundred for a prompt); a row writes only its own D outputs, so rows never race. Per row: SIMD
/// dot products into a per-thread score row, soft-cap, stable softmax (max subtracted, float32 exp of
/// <see cref="CpuExp"/>), then the probability-weighted sum of the value rows. Naive loop:
/// <see cref="NaiveOps.GroupedAttentionForward{T}"/>.
/// </summary>
internal static unsafe class GroupedAttentionCpu
{
    /// <summary>See <see cref="GroupedAttentionForwardArgs{T}"/>.   output, q (T, NH·D); k, v (T, NKV·D).</summary>
    public static void Forward(CpuDevice device, float* output, float* q, float* k, float* v,
        int tokens, int heads, int kvHeads, int headDim, float scale, float softCap, int slidingWindow)
    {
        var visible = slidingWindow > 0 ? Math.Min(tokens, slidingWindow) : tokens;
        var work = 4L * visible * headDim;
        CpuParallel.For(device, tokens * heads, work, CpuParallel.Grain(work),
            new RowJob(output, q, k, v, tokens, heads, kvHeads, headDim, scale, softCap, slidingWindow));
    }

    /// <summary>Query rows index = t·NH + h in [start, end).</summary>
    private readonly struct RowJob(float* output, float* q, float* k, float* v,
        int tokens, int heads, int kvHeads, int headDim, float scale, float softCap, int slidingWindow) : IChunkJob
    {
        public void Run(int start, int end)
        {
            var scores = CpuScratch.Floats(tokens);
            var group = heads / kvHeads;
            var qStride = heads * headDim;
            var kvStride = kvHeads * headDim;
            for (var index = start; index < end; index++)
            {
                var t = index / heads;
                var h = index - t * heads;
                var first = slidingWindow > 0 ? Math.Max(0, t - slidingWindow + 1) : 0;
                var query = q + (nint)t * qStride + h * headDim;
                var keys = k + (h / group) * headDim;
                var values = v + (h / group) * headDim;
                var max = float.NegativeInfinity;
                for (var s = first; s <= t; s++)
                {
                    var score = scale * Dot(query, keys + (nint)s * kvStride, headDim);
                    if (softCap > 0) score = softCap * MathF.Tanh(score / softCap);
                    scores[s] = score;
                    max = MathF.Max(max, score);
                }
                var sum = 0f;
                for (var s = first; s <= t; s++)
                {
                    var e = CpuExp.Exp(scores[s] - max);
                    scores[s] = e;
                    sum += e;
                }
                var inverse = 1f / sum;
                var o = output + (nint)t * qStride + h * headDim;
                new Span<float>(o, headDim).Clear();
                for (var s = first; s <= t; s++) AddScaled(o, scores[s] * inverse, values + (nint)s * kvStride, headDim);
            }
        }
    }

    private static float Dot(float* a, float* b, int n)
    {
        var acc = Vector<float>.Zero;
        var i = 0;
        for (; i + Vector<float>.Count <= n; i += Vector<float>.Count) acc = Vector.FusedMultiplyAdd(Vector.Load(a + i), Vector.Load(b + i), acc);
        var sum = Vector.Sum(acc);
        for (; i < n; i++) sum += a[i] * b[i];
        return sum;
    }

    /// <summary>y += alpha·x.</summary>
    private static void AddScaled(float* y, float alpha, float* x, int n)
    {
        var alphaV = new Vector<float>(alpha);
        var i = 0;
        for (; i + Vector<float>.Count <= n; i += Vector<float>.Count) Vector.Store(Vector.FusedMultiplyAdd(alphaV, Vector.Load(x + i), Vector.Load(y + i)), y + i);
        for (; i < n; i++) y[i] += alpha * x[i];
    }
}
