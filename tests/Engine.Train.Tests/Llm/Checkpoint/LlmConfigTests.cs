using System.Text.Json.Nodes;
using Engine.Train.Llm;
using Engine.Train.Tests.Llm.Fixtures;
using NUnit.Framework;

namespace Engine.Train.Tests.Llm.Checkpoint;

/// <summary>config.json of Llama and Gemma-2 folders: fields, transformers' defaults, RoPE frequencies, one-line errors.</summary>
[TestFixture]
[Category("Llm")]
public sealed class LlmConfigTests
{
    private string _root = "";

    [SetUp]
    public void SetUp() => _root = Directory.CreateTempSubdirectory("engine-llm-config-").FullName;

    [TearDown]
    public void TearDown() => Directory.Delete(_root, recursive: true);

    private string WriteConfig(string json)
    {
        var dir = Directory.CreateDirectory(Path.Combine(_root, Guid.NewGuid().ToString("N")[..8])).FullName;
        File.WriteAllText(Path.Combine(dir, "config.json"), json);
        return dir;
    }

    private static string Error(string dir) => Assert.Throws<LlmInputException>(() => LlmConfig.Read(dir))!.Message;

    [Test]
    public void ReadsWhatTheFixtureWrote([Values] LlmArchitecture architecture)
    {
        var spec = architecture == LlmArchitecture.Gemma2 ? TinyLlmSpec.Gemma2() : TinyLlmSpec.Llama();
        var model = TinyLlm.Write(Path.Combine(_root, "tiny"), spec);
        Assert.That(LlmConfig.Read(model.Dir), Is.EqualTo(model.Config));
    }

    [Test]
    public void Gemma2_2BConfigAsPublished()
    {
        // The fields of google/gemma-2-2b's config.json.
        var dir = WriteConfig("""
            {"architectures": ["Gemma2ForCausalLM"], "attention_bias": false, "attention_dropout": 0.0,
             "attn_logit_softcapping": 50.0, "bos_token_id": 2, "cache_implementation": "hybrid", "eos_token_id": 1,
             "final_logit_softcapping": 30.0, "head_dim": 256, "hidden_act": "gelu_pytorch_tanh",
             "hidden_activation": "gelu_pytorch_tanh", "hidden_size": 2304, "initializer_range": 0.02,
             "intermediate_size": 9216, "max_position_embeddings": 8192, "model_type": "gemma2",
             "num_attention_heads": 8, "num_hidden_layers": 26, "num_key_value_heads": 4, "pad_token_id": 0,
             "query_pre_attn_scalar": 256, "rms_norm_eps": 1e-06, "rope_theta": 10000.0, "sliding_window": 4096,
             "torch_dtype": "float32", "transformers_version": "4.42.4", "use_cache": true, "vocab_size": 256000}
            """);
        var config = LlmConfig.Read(dir);
        Assert.That(config, Is.EqualTo(new LlmConfig(LlmArchitecture.Gemma2, 2304, 9216, 26, 8, 4, 256, 256000, 1e-6, 10000, null,
            AttentionScale: 1 / 16.0, AttentionSoftcap: 50, FinalLogitSoftcap: 30, SlidingWindow: 4096, TieWordEmbeddings: true,
            "gelu_pytorch_tanh", BosTokenId: 2)));
        Assert.That(Enumerable.Range(0, 26).Where(config.IsSlidingLayer), Is.EqualTo(Enumerable.Range(0, 13).Select(i => 2 * i)));
    }

