using ILGPU;
using Engine.Kernels.Gpu;
using static Engine.Kernels.Gpu.GpuLaunch;

namespace Engine.Kernels.Ops;

/// <summary>
/// GPU kernels of causal multi-head attention over a fused qkv (formulas: <see cref="AttentionForwardArgs{T}"/>,
/// <see cref="AttentionBackwardArgs{T}"/>). Legend: B batch, T tokens, C channels, NH heads, HS = C/NH. Fused kernels:
/// one group per (sequence, head) with the T×T scores in shared memory (T ≤ 64); every gradient element is owned by
/// one thread that adds in a fixed order (deterministic, no atomics). Naive kernels: one thread per query row (and,
/// backward, per gradient element) through global scratch; they also serve sequences longer than 64.
/// </summary>
internal sealed class AttentionGpu
{
    /// <summary>Longest sequence the fused kernels hold on chip.</summary>
    public const int MaxFusedTokens = 64;

    /// <summary>Threads per group of the fused kernels and of the naive ones.</summary>
    public const int Threads = 256, NaiveThreads = 64;

    /// <summary>
    /// Output is the (B,T,C) attention output forward and the (B,T,3C) dQkv backward; DOut (B,T,C) backward only;
    /// Scores the (B,NH,T,T) dS scratch of the naive backward.
    /// </summary>
    public readonly record struct AttentionKernelArgs(
        ArrayView<float> Output, ArrayView<float> Probabilities, ArrayView<float> Qkv, ArrayView<float> DOut, ArrayView<float> Scores,
        int Batch, int Tokens, int Channels, int Heads);

    /// <summary>Thread per (b, h, t): scores into the probability row (as scratch), softmax in place (zeros past t), then out_t.</summary>
    [GpuKernel]
    public static void ForwardNaive(AttentionKernelArgs a)
    {
        for (var index = Grid.GlobalIndex.X; index < a.Batch * a.Heads * a.Tokens; index += KernelIndex.StrideX()) ForwardRow(a, index);
    }

    /// <summary>Query row index = (b·NH + h)·T + t of the naive forward.</summary>
    private static void ForwardRow(in AttentionKernelArgs a, int index)
    {
        var (tokens, channels) = (a.Tokens, a.Channels);
        var t = index % tokens;
        var bh = index / tokens;
        var h = bh % a.Heads;
        var b = bh / a.Heads;
        var headSize = channels / a.Heads;
        var scale = 1f / MathF.Sqrt(headSize);
        var c3 = 3 * channels;
        var q = (b * tokens + t) * c3 + h * headSize;
        var p = index * tokens;
        var rowMax = float.NegativeInfinity;
        for (var s = 0; s <= t; s++)
        {
            var k = (b * tokens + s) * c3 + channels + h * headSize;
            var dot = 0f;
            for (var j = 0; j < headSize; j++) dot += a.Qkv[q + j] * a.Qkv[k + j];
            a.Probabilities[p + s] = dot * scale;
            rowMax = MathF.Max(rowMax, dot * scale);
        }
        var sum = 0f;
        for (var s = 0; s <= t; s++)
        {
            var e = MathF.Exp(a.Probabilities[p + s] - rowMax);
            a.Probabilities[p + s] = e;
            sum += e;
        }
        for (var s = 0; s < tokens; s++) a.Probabilities[p + s] = s <= t ? a.Probabilities[p + s] / sum : 0f;
        var o = (b * tokens + t) * channels + h * headSize;
        for (var j = 0; j < headSize; j++)
        {
            var acc = 0f;
            for (var s = 0; s <= t; s++) acc += a.Probabilities[p + s] * a.Qkv[(b * tokens + s) * c3 + 2 * channels + h * headSize + j];
            a.Output[o + j] = acc;
        }
    }

