using Engine.Kernels;
using Engine.Kernels.Ops;

namespace Engine.Train.Llm;

/// <summary>
/// The inference forward pass of a pretrained Llama or Gemma-2 decoder on any <see cref="Device"/>, in float32, with the
/// Hugging Face transformers semantics (inference only: no gradients). Legend: T tokens, C hidden, H query heads,
/// KV key/value heads, D head size, I MLP width, V vocabulary, L blocks, P positions of interest.
/// <list type="bullet">
/// <item>Embedding: x = E[tokens] (T,C), times √C for Gemma-2.</item>
/// <item>Llama block: h = x + o(attn(norm₁(x))); x' = h + down(silu(gate(y)) ⊙ up(y)), y = norm₂(h)
/// (norm₁ = input_layernorm, norm₂ = post_attention_layernorm; RMSNorm y = x̂·w).</item>
/// <item>Gemma-2 block: h = x + postAttn(o(attn(input(x)))); x' = h + postFf(down(geluTanh(gate(y)) ⊙ up(y))),
/// y = preFf(h) (RMSNorm y = x̂·(1 + w)).</item>
/// <item>attn: q, k, v = n·W_qᵀ, n·W_kᵀ, n·W_vᵀ; rotary embedding on q and k (the config's inverse frequencies, llama3
/// scaling included); grouped-query causal attention with the config's scale, attention soft-cap and, on Gemma-2's even
/// layers, the sliding window (<see cref="Device.GroupedAttentionForward{T}"/>).</item>
/// <item>Logits: final norm, the unembedding (lm_head or the tied embedding), the final soft-cap.</item>
/// </list>
/// The logit lens of every layer is taken at the last position only: the L + 1 last-position rows are gathered and pass
/// through the final norm and the unembedding in one (L+1, C)·(C, V) product.
/// </summary>
public sealed class LlmModel : IDisposable
{
    private readonly Device _device;
    private readonly List<IDisposable> _owned = [];
    private readonly DeviceBuffer<float> _embedding, _unembedding, _finalNorm, _inverseFrequencies;
    private readonly LlmBlockWeights[] _blocks;
    private readonly LlmActivations _activations;
    private readonly GatedActivation _activation;
    private readonly float _normOffset;

