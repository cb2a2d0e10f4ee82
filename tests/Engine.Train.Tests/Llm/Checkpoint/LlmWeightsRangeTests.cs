using Engine.Train.Llm;
using Engine.Train.Tests.Llm.Fixtures;
using NUnit.Framework;

namespace Engine.Train.Tests.Llm.Checkpoint;

/// <summary>Reading a tensor in element ranges (how LlmModel uploads through a small buffer) and dropping its mapped pages.</summary>
[TestFixture]
[Category("Llm")]
public sealed class LlmWeightsRangeTests
{
    private string _root = "";

    [SetUp]
    public void SetUp() => _root = Directory.CreateTempSubdirectory("engine-llm-ranges-").FullName;

    [TearDown]
    public void TearDown() => Directory.Delete(_root, recursive: true);

    [TestCase("BF16", 7)]
    [TestCase("F16", 64)]
    [TestCase("F32", 1000)]
    public void RangesReadTheSameBitsAsTheWholeTensorAndSurviveDroppingThePages(string dtype, int chunk)
    {
        var model = TinyLlm.Write(Path.Combine(_root, "m"), TinyLlmSpec.Llama() with { DType = dtype, Shards = 2 });
        using var weights = LlmWeights.Open(model.Dir, model.Config);
        foreach (var (name, (_, values)) in model.Tensors)
        {
            var pieces = new float[values.Length];
            for (var start = 0; start < values.Length; start += chunk)
                weights.ReadFloat32(name, start, pieces.AsSpan(start, Math.Min(chunk, values.Length - start)));
            Assert.That(pieces.Select(BitConverter.SingleToInt32Bits), Is.EqualTo(values.Select(BitConverter.SingleToInt32Bits)), name);
            weights.DropResidentPages(name);
            Assert.That(weights.ReadFloat32(name).Select(BitConverter.SingleToInt32Bits), Is.EqualTo(values.Select(BitConverter.SingleToInt32Bits)),
                $"{name} read again after its pages were dropped");
        }
    }

    [Test]
    public void RangesOutsideTheTensorAreRefused()
    {
        var model = TinyLlm.Write(Path.Combine(_root, "m"), TinyLlmSpec.Gemma2());
        using var weights = LlmWeights.Open(model.Dir, model.Config);
        var count = (int)weights.ElementCount(LlmTensorNames.FinalNorm);
        Assert.DoesNotThrow(() => weights.ReadFloat32(LlmTensorNames.FinalNorm, count - 2, new float[2]));
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => weights.ReadFloat32(LlmTensorNames.FinalNorm, count - 1, new float[2]))!;
        Assert.That(error.Message, Does.Contain($"tensor '{LlmTensorNames.FinalNorm}': elements [{count - 1}, {count + 1}) outside its {count}"));
        Assert.Throws<ArgumentOutOfRangeException>(() => weights.ReadFloat32(LlmTensorNames.FinalNorm, -1, new float[1]));
    }
}