    /// <summary>
    /// Group per (b, h): (1) scaled scores q_t·k_s for s ≤ t, one thread per pair; (2) softmax, one thread per row,
    /// written to shared memory and to the probabilities; (3) out_t[j], one thread per (t, j).
    /// </summary>
    [GpuKernel]
    public static void ForwardFused(AttentionKernelArgs a)
    {
        var scores = SharedMemory.Allocate<float>(MaxFusedTokens * MaxFusedTokens); // (T,T)
        var (tokens, channels) = (a.Tokens, a.Channels);
        var bh = Grid.IdxX;
        var h = bh % a.Heads;
        var b = bh / a.Heads;
        var tid = Group.IdxX;
        var headSize = channels / a.Heads;
        var scale = 1f / MathF.Sqrt(headSize);
        var c3 = 3 * channels;
        var qBase = b * tokens * c3 + h * headSize;
        for (var pair = tid; pair < tokens * tokens; pair += Group.DimX)
        {
            var t = pair / tokens;
            var s = pair - t * tokens;
            if (s <= t)
            {
                var q = qBase + t * c3;
                var k = qBase + s * c3 + channels;
                var dot = 0f;
                for (var j = 0; j < headSize; j++) dot += a.Qkv[q + j] * a.Qkv[k + j];
                scores[pair] = dot * scale;
            }
        }
        Group.Barrier();
        for (var t = tid; t < tokens; t += Group.DimX)
        {
            var row = t * tokens;
            var rowMax = float.NegativeInfinity;
            for (var s = 0; s <= t; s++) rowMax = MathF.Max(rowMax, scores[row + s]);
            var sum = 0f;
            for (var s = 0; s <= t; s++)
            {
                var e = MathF.Exp(scores[row + s] - rowMax);
                scores[row + s] = e;
                sum += e;
            }
            var p = (bh * tokens + t) * tokens;
            for (var s = 0; s < tokens; s++)
            {
                var probability = s <= t ? scores[row + s] / sum : 0f;
                scores[row + s] = probability;
                a.Probabilities[p + s] = probability;
            }
        }
        Group.Barrier();
        var vBase = qBase + 2 * channels;
        for (var e = tid; e < tokens * headSize; e += Group.DimX)
        {
            var t = e / headSize;
            var j = e - t * headSize;
            var acc = 0f;
            for (var s = 0; s <= t; s++) acc += scores[t * tokens + s] * a.Qkv[vBase + s * c3 + j];
            a.Output[(b * tokens + t) * channels + h * headSize + j] = acc;
        }
    }

    /// <summary>Naive backward, pass 1, thread per (b, h, t): the dS row into Scores, entries s ≤ t.</summary>
    [GpuKernel]
    public static void BackwardScoresNaive(AttentionKernelArgs a)
    {
        for (var index = Grid.GlobalIndex.X; index < a.Batch * a.Heads * a.Tokens; index += KernelIndex.StrideX()) ScoresRow(a, index);
    }

    /// <summary>Query row index = (b·NH + h)·T + t of the naive backward, pass 1.</summary>
    private static void ScoresRow(in AttentionKernelArgs a, int index)
    {
        var (tokens, channels) = (a.Tokens, a.Channels);
        var t = index % tokens;
        var bh = index / tokens;
        var h = bh % a.Heads;
        var b = bh / a.Heads;
        var headSize = channels / a.Heads;
        var scale = 1f / MathF.Sqrt(headSize);
        var c3 = 3 * channels;
        var p = index * tokens;
        var o = (b * tokens + t) * channels + h * headSize;
        var dot = 0f;
        for (var s = 0; s <= t; s++)
        {
            var v = (b * tokens + s) * c3 + 2 * channels + h * headSize;
            var d = 0f;
            for (var j = 0; j < headSize; j++) d += a.DOut[o + j] * a.Qkv[v + j];
            a.Scores[p + s] = d;
            dot += d * a.Probabilities[p + s];
        }
        for (var s = 0; s <= t; s++) a.Scores[p + s] = a.Probabilities[p + s] * (a.Scores[p + s] - dot) * scale;
    }

    /// <summary>Naive backward, pass 2, thread per (b, h, row, j): adds dq_row[j], dk_row[j] and dv_row[j].</summary>
    [GpuKernel]
    public static void BackwardInputsNaive(AttentionKernelArgs a)
    {
        var total = a.Batch * a.Channels * a.Tokens; // B·NH·T·HS
        for (var index = Grid.GlobalIndex.X; index < total; index += KernelIndex.StrideX()) InputsElement(a, index);
    }

    /// <summary>Element index = ((b·NH + h)·T + row)·HS + j of the naive backward, pass 2.</summary>
    private static void InputsElement(in AttentionKernelArgs a, int index)
    {
        var (tokens, channels) = (a.Tokens, a.Channels);
        var headSize = channels / a.Heads;
        var j = index % headSize;
        var rest = index / headSize;
        var row = rest % tokens;
        var bh = rest / tokens;
        var h = bh % a.Heads;
        var b = bh / a.Heads;
        var c3 = 3 * channels;
        var pBase = bh * tokens * tokens;
        var column = h * headSize + j;
        var dq = 0f;
        for (var s = 0; s <= row; s++) dq += a.Scores[pBase + row * tokens + s] * a.Qkv[(b * tokens + s) * c3 + channels + column];
        var dk = 0f;
        var dv = 0f;
        for (var t = row; t < tokens; t++)
        {
            dk += a.Scores[pBase + t * tokens + row] * a.Qkv[(b * tokens + t) * c3 + column];
            dv += a.Probabilities[pBase + t * tokens + row] * a.DOut[(b * tokens + t) * channels + column];
        }
        var own = (b * tokens + row) * c3 + column;
        a.Output[own] += dq;
        a.Output[own + channels] += dk;
        a.Output[own + 2 * channels] += dv;
    }

