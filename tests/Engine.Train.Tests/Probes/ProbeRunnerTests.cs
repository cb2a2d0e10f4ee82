using Engine.Kernels;
using Engine.Model;
using Engine.Train.Metrics;
using Engine.Train.Training;
using Engine.Train.World;
using NUnit.Framework;

namespace Engine.Train.Tests.Probes;

/// <summary>
/// Known-answer tests of one probe pass on a hand-built model whose logits and attention weights follow in
/// closed form. Every parameter is 0 except:
/// <list type="bullet">
/// <item>ln_f: γ = 0, β = (1, 0, 0, 0), so the final hidden state is β for every fact and the logits are the
/// head's column 0: z_v = head[v, 0], the same for every fact;</item>
/// <item>the embedding rows of &lt;f&gt; and of "positive" entities are s·(1, −1, 1, −1), of &lt;f_inv&gt;, of &lt;f_2&gt;
/// (in a world with two functors) and of "negative" entities −s·(1, −1, 1, −1), so LN1 (γ = 1) maps them to
/// ±ρ·(1, −1, 1, −1), ρ = s/√(s² + ε);</item>
/// <item>layer 0, head h (channels 2h, 2h+1; head size 2): q = (w_h·LN1(x)[0] + b_h, 0) and
/// k = (u_h·LN1(x)[0] + c_h, 0); layer 1: q = (b'_h, 0) and k = (c'_h, 0) from the biases alone.</item>
/// </list>
/// With head size 2, RoPE turns (x0, x1) at position t by t radians (θ_0 = base⁰ = 1), so the query at
/// position 1 scores the source key k₀ as q·k₀·cos(1)/√2 and its own key k₁ as q·k₁/√2, and its weight on the
/// source is 1 / (1 + exp(q·(k₁ − k₀·cos 1)/√2)), whatever the sense of rotation.
/// </summary>
[TestFixture]
[Category("Probes")]
public class ProbeRunnerTests
{
    private const int Width = 4;
    private const int Heads = 2;
    private const int Depth = 2;
    private const double Scale = 100;     // s: large, so ε barely moves LN1
    private const double Epsilon = 1e-5;  // the model's LayerNorm ε

    // Layer 0, per head: query weight w and bias b, key weight u and bias c.
    private static readonly (double W, double B, double U, double C)[] Layer0 = [(2.0, 0.5, 1.5, 0.2), (-1.0, 0.3, -0.8, 0.5)];

    // Layer 1, per head: query bias b' and key bias c'.
    private static readonly (double B, double C)[] Layer1 = [(3.0, 2.0), (-2.0, 1.0)];

    private static readonly double Rho = Scale / Math.Sqrt(Scale * Scale + Epsilon);

    private static Dataset World(bool fInverse, double analogicalOod = 0.34) => AnalogyWorld.Generate(
        new WorldSettings(Entities: 6, Relations: 8, CompositionalOodRatio: 0.3, AnalogicalOodRatio: analogicalOod,
            IncludeFInverse: fInverse, Seed: 5));

    // z of e_0 … e_5: distinct, e_2 highest among the entities.
    private static readonly double[] EntityLogits = [0.5, -0.2, 1.3, 0.1, 0.9, -0.6];

    /// <summary>z_v: the entity logits above, −1 − 0.1·j for relation r_j, −2 for the functors; optionally 10 for one relation.</summary>
    private static double[] Logits(Dataset dataset, int? relationOnTop = null)
    {
        var z = new double[dataset.VocabularySize];
        for (var v = 0; v < z.Length; v++) z[v] = -2;
        for (var e = 0; e < EntityLogits.Length; e++) z[dataset.TokenId($"<e_{e}>")] = EntityLogits[e];
        for (var j = 0; j < 8; j++) z[dataset.TokenId($"<r_{j}>")] = -1 - 0.1 * j;
        if (relationOnTop is { } r) z[dataset.TokenId($"<r_{r}>")] = 10;
        return z;
    }

