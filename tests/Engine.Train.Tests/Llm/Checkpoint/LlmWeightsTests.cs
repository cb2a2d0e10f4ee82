using System.Text.Json.Nodes;
using Engine.Model;
using Engine.Train.Llm;
using Engine.Train.Tests.Llm.Fixtures;
using NUnit.Framework;

namespace Engine.Train.Tests.Llm.Checkpoint;

/// <summary>Memory-mapped HF checkpoints: single file and shards, dtypes to float32, and the one-line errors.</summary>
[TestFixture]
[Category("Llm")]
public sealed class LlmWeightsTests
{
    private string _root = "";

    [SetUp]
    public void SetUp() => _root = Directory.CreateTempSubdirectory("engine-llm-weights-").FullName;

    [TearDown]
    public void TearDown() => Directory.Delete(_root, recursive: true);

    private TinyLlm Write(TinyLlmSpec spec, string name = "m") => TinyLlm.Write(Path.Combine(_root, name), spec);

    private static string Error(TinyLlm model) =>
        Assert.Throws<LlmInputException>(() => LlmWeights.Open(model.Dir, model.Config).Dispose())!.Message;

    [Test]
    public void EveryTensorReadsBackAsStored(
        [Values("BF16", "F16", "F32")] string dtype, [Values(1, 3)] int shards, [Values] LlmArchitecture architecture)
    {
        var spec = (architecture == LlmArchitecture.Gemma2 ? TinyLlmSpec.Gemma2() : TinyLlmSpec.Llama()) with { DType = dtype, Shards = shards };
        var model = Write(spec);
        var progress = new List<LlmLoadProgress>();
        using var weights = LlmWeights.Open(model.Dir, model.Config, new SynchronousProgress(progress));
        Assert.That(weights.Files, Has.Count.EqualTo(shards));
        Assert.That(progress.Select(p => (p.Step, p.Done, p.Total)), Is.EqualTo(Enumerable.Range(1, shards).Select(i => ("map", (long)i, (long)shards))));
        foreach (var (name, (shape, values)) in model.Tensors)
        {
            Assert.That(weights.Shape(name), Is.EqualTo(shape), name);
            Assert.That(weights.DType(name), Is.EqualTo(dtype), name);
            var read = weights.ReadFloat32(name);
            Assert.That(read.Select(BitConverter.SingleToInt32Bits), Is.EqualTo(values.Select(BitConverter.SingleToInt32Bits)), name);
        }
        Assert.That(weights.TotalBytes, Is.EqualTo(weights.Files.Sum(f => new FileInfo(f).Length)));
    }

    [Test]
    public void TiedCheckpointHasNoLmHeadAndUnembedsWithTheEmbedding()
    {
        var tied = Write(TinyLlmSpec.Gemma2(), "tied");
        using (var weights = LlmWeights.Open(tied.Dir, tied.Config))
        {
            Assert.That(weights.Has(LlmTensorNames.LmHead), Is.False);
            Assert.That(weights.UnembeddingName, Is.EqualTo(LlmTensorNames.Embedding));
        }
        var untied = Write(TinyLlmSpec.Llama(), "untied");
        using (var weights = LlmWeights.Open(untied.Dir, untied.Config))
            Assert.That(weights.UnembeddingName, Is.EqualTo(LlmTensorNames.LmHead));
    }

    [Test]
    public void Bf16WidensExactlyAndNarrowsToNearestEven()
    {
        // Every bf16 bit pattern but NaNs survives float32 and back.
        for (var bits = 0; bits <= ushort.MaxValue; bits++)
        {
            var value = BFloat16Bits.ToSingle((ushort)bits);
            if (!float.IsNaN(value)) Assert.That(BFloat16Bits.FromSingle(value), Is.EqualTo((ushort)bits));
        }
        // 1 + 2⁻⁸ lies halfway between bf16 neighbours 1 and 1 + 2⁻⁷: ties go to the even mantissa (1).
        Assert.That(BFloat16Bits.FromSingle(1 + 1f / 256), Is.EqualTo((ushort)0x3F80));
        Assert.That(BFloat16Bits.FromSingle(1 + 3f / 256), Is.EqualTo((ushort)0x3F82), "1 + 3·2⁻⁸ ties up to the even 1 + 2⁻⁶");
        Assert.That(BFloat16Bits.FromSingle(1 + 1f / 256 + 1f / 65536), Is.EqualTo((ushort)0x3F81), "above the tie rounds up");
        var widened = new float[40];
        BFloat16Bits.ToSingle([.. Enumerable.Range(0, 40).Select(i => (ushort)(0x3F80 + i))], widened);
        Assert.That(widened, Is.EqualTo(Enumerable.Range(0, 40).Select(i => BFloat16Bits.ToSingle((ushort)(0x3F80 + i)))), "vector path = scalar path");
    }

    [Test]
    public void MissingTensorIsNamed()
    {
        var model = Write(TinyLlmSpec.Llama());
        var name = LlmTensorNames.UpProjection(1);
        Rewrite(model, drop: name);
        Assert.That(Error(model), Is.EqualTo($"{model.Dir}: tensor '{name}' is missing (expected shape [24, 16])"));
    }

    [Test]
    public void WrongShapeIsNamedWithTheShapeTheConfigImplies()
    {
        var model = Write(TinyLlmSpec.Gemma2());
        var name = LlmTensorNames.KeyProjection(0);
        Rewrite(model, reshape: (name, [16, 8]));
        Assert.That(Error(model), Is.EqualTo($"{Path.Combine(model.Dir, "model.safetensors")}: tensor '{name}' has shape [16, 8]; config.json implies [8, 16]"));
    }