    [Test]
    public void Llama31_8BConfigAsPublished()
    {
        var dir = WriteConfig("""
            {"architectures": ["LlamaForCausalLM"], "attention_bias": false, "attention_dropout": 0.0, "bos_token_id": 128000,
             "eos_token_id": [128001, 128008, 128009], "hidden_act": "silu", "hidden_size": 4096, "initializer_range": 0.02,
             "intermediate_size": 14336, "max_position_embeddings": 131072, "mlp_bias": false, "model_type": "llama",
             "num_attention_heads": 32, "num_hidden_layers": 32, "num_key_value_heads": 8, "pretraining_tp": 1,
             "rms_norm_eps": 1e-05, "rope_scaling": {"factor": 8.0, "low_freq_factor": 1.0, "high_freq_factor": 4.0,
             "original_max_position_embeddings": 8192, "rope_type": "llama3"}, "rope_theta": 500000.0,
             "tie_word_embeddings": false, "torch_dtype": "bfloat16", "transformers_version": "4.43.0.dev0",
             "use_cache": true, "vocab_size": 128256}
            """);
        var config = LlmConfig.Read(dir);
        Assert.That(config, Is.EqualTo(new LlmConfig(LlmArchitecture.Llama, 4096, 14336, 32, 32, 8, 128, 128256, 1e-5, 500000,
            new RopeScaling("llama3", 8, 1, 4, 8192), AttentionScale: 1 / Math.Sqrt(128), null, null, null, false, "silu", 128000)));
        Assert.That(config.IsSlidingLayer(0), Is.False);
    }

    [Test]
    public void AbsentFieldsTakeTransformersDefaults()
    {
        var llama = LlmConfig.Read(WriteConfig("""{"model_type": "llama", "hidden_size": 64, "num_attention_heads": 8}"""));
        Assert.Multiple(() =>
        {
            Assert.That(llama.KvHeadCount, Is.EqualTo(8), "num_key_value_heads = heads");
            Assert.That(llama.HeadDim, Is.EqualTo(8), "head_dim = hidden / heads");
            Assert.That(llama.IntermediateSize, Is.EqualTo(11008));
            Assert.That(llama.LayerCount, Is.EqualTo(32));
            Assert.That(llama.VocabSize, Is.EqualTo(32000));
            Assert.That(llama.RmsNormEps, Is.EqualTo(1e-6));
            Assert.That(llama.RopeTheta, Is.EqualTo(10000));
            Assert.That(llama.RopeScaling, Is.Null);
            Assert.That(llama.TieWordEmbeddings, Is.False);
            Assert.That(llama.HiddenActivation, Is.EqualTo("silu"));
            Assert.That(llama.BosTokenId, Is.EqualTo(1));
            Assert.That(llama.AttentionScale, Is.EqualTo(1 / Math.Sqrt(8)));
        });
        var gemma = LlmConfig.Read(WriteConfig("""{"architectures": ["Gemma2ForCausalLM"], "sliding_window": null, "final_logit_softcapping": null}"""));
        Assert.Multiple(() =>
        {
            Assert.That(gemma.HiddenSize, Is.EqualTo(2304));
            Assert.That(gemma.HeadDim, Is.EqualTo(256));
            Assert.That(gemma.KvHeadCount, Is.EqualTo(4));
            Assert.That(gemma.TieWordEmbeddings, Is.True);
            Assert.That(gemma.AttentionSoftcap, Is.EqualTo(50));
            Assert.That(gemma.FinalLogitSoftcap, Is.Null, "null switches the cap off");
            Assert.That(gemma.SlidingWindow, Is.Null, "null: no sliding layers");
            Assert.That(gemma.IsSlidingLayer(0), Is.False);
            Assert.That(gemma.AttentionScale, Is.EqualTo(1 / 16.0));
        });
    }

    [Test]
    public void RopeInverseFrequenciesFollowHuggingFace()
    {
        var plain = TinyLlm.Write(Path.Combine(_root, "g"), TinyLlmSpec.Gemma2() with { HeadDim = 8 }).Config;
        // θ^(−2i/D) for D = 8, θ = 10⁴: 1, 10⁻¹, 10⁻², 10⁻³.
        Assert.That(plain.RopeInverseFrequencies(), Is.EqualTo(new[] { 1f, 0.1f, 0.01f, 0.001f }).Within(1e-9f));

        // llama3 scaling, original 8192, factor 8, low 1, high 4: wavelength 2π/inv; > 8192 → /8; < 2048 → kept; between → blended.
        var config = new LlmConfig(LlmArchitecture.Llama, 64, 64, 1, 1, 1, 64, 10, 1e-5, 500000, new RopeScaling("llama3", 8, 1, 4, 8192),
            0.125, null, null, null, false, "silu", null);
        var scaled = config.RopeInverseFrequencies();
        for (var i = 0; i < 32; i++)
        {
            var inv = 1 / Math.Pow(500000, 2.0 * i / 64);
            var wavelength = 2 * Math.PI / inv;
            double expected;
            if (wavelength < 2048) expected = inv;
            else if (wavelength > 8192) expected = inv / 8;
            else
            {
                var s = (8192 / wavelength - 1) / 3;
                expected = (1 - s) * inv / 8 + s * inv;
            }
            Assert.That(scaled[i], Is.EqualTo((float)expected), $"i = {i}");
        }
        Assert.That(scaled[0], Is.EqualTo(1f), "the highest frequency is kept");
        Assert.That(scaled[31], Is.EqualTo((float)(1 / Math.Pow(500000, 62.0 / 64) / 8)), "the lowest is divided by the factor");
    }

