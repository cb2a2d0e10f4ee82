namespace Engine.Train.Llm;

/// <summary>
/// Hugging Face tensor names of <c>LlamaForCausalLM</c> / <c>Gemma2ForCausalLM</c> checkpoints. Linear weights are
/// stored (out, in): y = x·Wᵀ.
/// </summary>
public static class LlmTensorNames
{
    /// <summary>Token embedding (V, C).</summary>
    public const string Embedding = "model.embed_tokens.weight";

    /// <summary>Final RMSNorm weight (C).</summary>
    public const string FinalNorm = "model.norm.weight";

    /// <summary>Unembedding (V, C); absent when tied to <see cref="Embedding"/>.</summary>
    public const string LmHead = "lm_head.weight";

    /// <summary>RMSNorm before attention (C).</summary>
    public static string InputNorm(int layer) => $"model.layers.{layer}.input_layernorm.weight";

    /// <summary>Query projection (H·D, C).</summary>
    public static string QueryProjection(int layer) => $"model.layers.{layer}.self_attn.q_proj.weight";

    /// <summary>Key projection (KV·D, C).</summary>
    public static string KeyProjection(int layer) => $"model.layers.{layer}.self_attn.k_proj.weight";

    /// <summary>Value projection (KV·D, C).</summary>
    public static string ValueProjection(int layer) => $"model.layers.{layer}.self_attn.v_proj.weight";

    /// <summary>Attention output projection (C, H·D).</summary>
    public static string OutputProjection(int layer) => $"model.layers.{layer}.self_attn.o_proj.weight";

    /// <summary>Llama: RMSNorm before the MLP. Gemma-2: RMSNorm of the attention output, before the residual add (C).</summary>
    public static string PostAttentionNorm(int layer) => $"model.layers.{layer}.post_attention_layernorm.weight";

    /// <summary>Gemma-2 only: RMSNorm before the MLP (C).</summary>
    public static string PreFeedForwardNorm(int layer) => $"model.layers.{layer}.pre_feedforward_layernorm.weight";

    /// <summary>Gemma-2 only: RMSNorm of the MLP output, before the residual add (C).</summary>
    public static string PostFeedForwardNorm(int layer) => $"model.layers.{layer}.post_feedforward_layernorm.weight";

    /// <summary>Gate projection of the gated MLP (I, C).</summary>
    public static string GateProjection(int layer) => $"model.layers.{layer}.mlp.gate_proj.weight";

    /// <summary>Up projection of the gated MLP (I, C).</summary>
    public static string UpProjection(int layer) => $"model.layers.{layer}.mlp.up_proj.weight";

    /// <summary>Down projection of the gated MLP (C, I).</summary>
    public static string DownProjection(int layer) => $"model.layers.{layer}.mlp.down_proj.weight";

    /// <summary>Every tensor the architecture needs, with its shape under <paramref name="config"/> (lm_head only when untied).</summary>
    public static IReadOnlyList<(string Name, int[] Shape)> Expected(LlmConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        int c = config.HiddenSize, q = config.HeadCount * config.HeadDim, kv = config.KvHeadCount * config.HeadDim, ff = config.IntermediateSize;
        var list = new List<(string, int[])> { (Embedding, [config.VocabSize, c]) };
        for (var i = 0; i < config.LayerCount; i++)
        {
            list.Add((InputNorm(i), [c]));
            list.Add((QueryProjection(i), [q, c]));
            list.Add((KeyProjection(i), [kv, c]));
            list.Add((ValueProjection(i), [kv, c]));
            list.Add((OutputProjection(i), [c, q]));
            list.Add((PostAttentionNorm(i), [c]));
            if (config.Architecture == LlmArchitecture.Gemma2)
            {
                list.Add((PreFeedForwardNorm(i), [c]));
                list.Add((PostFeedForwardNorm(i), [c]));
            }
            list.Add((GateProjection(i), [ff, c]));
            list.Add((UpProjection(i), [ff, c]));
            list.Add((DownProjection(i), [c, ff]));
        }
        list.Add((FinalNorm, [c]));
        if (!config.TieWordEmbeddings) list.Add((LmHead, [config.VocabSize, c]));
        return list;
    }
}