    private static Gpt<float> Model(Device device, Dataset dataset, double[] logits, ISet<int> negativeEntities)
    {
        var model = new Gpt<float>(new GptConfig(dataset.VocabularySize, Width, Depth, Heads), device, seed: 1);
        device.Fill(model.Parameters.Values, 0f);
        void Set(string name, float[] values) => device.Upload<float>(values, model.Parameters[name].Data);

        var embedding = new float[dataset.VocabularySize * Width];
        void Row(int token, double sign)
        {
            for (var c = 0; c < Width; c++) embedding[token * Width + c] = (float)(sign * Scale * (c % 2 == 0 ? 1 : -1));
        }
        foreach (var e in dataset.CategoryE1.Concat(dataset.Functors.SelectMany(f => f.Category))) Row(e, negativeEntities.Contains(e) ? -1 : 1);
        Row(dataset.TokenId("<f>"), 1);
        if (dataset.TokenId("<f_2>") is >= 0 and var second) Row(second, -1);
        if (dataset.TokenId("<f_inv>") is >= 0 and var inverse) Row(inverse, -1);
        Set("tok_emb.weight", embedding);

        for (var layer = 0; layer < Depth; layer++)
        {
            Set($"blocks.{layer}.ln_1.weight", [1, 1, 1, 1]);
            var weight = new float[3 * Width * Width];  // (3C, C): rows q, k, v
            var bias = new float[3 * Width];
            for (var h = 0; h < Heads; h++)
            {
                int q = 2 * h, k = Width + 2 * h;
                if (layer == 0)
                {
                    (weight[q * Width], bias[q], weight[k * Width], bias[k]) =
                        ((float)Layer0[h].W, (float)Layer0[h].B, (float)Layer0[h].U, (float)Layer0[h].C);
                }
                else
                {
                    (bias[q], bias[k]) = ((float)Layer1[h].B, (float)Layer1[h].C);
                }
            }
            Set($"blocks.{layer}.attn.qkv.weight", weight);
            Set($"blocks.{layer}.attn.qkv.bias", bias);
        }

        Set("ln_f.bias", [1, 0, 0, 0]);
        var head = new float[dataset.VocabularySize * Width];
        for (var v = 0; v < logits.Length; v++) head[v * Width] = (float)logits[v];
        Set("head.weight", head);
        return model;
    }

    private static EpochMetrics Measure(Dataset dataset, double[] logits, ISet<int>? negativeEntities = null)
    {
        using var device = new Kernels.Cpu.CpuDevice(threads: 1);
        using var model = Model(device, dataset, logits, negativeEntities ?? new HashSet<int>());
        using var tape = new Tape<float>(device);
        using var probes = new ProbeRunner(dataset, model, tape);
        return probes.Measure();
    }

    [Test]
    public void NormalisedEmbeddingIsLayerOnesLn1OfTheEntityAndFunctorRows()
    {
        // A randomly initialised model with γ, β of ln_1 moved off 1 and 0, against LayerNorm in float64 here.
        var dataset = World(fInverse: false);
        using var device = new Kernels.Cpu.CpuDevice(threads: 1);
        using var model = new Gpt<float>(new GptConfig(dataset.VocabularySize, Width, Depth, Heads), device, seed: 3);
        float[] gamma = [0.5f, 2f, -1f, 1.5f], beta = [0.1f, -0.2f, 0.3f, 0f];
        device.Upload<float>(gamma, model.Blocks[0].Ln1.Weight.Data);
        device.Upload<float>(beta, model.Blocks[0].Ln1.Bias.Data);
        using var tape = new Tape<float>(device);
        using var probes = new ProbeRunner(dataset, model, tape);
        var weights = probes.Weights();

        var table = model.TokenEmbedding.Weight.ToArray();
        var tokens = Enumerable.Range(0, 6).Append(dataset.TokenId("<f>")).ToArray();
        Assert.That(weights.NormalisedEmbedding.Rows, Is.EqualTo(tokens.Length));
        for (var row = 0; row < tokens.Length; row++)
        {
            var x = table.AsSpan(tokens[row] * Width, Width).ToArray().Select(v => (double)v).ToArray();
            var mean = x.Average();
            var rstd = 1 / Math.Sqrt(x.Average(v => (v - mean) * (v - mean)) + Epsilon);
            var expected = x.Select((v, c) => (v - mean) * rstd * gamma[c] + beta[c]).ToArray();
            Assert.That(weights.NormalisedEmbedding.Row(row).ToArray(), Is.EqualTo(expected).AsCollection.Within(1e-5), $"row {row}");
            Assert.That(weights.Embedding.Row(row).ToArray(), Is.EqualTo(x).AsCollection, $"row {row}");
        }
    }