    /// <summary>
    /// Fused backward, group per (b, h): P into shared memory; dP[t,s] per pair; dS per row; then one thread per
    /// (row, j) adds dq, dk and dv for that element.
    /// </summary>
    [GpuKernel]
    public static void BackwardFused(AttentionKernelArgs a)
    {
        var prob = SharedMemory.Allocate<float>(MaxFusedTokens * MaxFusedTokens);   // (T,T)
        var dScore = SharedMemory.Allocate<float>(MaxFusedTokens * MaxFusedTokens); // (T,T): dP, then dS
        var (tokens, channels) = (a.Tokens, a.Channels);
        var bh = Grid.IdxX;
        var h = bh % a.Heads;
        var b = bh / a.Heads;
        var tid = Group.IdxX;
        var headSize = channels / a.Heads;
        var scale = 1f / MathF.Sqrt(headSize);
        var c3 = 3 * channels;
        var pBase = bh * tokens * tokens;
        var qBase = b * tokens * c3 + h * headSize;
        var oBase = b * tokens * channels + h * headSize;
        for (var pair = tid; pair < tokens * tokens; pair += Group.DimX)
        {
            var t = pair / tokens;
            var s = pair - t * tokens;
            prob[pair] = a.Probabilities[pBase + pair];
            if (s <= t)
            {
                var o = oBase + t * channels;
                var v = qBase + s * c3 + 2 * channels;
                var d = 0f;
                for (var j = 0; j < headSize; j++) d += a.DOut[o + j] * a.Qkv[v + j];
                dScore[pair] = d;
            }
        }
        Group.Barrier();
        for (var t = tid; t < tokens; t += Group.DimX)
        {
            var row = t * tokens;
            var dot = 0f;
            for (var s = 0; s <= t; s++) dot += dScore[row + s] * prob[row + s];
            for (var s = 0; s <= t; s++) dScore[row + s] = prob[row + s] * (dScore[row + s] - dot) * scale;
        }
        Group.Barrier();
        for (var e = tid; e < tokens * headSize; e += Group.DimX)
        {
            var row = e / headSize;
            var j = e - row * headSize;
            var dq = 0f;
            for (var s = 0; s <= row; s++) dq += dScore[row * tokens + s] * a.Qkv[qBase + s * c3 + channels + j];
            var dk = 0f;
            var dv = 0f;
            for (var t = row; t < tokens; t++)
            {
                dk += dScore[t * tokens + row] * a.Qkv[qBase + t * c3 + j];
                dv += prob[t * tokens + row] * a.DOut[oBase + t * channels + j];
            }
            var own = qBase + row * c3 + j;
            a.Output[own] += dq;
            a.Output[own + channels] += dk;
            a.Output[own + 2 * channels] += dv;
        }
    }

    private readonly GpuDevice _device;
    private readonly Kernel<AttentionKernelArgs> _forwardNaive, _forwardFused, _scoresNaive, _inputsNaive, _backwardFused;

    public AttentionGpu(GpuDevice device)
    {
        _device = device;
        (_forwardNaive, _forwardFused) = (new(device, ForwardNaive), new(device, ForwardFused));
        (_scoresNaive, _inputsNaive, _backwardFused) = (new(device, BackwardScoresNaive), new(device, BackwardInputsNaive), new(device, BackwardFused));
    }

    public void Forward(in AttentionForwardArgs<float> a)
    {
        var d = _device;
        var qkv = d.View(a.Qkv);
        var args = new AttentionKernelArgs(d.View(a.Output), d.View(a.Probabilities), qkv, qkv, qkv, a.Batch, a.Tokens, a.Channels, a.Heads);
        if (d.Naive || a.Tokens > MaxFusedTokens) _forwardNaive.Launch(d.Spread(a.Batch * a.Heads * a.Tokens, NaiveThreads), args);
        else _forwardFused.Launch(d.PerGroup(a.Batch * a.Heads, Threads), args);
    }

    public void Backward(in AttentionBackwardArgs<float> a)
    {
        var d = _device;
        var qkv = d.View(a.Qkv);
        var args = new AttentionKernelArgs(d.View(a.DQkv), d.View(a.Probabilities), qkv, d.View(a.DOut), qkv, a.Batch, a.Tokens, a.Channels, a.Heads);
        if (!d.Naive && a.Tokens <= MaxFusedTokens)
        {
            _backwardFused.Launch(d.PerGroup(a.Batch * a.Heads, Threads), args);
            return;
        }
        var scores = d.View(d.Scratch(ScratchSlot.AttentionScores, a.Batch * a.Heads * a.Tokens * a.Tokens));
        _scoresNaive.Launch(d.Spread(a.Batch * a.Heads * a.Tokens, NaiveThreads), args with { Scores = scores });
        _inputsNaive.Launch(d.Spread((long)a.Batch * a.Tokens * a.Channels, NaiveThreads), args with { Scores = scores });
    }
}
