using System.Text.Json;
using System.Text.Json.Nodes;
using Engine.Model;
using Engine.Train.Llm;

namespace Engine.Train.Tests.Llm.Fixtures;

/// <summary>
/// A small random model written by the test in the real Hugging Face layout: config.json, model.safetensors (or shards
/// with model.safetensors.index.json) and tokenizer files. <see cref="Tensors"/> holds every tensor's values exactly as
/// stored (rounded to the on-disk dtype), for the float64 reference forward pass (<see cref="LlmReference"/>).
/// </summary>
public sealed class TinyLlm
{
    private TinyLlm(string dir, TinyLlmSpec spec, LlmConfig config, TinyVocabulary vocabulary, Dictionary<string, (int[] Shape, float[] Values)> tensors)
    {
        Dir = dir;
        Spec = spec;
        Config = config;
        Vocabulary = vocabulary;
        Tensors = tensors;
    }

    /// <summary>The model folder.</summary>
    public string Dir { get; }

    public TinyLlmSpec Spec { get; }

    /// <summary>The config that config.json describes (what <see cref="LlmConfig.Read"/> should return).</summary>
    public LlmConfig Config { get; }

    /// <summary>The tokenizer's pieces and special ids.</summary>
    public TinyVocabulary Vocabulary { get; }

    /// <summary>Name → (shape, values as stored).</summary>
    public IReadOnlyDictionary<string, (int[] Shape, float[] Values)> Tensors { get; }

    /// <summary>The values of one tensor as stored.</summary>
    public float[] Values(string name) => Tensors[name].Values;

    /// <summary>Writes the model into <paramref name="dir"/> (created if needed).</summary>
    public static TinyLlm Write(string dir, TinyLlmSpec spec)
    {
        Directory.CreateDirectory(dir);
        var vocabulary = spec.TokenizerKind == TinyTokenizerKind.SentencePieceModel
            ? TinyTokenizerFiles.WriteSentencePieceModel(dir)
            : TinyTokenizerFiles.WriteByteLevelBpeJson(dir);
        var config = ConfigOf(spec, vocabulary);
        File.WriteAllText(Path.Combine(dir, LlmConfig.FileName), ConfigJson(spec, config).ToJsonString(new JsonSerializerOptions { WriteIndented = true }));

        var random = new Random(spec.Seed);
        var tensors = new Dictionary<string, (int[], float[])>(StringComparer.Ordinal);
        foreach (var (name, shape) in LlmTensorNames.Expected(config))
        {
            var values = new float[shape.Aggregate(1, (a, b) => a * b)];
            var isNorm = shape.Length == 1;
            // Norm weights: Llama multiplies by w (around 1), Gemma-2 by 1 + w (w around 0). Linear: ~ 1/√in.
            var scale = isNorm ? 0.2 : name == LlmTensorNames.Embedding || name == LlmTensorNames.LmHead ? 1.0 : 1.0 / Math.Sqrt(shape[1]);
            var offset = isNorm && spec.Architecture == LlmArchitecture.Llama ? 1.0 : 0.0;
            for (var i = 0; i < values.Length; i++) values[i] = RoundToDType((float)(offset + scale * Gaussian(random)), spec.DType);
            tensors[name] = (shape, values);
        }
        WriteSafetensors(dir, spec, tensors);
        return new TinyLlm(dir, spec, config, vocabulary, tensors);
    }

    /// <summary>The value <paramref name="value"/> becomes once stored as <paramref name="dtype"/> and read back as float32.</summary>
    public static float RoundToDType(float value, string dtype) => dtype switch
    {
        "BF16" => BFloat16Bits.ToSingle(BFloat16Bits.FromSingle(value)),
        "F16" => (float)(Half)value,
        "F32" => value,
        _ => throw new ArgumentException($"dtype {dtype}", nameof(dtype)),
    };

    /// <summary>Little-endian bytes of <paramref name="values"/> in <paramref name="dtype"/>.</summary>
    public static byte[] Encode(ReadOnlySpan<float> values, string dtype)
    {
        var size = SafeTensorsFormat.ElementSize(dtype);
        var bytes = new byte[values.Length * size];
        for (var i = 0; i < values.Length; i++)
        {
            var slot = bytes.AsSpan(i * size, size);
            switch (dtype)
            {
                case "BF16": BitConverter.TryWriteBytes(slot, BFloat16Bits.FromSingle(values[i])); break;
                case "F16": BitConverter.TryWriteBytes(slot, BitConverter.HalfToUInt16Bits((Half)values[i])); break;
                case "F32": BitConverter.TryWriteBytes(slot, values[i]); break;
                default: throw new ArgumentException($"dtype {dtype}", nameof(dtype));
            }
        }
        return bytes;
    }

    /// <summary>The shard file name Hugging Face uses: model-00001-of-00003.safetensors.</summary>
    public static string ShardName(int index, int count) => $"model-{index + 1:D5}-of-{count:D5}.safetensors";

