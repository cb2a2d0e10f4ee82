using System.Collections.Concurrent;
using System.Numerics;
using System.Numerics.Tensors;

using Engine.Kernels.Cpu;

namespace Engine.Kernels.Ops;

// Legend: B batch, T tokens, C channels, NH heads, HS head size (C/NH), h = HS/2 the rotated half.

/// <summary>
/// float32 fast paths of rotary position embedding. Naive loops: <see cref="NaiveOps.RopeForward{T}"/>,
/// <see cref="NaiveOps.RopeBackward{T}"/>. cos/sin of t·θ_i are computed once per (T, HS, base) in
/// float64 (as the naive loop) and cached, so an op is a few SIMD multiply-adds per element.
/// </summary>
internal static unsafe class RopeCpu
{
    /// <summary>(T, h) tables: cos[t·h + i], sin[t·h + i] with angle t·base^(−2i/HS).</summary>
    private sealed record Table(float[] Cos, float[] Sin);

    private static readonly ConcurrentDictionary<(int Tokens, int HeadSize, double Base), Table> Tables = new();

    /// <summary>
    /// out[i] = x[i]·cos a − x[i+h]·sin a, out[i+h] = x[i+h]·cos a + x[i]·sin a on the q and k thirds; v copied.
    /// output, qkv (B,T,3C).
    /// </summary>
    public static void Forward(CpuDevice device, float* output, float* qkv,
        int batch, int tokens, int channels, int heads, float ropeBase)
        => Run(device, output, qkv, accumulate: false, batch, tokens, channels, heads, ropeBase);

    /// <summary>dQkv += R(−a)·dOut: dx[i] += d[i]·cos + d[i+h]·sin, dx[i+h] += d[i+h]·cos − d[i]·sin; v added.   dQkv, dOut (B,T,3C).</summary>
    public static void Backward(CpuDevice device, float* dQkv, float* dOut,
        int batch, int tokens, int channels, int heads, float ropeBase)
        => Run(device, dQkv, dOut, accumulate: true, batch, tokens, channels, heads, ropeBase);

    private static void Run(CpuDevice device, float* output, float* input, bool accumulate,
        int batch, int tokens, int channels, int heads, float ropeBase)
    {
        var table = GetTable(tokens, channels / heads, ropeBase);
        var rows = batch * tokens;
        var c3 = 3 * channels;
        CpuParallel.For(device, rows, 4L * c3, CpuParallel.Grain(4L * c3),
            new RotateJob(table, output, input, accumulate, tokens, channels, heads));
    }

    /// <summary>Rows (b, t) [start, end) of the (B·T, 3C) tensors.</summary>
    private readonly struct RotateJob(Table table, float* output, float* input, bool accumulate,
        int tokens, int channels, int heads) : IChunkJob
    {
        public void Run(int start, int end)
        {
            var headSize = channels / heads;
            var half = headSize / 2;
            var c3 = 3 * channels;
            fixed (float* cosTable = table.Cos, sinTable = table.Sin)
            {
                for (var row = start; row < end; row++)
                {
                    var t = row % tokens;
                    var cos = cosTable + t * half;
                    var sin = sinTable + t * half;
                    var x = input + (nint)row * c3;
                    var y = output + (nint)row * c3;
                    // q and k thirds: 2·NH heads laid out back to back.
                    for (var head = 0; head < 2 * heads; head++)
                    {
                        var offset = head * headSize;
                        if (accumulate) RotateBackAdd(y + offset, x + offset, cos, sin, half);
                        else RotateHalf(y + offset, x + offset, cos, sin, half);
                    }
                    var vIn = new ReadOnlySpan<float>(x + 2 * channels, channels);
                    var vOut = new Span<float>(y + 2 * channels, channels);
                    if (accumulate) TensorPrimitives.Add(vOut, vIn, vOut);
                    else vIn.CopyTo(vOut);
                }
            }
        }
    }

    /// <summary>
    /// One head's rotate-half: y[i] = x[i]·cos[i] − x[i+half]·sin[i], y[i+half] = x[i+half]·cos[i] + x[i]·sin[i].
    /// Both halves are read before either is written, so y may be x (in place). Shared with <see cref="RotaryCpu"/>.
    /// </summary>
    internal static void RotateHalf(float* y, float* x, float* cos, float* sin, int half)
    {
        var i = 0;
        for (; i + Vector<float>.Count <= half; i += Vector<float>.Count)
        {
            var x1 = Vector.Load(x + i);
            var x2 = Vector.Load(x + half + i);
            var c = Vector.Load(cos + i);
            var s = Vector.Load(sin + i);
            Vector.Store(x1 * c - x2 * s, y + i);
            Vector.Store(x2 * c + x1 * s, y + half + i);
        }
        for (; i < half; i++)
        {
            var x1 = x[i];
            var x2 = x[half + i];
            y[i] = x1 * cos[i] - x2 * sin[i];
            y[half + i] = x2 * cos[i] + x1 * sin[i];
        }
    }

    private static void RotateBackAdd(float* dx, float* dOut, float* cos, float* sin, int half)
    {
        var i = 0;
        for (; i + Vector<float>.Count <= half; i += Vector<float>.Count)
        {
            var d1 = Vector.Load(dOut + i);
            var d2 = Vector.Load(dOut + half + i);
            var c = Vector.Load(cos + i);
            var s = Vector.Load(sin + i);
            Vector.Store(Vector.Load(dx + i) + (d1 * c + d2 * s), dx + i);
            Vector.Store(Vector.Load(dx + half + i) + (d2 * c - d1 * s), dx + half + i);
        }
        for (; i < half; i++)
        {
            var d1 = dOut[i];
            var d2 = dOut[half + i];
            dx[i] += d1 * cos[i] + d2 * sin[i];
            dx[half + i] += d2 * cos[i] - d1 * sin[i];
        }
    }

    private static Table GetTable(int tokens, int headSize, float ropeBase)
        => Tables.GetOrAdd((tokens, headSize, ropeBase), static key =>
        {
            var half = key.HeadSize / 2;
            var cos = new float[key.Tokens * half];
            var sin = new float[key.Tokens * half];
            for (var t = 0; t < key.Tokens; t++)
            {
                for (var i = 0; i < half; i++)
                {
                    // Same expression as the naive loop, in float64, rounded once.
                    var angle = t * Math.Pow(key.Base, -2.0 * i / key.HeadSize);
                    cos[t * half + i] = (float)Math.Cos(angle);
                    sin[t * half + i] = (float)Math.Sin(angle);
                }
            }
            return new Table(cos, sin);
        });
}
