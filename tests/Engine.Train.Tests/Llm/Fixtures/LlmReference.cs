using Engine.Train.Llm;

namespace Engine.Train.Tests.Llm.Fixtures;

/// <summary>
/// One reference pass: for each layer ℓ = 0..L (0 = embedding output, ℓ = block ℓ's output, blocks counted from 1),
/// the residual (T, C), the same through the next block's input RMSNorm (the final norm after the last block), and the
/// logit lens at the last position: final norm, unembedding and (Gemma-2) the final soft-cap applied to the raw
/// residual (V).
/// </summary>
public sealed record LlmReferencePass(double[][][] Residuals, double[][][] Normed, double[][] LensLogits)
{
    /// <summary>The model's next-token logits at the last position (the lens of layer L).</summary>
    public double[] FinalLogits => LensLogits[^1];

    /// <summary>
    /// log P(target), P(target) and the 1-based rank (1 + the number of logits strictly above the target's) of the
    /// lens at layer <paramref name="layer"/>: log P = l_target − max − log Σ exp(l − max).
    /// </summary>
    public (double LogProb, double Prob, int Rank) Lens(int layer, int target)
    {
        var logits = LensLogits[layer];
        var max = logits.Max();
        var sum = 0.0;
        foreach (var l in logits) sum += Math.Exp(l - max);
        var logProb = logits[target] - max - Math.Log(sum);
        var rank = 1 + logits.Count(l => l > logits[target]);
        return (logProb, Math.Exp(logProb), rank);
    }
}

/// <summary>
/// The naive float64 forward pass of Hugging Face's LlamaForCausalLM and Gemma2ForCausalLM — the oracle of the
/// forward-pass tests — written as plain loops from the formulas (weights as stored, linear weights (out, in)):
/// <code>
/// rms(x, w)    = x / √(mean(x²) + ε) · w            (Llama)   · (1 + w)   (Gemma-2)
/// Llama block:   h = x + o(attn(rms(x, in)));        x' = h + down(silu(gate(y)) ⊙ up(y)),  y = rms(h, post_attn)
/// Gemma-2 block: h = x + rms(o(attn(rms(x, in))), post_attn)
///                x' = h + rms(down(gelu_tanh(gate(y)) ⊙ up(y)), post_ff),  y = rms(h, pre_ff)
/// attention:     s[t,j] = (rope(q_t)·rope(k_j))·scale, Gemma-2: s = cap·tanh(s/cap); keys j ≤ t (and j &gt; t − W on
///                sliding layers); softmax over j; query head h reads kv head h / (H/KV)
/// rope(x)[i]     = x[i]·cos(p·f_i) − x[i+D/2]·sin(p·f_i),  rope(x)[i+D/2] = x[i+D/2]·cos(p·f_i) + x[i]·sin(p·f_i)
/// embedding:     E[token] (Llama), E[token]·√C (Gemma-2); logits = rms(x, final)·Uᵀ, Gemma-2: 30·tanh(logits/30)
/// </code>
/// f_i are <see cref="LlmConfig.RopeInverseFrequencies"/>; positions p = 0..T−1.
/// </summary>
public static class LlmReference
{
    /// <summary>Runs <paramref name="tokens"/> through the model whose tensors <paramref name="tensor"/> returns by HF name.</summary>
    public static LlmReferencePass Run(LlmConfig config, Func<string, float[]> tensor, IReadOnlyList<int> tokens)
    {
        var gemma = config.Architecture == LlmArchitecture.Gemma2;
        int t = tokens.Count, c = config.HiddenSize;
        var embedding = tensor(LlmTensorNames.Embedding);
        var x = new double[t][];
        for (var p = 0; p < t; p++)
        {
            x[p] = new double[c];
            for (var i = 0; i < c; i++) x[p][i] = embedding[(long)tokens[p] * c + i] * (gemma ? Math.Sqrt(c) : 1.0);
        }

        var residuals = new List<double[][]> { Copy(x) };
        for (var layer = 0; layer < config.LayerCount; layer++)
        {
            x = Block(config, tensor, layer, x);
            residuals.Add(Copy(x));
        }

        var finalNorm = tensor(LlmTensorNames.FinalNorm);
        var normed = new double[residuals.Count][][];
        for (var l = 0; l < residuals.Count; l++)
        {
            var weight = l < config.LayerCount ? tensor(LlmTensorNames.InputNorm(l)) : finalNorm;
            normed[l] = [.. residuals[l].Select(row => RmsNorm(config, row, weight))];
        }

        var unembedding = tensor(config.TieWordEmbeddings ? LlmTensorNames.Embedding : LlmTensorNames.LmHead);
        var lens = new double[residuals.Count][];
        for (var l = 0; l < residuals.Count; l++)
        {
            var last = RmsNorm(config, residuals[l][t - 1], finalNorm);
            var logits = Linear(last, unembedding, config.VocabSize);
            if (config.FinalLogitSoftcap is { } cap)
                for (var v = 0; v < logits.Length; v++) logits[v] = cap * Math.Tanh(logits[v] / cap);
            lens[l] = logits;
        }
        return new LlmReferencePass([.. residuals], normed, lens);
    }