    [TestCase("""{"model_type": "mistral"}""", "'model_type' is 'mistral'")]
    [TestCase("""{"architectures": ["GPT2LMHeadModel"]}""", "'architectures' names 'GPT2LMHeadModel'")]
    [TestCase("""{"architectures": ["LlamaForCausalLM"], "model_type": "gemma2"}""", "but model_type is 'gemma2'")]
    [TestCase("""{"hidden_size": 8}""", "'model_type' and 'architectures' are both missing")]
    [TestCase("""{"model_type": "llama", "hidden_size": "big"}""", "'hidden_size' is \"big\", not an integer")]
    [TestCase("""{"model_type": "llama", "num_hidden_layers": 0}""", "'num_hidden_layers' is 0; it must be positive")]
    [TestCase("""{"model_type": "llama", "num_attention_heads": 6, "num_key_value_heads": 4}""", "'num_key_value_heads' is 4, which does not divide")]
    [TestCase("""{"model_type": "llama", "hidden_size": 10, "num_attention_heads": 4}""", "'head_dim' is missing and hidden_size 10")]
    [TestCase("""{"model_type": "llama", "rope_scaling": {"rope_type": "yarn", "factor": 4}}""", "'rope_scaling' has rope_type 'yarn'")]
    [TestCase("""{"model_type": "llama", "rope_scaling": {"rope_type": "llama3", "factor": 8}}""", "'rope_scaling.low_freq_factor' is missing")]
    [TestCase("""{"model_type": "llama", "hidden_act": "gelu"}""", "'hidden_act' is 'gelu'; Llama supports 'silu'")]
    [TestCase("""{"model_type": "llama", "attention_bias": true}""", "'attention_bias' is true")]
    [TestCase("""{"model_type": "llama", "rms_norm_eps": -1}""", "'rms_norm_eps' is -1; it must be a positive number")]
    [TestCase("""{"model_type": "gemma2", "layer_types": ["full_attention", "full_attention"], "num_hidden_layers": 2}""", "'layer_types' entry 0 is 'full_attention'")]
    [TestCase("""[1, 2]""", "not a JSON object")]
    [TestCase("""{"model_type": "llama",""", "not valid JSON")]
    public void BadFieldIsOneLineNamingFileAndField(string json, string expected)
    {
        var dir = WriteConfig(json);
        var message = Error(dir);
        Assert.That(message, Does.StartWith(Path.Combine(dir, "config.json") + ": "));
        Assert.That(message, Does.Contain(expected));
        Assert.That(message, Does.Not.Contain("\n"));
    }

    [Test]
    public void MissingFolderOrFileIsNamed()
    {
        var missing = Path.Combine(_root, "nowhere");
        Assert.That(Error(missing), Is.EqualTo($"{missing}: no such model folder"));
        var empty = Directory.CreateDirectory(Path.Combine(_root, "empty")).FullName;
        Assert.That(Error(empty), Does.StartWith(Path.Combine(empty, "config.json") + ": not found"));
    }

    [Test]
    public void ConfigWrittenByTheFixtureParsesAsJsonWithTheHuggingFaceNames()
    {
        var model = TinyLlm.Write(Path.Combine(_root, "l"), TinyLlmSpec.Llama());
        var json = JsonNode.Parse(File.ReadAllText(Path.Combine(model.Dir, "config.json")))!.AsObject();
        Assert.That(json["rope_scaling"]!["rope_type"]!.GetValue<string>(), Is.EqualTo("llama3"));
        Assert.That(json["architectures"]![0]!.GetValue<string>(), Is.EqualTo("LlamaForCausalLM"));
    }
}