    private static void WriteSafetensors(string dir, TinyLlmSpec spec, Dictionary<string, (int[] Shape, float[] Values)> tensors)
    {
        var names = tensors.Keys.ToList();
        if (spec.Shards <= 1)
        {
            var writer = NewWriter();
            foreach (var name in names) writer.AddEncoded(name, spec.DType, tensors[name].Shape, Encode(tensors[name].Values, spec.DType));
            writer.Save(Path.Combine(dir, LlmWeights.SingleFileName));
            return;
        }
        var weightMap = new JsonObject();
        long totalSize = 0;
        for (var shard = 0; shard < spec.Shards; shard++)
        {
            var writer = NewWriter();
            // Contiguous runs of tensors per shard, as save_pretrained does.
            var from = names.Count * shard / spec.Shards;
            var to = names.Count * (shard + 1) / spec.Shards;
            foreach (var name in names.Skip(from).Take(to - from))
            {
                var bytes = Encode(tensors[name].Values, spec.DType);
                writer.AddEncoded(name, spec.DType, tensors[name].Shape, bytes);
                weightMap[name] = ShardName(shard, spec.Shards);
                totalSize += bytes.Length;
            }
            writer.Save(Path.Combine(dir, ShardName(shard, spec.Shards)));
        }
        var index = new JsonObject { ["metadata"] = new JsonObject { ["total_size"] = totalSize }, ["weight_map"] = weightMap };
        File.WriteAllText(Path.Combine(dir, LlmWeights.IndexFileName), index.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
    }

    private static SafeTensorsWriter NewWriter()
    {
        var writer = new SafeTensorsWriter();
        writer.Metadata["format"] = "pt";
        return writer;
    }

    private static LlmConfig ConfigOf(TinyLlmSpec spec, TinyVocabulary vocabulary)
    {
        var gemma = spec.Architecture == LlmArchitecture.Gemma2;
        RopeScaling? scaling = spec.Llama3RopeScaling ? new RopeScaling("llama3", 8, 1, 4, 64) : null;
        return new LlmConfig(spec.Architecture, spec.Hidden, spec.Intermediate, spec.Layers, spec.Heads, spec.KvHeads, spec.HeadDim,
            vocabulary.Size, spec.RmsNormEps, spec.RopeTheta, scaling,
            AttentionScale: gemma ? 1 / Math.Sqrt(spec.QueryPreAttnScalar) : 1 / Math.Sqrt(spec.HeadDim),
            AttentionSoftcap: gemma ? spec.AttentionSoftcap : null,
            FinalLogitSoftcap: gemma ? spec.FinalLogitSoftcap : null,
            SlidingWindow: gemma ? spec.SlidingWindow : null,
            spec.Tied, gemma ? "gelu_pytorch_tanh" : "silu", vocabulary.BosId);
    }

    /// <summary>config.json as transformers writes it for the architecture (the fields its from_pretrained reads).</summary>
    private static JsonObject ConfigJson(TinyLlmSpec spec, LlmConfig config)
    {
        var gemma = spec.Architecture == LlmArchitecture.Gemma2;
        var json = new JsonObject
        {
            ["architectures"] = new JsonArray(gemma ? "Gemma2ForCausalLM" : "LlamaForCausalLM"),
            ["model_type"] = gemma ? "gemma2" : "llama",
            ["attention_bias"] = false,
            ["attention_dropout"] = 0.0,
            ["bos_token_id"] = config.BosTokenId,
            ["eos_token_id"] = 1,
            ["head_dim"] = config.HeadDim,
            ["hidden_act"] = config.HiddenActivation,
            ["hidden_size"] = config.HiddenSize,
            ["initializer_range"] = 0.02,
            ["intermediate_size"] = config.IntermediateSize,
            ["max_position_embeddings"] = 8192,
            ["num_attention_heads"] = config.HeadCount,
            ["num_hidden_layers"] = config.LayerCount,
            ["num_key_value_heads"] = config.KvHeadCount,
            ["rms_norm_eps"] = config.RmsNormEps,
            ["rope_theta"] = config.RopeTheta,
            ["tie_word_embeddings"] = config.TieWordEmbeddings,
            ["torch_dtype"] = spec.DType switch { "BF16" => "bfloat16", "F16" => "float16", _ => "float32" },
            ["transformers_version"] = "4.44.0",
            ["use_cache"] = true,
            ["vocab_size"] = config.VocabSize,
        };
        if (gemma)
        {
            json["hidden_activation"] = config.HiddenActivation;
            json["query_pre_attn_scalar"] = spec.QueryPreAttnScalar;
            json["attn_logit_softcapping"] = config.AttentionSoftcap;
            json["final_logit_softcapping"] = config.FinalLogitSoftcap;
            json["sliding_window"] = config.SlidingWindow;
            json["cache_implementation"] = "hybrid";
            json["pad_token_id"] = 0;
        }
        else
        {
            json["mlp_bias"] = false;
            json["pretraining_tp"] = 1;
            json["rope_scaling"] = config.RopeScaling is { } s
                ? new JsonObject
                {
                    ["factor"] = s.Factor,
                    ["high_freq_factor"] = s.HighFreqFactor,
                    ["low_freq_factor"] = s.LowFreqFactor,
                    ["original_max_position_embeddings"] = s.OriginalMaxPositionEmbeddings,
                    ["rope_type"] = s.Type,
                }
                : null;
        }
        return json;
    }

    private static double Gaussian(Random random)
    {
        // Box–Muller.
        var u1 = 1.0 - random.NextDouble();
        var u2 = random.NextDouble();
        return Math.Sqrt(-2 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2);
    }
}