    /// <summary>The same for a test-built model.</summary>
    public static LlmReferencePass Run(TinyLlm model, IReadOnlyList<int> tokens) => Run(model.Config, model.Values, tokens);

    private static double[][] Block(LlmConfig config, Func<string, float[]> tensor, int layer, double[][] x)
    {
        var gemma = config.Architecture == LlmArchitecture.Gemma2;
        int t = x.Length, c = config.HiddenSize, ff = config.IntermediateSize;
        var inputNorm = tensor(LlmTensorNames.InputNorm(layer));
        var outputProjection = tensor(LlmTensorNames.OutputProjection(layer));
        var postAttentionNorm = tensor(LlmTensorNames.PostAttentionNorm(layer));
        var mlpNorm = gemma ? tensor(LlmTensorNames.PreFeedForwardNorm(layer)) : postAttentionNorm;
        var postFeedForwardNorm = gemma ? tensor(LlmTensorNames.PostFeedForwardNorm(layer)) : null;
        var gateProjection = tensor(LlmTensorNames.GateProjection(layer));
        var upProjection = tensor(LlmTensorNames.UpProjection(layer));
        var downProjection = tensor(LlmTensorNames.DownProjection(layer));

        var attention = Attention(config, tensor, layer, [.. x.Select(row => RmsNorm(config, row, inputNorm))]);
        var output = new double[t][];
        for (var p = 0; p < t; p++)
        {
            var attnOut = Linear(attention[p], outputProjection, c);
            if (gemma) attnOut = RmsNorm(config, attnOut, postAttentionNorm);
            var h = new double[c];
            for (var i = 0; i < c; i++) h[i] = x[p][i] + attnOut[i];

            var y = RmsNorm(config, h, mlpNorm);
            var gate = Linear(y, gateProjection, ff);
            var up = Linear(y, upProjection, ff);
            var hidden = new double[ff];
            for (var i = 0; i < ff; i++) hidden[i] = (gemma ? GeluTanh(gate[i]) : Silu(gate[i])) * up[i];
            var mlp = Linear(hidden, downProjection, c);
            if (gemma) mlp = RmsNorm(config, mlp, postFeedForwardNorm!);
            output[p] = new double[c];
            for (var i = 0; i < c; i++) output[p][i] = h[i] + mlp[i];
        }
        return output;
    }

