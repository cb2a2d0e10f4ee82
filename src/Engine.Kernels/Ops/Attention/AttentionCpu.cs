using System.Numerics;
using System.Runtime.CompilerServices;

using Engine.Kernels.Cpu;

namespace Engine.Kernels.Ops;

// Legend: B batch, T tokens, C channels, NH heads, HS head size (C/NH).

/// <summary>
/// float32 fast paths of causal multi-head attention over a fused qkv. Naive loops:
/// <see cref="NaiveOps.AttentionForward{T}"/>, <see cref="NaiveOps.AttentionBackward{T}"/>.
/// Sequences are short (T ≤ ~8) and (b, h) pairs many, so the pairs are the parallel unit; a pair reads and
/// writes only its own head's channels, so pairs never race and each keeps the naive loop's order.
/// </summary>
internal static unsafe class AttentionCpu
{
    /// <summary>Longest sequence whose score row lives on the stack.</summary>
    private const int StackTokens = 512;

    /// <summary>
    /// P[b,h,t,s] = softmax_{s≤t}(q_t·k_s/√HS) (0 for s &gt; t); out[b,t,h·HS+j] = Σ_s P·v_s[j].
    /// output (B,T,C), probabilities (B,NH,T,T), qkv (B,T,3C).
    /// </summary>
    public static void Forward(CpuDevice device, float* output, float* probabilities, float* qkv,
        int batch, int tokens, int channels, int heads)
    {
        var work = 4L * tokens * tokens * (channels / heads);
        CpuParallel.For(device, batch * heads, work, CpuParallel.Grain(work),
            new ForwardJob(output, probabilities, qkv, tokens, channels, heads));
    }

    /// <summary>dQkv (B,T,3C) += ∂L/∂qkv given dOut (B,T,C), qkv (B,T,3C) and the forward's probabilities (B,NH,T,T).</summary>
    public static void Backward(CpuDevice device, float* dQkv, float* dOut, float* qkv, float* probabilities,
        int batch, int tokens, int channels, int heads)
    {
        var work = 8L * tokens * tokens * (channels / heads);
        CpuParallel.For(device, batch * heads, work, CpuParallel.Grain(work),
            new BackwardJob(dQkv, dOut, qkv, probabilities, tokens, channels, heads));
    }

    /// <summary>(b, h) pairs [start, end).</summary>
    private readonly struct ForwardJob(float* output, float* probabilities, float* qkv, int tokens, int channels, int heads)
        : IChunkJob
    {
        public void Run(int start, int end)
        {
            var scores = tokens <= StackTokens ? stackalloc float[tokens] : new float[tokens];
            for (var pair = start; pair < end; pair++)
                ForwardPair(output, probabilities, qkv, pair / heads, pair % heads, tokens, channels, heads, scores);
        }
    }

    private readonly struct BackwardJob(float* dQkv, float* dOut, float* qkv, float* probabilities,
        int tokens, int channels, int heads) : IChunkJob
    {
        public void Run(int start, int end)
        {
            var dProb = tokens <= StackTokens ? stackalloc float[tokens] : new float[tokens];
            for (var pair = start; pair < end; pair++)
                BackwardPair(dQkv, dOut, qkv, probabilities, pair / heads, pair % heads, tokens, channels, heads, dProb);
        }
    }

    private static void ForwardPair(float* output, float* probabilities, float* qkv, int b, int h,
        int tokens, int channels, int heads, Span<float> scores)
    {
        var headSize = channels / heads;
        var scale = (float)(1.0 / Math.Sqrt(headSize));
        var c3 = 3 * channels;
        var head = qkv + (nint)b * tokens * c3 + h * headSize;
        for (var t = 0; t < tokens; t++)
        {
            var q = head + (nint)t * c3;
            var max = float.NegativeInfinity;
            for (var s = 0; s <= t; s++)
            {
                scores[s] = Dot(q, head + (nint)s * c3 + channels, headSize) * scale;
                max = MathF.Max(max, scores[s]);
            }
            var sum = 0f;
            for (var s = 0; s <= t; s++)
            {
                scores[s] = MathF.Exp(scores[s] - max);
                sum += scores[s];
            }
            var inverse = 1f / sum;
            var p = probabilities + (((nint)b * heads + h) * tokens + t) * tokens;
            for (var s = 0; s < tokens; s++) p[s] = s <= t ? scores[s] * inverse : 0f;

            var o = output + ((nint)b * tokens + t) * channels + h * headSize;
            new Span<float>(o, headSize).Clear();
            for (var s = 0; s <= t; s++) AddScaled(o, p[s], head + (nint)s * c3 + 2 * channels, headSize);
        }
    }

    private static void BackwardPair(float* dQkv, float* dOut, float* qkv, float* probabilities, int b, int h,
        int tokens, int channels, int heads, Span<float> dProb)
    {
        var headSize = channels / heads;
        var scale = (float)(1.0 / Math.Sqrt(headSize));
        var c3 = 3 * channels;
        var head = qkv + (nint)b * tokens * c3 + h * headSize;
        var dHead = dQkv + (nint)b * tokens * c3 + h * headSize;
        for (var t = 0; t < tokens; t++)
        {
            var p = probabilities + (((nint)b * heads + h) * tokens + t) * tokens;
            var dO = dOut + ((nint)b * tokens + t) * channels + h * headSize;
            // forward: out_t = Σ_s P[t,s]·v_s
            var dot = 0f;
            for (var s = 0; s <= t; s++)
            {
                var v = (nint)s * c3 + 2 * channels;
                dProb[s] = Dot(dO, head + v, headSize);
                AddScaled(dHead + v, p[s], dO, headSize);
                dot += dProb[s] * p[s];
            }
            // forward: P = softmax(score), score[t,s] = scale·q_t·k_s
            var q = (nint)t * c3;
            for (var s = 0; s <= t; s++)
            {
                var dScore = p[s] * (dProb[s] - dot) * scale;
                var k = (nint)s * c3 + channels;
                AddScaled(dHead + q, dScore, head + k, headSize);
                AddScaled(dHead + k, dScore, head + q, headSize);
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static float Dot(float* x, float* y, int n)
    {
        var acc = Vector<float>.Zero;
        var j = 0;
        for (; j + Vector<float>.Count <= n; j += Vector<float>.Count)
            acc = Vector.FusedMultiplyAdd(Vector.Load(x + j), Vector.Load(y + j), acc);
        var sum = Vector.Sum(acc);
        for (; j < n; j++) sum += x[j] * y[j];
        return sum;
    }

    /// <summary>y[j] += alpha·x[j].</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void AddScaled(float* y, float alpha, float* x, int n)
    {
        var a = new Vector<float>(alpha);
        var j = 0;
        for (; j + Vector<float>.Count <= n; j += Vector<float>.Count)
            Vector.Store(Vector.FusedMultiplyAdd(a, Vector.Load(x + j), Vector.Load(y + j)), y + j);
        for (; j < n; j++) y[j] += alpha * x[j];
    }
}
