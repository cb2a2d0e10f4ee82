using Engine.Train.Llm;
using Engine.Train.Tests.Llm.Fixtures;
using NUnit.Framework;

namespace Engine.Train.Tests.Llm.Reference;

/// <summary>
/// The float64 reference forward pass checked on tiny hand-built weights whose results can be worked out on paper,
/// and by relations (causality, GQA sharing, soft-cap limits) on the random test models.
/// </summary>
[TestFixture]
[Category("Llm")]
public sealed class LlmReferenceTests
{
    private const double Eps = 1e-12;

    /// <summary>One block, C = D = 2, one head, V = 2; every tensor zero unless set.</summary>
    private static (LlmConfig Config, Dictionary<string, float[]> Tensors) Tiny(LlmArchitecture architecture, int? window = null, bool tied = false)
    {
        var gemma = architecture == LlmArchitecture.Gemma2;
        var config = new LlmConfig(architecture, HiddenSize: 2, IntermediateSize: 2, LayerCount: 1, HeadCount: 1, KvHeadCount: 1, HeadDim: 2,
            VocabSize: 2, RmsNormEps: Eps, RopeTheta: 10000, RopeScaling: null, AttentionScale: 1 / Math.Sqrt(2),
            AttentionSoftcap: gemma ? 50 : null, FinalLogitSoftcap: gemma ? 30 : null, SlidingWindow: gemma ? window : null,
            TieWordEmbeddings: tied, gemma ? "gelu_pytorch_tanh" : "silu", BosTokenId: null);
        var tensors = LlmTensorNames.Expected(config).ToDictionary(e => e.Name, e => new float[e.Shape.Aggregate(1, (a, b) => a * b)]);
        // Norm weights neutral: 1 for Llama (· w), 0 for Gemma-2 (· (1 + w)).
        foreach (var (name, shape) in LlmTensorNames.Expected(config))
            if (shape.Length == 1 && !gemma) Array.Fill(tensors[name], 1f);
        tensors[LlmTensorNames.Embedding] = [1, 0, 0, 1]; // token 0 → (1, 0), token 1 → (0, 1)
        if (!tied) tensors[LlmTensorNames.LmHead] = [1, 0, 0, 1];
        return (config, tensors);
    }

    private static readonly float[] Identity = [1, 0, 0, 1];

    [Test]
    public void EmptyBlocksPassTheEmbeddingThroughAndTheLensReadsItBack()
    {
        var (config, tensors) = Tiny(LlmArchitecture.Llama);
        var pass = LlmReference.Run(config, n => tensors[n], [1, 0]);
        // Zero projections: the residual stays the embedding; rms((1, 0)) = 1/√2, so the norm gives (√2, 0).
        Assert.That(pass.Residuals[1][0], Is.EqualTo(new[] { 0.0, 1 }).Within(1e-12));
        Assert.That(pass.Residuals[1][1], Is.EqualTo(new[] { 1.0, 0 }).Within(1e-12));
        Assert.That(pass.Normed[0][1], Is.EqualTo(new[] { Math.Sqrt(2), 0 }).Within(1e-9));
        Assert.That(pass.FinalLogits, Is.EqualTo(new[] { Math.Sqrt(2), 0 }).Within(1e-9));
        var (logProb, prob, rank) = pass.Lens(1, 0);
        Assert.That(logProb, Is.EqualTo(Math.Sqrt(2) - Math.Log(Math.Exp(Math.Sqrt(2)) + 1)).Within(1e-9));
        Assert.That(prob, Is.EqualTo(Math.Exp(logProb)).Within(1e-15));
        Assert.That(rank, Is.EqualTo(1));
        Assert.That(pass.Lens(1, 1).Rank, Is.EqualTo(2));
    }

    [Test]
    public void LlamaAttentionWithRopeByHand()
    {
        var (config, tensors) = Tiny(LlmArchitecture.Llama);
        tensors[LlmTensorNames.QueryProjection(0)] = Identity;
        tensors[LlmTensorNames.KeyProjection(0)] = Identity;
        tensors[LlmTensorNames.ValueProjection(0)] = Identity;
        tensors[LlmTensorNames.OutputProjection(0)] = Identity;
        var pass = LlmReference.Run(config, n => tensors[n], [0, 1]);

        // Normed inputs a₀ = (√2, 0), a₁ = (0, √2). D = 2: one frequency, θ⁰ = 1, so position p rotates by p radians.
        // q₁ = rope(a₁, 1) = √2(−sin 1, cos 1); k₀ = a₀; k₁ = q₁. Scores: q₁·k₀ = −2 sin 1, q₁·k₁ = 2, each · 1/√2.
        var n = Math.Sqrt(2);
        double s0 = -2 * Math.Sin(1) / n, s1 = 2 / n;
        var w0 = Math.Exp(s0) / (Math.Exp(s0) + Math.Exp(s1));
        // Values are not rotated: v₀ = (√2, 0), v₁ = (0, √2); position 0 sees only itself.
        Assert.That(pass.Residuals[1][0], Is.EqualTo(new[] { 1 + n, 0 }).Within(1e-9));
        Assert.That(pass.Residuals[1][1], Is.EqualTo(new[] { w0 * n, 1 + (1 - w0) * n }).Within(1e-9));
    }

