using Engine.Kernels;
using Engine.Model;
using Engine.Train.Analysis;
using Engine.Train.Probes;
using Engine.Train.Tests.World;
using Engine.Train.Training;
using Engine.Train.World;
using NUnit.Framework;

namespace Engine.Train.Tests.Analysis;

/// <summary>
/// The three analyses on a hand-built model whose residual stream follows in closed form: q and k are 0, so every
/// position attends uniformly to itself and the positions before it; v = W_V·LN1(x) + b_V (γ = 1, β = 0); the MLP's
/// inner layer is 0, so it adds only its output bias. Per block, at position t:
/// x[t] += W_O · mean_{s≤t} v[s] + b_O + b_MLP2, from x_0[s] the embedding of token s. The final LayerNorm (γ, β
/// random) and the head (random, scaled up so the lens is not flat) are applied in float64 here as well.
/// </summary>
[TestFixture]
[Category("Analysis")]
public sealed class RunAnalyzerTests
{
    private const int Width = 4;
    private const int Depth = 2;

    private static Dataset World() =>
        AnalogyWorld.Generate(new WorldSettings(Entities: 9, Relations: 8, CompositionalOodRatio: 0.3, AnalogicalOodRatio: 0.34, Seed: 3, Functors: 2));

    private sealed record Known(double[] Embedding, double[] Head, double[] Gamma, double[] Beta,
        double[][] ValueWeight, double[][] ValueBias, double[][] OutWeight, double[][] Offset);

    private static Known Build(Gpt<float> model, Dataset dataset)
    {
        var random = new Random(7);
        // Drawn in float32 precision, so the model holds exactly these values.
        double[] Draw(int count, double scale, double shift = 0) =>
            [.. Enumerable.Range(0, count).Select(_ => (double)(float)(shift + scale * (random.NextDouble() * 2 - 1)))];
        var device = model.Device;
        void Set(string name, double[] values) => device.Upload<float>([.. values.Select(v => (float)v)], model.Parameters[name].Data);
        int v = dataset.VocabularySize;
        var known = new Known(Draw(v * Width, 1), Draw(v * Width, 3), Draw(Width, 0.5, 1), Draw(Width, 0.3),
            [.. Enumerable.Range(0, Depth).Select(_ => Draw(Width * Width, 1))], [.. Enumerable.Range(0, Depth).Select(_ => Draw(Width, 0.5))],
            [.. Enumerable.Range(0, Depth).Select(_ => Draw(Width * Width, 1))], [.. Enumerable.Range(0, Depth).Select(_ => Draw(Width, 1))]);
        device.Fill(model.Parameters.Values, 0f);
        Set("tok_emb.weight", known.Embedding);
        Set("head.weight", known.Head);
        Set("ln_f.weight", known.Gamma);
        Set("ln_f.bias", known.Beta);
        for (var layer = 0; layer < Depth; layer++)
        {
            var qkv = new double[3 * Width * Width];  // (3C, C): rows q, k (zero), v
            known.ValueWeight[layer].CopyTo(qkv, 2 * Width * Width);
            var qkvBias = new double[3 * Width];
            known.ValueBias[layer].CopyTo(qkvBias, 2 * Width);
            Set($"blocks.{layer}.ln_1.weight", [1, 1, 1, 1]);
            Set($"blocks.{layer}.attn.qkv.weight", qkv);
            Set($"blocks.{layer}.attn.qkv.bias", qkvBias);
            Set($"blocks.{layer}.attn.out.weight", known.OutWeight[layer]);
            // b_O and b_MLP2 act only through their sum: b_O gets it all.
            Set($"blocks.{layer}.attn.out.bias", known.Offset[layer]);
        }
        return known;
    }

    private static double[] Norm(double[] x, double[] gamma, double[] beta)
    {
        var mean = x.Average();
        var variance = x.Average(v => (v - mean) * (v - mean));
        return [.. x.Select((v, j) => (v - mean) / Math.Sqrt(variance + 1e-5) * gamma[j] + beta[j])];
    }

    private static double[] Affine(double[] weight, double[] x, double[] bias) =>
        [.. Enumerable.Range(0, Width).Select(o => bias[o] + Enumerable.Range(0, Width).Sum(i => weight[o * Width + i] * x[i]))];

    /// <summary>x_ℓ at the last position of the input <paramref name="tokens"/>, by the closed form above.</summary>
    private static double[] Stream(Known k, IReadOnlyList<int> tokens, int layer)
    {
        var x = tokens.Select(t => k.Embedding.AsSpan(t * Width, Width).ToArray()).ToArray();
        double[] ones = [1, 1, 1, 1], zeros = [0, 0, 0, 0];
        for (var l = 0; l < layer; l++)
        {
            var v = x.Select(row => Affine(k.ValueWeight[l], Norm(row, ones, zeros), k.ValueBias[l])).ToArray();
            for (var t = x.Length - 1; t >= 0; t--)
            {
                var mix = Enumerable.Range(0, Width).Select(j => Enumerable.Range(0, t + 1).Average(s => v[s][j])).ToArray();
                var o = Affine(k.OutWeight[l], mix, k.Offset[l]);
                for (var j = 0; j < Width; j++) x[t][j] += o[j];
            }
        }
        return x[^1];
    }

