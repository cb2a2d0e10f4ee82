using System.Buffers.Binary;
using System.Text;
using System.Text.Json;
using Engine.Kernels.Cpu;
using Engine.Model;

namespace Engine.Model.Tests;

/// <summary>safetensors checkpoints: layout, names and shapes of TASK.md section 7, bit-exact round trips, and bad files.</summary>
[TestFixture]
[Category("Model")]
public sealed class CheckpointTests
{
    private string _folder = null!;
    private CpuDevice _device = null!;

    [SetUp]
    public void CreateFolder()
    {
        _folder = Path.Combine(Path.GetTempPath(), "engine-model-tests-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(_folder);
        _device = new CpuDevice(1);
    }

    [TearDown]
    public void RemoveFolder()
    {
        _device.Dispose();
        Directory.Delete(_folder, recursive: true);
    }

    private static string[] ExpectedNames(int depth)
    {
        var names = new List<string> { "tok_emb.weight" };
        for (var i = 0; i < depth; i++)
        {
            foreach (var suffix in new[] { "ln_1.weight", "ln_1.bias", "attn.qkv.weight", "attn.qkv.bias", "attn.out.weight", "attn.out.bias",
                         "ln_2.weight", "ln_2.bias", "mlp.0.weight", "mlp.0.bias", "mlp.2.weight", "mlp.2.bias" })
                names.Add($"blocks.{i}.{suffix}");
        }
        names.AddRange(["ln_f.weight", "ln_f.bias", "head.weight"]);
        return [.. names];
    }

    [TestCase(false)]
    [TestCase(true)]
    public void FileHasTheReferenceNamesShapesAndLayout(bool tied)
    {
        const int v = 13, d = 8;
        var config = new GptConfig(v, d, Depth: 2, Heads: 2, Tied: tied, AttentionOnly: true);
        using var model = new Gpt<float>(config, _device, seed: 1);
        var path = Path.Combine(_folder, "model.safetensors");
        Checkpoint.Save(path, model, new Dictionary<string, string> { ["run"] = "{\"lr\":0.001}" });

        // Parse the bytes independently of the reader: u64 header length, JSON header, data.
        var bytes = File.ReadAllBytes(path);
        var headerLength = (int)BinaryPrimitives.ReadUInt64LittleEndian(bytes);
        Assert.That((8 + headerLength) % 8, Is.Zero, "data section 8-byte aligned");
        using var header = JsonDocument.Parse(Encoding.UTF8.GetString(bytes, 8, headerLength));
        var entries = header.RootElement.EnumerateObject().Where(p => p.Name != "__metadata__").ToList();
        Assert.That(entries.Select(p => p.Name), Is.EqualTo(ExpectedNames(2)));
        var shapes = new Dictionary<string, int[]>
        {
            ["tok_emb.weight"] = [v, d],
            ["blocks.1.ln_1.weight"] = [d],
            ["blocks.0.attn.qkv.weight"] = [3 * d, d],
            ["blocks.0.attn.qkv.bias"] = [3 * d],
            ["blocks.1.attn.out.weight"] = [d, d],
            ["blocks.0.mlp.0.weight"] = [4 * d, d],
            ["blocks.0.mlp.0.bias"] = [4 * d],
            ["blocks.1.mlp.2.weight"] = [d, 4 * d],
            ["blocks.1.mlp.2.bias"] = [d],
            ["ln_f.bias"] = [d],
            ["head.weight"] = [v, d],
        };
        foreach (var (name, shape) in shapes)
        {
            var entry = header.RootElement.GetProperty(name);
            Assert.That(entry.GetProperty("dtype").GetString(), Is.EqualTo("F32"));
            Assert.That(entry.GetProperty("shape").EnumerateArray().Select(e => e.GetInt32()), Is.EqualTo(shape), name);
        }
        var metadata = header.RootElement.GetProperty("__metadata__");
        Assert.That(metadata.GetProperty("run").GetString(), Is.EqualTo("{\"lr\":0.001}"));
        Assert.That(GptConfig.FromJson(metadata.GetProperty("model_config").GetString()!), Is.EqualTo(config));

        // The embedding bytes are the tensor's float32 values, little-endian, at its data_offsets.
        var offsets = header.RootElement.GetProperty("tok_emb.weight").GetProperty("data_offsets");
        var begin = 8 + headerLength + offsets[0].GetInt32();
        var embedding = model.TokenEmbedding.Weight.ToArray();
        for (var i = 0; i < embedding.Length; i++)
            Assert.That(BinaryPrimitives.ReadSingleLittleEndian(bytes.AsSpan(begin + 4 * i)), Is.EqualTo(embedding[i]));
        // With tying, head.weight carries the same values.
        var headOffsets = header.RootElement.GetProperty("head.weight").GetProperty("data_offsets");
        var headBytes = bytes.AsSpan(8 + headerLength + headOffsets[0].GetInt32(), 4 * v * d);
        Assert.That(headBytes.SequenceEqual(bytes.AsSpan(begin, 4 * v * d)), Is.EqualTo(tied));
        Assert.That(Directory.GetFiles(_folder), Has.Length.EqualTo(1), "no temporary file left behind");
    }

    [TestCase(false)]
    [TestCase(true)]
    public void RoundTripIsBitExact(bool tied)
    {
        var config = new GptConfig(17, 16, 2, 2, Tied: tied);
        using var trained = new Gpt<float>(config, _device, seed: 1);
        using var fresh = new Gpt<float>(config, _device, seed: 2);
        var path = Path.Combine(_folder, "a.safetensors");
        Checkpoint.Save(path, trained);
        Checkpoint.Load(path, fresh);
        Assert.That(fresh.Parameters.ValuesToArray(), Is.EqualTo(trained.Parameters.ValuesToArray()));
        Assert.That(Checkpoint.ReadConfig(path), Is.EqualTo(config));

        var again = Path.Combine(_folder, "b.safetensors");
        Checkpoint.Save(again, fresh);
        Assert.That(File.ReadAllBytes(again), Is.EqualTo(File.ReadAllBytes(path)), "re-saving the loaded model gives the same bytes");
    }

    [TestCase(float.NaN)]
    [TestCase(float.PositiveInfinity)]
    public void NonFiniteValueIsRefusedAndTheFileOnDiskIsKept(float bad)
    {
        var config = new GptConfig(17, 16, 1, 2);
        using var model = new Gpt<float>(config, _device, seed: 1);
        var path = Path.Combine(_folder, "good.safetensors");
        Checkpoint.Save(path, model);
        var good = File.ReadAllBytes(path);

        var values = model.Parameters.ValuesToArray();
        values[values.Length - 3] = bad;   // in the last tensor of the flat store
        _device.Upload<float>(values, model.Parameters.Values);
        var error = Assert.Throws<NonFiniteParameterException>(() => Checkpoint.Save(path, model));
        Assert.That(error!.Message, Does.Contain(bad.ToString()).And.Contain(path));
        Assert.That(File.ReadAllBytes(path), Is.EqualTo(good), "the earlier checkpoint is untouched");
        Assert.That(Directory.GetFiles(_folder), Has.Length.EqualTo(1), "no temporary file is left");
    }

    [Test]
    public void Float64RoundTripIsBitExact()
    {
        var config = new GptConfig(9, 8);
        using var a = new Gpt<double>(config, _device, seed: 5);
        GradChecker.Randomize(a.Parameters, 6, 1.0);
        using var b = new Gpt<double>(config, _device, seed: 7);
        var path = Path.Combine(_folder, "d.safetensors");
        Checkpoint.Save(path, a);
        Assert.That(SafeTensorsFile.Read(path).Tensors.Select(t => t.DType).Distinct(), Is.EqualTo(new[] { "F64" }));
        Checkpoint.Load(path, b);
        Assert.That(b.Parameters.ValuesToArray(), Is.EqualTo(a.Parameters.ValuesToArray()));
    }

    [Test]
    public void TiedCheckpointWithoutHeadLoads()
    {
        // PyTorch's safetensors writer drops one of two shared tensors; such a file must load into a tied model.
        var config = new GptConfig(9, 8, Tied: true);
        using var source = new Gpt<float>(config, _device, seed: 5);
        var writer = new SafeTensorsWriter();
        foreach (var (name, tensor) in source.StateDict.Where(kv => kv.Key != "head.weight"))
            writer.Add<float>(name, tensor.Shape.ToArray(), tensor.ToArray());
        var path = Path.Combine(_folder, "torch.safetensors");
        writer.Save(path);
        using var target = new Gpt<float>(config, _device, seed: 6);
        Checkpoint.Load(path, target);
        Assert.That(target.Parameters.ValuesToArray(), Is.EqualTo(source.Parameters.ValuesToArray()));
    }

    [Test]
    public void OptimizerStateRoundTrips()
    {
        var config = new GptConfig(11, 8);
        using var model = new Gpt<float>(config, _device, seed: 5);
        using var adam = new AdamOptimizer<float>(model.Parameters, new OptimizerConfig(OptimizerKind.AdamW, 0.01, 0.1));
        using var inputs = new GptInputs(_device, 11);
        using var tape = new Tape<float>(_device);
        var batch = inputs.Set([1, 2, 3, 4, 5, 6], [2, 1], [7, 8], 2, 3);
        for (var step = 0; step < 3; step++)
        {
            tape.Reset();
            model.ZeroGrad();
            tape.Backward(model.Forward(tape, batch).Loss!);
            adam.Step();
        }
        var checkpoint = Path.Combine(_folder, "run.safetensors");
        var optimPath = OptimizerCheckpoint.PathFor(checkpoint);
        Assert.That(optimPath, Is.EqualTo(Path.Combine(_folder, "run.optim.safetensors")));
        OptimizerCheckpoint.Save(optimPath, adam, rngState: "c2VlZA==");

        using var restored = new AdamOptimizer<float>(model.Parameters, adam.Config);
        var rng = OptimizerCheckpoint.Load(optimPath, restored);
        Assert.That(rng, Is.EqualTo("c2VlZA=="));
        Assert.That(restored.StepCount, Is.EqualTo(3));
        Assert.That(Download(restored.FirstMoment), Is.EqualTo(Download(adam.FirstMoment)));
        Assert.That(Download(restored.SecondMoment), Is.EqualTo(Download(adam.SecondMoment)));
        Assert.That(Download(adam.FirstMoment).Any(v => v != 0), "moments are non-trivial");
        var file = SafeTensorsFile.Read(optimPath);
        Assert.That(file.Find("exp_avg.blocks.0.attn.qkv.weight")!.Shape, Is.EqualTo(new[] { 24, 8 }));
        Assert.That(file.Metadata["step"], Is.EqualTo("3"));
    }

    private float[] Download(Engine.Kernels.BufferView<float> view)
    {
        var host = new float[view.Length];
        _device.Download(view, host);
        return host;
    }

    // ------------------------------------------------------------------ bad files

    private string SavedModel(GptConfig config, string name = "good.safetensors")
    {
        using var model = new Gpt<float>(config, _device, seed: 1);
        var path = Path.Combine(_folder, name);
        Checkpoint.Save(path, model);
        return path;
    }

    private void AssertLoadFails(string path, GptConfig config, string messagePart)
    {
        using var model = new Gpt<float>(config, _device, seed: 9);
        var before = model.Parameters.ValuesToArray();
        var error = Assert.Throws<InvalidDataException>(() => Checkpoint.Load(path, model));
        Assert.That(error!.Message, Does.Contain(path).And.Contain(messagePart));
        Assert.That(model.Parameters.ValuesToArray(), Is.EqualTo(before), "a failed load changes nothing");
    }

    [Test]
    public void TruncatedFileIsReported()
    {
        var config = new GptConfig(11, 8);
        var path = SavedModel(config);
        var bytes = File.ReadAllBytes(path);
        File.WriteAllBytes(path, bytes[..^10]);
        AssertLoadFails(path, config, "truncated");
        File.WriteAllBytes(path, bytes[..20]);
        AssertLoadFails(path, config, "truncated");
        File.WriteAllBytes(path, bytes[..5]);
        AssertLoadFails(path, config, "too short");
    }

    [Test]
    public void UnreadableFileIsReported()
    {
        var path = Path.Combine(_folder, "garbage.safetensors");
        File.WriteAllText(path, "this is not a checkpoint at all, just some text");
        AssertLoadFails(path, new GptConfig(11, 8), "not a safetensors file");
        var json = Encoding.UTF8.GetBytes("{\"a\": [1, 2");
        var bad = new byte[8 + json.Length];
        BinaryPrimitives.WriteUInt64LittleEndian(bad, (ulong)json.Length);
        json.CopyTo(bad, 8);
        File.WriteAllBytes(path, bad);
        AssertLoadFails(path, new GptConfig(11, 8), "not valid JSON");
    }

    [Test]
    public void MissingFileNamesThePath()
    {
        var path = Path.Combine(_folder, "absent.safetensors");
        using var model = new Gpt<float>(new GptConfig(11, 8), _device, seed: 9);
        var error = Assert.Throws<FileNotFoundException>(() => Checkpoint.Load(path, model));
        Assert.That(error!.Message, Does.Contain("absent.safetensors"));
    }

    [Test]
    public void WrongShapeIsReported()
    {
        // A file written without the model config, so only the tensor shapes can disagree.
        using var wide = new Gpt<float>(new GptConfig(11, 16), _device, seed: 1);
        var writer = new SafeTensorsWriter();
        foreach (var (name, tensor) in wide.StateDict) writer.Add<float>(name, tensor.Shape.ToArray(), tensor.ToArray());
        var path = Path.Combine(_folder, "wide.safetensors");
        writer.Save(path);
        AssertLoadFails(path, new GptConfig(11, 8), "tok_emb.weight' has shape [11, 16]; expected [11, 8]");
    }

    [Test]
    public void ConfigMismatchIsReported()
    {
        var path = SavedModel(new GptConfig(11, 8, Heads: 2));
        AssertLoadFails(path, new GptConfig(11, 8, Heads: 1), "saved for model");
    }

    [Test]
    public void MissingAndUnexpectedTensorsAreReported()
    {
        using var model = new Gpt<float>(new GptConfig(11, 8), _device, seed: 1);
        var writer = new SafeTensorsWriter();
        foreach (var (name, tensor) in model.StateDict.Where(kv => kv.Key != "ln_f.bias"))
            writer.Add<float>(name, tensor.Shape.ToArray(), tensor.ToArray());
        var path = Path.Combine(_folder, "missing.safetensors");
        writer.Save(path);
        AssertLoadFails(path, new GptConfig(11, 8), "'ln_f.bias' is missing");

        writer.Add<float>("ln_f.bias", [8], new float[8]);
        writer.Add<float>("extra.weight", [2], new float[2]);
        writer.Save(path);
        AssertLoadFails(path, new GptConfig(11, 8), "unexpected tensors extra.weight");
    }

    [Test]
    public void BadOffsetsAndDtypesAreReported()
    {
        var path = Path.Combine(_folder, "offsets.safetensors");
        WriteRaw(path, "{\"tok_emb.weight\":{\"dtype\":\"F32\",\"shape\":[2,2],\"data_offsets\":[0,12]}}", 16);
        Assert.That(Assert.Throws<InvalidDataException>(() => SafeTensorsFile.Read(path))!.Message,
            Does.Contain(path).And.Contain("needs 16 bytes but data_offsets span 12"));
        WriteRaw(path, "{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},\"b\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[4,12]}}", 12);
        Assert.That(Assert.Throws<InvalidDataException>(() => SafeTensorsFile.Read(path))!.Message, Does.Contain("overlaps"));
        WriteRaw(path, "{\"a\":{\"dtype\":\"Q7\",\"shape\":[2],\"data_offsets\":[0,8]}}", 8);
        Assert.That(Assert.Throws<InvalidDataException>(() => SafeTensorsFile.Read(path))!.Message, Does.Contain("unknown dtype 'Q7'"));
        WriteRaw(path, "{\"tok_emb.weight\":{\"dtype\":\"F16\",\"shape\":[11,8],\"data_offsets\":[0,176]}}", 176);
        AssertLoadFails(path, new GptConfig(11, 8), "dtype F16");
    }

    private static void WriteRaw(string path, string header, int dataBytes)
    {
        var json = Encoding.UTF8.GetBytes(header);
        var bytes = new byte[8 + json.Length + dataBytes];
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, (ulong)json.Length);
        json.CopyTo(bytes, 8);
        File.WriteAllBytes(path, bytes);
    }

    [Test]
    public void BadOptimizerStateIsReported()
    {
        using var model = new Gpt<float>(new GptConfig(11, 8), _device, seed: 1);
        using var adam = new AdamOptimizer<float>(model.Parameters, new OptimizerConfig());
        var path = Path.Combine(_folder, "x.optim.safetensors");
        OptimizerCheckpoint.Save(path, adam);
        using var wider = new Gpt<float>(new GptConfig(11, 16), _device, seed: 1);
        using var other = new AdamOptimizer<float>(wider.Parameters, new OptimizerConfig());
        var error = Assert.Throws<InvalidDataException>(() => OptimizerCheckpoint.Load(path, other));
        Assert.That(error!.Message, Does.Contain(path).And.Contain("expected [11, 16]"));
        var bytes = File.ReadAllBytes(path);
        File.WriteAllBytes(path, bytes[..^4]);
        Assert.That(Assert.Throws<InvalidDataException>(() => OptimizerCheckpoint.Load(path, adam))!.Message, Does.Contain(path).And.Contain("truncated"));
    }
}