    [Test]
    public void UnsupportedDTypeIsNamed()
    {
        var model = Write(TinyLlmSpec.Llama() with { DType = "F32" });
        var file = SafeTensorsFile.Read(Path.Combine(model.Dir, "model.safetensors"));
        var writer = new SafeTensorsWriter();
        foreach (var t in file.Tensors)
        {
            if (t.Name == LlmTensorNames.FinalNorm) writer.Add<double>(t.Name, t.Shape, new double[t.ElementCount]);
            else writer.AddEncoded(t.Name, t.DType, t.Shape, file.Bytes(t));
        }
        writer.Save(file.Path);
        Assert.That(Error(model), Does.EndWith($"tensor '{LlmTensorNames.FinalNorm}' has dtype F64; supported: BF16, F16, F32"));
    }

    [Test]
    public void TruncatedFileIsNamed()
    {
        var model = Write(TinyLlmSpec.Llama());
        var path = Path.Combine(model.Dir, "model.safetensors");
        var bytes = File.ReadAllBytes(path);
        File.WriteAllBytes(path, bytes[..(bytes.Length - 10)]);
        var message = Error(model);
        Assert.That(message, Does.StartWith(path + ": truncated: tensor '"));
        Assert.That(message, Does.Not.Contain("\n"));
        File.WriteAllBytes(path, bytes[..5]);
        Assert.That(Error(model), Does.StartWith(path + ": 5 bytes is too short"));
    }

    [Test]
    public void ShardedCheckpointErrors()
    {
        var model = Write(TinyLlmSpec.Llama() with { Shards = 2 });
        var indexPath = Path.Combine(model.Dir, LlmWeights.IndexFileName);
        var index = File.ReadAllText(indexPath);

        File.Delete(Path.Combine(model.Dir, TinyLlm.ShardName(1, 2)));
        Assert.That(Error(model), Is.EqualTo($"{Path.Combine(model.Dir, TinyLlm.ShardName(1, 2))}: not found"));

        var json = JsonNode.Parse(index)!;
        json["weight_map"]![LlmTensorNames.FinalNorm] = TinyLlm.ShardName(0, 2);
        File.WriteAllText(indexPath, json.ToJsonString());
        Write(TinyLlmSpec.Llama() with { Shards = 2 }, "m2");
        File.Copy(Path.Combine(_root, "m2", TinyLlm.ShardName(1, 2)), Path.Combine(model.Dir, TinyLlm.ShardName(1, 2)));
        Assert.That(Error(model), Is.EqualTo($"{Path.Combine(model.Dir, TinyLlm.ShardName(0, 2))}: has no tensor '{LlmTensorNames.FinalNorm}' (named by {indexPath})"));

        File.WriteAllText(indexPath, """{"weight_map": {"model.norm.weight": "../elsewhere.safetensors"}}""");
        Assert.That(Error(model), Does.StartWith($"{indexPath}: weight_map entry 'model.norm.weight' is \"../elsewhere.safetensors\""));

        File.WriteAllText(indexPath, """{"metadata": {}}""");
        Assert.That(Error(model), Is.EqualTo($"{indexPath}: has no 'weight_map' object"));

        File.Delete(indexPath);
        Assert.That(Error(model), Does.StartWith($"{indexPath}: not found (the folder has 2 shard files"));

        foreach (var f in Directory.GetFiles(model.Dir, "*.safetensors")) File.Delete(f);
        Assert.That(Error(model), Is.EqualTo($"{model.Dir}: no model.safetensors or model.safetensors.index.json"));
    }

    [Test]
    public void ReadingAfterDisposeOrAnUnknownNameThrows()
    {
        var model = Write(TinyLlmSpec.Llama());
        var weights = LlmWeights.Open(model.Dir, model.Config);
        Assert.Throws<KeyNotFoundException>(() => weights.Shape("model.layers.9.mlp.up_proj.weight"));
        Assert.Throws<ArgumentException>(() => weights.ReadFloat32(LlmTensorNames.FinalNorm, new float[3]));
        weights.Dispose();
        Assert.Throws<ObjectDisposedException>(() => weights.ReadFloat32(LlmTensorNames.FinalNorm));
    }

    /// <summary>Rewrites model.safetensors without <paramref name="drop"/> or with one tensor given another shape (zeros).</summary>
    private static void Rewrite(TinyLlm model, string? drop = null, (string Name, int[] Shape)? reshape = null)
    {
        var path = Path.Combine(model.Dir, "model.safetensors");
        var file = SafeTensorsFile.Read(path);
        var writer = new SafeTensorsWriter();
        foreach (var t in file.Tensors)
        {
            if (t.Name == drop) continue;
            if (reshape is { } r && t.Name == r.Name)
                writer.AddEncoded(t.Name, t.DType, r.Shape, new byte[r.Shape.Aggregate(1, (a, b) => a * b) * SafeTensorsFormat.ElementSize(t.DType)]);
            else writer.AddEncoded(t.Name, t.DType, t.Shape, file.Bytes(t));
        }
        writer.Save(path);
    }

    private sealed class SynchronousProgress(List<LlmLoadProgress> sink) : IProgress<LlmLoadProgress>
    {
        public void Report(LlmLoadProgress value) => sink.Add(value);
    }
}