    private static double[] Stream(Known k, Fact fact, int layer) => Stream(k, fact.Input, layer);

    private static double[] LensLogits(Known k, double[] x, int vocab)
    {
        var h = Norm(x, k.Gamma, k.Beta);
        return [.. Enumerable.Range(0, vocab).Select(t => Enumerable.Range(0, Width).Sum(j => k.Head[t * Width + j] * h[j]))];
    }

    private static (AnalysisReport Report, Known Known, Dataset Dataset, Engine.Train.Metrics.EpochMetrics Probes) Analyze(double ridge = 0.01)
    {
        var dataset = World();
        using var device = new Kernels.Cpu.CpuDevice(threads: 1);
        using var model = new Gpt<float>(new GptConfig(dataset.VocabularySize, Width, Depth, Heads: 1), device, seed: 1);
        var known = Build(model, dataset);
        using var tape = new Tape<float>(device);
        var report = RunAnalyzer.Analyze(dataset, model, tape, ridge, epoch: 12, checkpoint: "x.safetensors");
        using var probes = new ProbeRunner(dataset, model, tape);
        return (report, known, dataset, probes.Measure());
    }

    [Test]
    public void LogitLens_IsTheFinalNormAndHeadOfEachLayersStream()
    {
        var (report, known, dataset, _) = Analyze();
        Assert.That(report.Layers, Is.EqualTo(new[] { "embedding", "block 1", "block 2" }));
        Assert.That(report.LogitLens.Keys, Is.EqualTo(dataset.ProbeTypes.Where(t => dataset.Probes[t].Count > 0).Select(t => t.Label)));
        foreach (var type in dataset.ProbeTypes.Where(t => dataset.Probes[t].Count > 0))
        {
            var facts = dataset.Probes[type];
            var lens = report.LogitLens[type.Label];
            Assert.That(lens.Count, Is.EqualTo(facts.Count));
            for (var layer = 0; layer <= Depth; layer++)
            {
                var expected = facts.Select(f =>
                {
                    var z = LensLogits(known, Stream(known, f, layer), dataset.VocabularySize);
                    var logSumExp = Math.Log(z.Sum(Math.Exp));
                    return (P: Math.Exp(z[f.Target] - logSumExp), Rank: 1 + z.Count(v => v > z[f.Target]));
                }).ToList();
                Assert.That(lens.Prob[layer], Is.EqualTo(expected.Average(e => e.P)).Within(1e-5), $"{type.Label} layer {layer} P");
                Assert.That(lens.Rank[layer], Is.EqualTo(expected.Average(e => (double)e.Rank)).Within(1e-12), $"{type.Label} layer {layer} rank");
                Assert.That(lens.Acc[layer], Is.EqualTo(expected.Average(e => e.Rank == 1 ? 1.0 : 0.0)).Within(1e-12), $"{type.Label} layer {layer} top-1");
            }
        }
        // The case discriminates: the layers' offsets move the lens.
        var ood = report.LogitLens["ood_analogical"];
        Assert.That(ood.Prob.Distinct().Count(), Is.EqualTo(3));
    }

    [Test]
    public void LogitLens_AtTheLastLayerIsTheModelsOwnOutput()
    {
        var (report, _, dataset, probes) = Analyze();
        foreach (var type in dataset.ProbeTypes.Where(t => dataset.Probes[t].Count > 0))
        {
            Assert.That(report.LogitLens[type.Label].Prob[Depth], Is.EqualTo(probes.Probes[type.Label].Probability).Within(1e-5), type.Label);
            Assert.That(report.LogitLens[type.Label].Acc[Depth], Is.EqualTo(probes.Probes[type.Label].Accuracy).Within(1e-12), type.Label);
        }
    }

