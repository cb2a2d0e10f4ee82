using Engine.Kernels;
using Engine.Train.Llm;
using Engine.Train.Tests.Llm.Fixtures;
using NUnit.Framework;

namespace Engine.Train.Tests.Llm.Forward;

/// <summary>
/// The engine's float32 forward pass (<see cref="LlmModel"/>) against the naive float64 reference
/// (<see cref="LlmReference"/>) on random test-built models in the real Hugging Face layout: both architectures, bf16 and
/// f32 on disk, tied and untied, llama3 RoPE scaling, a sliding window shorter than the prompt, soft-caps, sharded files.
/// Every layer's residual and next-norm rows at every position, every layer's lens (log P, P, rank) and the final logits.
/// Error measure per (layer, kind): max |engine − reference| / max |reference|. Run on every host device, the GPU
/// simulator and CUDA where present.
/// </summary>
[TestFixture("cpu")]
[TestFixture("naive")]
[TestFixture("gpu-sim")]
[TestFixture("cuda:0")]
[Category("Llm")]
public sealed class LlmModelReferenceTests(string spec)
{
    /// <summary>float32 against float64 through a few blocks of width 16 (measured: below 6e-7 on cpu, naive and gpu-sim).</summary>
    private const double Tolerance = 1e-5;

    private Device? _device;
    private string _root = "";

    [OneTimeSetUp]
    public void Open()
    {
        if (DeviceInventory.Collect().WhyUnavailable(spec) is { } why) Assert.Ignore($"skipped: {why}");
        _device = Device.Open(spec);
    }

    [OneTimeTearDown]
    public void Close() => _device?.Dispose();

    [SetUp]
    public void MakeFolder() => _root = Directory.CreateTempSubdirectory("engine-llm-reference-").FullName;

    [TearDown]
    public void RemoveFolder() => Directory.Delete(_root, recursive: true);

    private static IEnumerable<TestCaseData> Models()
    {
        yield return new TestCaseData(TinyLlmSpec.Gemma2(3) with { Layers = 3 }, 11).SetArgDisplayNames("Gemma-2 bf16, window 4 < T = 11");
        yield return new TestCaseData(TinyLlmSpec.Gemma2(4) with { DType = "F32", SlidingWindow = 2, Heads = 4, KvHeads = 1 }, 7)
            .SetArgDisplayNames("Gemma-2 f32, window 2, GQA ratio 4");
        yield return new TestCaseData(TinyLlmSpec.Gemma2(5) with { AttentionSoftcap = 0.5, FinalLogitSoftcap = 2 }, 6)
            .SetArgDisplayNames("Gemma-2, small soft-caps");
        yield return new TestCaseData(TinyLlmSpec.Llama(6) with { Layers = 3 }, 12).SetArgDisplayNames("Llama bf16, llama3 RoPE, untied");
        yield return new TestCaseData(TinyLlmSpec.Llama(7) with { DType = "F32", Tied = true, Shards = 2, KvHeads = 4 }, 5)
            .SetArgDisplayNames("Llama f32, tied, sharded, GQA ratio 1");
        yield return new TestCaseData(TinyLlmSpec.Llama(8), 1).SetArgDisplayNames("Llama, one token");
    }

    [TestCaseSource(nameof(Models))]
    public void ForwardPassMatchesTheFloat64Reference(TinyLlmSpec spec, int tokenCount)
    {
        var model = TinyLlm.Write(Path.Combine(_root, "model"), spec);
        var config = LlmConfig.Read(model.Dir);
        var random = new Random(spec.Seed);
        var tokens = Enumerable.Range(0, tokenCount).Select(_ => random.Next(config.VocabSize)).ToArray();
        var positions = Enumerable.Range(0, tokenCount).ToArray();
        var target = random.Next(config.VocabSize);
        using var weights = LlmWeights.Open(model.Dir, config);
        using var llm = LlmModel.Load(config, weights, _device!);
        var readout = llm.Run(tokens, positions, target);
        var reference = LlmReference.Run(model, tokens);

        Assert.That(readout.LayerCount, Is.EqualTo(config.LayerCount + 1));
        for (var layer = 0; layer <= config.LayerCount; layer++)
        {
            var raw = Error(readout.RawVectors[layer], reference.Residuals[layer]);
            var normed = Error(readout.NormedVectors[layer], reference.Normed[layer]);
            var (logProb, prob, rank) = reference.Lens(layer, target);
            var lens = readout.Lens[layer];
            TestContext.Out.WriteLine($"layer {layer}: residual {raw:E2}, normed {normed:E2}, log P {lens.LogProbTarget:F6} vs {logProb:F6}, rank {lens.Rank} vs {rank}");
            Assert.That(raw, Is.LessThan(Tolerance), $"layer {layer} residual");
            Assert.That(normed, Is.LessThan(Tolerance), $"layer {layer} normed");
            Assert.That(lens.LogProbTarget, Is.EqualTo(logProb).Within(Tolerance * Math.Max(1, Math.Abs(logProb))), $"layer {layer} log P");
            Assert.That(lens.ProbTarget, Is.EqualTo(prob).Within(Tolerance * Math.Max(prob, 1e-3)), $"layer {layer} P");
            Assert.That(lens.Rank, Is.EqualTo(rank), $"layer {layer} rank");
        }
        var logits = Error(readout.FinalLogits, [reference.FinalLogits]);
        TestContext.Out.WriteLine($"final logits {logits:E2}");
        Assert.That(logits, Is.LessThan(Tolerance), "final logits");
    }

    /// <summary>max |a − e| / max |e| over a (P, C) row-major result and its (T, C) reference (P = T, every position).</summary>
    private static double Error(float[] actual, double[][] expected)
    {
        var width = expected[0].Length;
        Assert.That(actual.Length, Is.EqualTo(expected.Length * width), "rows × width");
        var (worst, scale) = (0.0, 0.0);
        for (var r = 0; r < expected.Length; r++)
        {
            for (var c = 0; c < width; c++)
            {
                worst = Math.Max(worst, Math.Abs(actual[r * width + c] - expected[r][c]));
                scale = Math.Max(scale, Math.Abs(expected[r][c]));
            }
        }
        return double.IsNaN(worst) ? double.PositiveInfinity : worst / Math.Max(scale, 1e-30);
    }
}
