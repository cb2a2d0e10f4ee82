using Engine.Kernels;
using Engine.Train.Llm;
using NUnit.Framework;

namespace Engine.Train.Tests.Llm.Forward;

/// <summary>
/// The forward pass on hand-built models whose answers follow from the architecture by hand: zero blocks pass the
/// embedding through (norms, lens, ranks, soft-cap); zero q and k make attention a plain average of the visible values
/// (grouped-query heads, Gemma-2's sliding window and post-attention norm); identity MLP projections give x + a(y)⊙y.
/// Run on every host device and on the GPU simulator. Legend: T tokens, C hidden, V vocabulary, P positions of interest.
/// </summary>
[TestFixture("cpu")]
[TestFixture("naive")]
[TestFixture("gpu-sim")]
[TestFixture("cuda:0")]
[Category("Llm")]
public sealed class LlmModelHandTests(string spec)
{
    private const double Tolerance = 2e-5;
    private static readonly int[] Tokens = [3, 1, 4, 1, 5, 0];
    private static readonly int[] Positions = [1, 4, 5];
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
    public void MakeFolder() => _root = Directory.CreateTempSubdirectory("engine-llm-forward-").FullName;

    [TearDown]
    public void RemoveFolder() => Directory.Delete(_root, recursive: true);

    [TestCase(LlmArchitecture.Llama)]
    [TestCase(LlmArchitecture.Gemma2)]
    public void ZeroBlocksPassTheEmbeddingThroughEveryLayer(LlmArchitecture architecture)
    {
        var gemma = architecture == LlmArchitecture.Gemma2;
        var model = new HandBuiltLlm(architecture, hidden: 4, intermediate: 6, layers: 2, heads: 2, kvHeads: 1, headDim: 2, vocab: 7,
            finalSoftcap: gemma ? 1.5 : null);
        var random = new Random(7);
        Fill(model[LlmTensorNames.Embedding], random, 1.0);
        var norms = new[] { LlmTensorNames.InputNorm(0), LlmTensorNames.InputNorm(1), LlmTensorNames.FinalNorm };
        foreach (var norm in norms) Fill(model[norm], random, 0.5, gemma ? 0 : 1);
        const int target = 2;
        var readout = Run(model, target);

        var c = model.Config.HiddenSize;
        var offset = gemma ? 1.0 : 0.0;
        var scale = gemma ? Math.Sqrt(c) : 1.0;
        double[] Embedded(int token) => [.. model[LlmTensorNames.Embedding].AsSpan(token * c, c).ToArray().Select(v => v * scale)];
        Assert.That(readout.LayerCount, Is.EqualTo(3));
        for (var layer = 0; layer <= 2; layer++)
        {
            for (var p = 0; p < Positions.Length; p++)
            {
                var x = Embedded(Tokens[Positions[p]]);
                AssertClose(readout.Raw(layer, p), x, $"raw layer {layer} position {Positions[p]}");
                AssertClose(readout.Normed(layer, p), RmsNorm(x, model[norms[layer]], offset), $"normed layer {layer} position {Positions[p]}");
            }
        }
        // Every layer's lens sees the same last residual: logits = E·norm_f(x_last), capped.
        var last = RmsNorm(Embedded(Tokens[^1]), model[LlmTensorNames.FinalNorm], offset);
        var logits = new double[7];
        for (var v = 0; v < 7; v++)
        {
            for (var i = 0; i < c; i++) logits[v] += model[LlmTensorNames.Embedding][v * c + i] * last[i];
            if (gemma) logits[v] = 1.5 * Math.Tanh(logits[v] / 1.5);
        }
        AssertClose(readout.FinalLogits, logits, "final logits");
        var lse = logits.Max() + Math.Log(logits.Sum(l => Math.Exp(l - logits.Max())));
        var rank = 1 + logits.Count(l => l > logits[target]);
        foreach (var lens in readout.Lens)
        {
            Assert.That(lens.LogProbTarget, Is.EqualTo(logits[target] - lse).Within(Tolerance));
            Assert.That(lens.ProbTarget, Is.EqualTo(Math.Exp(logits[target] - lse)).Within(Tolerance));
            Assert.That(lens.Rank, Is.EqualTo(rank));
        }
    }