    [Test]
    public void LinearProbe_IsFittedOnTheTrainedFactsAndScoredPerType()
    {
        var (report, known, dataset, _) = Analyze(ridge: 0.05);
        var probe = report.LinearProbe;
        var trained = dataset.ProbeTypes.Where(t => t.IsTrained && dataset.Probes[t].Count > 0).ToList();
        var fit = trained.SelectMany(t => dataset.Probes[t]).ToList();
        Assert.That(probe.FittedOn, Is.EqualTo(trained.Select(t => t.Label)));
        Assert.That((probe.Ridge, probe.Classes, probe.Fit.Count), Is.EqualTo((0.05, 9, fit.Count)));

        // Independently, per layer: the closed-form streams as features, the ridge of ReferenceRidge. Should two classes
        // tie, two solvers break the tie by rounding: the expected rank is the band from "ties count for the target"
        // (Best) to "ties count against it" (Worst).
        var facts = dataset.ProbeTypes.SelectMany(t => dataset.Probes[t]).ToList();
        var fitRows = facts.Select((f, i) => (f, i)).Where(p => p.f.Type.IsTrained()).Select(p => p.i).ToArray();
        var ambiguous = 0;
        for (var layer = 0; layer <= Depth; layer++)
        {
            var values = facts.SelectMany(f => Stream(known, f, layer)).ToArray();
            var (weight, bias) = ReferenceRidge.Fit(values, Width, fitRows, [.. facts.Select(f => f.Target)], 9, 0.05);
            (int Best, int Worst) Expected(Fact f)
            {
                var x = Stream(known, f, layer);
                var output = Enumerable.Range(0, 9).Select(k => bias[k] + Enumerable.Range(0, Width).Sum(j => x[j] * weight[j, k])).ToArray();
                var others = output.Where((_, k) => k != f.Target).ToList();
                return (1 + others.Count(o => o > output[f.Target] + 1e-6), 1 + others.Count(o => o > output[f.Target] - 1e-6));
            }
            void AssertWithin(ProbeScores scores, List<(int Best, int Worst)> expected, string what)
            {
                Assert.That(scores.Count, Is.EqualTo(expected.Count), what);
                Assert.That(scores.Acc[layer], Is.InRange(expected.Average(e => e.Worst == 1 ? 1.0 : 0.0) - 1e-12,
                    expected.Average(e => e.Best == 1 ? 1.0 : 0.0) + 1e-12), $"{what} layer {layer} accuracy");
                Assert.That(scores.Rank[layer], Is.InRange(expected.Average(e => (double)e.Best) - 1e-12,
                    expected.Average(e => (double)e.Worst) + 1e-12), $"{what} layer {layer} rank");
            }
            foreach (var type in dataset.ProbeTypes.Where(t => dataset.Probes[t].Count > 0))
            {
                var expected = dataset.Probes[type].Select(Expected).ToList();
                AssertWithin(probe.Types[type.Label], expected, type.Label);
                ambiguous += expected.Count(e => e.Best != e.Worst);
            }
            AssertWithin(probe.Fit, [.. fit.Select(Expected)], "fit");
        }
        Assert.That(ambiguous, Is.LessThan(facts.Count * (Depth + 1) / 10), "mostly clear-cut ranks");
        // The case discriminates: the probe reads the stream better after attention has mixed in the source.
        Assert.That(probe.Fit.Acc[0], Is.LessThan(probe.Fit.Acc[2]));
        Assert.That(probe.Lambda, Has.Count.EqualTo(Depth + 1));
    }

    [Test]
    public void DirichletEnergy_OfTheEntityStreamsPerFunctorAndLayer()
    {
        var (report, known, dataset, probes) = Analyze();
        Assert.That(report.Dirichlet.Select(d => (d.Functor, d.Token)), Is.EqualTo(new[] { (1, "<f>"), (2, "<f_2>") }));
        foreach (var (functor, energy) in dataset.Functors.Zip(report.Dirichlet))
        {
            for (var layer = 0; layer <= Depth; layer++)
            {
                var pairs = dataset.CategoryE1.Select(e => (Stream(known, [e], layer), Stream(known, [functor.Map[e]], layer))).ToList();
                var raw = pairs.Sum(p => VectorMath.SquaredDistance(p.Item1, p.Item2));
                var norm = pairs.Average(p => VectorMath.SquaredDistance(VectorMath.Normalised(p.Item1), VectorMath.Normalised(p.Item2)));
                Assert.That(energy.Raw[layer], Is.EqualTo(raw).Within(1e-5 * raw), $"{functor.Token} layer {layer} raw");
                Assert.That(energy.Norm[layer], Is.EqualTo(norm).Within(1e-6), $"{functor.Token} layer {layer} normalised");
            }
            Assert.That(energy.Norm.Distinct().Count(), Is.EqualTo(3), "the offsets move the normalised energy");
        }
        // Layer 0 is the embedding: the probes' own Dirichlet energy.
        Assert.That(report.Dirichlet[0].Raw[0], Is.EqualTo(probes.DirichletRaw).Within(1e-5 * probes.DirichletRaw!.Value));
        Assert.That(report.Dirichlet[1].Norm[0], Is.EqualTo(probes.Functors![1].DirichletNorm).Within(1e-9));
    }

    [Test]
    public void Report_RoundTripsThroughJson()
    {
        var (report, _, _, _) = Analyze();
        var back = AnalysisReport.FromJson(report.ToJson());
        Assert.That(back.ToJson(), Is.EqualTo(report.ToJson()));
        Assert.That(back.Epoch, Is.EqualTo(12));
        Assert.That(report.ToJson(), Does.Contain("\"logit_lens\"").And.Contain("\"linear_probe\"").And.Contain("\"fitted_on\"").And.Contain("\"n\""));
        Assert.That(report.ToJsonLine(), Does.Not.Contain("\n"));
    }
}
