using System.Text.Json.Nodes;
using Engine.Model;
using Engine.Train.Llm;

namespace Engine.Train.Tests.Llm.Forward;

/// <summary>
/// A tiny model whose weights a test chooses (float32, the Hugging Face layout: config.json + model.safetensors), for
/// forward-pass cases with answers computable by hand. Every tensor the architecture needs is present; those the test
/// does not set are zero (linear layers) or the norm's neutral weight (1 for Llama, 0 for Gemma-2's 1 + w).
/// </summary>
internal sealed class HandBuiltLlm
{
    private readonly Dictionary<string, float[]> _tensors = new(StringComparer.Ordinal);

    public HandBuiltLlm(LlmArchitecture architecture, int hidden, int intermediate, int layers, int heads, int kvHeads, int headDim,
        int vocab, int? slidingWindow = null, double? finalSoftcap = null, double? attentionSoftcap = null)
    {
        var gemma = architecture == LlmArchitecture.Gemma2;
        Config = new LlmConfig(architecture, hidden, intermediate, layers, heads, kvHeads, headDim, vocab, RmsNormEps: 1e-6,
            RopeTheta: 10000, RopeScaling: null, AttentionScale: 1 / Math.Sqrt(headDim), attentionSoftcap, finalSoftcap,
            slidingWindow, TieWordEmbeddings: true, gemma ? "gelu_pytorch_tanh" : "silu", BosTokenId: null);
        foreach (var (name, shape) in LlmTensorNames.Expected(Config))
        {
            var values = new float[shape.Aggregate(1, (a, b) => a * b)];
            if (shape.Length == 1 && !gemma) Array.Fill(values, 1f);
            _tensors[name] = values;
        }
    }

    public LlmConfig Config { get; }

    /// <summary>The values of tensor <paramref name="name"/> (edit in place before <see cref="Write"/>).</summary>
    public float[] this[string name] => _tensors[name];

    /// <summary>Writes config.json and model.safetensors into <paramref name="dir"/>.</summary>
    public void Write(string dir)
    {
        Directory.CreateDirectory(dir);
        var c = Config;
        var gemma = c.Architecture == LlmArchitecture.Gemma2;
        var json = new JsonObject
        {
            ["model_type"] = gemma ? "gemma2" : "llama",
            ["architectures"] = new JsonArray(gemma ? "Gemma2ForCausalLM" : "LlamaForCausalLM"),
            ["hidden_size"] = c.HiddenSize,
            ["intermediate_size"] = c.IntermediateSize,
            ["num_hidden_layers"] = c.LayerCount,
            ["num_attention_heads"] = c.HeadCount,
            ["num_key_value_heads"] = c.KvHeadCount,
            ["head_dim"] = c.HeadDim,
            ["vocab_size"] = c.VocabSize,
            ["rms_norm_eps"] = c.RmsNormEps,
            ["rope_theta"] = c.RopeTheta,
            ["tie_word_embeddings"] = true,
        };
        if (gemma)
        {
            json["query_pre_attn_scalar"] = c.HeadDim;
            json["attn_logit_softcapping"] = c.AttentionSoftcap is { } a ? JsonValue.Create(a) : null;
            json["final_logit_softcapping"] = c.FinalLogitSoftcap is { } f ? JsonValue.Create(f) : null;
            json["sliding_window"] = c.SlidingWindow is { } w ? JsonValue.Create(w) : null;
        }
        File.WriteAllText(Path.Combine(dir, LlmConfig.FileName), json.ToJsonString());
        var writer = new SafeTensorsWriter();
        foreach (var (name, shape) in LlmTensorNames.Expected(Config)) writer.Add<float>(name, shape, _tensors[name]);
        writer.Save(Path.Combine(dir, LlmWeights.SingleFileName));
    }
}