    private LlmModel(LlmConfig config, LlmWeights weights, Device device, IProgress<LlmLoadProgress>? progress)
    {
        Config = config;
        _device = device;
        _activation = ActivationOf(config);
        _normOffset = config.Architecture == LlmArchitecture.Gemma2 ? 1f : 0f;
        var tensors = LlmTensorNames.Expected(config);
        var uploader = new LlmWeightUploader(weights, device, tensors, progress);
        int c = config.HiddenSize, v = config.VocabSize;
        try
        {
            _embedding = Own(uploader.Upload(LlmTensorNames.Embedding, [v, c]));
            _blocks = new LlmBlockWeights[config.LayerCount];
            for (var layer = 0; layer < config.LayerCount; layer++) _blocks[layer] = Own(new LlmBlockWeights(config, layer, uploader));
            _finalNorm = Own(uploader.Upload(LlmTensorNames.FinalNorm, [c]));
            _unembedding = config.TieWordEmbeddings ? _embedding : Own(uploader.Upload(LlmTensorNames.LmHead, [v, c]));
            _inverseFrequencies = Own(device.Allocate<float>(config.HeadDim / 2));
            device.Upload<float>(config.RopeInverseFrequencies(), _inverseFrequencies.View);
            _activations = Own(new LlmActivations(config, device));
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    public LlmConfig Config { get; }

    /// <summary>Uploads every weight of <paramref name="weights"/> to <paramref name="device"/> as float32, one tensor at a time.</summary>
    /// <exception cref="LlmInputException">A tensor has the wrong shape, or the activation is not supported.</exception>
    public static LlmModel Load(LlmConfig config, LlmWeights weights, Device device, IProgress<LlmLoadProgress>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(weights);
        ArgumentNullException.ThrowIfNull(device);
        return new LlmModel(config, weights, device, progress);
    }

    /// <summary>
    /// One forward pass over <paramref name="tokens"/>: the residual stream of every layer at
    /// <paramref name="positionsOfInterest"/> (raw and through the next norm) and the logit lens of every layer at the last
    /// position for <paramref name="targetTokenId"/> (see <see cref="LlmReadout"/>).
    /// </summary>
    /// <exception cref="ArgumentException">No tokens, or a token, position or target out of range.</exception>
    public LlmReadout Run(ReadOnlySpan<int> tokens, ReadOnlySpan<int> positionsOfInterest, int targetTokenId)
    {
        var (t, c, vocab, layers) = (tokens.Length, Config.HiddenSize, Config.VocabSize, Config.LayerCount);
        if (t == 0) throw new ArgumentException("no tokens", nameof(tokens));
        CheckRange(tokens, vocab, nameof(tokens));
        CheckRange(positionsOfInterest, t, nameof(positionsOfInterest));
        ArgumentOutOfRangeException.ThrowIfNegative(targetTokenId);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(targetTokenId, vocab);
        var d = _device;
        var a = _activations;
        a.Reserve(t);
        var x = a.Residual(t);
        var n = a.Normed(t);
        var host = new float[t * c];
        var raw = new float[layers + 1][];
        var normed = new float[layers + 1][];

        d.Upload(tokens, a.Tokens(t));
        d.GatherRows(x, _embedding.View, a.Tokens(t), t, c);
        if (Config.Architecture == LlmArchitecture.Gemma2) d.Scale(MathF.Sqrt(c), x);
        raw[0] = Rows(x, host, positionsOfInterest);
        d.Copy(x.Slice((t - 1) * c, c), a.LensRows.Slice(0, c));
        for (var layer = 0; layer < layers; layer++)
        {
            var block = _blocks[layer];
            Norm(n, x, block.InputNorm, t);
            normed[layer] = Rows(n, host, positionsOfInterest);
            Block(layer, block, x, n, t);
            raw[layer + 1] = Rows(x, host, positionsOfInterest);
            d.Copy(x.Slice((t - 1) * c, c), a.LensRows.Slice((layer + 1) * c, c));
        }
        Norm(n, x, _finalNorm, t);
        normed[layers] = Rows(n, host, positionsOfInterest);

        // Logit lens: (L+1, C) last-position rows → final norm → (L+1, V) logits → soft-cap.
        var lensRows = a.LensRows;
        Norm(lensRows, lensRows, _finalNorm, layers + 1);
        d.Gemm(false, true, layers + 1, vocab, c, 1f, lensRows, c, _unembedding.View, c, 0f, a.Logits, vocab);
        if (Config.FinalLogitSoftcap is { } cap) d.SoftCapForward(a.Logits, a.Logits, (float)cap);
        var logits = new float[(layers + 1) * vocab];
        d.Download(a.Logits, logits);
        var lens = new LensReading[layers + 1];
        for (var layer = 0; layer <= layers; layer++) lens[layer] = LogitLens.Read(logits.AsSpan(layer * vocab, vocab), targetTokenId);
        return new LlmReadout(raw, normed, lens, logits[(layers * vocab)..], positionsOfInterest.Length, c);
    }

    /// <summary>x ← block(x) for block <paramref name="layer"/>; <paramref name="n"/> holds input_layernorm(x) on entry.</summary>
    private void Block(int layer, LlmBlockWeights w, BufferView<float> x, BufferView<float> n, int t)
    {
        var d = _device;
        var a = _activations;
        var (c, heads, kvHeads, headDim, ff) = (Config.HiddenSize, Config.HeadCount, Config.KvHeadCount, Config.HeadDim, Config.IntermediateSize);
        var (q, k, v, context, projected) = (a.Query(t), a.Key(t), a.Value(t), a.Context(t), a.Projected(t));

        // Attention: (T,C) → q (T,H·D), k, v (T,KV·D) → context (T,H·D) → (T,C).
        Linear(q, n, w.Query, t, heads * headDim, c);
        Linear(k, n, w.Key, t, kvHeads * headDim, c);
        Linear(v, n, w.Value, t, kvHeads * headDim, c);
        d.RotaryForward(q, _inverseFrequencies.View, t, heads, headDim);
        d.RotaryForward(k, _inverseFrequencies.View, t, kvHeads, headDim);
        var window = Config.IsSlidingLayer(layer) ? Config.SlidingWindow!.Value : 0;
        d.GroupedAttentionForward(context, q, k, v, t, heads, kvHeads, headDim,
            (float)Config.AttentionScale, (float)(Config.AttentionSoftcap ?? 0), window);
        Linear(projected, context, w.Output, t, c, heads * headDim);
        if (Config.Architecture == LlmArchitecture.Gemma2) Norm(projected, projected, w.PostAttentionNorm, t);
        d.Add(x, projected, x);

        // MLP: y = norm(h) (T,C) → gate, up (T,I) → a(gate)⊙up → (T,C).
        Norm(n, x, w.PreFeedForwardNorm ?? w.PostAttentionNorm, t);
        var (gate, up) = (a.Gate(t), a.Up(t));
        Linear(gate, n, w.Gate, t, ff, c);
        Linear(up, n, w.Up, t, ff, c);
        d.GatedActivationForward(gate, gate, up, _activation);
        Linear(projected, gate, w.Down, t, c, ff);
        if (w.PostFeedForwardNorm is { } postFf) Norm(projected, projected, postFf, t);
        d.Add(x, projected, x);
    }

    /// <summary>y = x·Wᵀ.   y (T, out); x (T, in); W (out, in).</summary>
    private void Linear(BufferView<float> y, BufferView<float> x, DeviceBuffer<float> weight, int t, int outputs, int inputs)
        => _device.Gemm(false, true, t, outputs, inputs, 1f, x, inputs, weight.View, inputs, 0f, y, outputs);

    /// <summary>output = RMSNorm(x) with the architecture's weight offset.   output, x (rows, C).</summary>
    private void Norm(BufferView<float> output, BufferView<float> x, DeviceBuffer<float> weight, int rows)
        => _device.RmsNormForward(output, default, x, weight.View, rows, Config.HiddenSize, (float)Config.RmsNormEps, _normOffset);

    /// <summary>The rows <paramref name="positions"/> of a (T,C) activation, (P,C) row-major on the host.</summary>
    private float[] Rows(BufferView<float> activation, float[] host, ReadOnlySpan<int> positions)
    {
        var c = Config.HiddenSize;
        _device.Download(activation, host.AsSpan(0, activation.Length));
        var rows = new float[positions.Length * c];
        for (var p = 0; p < positions.Length; p++) host.AsSpan(positions[p] * c, c).CopyTo(rows.AsSpan(p * c, c));
        return rows;
    }

    private static void CheckRange(ReadOnlySpan<int> values, int limit, string name)
    {
        for (var i = 0; i < values.Length; i++)
        {
            if ((uint)values[i] >= (uint)limit)
                throw new ArgumentOutOfRangeException(name, values[i], $"{name}[{i}] = {values[i]} is outside [0, {limit})");
        }
    }

    private static GatedActivation ActivationOf(LlmConfig config) => config.HiddenActivation switch
    {
        "silu" or "swish" => GatedActivation.Silu,
        "gelu_pytorch_tanh" or "gelu_tanh" => GatedActivation.GeluTanh,
        _ => throw new LlmInputException($"{LlmConfig.FileName}: hidden_activation \"{config.HiddenActivation}\" is not supported (silu or gelu_pytorch_tanh)"),
    };

    private T Own<T>(T disposable) where T : IDisposable
    {
        _owned.Add(disposable);
        return disposable;
    }

    public void Dispose()
    {
        for (var i = _owned.Count - 1; i >= 0; i--) _owned[i].Dispose();
        _owned.Clear();
    }
}
