using ILGPU;
using Engine.Kernels.Gpu;

namespace Engine.Kernels.Ops;

// Legend: T tokens, NH query heads, NKV key/value heads, D head size; a query row is (t, h), index t·NH + h.

/// <summary>
/// GPU kernels of grouped-query causal attention over one sequence (formula: <see cref="GroupedAttentionForwardArgs{T}"/>).
/// Fast: one group per query row, its score row in shared memory (T ≤ <see cref="MaxSharedTokens"/>): threads over keys
/// compute the capped scores, a group max and a group sum (fixed-order trees, deterministic) give the softmax, then
/// threads over the D output columns add the probability-weighted values in key order. Naive: one thread per query row,
/// scores through a (T·NH, T) global scratch; it also serves longer sequences.
/// </summary>
internal sealed class GroupedAttentionGpu
{
    /// <summary>Longest sequence whose score row the fast kernel holds in shared memory.</summary>
    public const int MaxSharedTokens = 2048;

    public const int Threads = 128, NaiveThreads = 64;

    /// <summary>Scores is the naive kernel's (T·NH, T) scratch (unused by the fast kernel). SoftCap 0 = none; Window 0 = none.</summary>
    public readonly record struct AttentionKernelArgs(
        ArrayView<float> Output, ArrayView<float> Q, ArrayView<float> K, ArrayView<float> V, ArrayView<float> Scores,
        int Tokens, int Heads, int KvHeads, int HeadDim, float Scale, float SoftCap, int Window);

    /// <summary>The capped, scaled score of query row (t, h) against key s.</summary>
    private static float Score(in AttentionKernelArgs a, int t, int h, int s)
    {
        var g = h / (a.Heads / a.KvHeads);
        var q = (t * a.Heads + h) * a.HeadDim;
        var k = (s * a.KvHeads + g) * a.HeadDim;
        var dot = 0f;
        for (var j = 0; j < a.HeadDim; j++) dot += a.Q[q + j] * a.K[k + j];
        var score = a.Scale * dot;
        return a.SoftCap > 0f ? ActivationMath.SoftCap(score, a.SoftCap) : score;
    }

    private static int FirstKey(in AttentionKernelArgs a, int t) => a.Window > 0 ? Math.Max(0, t - a.Window + 1) : 0;

    /// <summary>One thread per query row: scores into its scratch row, softmax in place, then the D outputs.</summary>
    [GpuKernel]
    public static void ForwardNaive(AttentionKernelArgs a)
    {
        for (var index = Grid.GlobalIndex.X; index < a.Tokens * a.Heads; index += KernelIndex.StrideX())
        {
            var t = index / a.Heads;
            var h = index - t * a.Heads;
            var first = FirstKey(a, t);
            var p = index * a.Tokens;
            var max = float.NegativeInfinity;
            for (var s = first; s <= t; s++)
            {
                var score = Score(a, t, h, s);
                a.Scores[p + s] = score;
                max = MathF.Max(max, score);
            }
            var sum = 0f;
            for (var s = first; s <= t; s++)
            {
                var e = MathF.Exp(a.Scores[p + s] - max);
                a.Scores[p + s] = e;
                sum += e;
            }
            var g = h / (a.Heads / a.KvHeads);
            var o = (t * a.Heads + h) * a.HeadDim;
            for (var j = 0; j < a.HeadDim; j++)
            {
                var acc = 0f;
                for (var s = first; s <= t; s++) acc += a.Scores[p + s] / sum * a.V[(s * a.KvHeads + g) * a.HeadDim + j];
                a.Output[o + j] = acc;
            }
        }
    }

    /// <summary>One group per query row (grid x = T·NH), the score row in shared memory.</summary>
    [GpuKernel]
    public static void ForwardRows(AttentionKernelArgs a)
    {
        var scores = SharedMemory.Allocate<float>(MaxSharedTokens);
        var scratch = SharedMemory.Allocate<float>(Threads);
        var index = Grid.IdxX;
        var tid = Group.IdxX;
        var t = index / a.Heads;
        var h = index - t * a.Heads;
        var first = FirstKey(a, t);
        var localMax = float.NegativeInfinity;
        for (var s = first + tid; s <= t; s += Group.DimX)
        {
            var score = Score(a, t, h, s);
            scores[s] = score;
            localMax = MathF.Max(localMax, score);
        }
        var max = GroupReduce.Max(scratch, localMax);
        var localSum = 0f;
        for (var s = first + tid; s <= t; s += Group.DimX)
        {
            var e = MathF.Exp(scores[s] - max);
            scores[s] = e;
            localSum += e;
        }
        var inverse = 1f / GroupReduce.Sum(scratch, localSum); // its barriers also publish every thread's scores
        var g = h / (a.Heads / a.KvHeads);
        var o = (t * a.Heads + h) * a.HeadDim;
        for (var j = tid; j < a.HeadDim; j += Group.DimX)
        {
            var acc = 0f;
            for (var s = first; s <= t; s++) acc += scores[s] * inverse * a.V[(s * a.KvHeads + g) * a.HeadDim + j];
            a.Output[o + j] = acc;
        }
    }

    private readonly GpuDevice _device;
    private readonly Kernel<AttentionKernelArgs> _naive, _rows;

    public GroupedAttentionGpu(GpuDevice device)
    {
        _device = device;
        (_naive, _rows) = (new(device, ForwardNaive), new(device, ForwardRows));
    }

    public void Forward(in GroupedAttentionForwardArgs<float> a)
    {
        var rows = a.Tokens * a.Heads;
        if (rows == 0) return;
        var d = _device;
        var fast = !d.Naive && a.Tokens <= MaxSharedTokens;
        var scores = fast ? d.View(a.Output) : d.View(d.Scratch(ScratchSlot.AttentionScores, rows * a.Tokens));
        var args = new AttentionKernelArgs(d.View(a.Output), d.View(a.Q), d.View(a.K), d.View(a.V), scores,
            a.Tokens, a.Heads, a.KvHeads, a.HeadDim, a.Scale, a.SoftCap, a.SlidingWindow);
        if (fast) _rows.Launch(d.PerGroup(rows, Threads), args);
        else _naive.Launch(d.Spread(rows, NaiveThreads), args);
    }
}