    /// <summary>The weight on the source of a query q whose source key is k0 and own key k1 (head size 2).</summary>
    private static double SourceWeight(double q, double k0, double k1) =>
        1 / (1 + Math.Exp(q * (k1 - k0 * Math.Cos(1)) / Math.Sqrt(2)));

    [TestCase(null, TestName = "ScoresEachTypeAgainstHandComputedLogits")]
    [TestCase(3, TestName = "AccuracyTakesTheArgmaxOverAllTokensNotOnlyEntities")]
    public void ScoresEachType(int? relationOnTop)
    {
        var dataset = World(fInverse: true);
        var z = Logits(dataset, relationOnTop);
        var pass = Measure(dataset, z);

        // Independently, in float64: CE = log Σ_v exp z_v − z_target, probability = exp(−CE), argmax over all V.
        var logSumExp = Math.Log(z.Sum(Math.Exp));
        var best = Array.IndexOf(z, z.Max());
        Assert.That(pass.Probes.Keys, Is.EquivalentTo(ProbeTypes.All));
        foreach (var type in FactTypes.All)
        {
            var facts = dataset.Probes[type];
            var score = pass.Probes[type.Label()];
            Assert.That(score.Count, Is.EqualTo(facts.Count), type.Label());
            if (facts.Count == 0)
            {
                Assert.That((score.Accuracy, score.CrossEntropy, score.Probability), Is.EqualTo(((double?)null, (double?)null, (double?)null)), type.Label());
                continue;
            }
            var ce = facts.Select(f => logSumExp - z[f.Target]).ToArray();
            Assert.That(score.Accuracy, Is.EqualTo(facts.Count(f => f.Target == best) / (double)facts.Count).Within(1e-12), type.Label());
            Assert.That(score.CrossEntropy, Is.EqualTo(ce.Average()).Within(1e-5), type.Label());
            Assert.That(score.Probability, Is.EqualTo(ce.Average(c => Math.Exp(-c))).Within(1e-5), type.Label());
        }

        // The world must make the test discriminating: empty types, and (with an entity on top) partial accuracy.
        Assert.That(dataset.Probes[FactType.OodAtomic], Is.Empty);
        if (relationOnTop is null)
            Assert.That(pass.Probes[ProbeTypes.IdAtomic].Accuracy, Is.GreaterThan(0).And.LessThan(1));
        else
            Assert.That(pass.Probes.Values.Where(s => s.Count > 0).Select(s => s.Accuracy), Has.All.EqualTo(0));
    }

