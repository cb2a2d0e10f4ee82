using System.Text.Json;

namespace Engine.Train.Llm;

/// <summary>
/// The shape and settings of a Hugging Face Llama or Gemma-2 decoder, read from its <c>config.json</c>.
/// Linear shapes: q (H·D, C), k and v (KV·D, C), o (C, H·D), gate and up (I, C), down (C, I), embedding (V, C).
/// </summary>
/// <param name="Architecture">Llama or Gemma-2 (from model_type / architectures).</param>
/// <param name="HiddenSize">C, the residual width (hidden_size).</param>
/// <param name="IntermediateSize">I, the gated MLP width (intermediate_size).</param>
/// <param name="LayerCount">L, the number of blocks (num_hidden_layers).</param>
/// <param name="HeadCount">H, query heads (num_attention_heads).</param>
/// <param name="KvHeadCount">KV, key/value heads (num_key_value_heads); query head h reads kv head h / (H/KV).</param>
/// <param name="HeadDim">D, per-head width (head_dim).</param>
/// <param name="VocabSize">V (vocab_size).</param>
/// <param name="RmsNormEps">ε in x / √(mean(x²) + ε) (rms_norm_eps).</param>
/// <param name="RopeTheta">θ, the RoPE base (rope_theta).</param>
/// <param name="RopeScaling">llama3 frequency scaling, or null (rope_scaling).</param>
/// <param name="AttentionScale">The q·k multiplier: 1/√<paramref name="HeadDim"/> (Llama), query_pre_attn_scalar^−½ (Gemma-2).</param>
/// <param name="AttentionSoftcap">Gemma-2: s ← cap·tanh(s/cap) on the scaled attention logits before masking; null when off.</param>
/// <param name="FinalLogitSoftcap">Gemma-2: logits ← cap·tanh(logits/cap); null when off.</param>
/// <param name="SlidingWindow">Gemma-2: on layers where <see cref="IsSlidingLayer"/>, a query at t sees keys t − W &lt; j ≤ t.</param>
/// <param name="TieWordEmbeddings">The unembedding is the embedding matrix (no lm_head.weight).</param>
/// <param name="HiddenActivation">"silu" (Llama, SwiGLU) or "gelu_pytorch_tanh" (Gemma-2, GeGLU with the tanh GELU).</param>
/// <param name="BosTokenId">The beginning-of-sequence token id (bos_token_id), or null.</param>
public sealed record LlmConfig(
    LlmArchitecture Architecture,
    int HiddenSize,
    int IntermediateSize,
    int LayerCount,
    int HeadCount,
    int KvHeadCount,
    int HeadDim,
    int VocabSize,
    double RmsNormEps,
    double RopeTheta,
    RopeScaling? RopeScaling,
    double AttentionScale,
    double? AttentionSoftcap,
    double? FinalLogitSoftcap,
    int? SlidingWindow,
    bool TieWordEmbeddings,
    string HiddenActivation,
    int? BosTokenId)
{
    /// <summary>The file name of the config in a model folder.</summary>
    public const string FileName = "config.json";

    /// <summary>Gemma-2 slides on even layers (HF <c>layer_types</c>: index % 2 == 0 is "sliding_attention").</summary>
    public bool IsSlidingLayer(int layer)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(layer);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(layer, LayerCount);
        return Architecture == LlmArchitecture.Gemma2 && SlidingWindow is not null && layer % 2 == 0;
    }

    /// <summary>
    /// RoPE inverse frequencies (D/2): inv[i] = θ^(−2i/D); with llama3 scaling, for wavelength λ = 2π/inv,
    /// low = orig/low_freq_factor, high = orig/high_freq_factor: λ &gt; low → inv/factor; λ &lt; high → inv; else
    /// s = (orig/λ − low_freq_factor)/(high_freq_factor − low_freq_factor), inv ← (1 − s)·inv/factor + s·inv.
    /// Computed in double, rounded to float once.
    /// </summary>
    public float[] RopeInverseFrequencies()
    {
        var half = HeadDim / 2;
        var result = new float[half];
        for (var i = 0; i < half; i++)
        {
            var inv = 1.0 / Math.Pow(RopeTheta, 2.0 * i / HeadDim);
            if (RopeScaling is { } s)
            {
                var wavelength = 2 * Math.PI / inv;
                var lowWavelength = s.OriginalMaxPositionEmbeddings / s.LowFreqFactor;
                var highWavelength = s.OriginalMaxPositionEmbeddings / s.HighFreqFactor;
                if (wavelength > lowWavelength) inv /= s.Factor;
                else if (wavelength >= highWavelength)
                {
                    var smooth = (s.OriginalMaxPositionEmbeddings / wavelength - s.LowFreqFactor) / (s.HighFreqFactor - s.LowFreqFactor);
                    inv = (1 - smooth) * inv / s.Factor + smooth * inv;
                }
            }
            result[i] = (float)inv;
        }
        return result;
    }

    /// <summary>
    /// Reads <c>config.json</c> of the Hugging Face model folder <paramref name="modelDir"/>, with the defaults of
    /// transformers' LlamaConfig / Gemma2Config for absent fields (num_key_value_heads = heads, head_dim =
    /// hidden/heads for Llama, ...).
    /// </summary>
    /// <exception cref="LlmInputException">The folder or file is missing, not JSON, names an unsupported architecture
    /// or setting, or a field is of the wrong kind (one line naming the file and the field).</exception>
    public static LlmConfig Read(string modelDir)
    {
        ArgumentNullException.ThrowIfNull(modelDir);
        if (!Directory.Exists(modelDir)) throw new LlmInputException($"{modelDir}: no such model folder");
        var path = System.IO.Path.Combine(modelDir, FileName);
        if (!File.Exists(path)) throw new LlmInputException($"{path}: not found (a Hugging Face model folder holds config.json)");
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(File.ReadAllBytes(path));
        }
        catch (JsonException e)
        {
            throw new LlmInputException($"{path}: not valid JSON: {e.Message}", e);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new LlmInputException($"{path}: cannot be read: {e.Message}", e);
        }
        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Object) throw new LlmInputException($"{path}: not a JSON object");
            return Parse(new HfConfigJson(path, document.RootElement));
        }
    }

    private static LlmConfig Parse(HfConfigJson json)
    {
        var architecture = ReadArchitecture(json);
        var gemma = architecture == LlmArchitecture.Gemma2;
        // Defaults: transformers' LlamaConfig and Gemma2Config (the latter are Gemma-2-2B's).
        var hidden = json.PositiveInt("hidden_size", gemma ? 2304 : 4096);
        var intermediate = json.PositiveInt("intermediate_size", gemma ? 9216 : 11008);
        var layers = json.PositiveInt("num_hidden_layers", gemma ? 26 : 32);
        var heads = json.PositiveInt("num_attention_heads", gemma ? 8 : 32);
        var kvHeads = json.PositiveInt("num_key_value_heads", gemma ? 4 : heads);
        if (heads % kvHeads != 0)
            throw json.Bad("num_key_value_heads", $"is {kvHeads}, which does not divide num_attention_heads {heads}");
        int headDim;
        if (json.IsSet("head_dim")) headDim = json.PositiveInt("head_dim", null);
        else if (gemma) headDim = 256;
        else if (hidden % heads == 0) headDim = hidden / heads;
        else throw json.Bad("head_dim", $"is missing and hidden_size {hidden} is not a multiple of num_attention_heads {heads}");
        if (headDim % 2 != 0) throw json.Bad("head_dim", $"is {headDim}; RoPE needs an even head dimension");
        var vocab = json.PositiveInt("vocab_size", gemma ? 256000 : 32000);
        var eps = json.PositiveNumber("rms_norm_eps", 1e-6);
        var theta = json.PositiveNumber("rope_theta", 10000);
        var ropeScaling = ReadRopeScaling(json);
        if (json.Bool("attention_bias", false)) throw json.Bad("attention_bias", "is true; biased attention projections are not supported");
        if (json.Bool("mlp_bias", false)) throw json.Bad("mlp_bias", "is true; biased MLP projections are not supported");
        var activationField = gemma && json.IsSet("hidden_activation") ? "hidden_activation" : "hidden_act";
        var activation = json.String(activationField) ?? (gemma ? "gelu_pytorch_tanh" : "silu");
        var supported = gemma ? "gelu_pytorch_tanh" : "silu";
        if (activation != supported) throw json.Bad(activationField, $"is '{activation}'; {architecture} supports '{supported}'");
        var tie = json.Bool("tie_word_embeddings", gemma);
        var bos = json.HasKey("bos_token_id") ? json.OptionalInt("bos_token_id") : gemma ? 2 : 1;

        if (!gemma)
            return new LlmConfig(architecture, hidden, intermediate, layers, heads, kvHeads, headDim, vocab, eps, theta, ropeScaling,
                AttentionScale: 1 / Math.Sqrt(headDim), AttentionSoftcap: null, FinalLogitSoftcap: null, SlidingWindow: null,
                tie, activation, bos);

        var queryScalar = json.PositiveNumber("query_pre_attn_scalar", 256);
        var attentionCap = json.OptionalPositiveNumber("attn_logit_softcapping", 50);
        var finalCap = json.OptionalPositiveNumber("final_logit_softcapping", 30);
        // Absent: Gemma2Config's 4096; JSON null: no sliding layers.
        int? window = !json.HasKey("sliding_window") ? 4096 : json.IsSet("sliding_window") ? json.PositiveInt("sliding_window", null) : null;
        CheckLayerTypes(json, layers, window);
        return new LlmConfig(architecture, hidden, intermediate, layers, heads, kvHeads, headDim, vocab, eps, theta, ropeScaling,
            AttentionScale: 1 / Math.Sqrt(queryScalar), attentionCap, finalCap, window, tie, activation, bos);
    }

    private static LlmArchitecture ReadArchitecture(HfConfigJson json)
    {
        var modelType = json.String("model_type");
        string? declared = null;
        if (json.Element("architectures") is { } list)
        {
            if (list.ValueKind != JsonValueKind.Array || list.GetArrayLength() == 0 || list[0].ValueKind != JsonValueKind.String)
                throw json.Bad("architectures", "is not a list of class names");
            declared = list[0].GetString();
        }
        LlmArchitecture? fromType = modelType switch
        {
            null => null,
            "llama" => LlmArchitecture.Llama,
            "gemma2" => LlmArchitecture.Gemma2,
            _ => throw json.Bad("model_type", $"is '{modelType}'; supported: llama (LlamaForCausalLM), gemma2 (Gemma2ForCausalLM)"),
        };
        LlmArchitecture? fromClass = declared switch
        {
            null => null,
            "LlamaForCausalLM" => LlmArchitecture.Llama,
            "Gemma2ForCausalLM" => LlmArchitecture.Gemma2,
            _ => throw json.Bad("architectures", $"names '{declared}'; supported: LlamaForCausalLM, Gemma2ForCausalLM"),
        };
        if (fromType is null && fromClass is null) throw json.Bad("model_type", "and 'architectures' are both missing");
        if (fromType is not null && fromClass is not null && fromType != fromClass)
            throw json.Bad("architectures", $"names '{declared}' but model_type is '{modelType}'");
        return fromType ?? fromClass!.Value;
    }

    private static RopeScaling? ReadRopeScaling(HfConfigJson json)
    {
        if (json.Element("rope_scaling") is not { } scaling) return null;
        if (scaling.ValueKind != JsonValueKind.Object) throw json.Bad("rope_scaling", "is not an object");
        var typeField = scaling.TryGetProperty("rope_type", out var t) ? t : scaling.TryGetProperty("type", out var legacy) ? legacy : default;
        var type = typeField.ValueKind == JsonValueKind.String ? typeField.GetString() : null;
        if (type == "default") return null;
        if (type != "llama3")
            throw json.Bad("rope_scaling", $"has rope_type {(type is null ? "missing" : $"'{type}'")}; supported: llama3, default");
        var factor = json.PositiveNumber(scaling, "factor", "rope_scaling.factor", null);
        var low = json.PositiveNumber(scaling, "low_freq_factor", "rope_scaling.low_freq_factor", null);
        var high = json.PositiveNumber(scaling, "high_freq_factor", "rope_scaling.high_freq_factor", null);
        var original = json.PositiveNumber(scaling, "original_max_position_embeddings", "rope_scaling.original_max_position_embeddings", null);
        if (high <= low) throw json.Bad("rope_scaling.high_freq_factor", $"is {high}; it must exceed low_freq_factor {low}");
        if (original != Math.Floor(original) || original > int.MaxValue)
            throw json.Bad("rope_scaling.original_max_position_embeddings", $"is {original}, not an integer");
        return new RopeScaling(type, factor, low, high, (int)original);
    }

    private static void CheckLayerTypes(HfConfigJson json, int layers, int? window)
    {
        if (json.Element("layer_types") is not { } types) return;
        if (types.ValueKind != JsonValueKind.Array || types.GetArrayLength() != layers)
            throw json.Bad("layer_types", $"is not a list of {layers} layer types");
        for (var i = 0; i < layers; i++)
        {
            var expected = window is not null && i % 2 == 0 ? "sliding_attention" : "full_attention";
            var actual = types[i].ValueKind == JsonValueKind.String ? types[i].GetString() : types[i].GetRawText();
            if (actual != expected)
                throw json.Bad("layer_types", $"entry {i} is '{actual}'; only Gemma-2's alternation (sliding on even layers) is supported");
        }
    }
}