    [TestCase(LlmArchitecture.Llama, null)]
    [TestCase(LlmArchitecture.Gemma2, 2)]
    [TestCase(LlmArchitecture.Gemma2, 1)]
    public void ZeroQueriesAndKeysAverageTheVisibleValues(LlmArchitecture architecture, int? window)
    {
        // C = 4, two query heads of D = 2 sharing one kv head. v = n[0..2); o = identity: context_t = [m, m],
        // m = the mean of v over the visible keys (all s ≤ t; Gemma-2's layer 0 slides: t − W < s ≤ t).
        var gemma = architecture == LlmArchitecture.Gemma2;
        var model = new HandBuiltLlm(architecture, hidden: 4, intermediate: 4, layers: 1, heads: 2, kvHeads: 1, headDim: 2, vocab: 6,
            slidingWindow: window, attentionSoftcap: gemma ? 50 : null);
        var random = new Random(11);
        Fill(model[LlmTensorNames.Embedding], random, 1.0);
        Fill(model[LlmTensorNames.InputNorm(0)], random, 0.5, gemma ? 0 : 1);
        Fill(model[LlmTensorNames.PostAttentionNorm(0)], random, 0.5, gemma ? 0 : 1);
        Fill(model[LlmTensorNames.FinalNorm], random, 0.5, gemma ? 0 : 1);
        var v = model[LlmTensorNames.ValueProjection(0)]; // (2, 4)
        v[0 * 4 + 0] = 1;
        v[1 * 4 + 1] = 1;
        var o = model[LlmTensorNames.OutputProjection(0)]; // (4, 4)
        for (var i = 0; i < 4; i++) o[i * 4 + i] = 1;
        var tokens = Tokens[..5];
        var readout = Run(model, 0, tokens, [0, 1, 2, 3, 4]);

        var offset = gemma ? 1.0 : 0.0;
        var scale = gemma ? 2.0 : 1.0; // √4
        var x = tokens.Select(token => model[LlmTensorNames.Embedding].AsSpan(token * 4, 4).ToArray().Select(e => e * scale).ToArray()).ToArray();
        var n = x.Select(row => RmsNorm(row, model[LlmTensorNames.InputNorm(0)], offset)).ToArray();
        for (var t = 0; t < tokens.Length; t++)
        {
            var first = gemma && window is { } w ? Math.Max(0, t - w + 1) : 0;
            var m0 = Enumerable.Range(first, t - first + 1).Average(s => n[s][0]);
            var m1 = Enumerable.Range(first, t - first + 1).Average(s => n[s][1]);
            double[] context = [m0, m1, m0, m1];
            var attended = gemma ? RmsNorm(context, model[LlmTensorNames.PostAttentionNorm(0)], 1) : context;
            var expected = x[t].Zip(attended, (a, b) => a + b).ToArray();
            AssertClose(readout.Raw(1, t), expected, $"block output at t={t}");
        }
    }