    [TestCase(false)]
    [TestCase(true)]
    public void AttentionToSourceAveragesTheFunctorQueriesOnly(bool fInverse)
    {
        var dataset = World(fInverse);
        // ID sources keep the positive embedding, OOD sources get the negative one: the two sets attend differently.
        var oodSources = dataset.Probes[FactType.OodAnalogical].Where(f => f.Input[1] == dataset.TokenId("<f>")).Select(f => f.Input[0]).ToHashSet();
        var pass = Measure(dataset, Logits(dataset), oodSources);

        const int idCount = 2, oodCount = 1;  // k = 3 analogies, round(3·0.66) = 2 trained; <f_inv> facts double the lists
        Assert.That(dataset.Probes[FactType.IdAnalogical], Has.Count.EqualTo(fInverse ? 2 * idCount : idCount));
        Assert.That(dataset.Probes[FactType.OodAnalogical], Has.Count.EqualTo(fInverse ? 2 * oodCount : oodCount));
        Assert.That(oodSources, Has.Count.EqualTo(oodCount));

        for (var h = 0; h < Heads; h++)
        {
            var (w, b, u, c) = Layer0[h];
            var query = w * Rho + b;       // the <f> query; <f_inv> would give −w·ρ + b
            var ownKey = u * Rho + c;      // the key of <f> itself
            var id = SourceWeight(query, u * Rho + c, ownKey);
            var ood = SourceWeight(query, -u * Rho + c, ownKey);
            var constant = SourceWeight(Layer1[h].B, Layer1[h].C, Layer1[h].C);  // layer 1: the same for every fact
            var all = (idCount * id + oodCount * ood) / (idCount + oodCount);
            Assert.Multiple(() =>
            {
                Assert.That(pass.AttnFToSourceId[0][h], Is.EqualTo(id).Within(1e-6), $"id, layer 0, head {h}");
                Assert.That(pass.AttnFToSourceOod[0][h], Is.EqualTo(ood).Within(1e-6), $"ood, layer 0, head {h}");
                Assert.That(pass.AttnFToSource[0][h], Is.EqualTo(all).Within(1e-6), $"all, layer 0, head {h}");
                Assert.That(pass.AttnFToSourceId[1][h], Is.EqualTo(constant).Within(1e-6), $"id, layer 1, head {h}");
                Assert.That(pass.AttnFToSourceOod[1][h], Is.EqualTo(constant).Within(1e-6), $"ood, layer 1, head {h}");
                Assert.That(pass.AttnFToSource[1][h], Is.EqualTo(constant).Within(1e-6), $"all, layer 1, head {h}");
            });
        }
        // The hand-picked weights keep the cases apart: ID ≠ OOD, heads differ, and the source is not the own key.
        Assert.That(pass.AttnFToSourceId[0][0], Is.Not.EqualTo(pass.AttnFToSourceOod[0][0]).Within(0.05));
        Assert.That(pass.AttnFToSourceId[1][0], Is.Not.EqualTo(pass.AttnFToSourceId[1][1]).Within(0.05));
        Assert.That(pass.AttnFToSourceId[1][0], Is.Not.EqualTo(1 - pass.AttnFToSourceId[1][0]).Within(0.05));
    }

    [Test]
    public void AnEmptyOodAnalogySetGivesNullAttentionAndAZeroCountScoreInTheMetricsLine()
    {
        var dataset = World(fInverse: false, analogicalOod: 0);
        var pass = Measure(dataset, Logits(dataset));
        Assert.That(pass.AttnFToSourceOod.SelectMany(row => row), Has.All.Null);
        Assert.That(pass.AttnFToSource, Is.EqualTo(pass.AttnFToSourceId));
        var line = pass.ToJsonLine();
        Assert.That(line, Does.Contain("\"ood_analogical\":{\"acc\":null,\"ce\":null,\"prob\":null,\"n\":0}"));
        Assert.That(line, Does.Contain("\"ood_atomic\":{\"acc\":null,\"ce\":null,\"prob\":null,\"n\":0}"));
        Assert.That(line, Does.Contain("\"attn_f_to_source_ood\":[[null,null],[null,null]]"));
        var back = EpochMetrics.FromJsonLine(line);
        Assert.That(back.Probes.Keys, Is.EquivalentTo(ProbeTypes.All));
        Assert.That(back.Probes[ProbeTypes.OodAnalogical], Is.EqualTo(new ProbeScore(null, null, null, 0)));
        Assert.That(back.AttnFToSourceId[1][1], Is.EqualTo(pass.AttnFToSourceId[1][1]));
    }