    /// <summary>Multi-head causal attention before the output projection: (T, H·D).</summary>
    private static double[][] Attention(LlmConfig config, Func<string, float[]> tensor, int layer, double[][] a)
    {
        int t = a.Length, heads = config.HeadCount, kvHeads = config.KvHeadCount, d = config.HeadDim;
        var (wq, wk, wv) = (tensor(LlmTensorNames.QueryProjection(layer)), tensor(LlmTensorNames.KeyProjection(layer)), tensor(LlmTensorNames.ValueProjection(layer)));
        var q = a.Select(row => Linear(row, wq, heads * d)).ToArray();
        var k = a.Select(row => Linear(row, wk, kvHeads * d)).ToArray();
        var v = a.Select(row => Linear(row, wv, kvHeads * d)).ToArray();
        var frequencies = config.RopeInverseFrequencies();
        for (var p = 0; p < t; p++)
        {
            for (var h = 0; h < heads; h++) Rope(q[p], h * d, d, p, frequencies);
            for (var h = 0; h < kvHeads; h++) Rope(k[p], h * d, d, p, frequencies);
        }

        var sliding = config.IsSlidingLayer(layer);
        var output = new double[t][];
        for (var p = 0; p < t; p++)
        {
            output[p] = new double[heads * d];
            for (var h = 0; h < heads; h++)
            {
                var kv = h / (heads / kvHeads);
                var scores = new double[t];
                var max = double.NegativeInfinity;
                for (var j = 0; j < t; j++)
                {
                    var visible = j <= p && (!sliding || j > p - config.SlidingWindow!.Value);
                    if (!visible)
                    {
                        scores[j] = double.NegativeInfinity;
                        continue;
                    }
                    var dot = 0.0;
                    for (var i = 0; i < d; i++) dot += q[p][h * d + i] * k[j][kv * d + i];
                    var s = dot * config.AttentionScale;
                    if (config.AttentionSoftcap is { } cap) s = cap * Math.Tanh(s / cap);
                    scores[j] = s;
                    max = Math.Max(max, s);
                }
                var sum = 0.0;
                for (var j = 0; j < t; j++)
                {
                    scores[j] = double.IsNegativeInfinity(scores[j]) ? 0 : Math.Exp(scores[j] - max);
                    sum += scores[j];
                }
                for (var j = 0; j < t; j++)
                {
                    var weight = scores[j] / sum;
                    for (var i = 0; i < d; i++) output[p][h * d + i] += weight * v[j][kv * d + i];
                }
            }
        }
        return output;
    }

    /// <summary>Rotates x[offset .. offset + D) in place, HF's rotate_half pairing (i, i + D/2).</summary>
    private static void Rope(double[] x, int offset, int d, int position, float[] frequencies)
    {
        var half = d / 2;
        for (var i = 0; i < half; i++)
        {
            var angle = position * (double)frequencies[i];
            double cos = Math.Cos(angle), sin = Math.Sin(angle);
            double a = x[offset + i], b = x[offset + i + half];
            x[offset + i] = a * cos - b * sin;
            x[offset + i + half] = b * cos + a * sin;
        }
    }

    /// <summary>y = x·Wᵀ for W stored (out, in) row-major.</summary>
    private static double[] Linear(double[] x, float[] weight, int outputs)
    {
        var inputs = x.Length;
        if (weight.Length != (long)outputs * inputs) throw new ArgumentException($"weight of {weight.Length} values is not ({outputs}, {inputs})");
        var y = new double[outputs];
        for (var o = 0; o < outputs; o++)
        {
            var sum = 0.0;
            for (var i = 0; i < inputs; i++) sum += weight[(long)o * inputs + i] * x[i];
            y[o] = sum;
        }
        return y;
    }

    private static double[] RmsNorm(LlmConfig config, double[] x, float[] weight)
    {
        var meanSquare = 0.0;
        foreach (var value in x) meanSquare += value * value;
        meanSquare /= x.Length;
        var inverse = 1 / Math.Sqrt(meanSquare + config.RmsNormEps);
        var gemma = config.Architecture == LlmArchitecture.Gemma2;
        var y = new double[x.Length];
        for (var i = 0; i < x.Length; i++) y[i] = x[i] * inverse * (gemma ? 1 + weight[i] : weight[i]);
        return y;
    }

    /// <summary>silu(x) = x / (1 + e^−x).</summary>
    public static double Silu(double x) => x / (1 + Math.Exp(-x));

    /// <summary>gelu_pytorch_tanh(x) = ½·x·(1 + tanh(√(2/π)·(x + 0.044715·x³))).</summary>
    public static double GeluTanh(double x) => 0.5 * x * (1 + Math.Tanh(Math.Sqrt(2 / Math.PI) * (x + 0.044715 * x * x * x)));

    private static double[][] Copy(double[][] rows) => [.. rows.Select(r => (double[])r.Clone())];
}