    [TestCase(LlmArchitecture.Llama)]
    [TestCase(LlmArchitecture.Gemma2)]
    public void IdentityMlpProjectionsAddTheGatedActivationOfTheNormedStream(LlmArchitecture architecture)
    {
        // Attention is zero, so h = x; gate = up = down = identity (I = C = 4): x' = x + a(y)⊙y (Gemma-2: normed again).
        var gemma = architecture == LlmArchitecture.Gemma2;
        var model = new HandBuiltLlm(architecture, hidden: 4, intermediate: 4, layers: 1, heads: 1, kvHeads: 1, headDim: 4, vocab: 6);
        var random = new Random(13);
        Fill(model[LlmTensorNames.Embedding], random, 2.0);
        var mlpNorm = gemma ? LlmTensorNames.PreFeedForwardNorm(0) : LlmTensorNames.PostAttentionNorm(0);
        Fill(model[mlpNorm], random, 0.5, gemma ? 0 : 1);
        if (gemma) Fill(model[LlmTensorNames.PostFeedForwardNorm(0)], random, 0.5, 0);
        foreach (var name in new[] { LlmTensorNames.GateProjection(0), LlmTensorNames.UpProjection(0), LlmTensorNames.DownProjection(0) })
            for (var i = 0; i < 4; i++) model[name][i * 4 + i] = 1;
        var tokens = Tokens[..4];
        var readout = Run(model, 0, tokens, [0, 1, 2, 3]);

        var offset = gemma ? 1.0 : 0.0;
        var scale = gemma ? 2.0 : 1.0;
        for (var t = 0; t < tokens.Length; t++)
        {
            var x = model[LlmTensorNames.Embedding].AsSpan(tokens[t] * 4, 4).ToArray().Select(e => e * scale).ToArray();
            var y = RmsNorm(x, model[mlpNorm], offset);
            var mlp = y.Select(g => (gemma ? GeluTanh(g) : g / (1 + Math.Exp(-g))) * g).ToArray();
            if (gemma) mlp = RmsNorm(mlp, model[LlmTensorNames.PostFeedForwardNorm(0)], 1);
            AssertClose(readout.Raw(1, t), x.Zip(mlp, (a, b) => a + b).ToArray(), $"block output at t={t}");
        }
    }

    [Test]
    public void TokensPositionsAndTargetsOutsideTheirRangesAreRefused()
    {
        var model = new HandBuiltLlm(LlmArchitecture.Llama, hidden: 4, intermediate: 4, layers: 1, heads: 1, kvHeads: 1, headDim: 4, vocab: 6);
        var dir = Path.Combine(_root, "model");
        model.Write(dir);
        using var weights = LlmWeights.Open(dir, model.Config);
        using var llm = LlmModel.Load(model.Config, weights, _device!);
        Assert.Throws<ArgumentOutOfRangeException>(() => llm.Run([1, 6], [0], 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => llm.Run([1, 2], [2], 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => llm.Run([1, 2], [0], 6));
        Assert.Throws<ArgumentException>(() => llm.Run([], [], 0));
        Assert.That(llm.Run([1, 2], [0, 1], 3).LayerCount, Is.EqualTo(2), "a valid call after refused ones");
    }

    private LlmReadout Run(HandBuiltLlm model, int target, int[]? tokens = null, int[]? positions = null)
    {
        var dir = Path.Combine(_root, "model");
        model.Write(dir);
        var config = LlmConfig.Read(dir);
        Assert.That(config with { BosTokenId = null }, Is.EqualTo(model.Config), "config.json reads back as written (bos: its default)");
        using var weights = LlmWeights.Open(dir, config);
        using var llm = LlmModel.Load(config, weights, _device!);
        return llm.Run(tokens ?? Tokens, positions ?? Positions, target);
    }

    private static void Fill(float[] values, Random random, double scale, double offset = 0)
    {
        for (var i = 0; i < values.Length; i++) values[i] = (float)(offset + scale * (2 * random.NextDouble() - 1));
    }

    private static double[] RmsNorm(double[] x, float[] weight, double offset)
    {
        var rstd = 1 / Math.Sqrt(x.Average(v => v * v) + 1e-6);
        return [.. x.Select((v, i) => v * rstd * (offset + weight[i]))];
    }

    private static double GeluTanh(double x) => 0.5 * x * (1 + Math.Tanh(Math.Sqrt(2 / Math.PI) * (x + 0.044715 * x * x * x)));

    private static void AssertClose(ReadOnlySpan<float> actual, double[] expected, string what)
    {
        Assert.That(actual.Length, Is.EqualTo(expected.Length), what);
        for (var i = 0; i < expected.Length; i++)
            Assert.That(actual[i], Is.EqualTo(expected[i]).Within(Tolerance * Math.Max(1, Math.Abs(expected[i]))), $"{what}[{i}]");
    }
}