    /// <summary>
    /// Two functors, E3 "negative": per functor, attention from its own query (&lt;f_2&gt; is the negative row, so its
    /// query is −w·ρ + b and its own key −u·ρ + c), the Dirichlet energy over its own pairs (embedding: 0 for F_1,
    /// opposite rows for F_2; head: the rows are z_v·e_0, so raw Σ (z_e − z_F(e))²), scores for its probe types,
    /// and the top-level fields equal to F_1's.
    /// </summary>
    [Test]
    public void TwoFunctorsAreMeasuredEachOverItsOwnTokenAndPairs()
    {
        var dataset = AnalogyWorld.Generate(new WorldSettings(Entities: 9, Relations: 8, AnalogicalOodRatio: 0.34, Seed: 5, Functors: 2));
        var z = new double[dataset.VocabularySize];
        for (var v = 0; v < z.Length; v++) z[v] = v < 9 ? 0.4 * v - 1.5 : -2;
        var e3 = dataset.Functors[1].Category.ToHashSet();
        var pass = Measure(dataset, z, e3);

        Assert.That(pass.Probes.Keys, Is.EqualTo(dataset.ProbeTypes.Select(t => t.Label)));
        Assert.That(pass.Probes["ood_analogical_2"].Count, Is.EqualTo(1));
        Assert.That(pass.Functors, Has.Count.EqualTo(2));
        var (f1, f2) = (pass.Functors![0], pass.Functors[1]);
        var logSumExp = Math.Log(z.Sum(Math.Exp));
        var facts = dataset.Probes[new ProbeType(FactType.IdAnalogical, 2)];
        Assert.Multiple(() =>
        {
            Assert.That((f1.Functor, f1.Token, f2.Functor, f2.Token), Is.EqualTo((1, "<f>", 2, "<f_2>")));
            Assert.That(pass.Probes["id_analogical_2"].CrossEntropy, Is.EqualTo(facts.Average(f => logSumExp - z[f.Target])).Within(1e-5));

            for (var h = 0; h < Heads; h++)
            {
                var (w, b, u, c) = Layer0[h];
                Assert.That(f1.AttnFToSourceId[0][h], Is.EqualTo(SourceWeight(w * Rho + b, u * Rho + c, u * Rho + c)).Within(1e-6), $"F_1 head {h}");
                Assert.That(f2.AttnFToSourceId[0][h], Is.EqualTo(SourceWeight(-w * Rho + b, u * Rho + c, -u * Rho + c)).Within(1e-6), $"F_2 head {h}");
                Assert.That(f2.AttnFToSourceOod[0][h], Is.EqualTo(f2.AttnFToSourceId[0][h]).Within(1e-6), $"F_2 OOD head {h}");
            }
            Assert.That(f1.AttnFToSourceId[0][0], Is.Not.EqualTo(f2.AttnFToSourceId[0][0]).Within(0.05));

            Assert.That(f1.DirichletRaw, Is.EqualTo(0).Within(1e-9));
            Assert.That(f2.DirichletRaw, Is.EqualTo(3 * 4 * (2 * Scale) * (2 * Scale)).Within(1e-3), "k pairs of opposite rows ±s·(1, −1, 1, −1)");
            Assert.That(f2.DirichletNorm, Is.EqualTo(4).Within(1e-9));
            foreach (var (f, metrics) in new[] { (dataset.Functors[0], f1), (dataset.Functors[1], f2) })
            {
                var raw = dataset.CategoryE1.Sum(e => Math.Pow(z[e] - z[f.Map[e]], 2));
                var norm = dataset.CategoryE1.Average(e => Math.Sign(z[e]) == Math.Sign(z[f.Map[e]]) ? 0.0 : 4.0);
                Assert.That(metrics.DirichletHeadRaw, Is.EqualTo(raw).Within(1e-5), $"{f.Token} head raw");
                Assert.That(metrics.DirichletHeadNorm, Is.EqualTo(norm).Within(1e-6), $"{f.Token} head normalised");
            }

            Assert.That(pass.DirichletHeadRaw, Is.EqualTo(f1.DirichletHeadRaw));
            Assert.That(pass.AttnFToSourceId, Is.EqualTo(f1.AttnFToSourceId));
            Assert.That(pass.ParallelismOod, Is.EqualTo(f1.ParallelismOod));
        });
        var back = EpochMetrics.FromJsonLine(pass.ToJsonLine());
        Assert.That(back.Functors![1].DirichletHeadRaw, Is.EqualTo(f2.DirichletHeadRaw));
        Assert.That(Measure(World(fInverse: false), Logits(World(fInverse: false))).ToJsonLine(), Does.Not.Contain("\"functors\""));
    }
}
