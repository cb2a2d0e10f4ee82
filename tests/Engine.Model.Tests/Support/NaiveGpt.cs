using Engine.Kernels;
using Engine.Model;

namespace Engine.Model.Tests;

/// <summary>
/// An independent float64 reference of the model written straight from TASK.md section 3 with plain
/// loops over every position of every layer (no row selection, no device): the forward results of
/// <see cref="Gpt{T}"/> are compared with it. Legend: B sequences, T tokens, C channels, V vocabulary.
/// </summary>
internal sealed class NaiveGpt
{
    private readonly GptConfig _config;
    private readonly Dictionary<string, double[]> _p;

    /// <summary>Copies the parameters of <paramref name="model"/> by state-dict name.</summary>
    public NaiveGpt(Gpt<double> model) : this(model.Config, model.StateDict.ToDictionary(kv => kv.Key, kv => kv.Value.ToArray())) { }

    public NaiveGpt(Gpt<float> model)
        : this(model.Config, model.StateDict.ToDictionary(kv => kv.Key, kv => kv.Value.ToArray().Select(v => (double)v).ToArray())) { }

    private NaiveGpt(GptConfig config, Dictionary<string, double[]> parameters)
    {
        _config = config;
        _p = parameters;
    }

    /// <summary>Attention probabilities [layer][b, h, t, s] of the last <see cref="Logits"/> call.</summary>
    public List<double[,,,]> Attention { get; } = [];

    /// <summary>The residual stream [layer][b] at position lastPositions[b] of the last <see cref="Logits"/> call:
    /// layer 0 after the embedding, layer ℓ after block ℓ.</summary>
    public List<double[][]> Residuals { get; } = [];

    /// <summary>Logits (B,V) at position lastPositions[b] of each sequence.</summary>
    public double[,] Logits(int[] tokens, int[] lastPositions, int batch, int length)
    {
        int c = _config.Width, heads = _config.Heads, hs = c / heads, vocab = _config.VocabSize;
        Attention.Clear();
        for (var layer = 0; layer < _config.Depth; layer++) Attention.Add(new double[batch, heads, length, length]);
        Residuals.Clear();
        for (var layer = 0; layer <= _config.Depth; layer++) Residuals.Add(new double[batch][]);
        var logits = new double[batch, vocab];
        for (var b = 0; b < batch; b++)
        {
            var x = new double[length][];
            for (var t = 0; t < length; t++) x[t] = Row(_p["tok_emb.weight"], tokens[b * length + t], c);
            Residuals[0][b] = [.. x[lastPositions[b]]];
            for (var layer = 0; layer < _config.Depth; layer++)
            {
                var prefix = $"blocks.{layer}.";
                var qkv = new double[length][];
                for (var t = 0; t < length; t++)
                {
                    var h = Norm(x[t], prefix + "ln_1");
                    qkv[t] = Affine(_p[prefix + "attn.qkv.weight"], _p[prefix + "attn.qkv.bias"], h, 3 * c);
                    for (var part = 0; part < 2; part++)
                        for (var head = 0; head < heads; head++)
                            Rotate(qkv[t], part * c + head * hs, hs, t);
                }
                var mixed = new double[length][];
                for (var t = 0; t < length; t++)
                {
                    mixed[t] = new double[c];
                    for (var head = 0; head < heads; head++)
                    {
                        var scores = new double[t + 1];
                        for (var s = 0; s <= t; s++)
                        {
                            var dot = 0.0;
                            for (var j = 0; j < hs; j++) dot += qkv[t][head * hs + j] * qkv[s][c + head * hs + j];
                            scores[s] = dot / Math.Sqrt(hs);
                        }
                        var max = scores.Max();
                        var sum = scores.Sum(v => Math.Exp(v - max));
                        for (var s = 0; s <= t; s++)
                        {
                            var prob = Math.Exp(scores[s] - max) / sum;
                            Attention[layer][b, head, t, s] = prob;
                            for (var j = 0; j < hs; j++) mixed[t][head * hs + j] += prob * qkv[s][2 * c + head * hs + j];
                        }
                    }
                }
                for (var t = 0; t < length; t++)
                {
                    var o = Affine(_p[prefix + "attn.out.weight"], _p[prefix + "attn.out.bias"], mixed[t], c);
                    for (var j = 0; j < c; j++) x[t][j] += o[j];
                    if (_config.AttentionOnly) continue;
                    var up = Affine(_p[prefix + "mlp.0.weight"], _p[prefix + "mlp.0.bias"], Norm(x[t], prefix + "ln_2"), 4 * c);
                    for (var j = 0; j < up.Length; j++) up[j] *= SpecialFunctions.NormalCdf(up[j]);
                    var down = Affine(_p[prefix + "mlp.2.weight"], _p[prefix + "mlp.2.bias"], up, c);
                    for (var j = 0; j < c; j++) x[t][j] += down[j];
                }
                Residuals[layer + 1][b] = [.. x[lastPositions[b]]];
            }
            var f = Norm(x[lastPositions[b]], "ln_f");
            var output = _config.Tied ? _p["tok_emb.weight"] : _p["head.weight"];
            for (var v = 0; v < vocab; v++)
            {
                var dot = 0.0;
                for (var j = 0; j < c; j++) dot += output[v * c + j] * f[j];
                logits[b, v] = dot;
            }
        }
        return logits;
    }

    /// <summary>Per-row cross-entropy logsumexp(z) − z[target].</summary>
    public static double[] CrossEntropy(double[,] logits, int[] targets)
    {
        var rows = logits.GetLength(0);
        var vocab = logits.GetLength(1);
        var losses = new double[rows];
        for (var r = 0; r < rows; r++)
        {
            var max = double.NegativeInfinity;
            for (var v = 0; v < vocab; v++) max = Math.Max(max, logits[r, v]);
            var sum = 0.0;
            for (var v = 0; v < vocab; v++) sum += Math.Exp(logits[r, v] - max);
            losses[r] = max + Math.Log(sum) - logits[r, targets[r]];
        }
        return losses;
    }

    private static double[] Row(double[] table, int row, int width) => table.AsSpan(row * width, width).ToArray();

    private double[] Norm(double[] x, string name)
    {
        var mean = x.Average();
        var variance = x.Sum(v => (v - mean) * (v - mean)) / x.Length;
        var scale = 1 / Math.Sqrt(variance + _config.LayerNormEps);
        var (gamma, beta) = (_p[name + ".weight"], _p[name + ".bias"]);
        return x.Select((v, i) => (v - mean) * scale * gamma[i] + beta[i]).ToArray();
    }

    /// <summary>W (out, in) · x + b.</summary>
    private static double[] Affine(double[] weight, double[] bias, double[] x, int outFeatures)
    {
        var y = new double[outFeatures];
        for (var o = 0; o < outFeatures; o++)
        {
            var sum = bias[o];
            for (var i = 0; i < x.Length; i++) sum += weight[o * x.Length + i] * x[i];
            y[o] = sum;
        }
        return y;
    }

    /// <summary>Rotate-half RoPE on one head slice at position t: pairs (i, i + HS/2), θ_i = base^(−2i/HS).</summary>
    private void Rotate(double[] v, int start, int headSize, int t)
    {
        var half = headSize / 2;
        for (var i = 0; i < half; i++)
        {
            var angle = t * Math.Pow(_config.RopeBase, -2.0 * i / headSize);
            var (x1, x2) = (v[start + i], v[start + i + half]);
            v[start + i] = x1 * Math.Cos(angle) - x2 * Math.Sin(angle);
            v[start + i + half] = x2 * Math.Cos(angle) + x1 * Math.Sin(angle);
        }
    }
}
