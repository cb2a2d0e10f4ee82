using System.Numerics;

namespace Engine.Kernels.Ops;

// The naive float64 loops of this family (see NaiveOps.cs).
public static partial class NaiveOps
{
    public static void AttentionForward<T>(
        Span<T> output, Span<T> probabilities, ReadOnlySpan<T> qkv,
        int batch, int tokens, int channels, int heads) where T : IFloatingPointIeee754<T>
    {
        var headSize = channels / heads;
        var scale = 1.0 / Math.Sqrt(headSize);
        var c3 = 3 * channels;
        var scores = new double[tokens];
        for (var b = 0; b < batch; b++)
            for (var h = 0; h < heads; h++)
                for (var t = 0; t < tokens; t++)
                {
                    var q = (b * tokens + t) * c3 + h * headSize;
                    var max = double.NegativeInfinity;
                    for (var s = 0; s <= t; s++)
                    {
                        var k = (b * tokens + s) * c3 + channels + h * headSize;
                        var dot = 0.0;
                        for (var j = 0; j < headSize; j++) dot += D(qkv[q + j]) * D(qkv[k + j]);
                        scores[s] = dot * scale;
                        max = Math.Max(max, scores[s]);
                    }
                    var sum = 0.0;
                    for (var s = 0; s <= t; s++) { scores[s] = Math.Exp(scores[s] - max); sum += scores[s]; }
                    var p = ((b * heads + h) * tokens + t) * tokens;
                    for (var s = 0; s < tokens; s++) probabilities[p + s] = F<T>(s <= t ? scores[s] / sum : 0.0);
                    var o = (b * tokens + t) * channels + h * headSize;
                    for (var j = 0; j < headSize; j++)
                    {
                        var acc = 0.0;
                        for (var s = 0; s <= t; s++)
                            acc += scores[s] / sum * D(qkv[(b * tokens + s) * c3 + 2 * channels + h * headSize + j]);
                        output[o + j] = F<T>(acc);
                    }
                }
    }

    public static void AttentionBackward<T>(
        Span<T> dQkv, ReadOnlySpan<T> dOut, ReadOnlySpan<T> qkv, ReadOnlySpan<T> probabilities,
        int batch, int tokens, int channels, int heads) where T : IFloatingPointIeee754<T>
    {
        var headSize = channels / heads;
        var scale = 1.0 / Math.Sqrt(headSize);
        var c3 = 3 * channels;
        var dProb = new double[tokens];
        for (var b = 0; b < batch; b++)
            for (var h = 0; h < heads; h++)
                for (var t = 0; t < tokens; t++)
                {
                    var p = ((b * heads + h) * tokens + t) * tokens;
                    var o = (b * tokens + t) * channels + h * headSize;
                    // forward: out_t = Σ_s P[t,s]·v_s
                    var dot = 0.0;
                    for (var s = 0; s <= t; s++)
                    {
                        var v = (b * tokens + s) * c3 + 2 * channels + h * headSize;
                        var d = 0.0;
                        for (var j = 0; j < headSize; j++)
                        {
                            d += D(dOut[o + j]) * D(qkv[v + j]);
                            dQkv[v + j] = F<T>(D(dQkv[v + j]) + D(probabilities[p + s]) * D(dOut[o + j]));
                        }
                        dProb[s] = d;
                        dot += d * D(probabilities[p + s]);
                    }
                    // forward: P = softmax(score), score[t,s] = scale·q_t·k_s
                    var q = (b * tokens + t) * c3 + h * headSize;
                    for (var s = 0; s <= t; s++)
                    {
                        var dScore = D(probabilities[p + s]) * (dProb[s] - dot) * scale;
                        var k = (b * tokens + s) * c3 + channels + h * headSize;
                        for (var j = 0; j < headSize; j++)
                        {
                            dQkv[q + j] = F<T>(D(dQkv[q + j]) + dScore * D(qkv[k + j]));
                            dQkv[k + j] = F<T>(D(dQkv[k + j]) + dScore * D(qkv[q + j]));
                        }
                    }
                }
    }
}