    [Test]
    public void LlamaSwiGluByHand()
    {
        var (config, tensors) = Tiny(LlmArchitecture.Llama);
        tensors[LlmTensorNames.GateProjection(0)] = Identity;
        tensors[LlmTensorNames.UpProjection(0)] = [2, 0, 0, 2];
        tensors[LlmTensorNames.DownProjection(0)] = Identity;
        var pass = LlmReference.Run(config, n => tensors[n], [0]);
        // h = (1, 0); y = rms-norm = (√2, 0); mlp = silu(√2)·2√2 in channel 0.
        var y = Math.Sqrt(2);
        Assert.That(pass.Residuals[1][0], Is.EqualTo(new[] { 1 + y / (1 + Math.Exp(-y)) * 2 * y, 0 }).Within(1e-9));
    }

    [TestCase(null, TestName = "Gemma2AttentionByHand(full attention)")]
    [TestCase(1, TestName = "Gemma2AttentionByHand(sliding window 1)")]
    [TestCase(2, TestName = "Gemma2AttentionByHand(sliding window 2 = full for 2 tokens)")]
    public void Gemma2AttentionByHand(int? window)
    {
        var (config, tensors) = Tiny(LlmArchitecture.Gemma2, window, tied: true);
        tensors[LlmTensorNames.ValueProjection(0)] = Identity;
        tensors[LlmTensorNames.OutputProjection(0)] = Identity;
        var pass = LlmReference.Run(config, n => tensors[n], [0, 1]);
        var r2 = Math.Sqrt(2);
        // Embedding · √C: x₀ = (√2, 0), x₁ = (0, √2), already of unit RMS, so the input norm keeps them.
        Assert.That(pass.Residuals[0][1], Is.EqualTo(new[] { 0, r2 }).Within(1e-12));
        // q = k = 0: uniform weights over the visible keys. Position 0 sees itself: o = (√2, 0), post-norm keeps it.
        Assert.That(pass.Residuals[1][0], Is.EqualTo(new[] { 2 * r2, 0 }).Within(1e-9));
        // Position 1, full: o = mean(v₀, v₁) = (√2/2, √2/2), post-norm → (1, 1). Window 1: o = v₁ = (0, √2).
        var expected = window == 1 ? new[] { 0, 2 * r2 } : new[] { 1, r2 + 1 };
        Assert.That(pass.Residuals[1][1], Is.EqualTo(expected).Within(1e-9));
        Assert.That(config.IsSlidingLayer(0), Is.EqualTo(window is not null));
    }

    [Test]
    public void Gemma2GeGluWithPostNormByHand()
    {
        var (config, tensors) = Tiny(LlmArchitecture.Gemma2, tied: true);
        tensors[LlmTensorNames.GateProjection(0)] = Identity;
        tensors[LlmTensorNames.UpProjection(0)] = Identity;
        tensors[LlmTensorNames.DownProjection(0)] = [1, 0, 1, 0];
        tensors[LlmTensorNames.PostFeedForwardNorm(0)] = [1, -0.5f];
        var pass = LlmReference.Run(config, n => tensors[n], [0]);
        // h = x = (√2, 0); y = (√2, 0); gelu_tanh(√2)·√2 in channel 0 → down copies it to both channels: (g, g);
        // post-norm: (g, g)/|g| · (1 + w) = (2, 0.5) for g > 0.
        var g = LlmReference.GeluTanh(Math.Sqrt(2)) * Math.Sqrt(2);
        Assert.That(g, Is.GreaterThan(0));
        Assert.That(pass.Residuals[1][0], Is.EqualTo(new[] { Math.Sqrt(2) + 2, 0.5 }).Within(1e-9));
    }

    [Test]
    public void Gemma2FinalSoftCapBoundsTheLogits()
    {
        var (config, tensors) = Tiny(LlmArchitecture.Gemma2, tied: true);
        tensors[LlmTensorNames.Embedding] = [100, 0, 0, 100];
        var pass = LlmReference.Run(config, n => tensors[n], [0]);
        // x = 100√2·e₀; final norm → √2·e₀ (w = 0); logits = 100√2 · (1, 0) · E-rows → 30·tanh(logit/30).
        Assert.That(pass.FinalLogits, Is.EqualTo(new[] { 30 * Math.Tanh(100 * Math.Sqrt(2) / 30), 0 }).Within(1e-9));
    }

    [Test]
    public void ActivationsAtKnownPoints()
    {
        Assert.That(LlmReference.Silu(0), Is.Zero);
        Assert.That(LlmReference.Silu(1), Is.EqualTo(1 / (1 + Math.Exp(-1))).Within(1e-15));
        Assert.That(LlmReference.GeluTanh(0), Is.Zero);
        Assert.That(LlmReference.GeluTanh(1), Is.EqualTo(0.8411919906082768).Within(1e-12), "torch gelu(1, approximate='tanh')");
        Assert.That(LlmReference.GeluTanh(-3), Is.EqualTo(-0.0036373920817729943).Within(1e-12));
    }

