using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Engine.Model;
using Engine.Train.Llm;

namespace Engine.Perf;

/// <summary>
/// Writes a random Gemma-2 checkpoint with Gemma-2-2B's shapes (hidden 2304, MLP 9216, 8 heads, 4 kv heads, head 256,
/// vocabulary 256000) but <c>layers</c> blocks, in the Hugging Face layout: config.json and a bf16 model.safetensors.
/// The tensors are generated and streamed in 1 Mi-element chunks, so writing costs a few MB of memory whatever the size
/// (the measured process's peak stays the forward pass's). Temp file then rename; config.json is written last.
/// </summary>
internal static class RandomLlmCheckpoint
{
    private const int Chunk = 1 << 20;

    /// <summary>config.json of the random model (Gemma-2-2B's, with <paramref name="layers"/> blocks).</summary>
    public static JsonObject Config(int layers) => new()
    {
        ["architectures"] = new JsonArray("Gemma2ForCausalLM"),
        ["model_type"] = "gemma2",
        ["hidden_size"] = 2304,
        ["intermediate_size"] = 9216,
        ["num_hidden_layers"] = layers,
        ["num_attention_heads"] = 8,
        ["num_key_value_heads"] = 4,
        ["head_dim"] = 256,
        ["vocab_size"] = 256000,
        ["rms_norm_eps"] = 1e-6,
        ["rope_theta"] = 10000.0,
        ["query_pre_attn_scalar"] = 256,
        ["attn_logit_softcapping"] = 50.0,
        ["final_logit_softcapping"] = 30.0,
        ["sliding_window"] = 4096,
        ["hidden_activation"] = "gelu_pytorch_tanh",
        ["tie_word_embeddings"] = true,
        ["bos_token_id"] = 2,
        ["torch_dtype"] = "bfloat16",
    };

    /// <summary>Writes the model into <paramref name="dir"/>; returns the safetensors file's size in bytes.</summary>
    public static long Write(string dir, int layers, int seed)
    {
        Directory.CreateDirectory(dir);
        var configJson = Config(layers).ToJsonString(new JsonSerializerOptions { WriteIndented = true });
        var configPath = Path.Combine(dir, LlmConfig.FileName);
        if (File.Exists(configPath)) File.Delete(configPath); // an unfinished folder has no config
        var config = LlmConfigOf(dir, configJson);
        var tensors = LlmTensorNames.Expected(config);
        var header = Header(tensors);
        var random = new Random(seed);
        var path = Path.Combine(dir, LlmWeights.SingleFileName);
        AtomicFile.Write(path, stream =>
        {
            Span<byte> length = stackalloc byte[8];
            BinaryPrimitives.WriteUInt64LittleEndian(length, (ulong)header.Length);
            stream.Write(length);
            stream.Write(header);
            var values = new ushort[Chunk];
            foreach (var (name, shape) in tensors)
            {
                var count = shape.Aggregate(1L, (a, b) => a * b);
                // Norm weights near 0 (Gemma-2 multiplies by 1 + w); linear layers ~ U(±1/√in); embeddings ~ U(±0.05).
                var scale = shape.Length == 1 ? 0.1 : name == LlmTensorNames.Embedding ? 0.05 : 1 / Math.Sqrt(shape[1]);
                for (long done = 0; done < count; done += Chunk)
                {
                    var n = (int)Math.Min(Chunk, count - done);
                    for (var i = 0; i < n; i++) values[i] = BFloat16Bits.FromSingle((float)(scale * (2 * random.NextDouble() - 1)));
                    stream.Write(MemoryMarshal.AsBytes(values.AsSpan(0, n)));
                }
            }
        });
        AtomicFile.WriteAllText(configPath, configJson);
        return new FileInfo(path).Length;
    }

    /// <summary>Whether <paramref name="dir"/> holds a finished model of <paramref name="layers"/> blocks (config written last).</summary>
    public static bool IsComplete(string dir, int layers)
    {
        var configPath = Path.Combine(dir, LlmConfig.FileName);
        return File.Exists(configPath) && File.Exists(Path.Combine(dir, LlmWeights.SingleFileName))
            && File.ReadAllText(configPath) == Config(layers).ToJsonString(new JsonSerializerOptions { WriteIndented = true });
    }

    /// <summary>The config as the engine reads it (through a scratch copy of config.json: the real one comes last).</summary>
    private static LlmConfig LlmConfigOf(string dir, string configJson)
    {
        var scratch = Directory.CreateTempSubdirectory("engine-llm-config-").FullName;
        try
        {
            File.WriteAllText(Path.Combine(scratch, LlmConfig.FileName), configJson);
            return LlmConfig.Read(scratch);
        }
        finally
        {
            Directory.Delete(scratch, recursive: true);
        }
    }

    /// <summary>The safetensors header: BF16 tensors back to back in order, padded with spaces to a multiple of 8.</summary>
    private static byte[] Header(IReadOnlyList<(string Name, int[] Shape)> tensors)
    {
        var json = new JsonObject();
        long offset = 0;
        foreach (var (name, shape) in tensors)
        {
            var bytes = 2 * shape.Aggregate(1L, (a, b) => a * b);
            json[name] = new JsonObject
            {
                ["dtype"] = "BF16",
                ["shape"] = new JsonArray([.. shape.Select(d => (JsonNode)d)]),
                ["data_offsets"] = new JsonArray(offset, offset + bytes),
            };
            offset += bytes;
        }
        var text = json.ToJsonString();
        var padded = text.PadRight((text.Length + 7) / 8 * 8);
        return Encoding.UTF8.GetBytes(padded);
    }
}