    [Test]
    public void LaterTokensDoNotChangeEarlierPositions([Values] LlmArchitecture architecture)
    {
        using var folder = new TempDir();
        var model = TinyLlm.Write(folder.Path, (architecture == LlmArchitecture.Gemma2 ? TinyLlmSpec.Gemma2(3) : TinyLlmSpec.Llama(3)) with { Layers = 3 });
        var a = LlmReference.Run(model, [1, 5, 9, 12, 7, 3, 20]);
        var b = LlmReference.Run(model, [1, 5, 9, 12, 30, 8, 2]);
        for (var l = 0; l <= 3; l++)
            for (var p = 0; p < 4; p++)
                Assert.That(b.Residuals[l][p], Is.EqualTo(a.Residuals[l][p]).Within(1e-12), $"layer {l} position {p}");
        Assert.That(b.Residuals[3][4], Is.Not.EqualTo(a.Residuals[3][4]));
    }

    [Test]
    public void QueryHeadReadsKvHeadHOverGroupSize()
    {
        using var folder = new TempDir();
        var grouped = TinyLlm.Write(folder.Path, TinyLlmSpec.Llama(5) with { Heads = 4, KvHeads = 2 });
        // The same model with every kv head repeated per query head (KV = H): head h gets kv head h / 2.
        var config = grouped.Config with { KvHeadCount = 4 };
        var tensors = grouped.Tensors.ToDictionary(e => e.Key, e => e.Value.Values);
        int d = config.HeadDim, c = config.HiddenSize;
        foreach (var name in new[] { LlmTensorNames.KeyProjection(0), LlmTensorNames.ValueProjection(0), LlmTensorNames.KeyProjection(1), LlmTensorNames.ValueProjection(1) })
        {
            var source = tensors[name];
            var repeated = new float[4 * d * c];
            for (var h = 0; h < 4; h++) Array.Copy(source, h / 2 * d * c, repeated, h * d * c, d * c);
            tensors[name] = repeated;
        }
        int[] tokens = [2, 7, 11, 4, 19];
        var expected = LlmReference.Run(grouped, tokens);
        var actual = LlmReference.Run(config, n => tensors[n], tokens);
        Assert.That(actual.FinalLogits, Is.EqualTo(expected.FinalLogits).Within(1e-12));
    }

    [Test]
    public void TinyAttentionSoftCapMakesAttentionUniform()
    {
        using var folder = new TempDir();
        var model = TinyLlm.Write(folder.Path, TinyLlmSpec.Gemma2(7) with { SlidingWindow = null });
        int[] tokens = [3, 9, 14, 22];
        // cap·tanh(s/cap) → 0 as cap → 0: the same as zero queries.
        var capped = LlmReference.Run(model.Config with { AttentionSoftcap = 1e-12 }, model.Values, tokens);
        var zeroQueries = model.Tensors.ToDictionary(e => e.Key, e => e.Value.Values);
        for (var l = 0; l < model.Config.LayerCount; l++) zeroQueries[LlmTensorNames.QueryProjection(l)] = new float[zeroQueries[LlmTensorNames.QueryProjection(l)].Length];
        var uniform = LlmReference.Run(model.Config, n => zeroQueries[n], tokens);
        Assert.That(capped.FinalLogits, Is.EqualTo(uniform.FinalLogits).Within(1e-9));
        Assert.That(LlmReference.Run(model, tokens).FinalLogits, Is.Not.EqualTo(uniform.FinalLogits), "the random queries matter uncapped");
    }

    [Test]
    public void LensAtTheLastLayerIsTheFinalLogitsAndNormedIsTheNextBlocksInput()
    {
        using var folder = new TempDir();
        var model = TinyLlm.Write(folder.Path, TinyLlmSpec.Gemma2(11) with { Layers = 3 });
        var pass = LlmReference.Run(model, [2, 30, 6, 17]);
        Assert.That(pass.Residuals, Has.Length.EqualTo(4));
        Assert.That(pass.LensLogits, Has.Length.EqualTo(4));
        Assert.That(pass.FinalLogits, Is.SameAs(pass.LensLogits[3]));
        Assert.That(pass.FinalLogits.All(l => Math.Abs(l) < 30), "final soft-cap");
        // Normed[ℓ] is the next block's input RMSNorm; for layer 1 that is block index 1's input_layernorm.
        var row = pass.Residuals[1][2];
        var rms = Math.Sqrt(row.Sum(v => v * v) / row.Length + model.Config.RmsNormEps);
        var w = model.Values(LlmTensorNames.InputNorm(1));
        Assert.That(pass.Normed[1][2], Is.EqualTo(row.Select((v, i) => v / rms * (1 + w[i]))).Within(1e-12));
    }

    private sealed class TempDir : IDisposable
    {
        public string Path { get; } = Directory.CreateTempSubdirectory("engine-llm-reference-").FullName;

        public void Dispose() => Directory.Delete(Path, recursive: true);
    }
}
