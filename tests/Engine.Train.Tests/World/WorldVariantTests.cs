using Engine.Train.World;
using NUnit.Framework;

namespace Engine.Train.Tests.World;

/// <summary>
/// The three world variants the reference code cannot make — sparse E1 graphs (ρ), noisy isomorphism (η) and
/// several functors (m) — checked against recomputations from the documented draw order and against counts
/// worked out by hand. That their defaults leave today's worlds alone is <see cref="GoldenWorldTests"/>.
/// </summary>
[TestFixture]
[Category("World")]
public sealed class WorldVariantTests
{
    private static (int Head, int Tail) Pair(Fact f) => (f.Input[0], f.Target);

    private static List<Fact> Atomic(Dataset d) => [.. d.Probes[FactType.IdAtomic], .. d.Probes[FactType.OodAtomic]];

    private static List<Fact> HeadsIn(IEnumerable<Fact> facts, IEnumerable<int> category)
    {
        var members = category.ToHashSet();
        return [.. facts.Where(f => members.Contains(f.Input[0]))];
    }

    /// <summary>Every path h →r1→ b →r2→ t, t ≠ h, over <paramref name="atomic"/> as "h,r1,r2->t" keys.</summary>
    private static List<string> Paths(List<Fact> atomic) =>
        [.. from first in atomic
            from second in atomic
            where second.Input[0] == first.Target && second.Target != first.Input[0]
            select $"{first.Input[0]},{first.Input[1]},{second.Input[1]}->{second.Target}"];

    private static IEnumerable<string> Compositional(Dataset d, IEnumerable<int> category) =>
        HeadsIn(d.Probes[FactType.IdCompositional].Concat(d.Probes[FactType.NearOodCompositional]).Concat(d.Probes[FactType.FarOodCompositional]), category)
            .Select(f => $"{f.Input[0]},{f.Input[1]},{f.Input[2]}->{f.Target}");

    // ---------------------------------------------------------------- sparse graphs

    [TestCase(0.5, 42UL)]
    [TestCase(0.3, 7UL)]
    [TestCase(0.9, 1UL)]
    public void SparseGraph_KeepsThePairsWhoseDrawFallsBelowRho(double rho, ulong seed)
    {
        var settings = new WorldSettings(Entities: 14, Relations: 50, Seed: seed, EdgeProbability: rho);
        Dataset d = AnalogyWorld.Generate(settings);

        // The documented draws: the entity permutation, the shuffle of E2, then one u per ordered E1 pair.
        var rng = new WorldRandom(seed);
        int[] order = rng.Permutation(14);
        int[] e1 = order[..7];
        int[] images = order[7..14];
        rng.Shuffle(images);
        var kept = new List<(int, int)>();
        foreach (int h in e1)
            foreach (int t in e1)
                if (t != h && rng.NextDouble() < rho) kept.Add((h, t));

        List<Fact> e1Atomic = HeadsIn(Atomic(d), e1);
        Assert.Multiple(() =>
        {
            Assert.That(d.CategoryE1, Is.EqualTo(e1));
            Assert.That(e1Atomic.Select(Pair), Is.EqualTo(kept), "the E1 edges, in (head, tail) order");
            Assert.That(kept, Has.Count.LessThan(42), "the case must drop some of the 42 pairs");
            foreach (var head in e1Atomic.GroupBy(f => f.Input[0]))
                Assert.That(head.Select(f => f.Input[1]).Distinct().Count(), Is.EqualTo(head.Count()), $"distinct relations of head {head.Key}");
        });
    }

    [Test]
    public void SparseGraph_DensityAveragedOverSeedsIsRho()
    {
        int edges = 0;
        for (ulong seed = 0; seed < 40; seed++)
            edges += WorldStructure.Of(AnalogyWorld.Generate(new WorldSettings(Entities: 20, Seed: seed, EdgeProbability: 0.5))).E1Edges;
        // 40 worlds × 90 pairs, Binomial(3600, 0.5): σ = 30; allow 4σ.
        Assert.That(edges, Is.EqualTo(1800).Within(120));
    }

    [TestCase(0.0)]
    [TestCase(0.25)]
    public void SparseGraph_ImagesAndPathsFollowTheKeptEdges(double atomicOod)
    {
        Dataset d = AnalogyWorld.Generate(new WorldSettings(Entities: 12, Relations: 40, AtomicOodRatio: atomicOod, Seed: 3, EdgeProbability: 0.6));
        var F = d.Functor;
        List<Fact> e1Atomic = HeadsIn(Atomic(d), d.CategoryE1);
        var trainedImages = HeadsIn(d.Probes[FactType.IdAtomic], d.CategoryE1).Select(f => (F[f.Input[0]], f.Input[1], F[f.Target]));
        Assert.Multiple(() =>
        {
            Assert.That(HeadsIn(Atomic(d), d.CategoryE2).Select(f => (f.Input[0], f.Input[1], f.Target)), Is.EquivalentTo(trainedImages));
            Assert.That(d.Probes[FactType.OodAtomic], Has.Count.EqualTo(e1Atomic.Count - SplitRounding.TrainedCount(e1Atomic.Count, atomicOod)));
            Assert.That(Compositional(d, d.CategoryE1), Is.EquivalentTo(Paths(e1Atomic)));
            Assert.That(Compositional(d, d.CategoryE2), Is.EquivalentTo(Paths(HeadsIn(Atomic(d), d.CategoryE2))));
            Assert.That(Paths(e1Atomic), Has.Count.LessThan(6 * 5 * 4), "fewer paths than the complete graph's k(k−1)(k−2)");
        });
    }

    [Test]
    public void SparseGraph_WithNoEdgeLeftSaysSo()
    {
        var e = Assert.Throws<WorldSettingsException>(() => AnalogyWorld.Generate(new WorldSettings(EdgeProbability: 1e-9)))!;
        Assert.That(e.Message, Is.EqualTo("edge_probability: ρ = 1E-09 kept none of the 20 E1 edges with data seed 42; raise it"));
    }

    // ---------------------------------------------------------------- noisy isomorphism

    /// <summary>With distinct relations per head, (F(h), r) names one image (F(h), r, F(t)) of a trained E1 edge.</summary>
    private static Dictionary<(int, int), int> ImageTails(Dataset d, FunctorMap functor) =>
        HeadsIn(d.Probes[FactType.IdAtomic], d.CategoryE1).ToDictionary(f => (functor.Map[f.Input[0]], f.Input[1]), f => functor.Map[f.Target]);

    [TestCase(0.25, 5, TestName = "NoisyIsomorphism_RewiresRound(20·η) edges: η 0.25 → 5 of 20")]
    [TestCase(0.1, 2, TestName = "NoisyIsomorphism_RewiresRound(20·η) edges: η 0.1 → 2 of 20")]
    [TestCase(1.0, 20, TestName = "NoisyIsomorphism_RewiresRound(20·η) edges: η 1 → all 20")]
    public void NoisyIsomorphism_RewiresAShareOfTheCopiesWithinTheCategory(double eta, int rewired)
    {
        Dataset d = AnalogyWorld.Generate(new WorldSettings(IsomorphismNoise: eta));
        var expected = ImageTails(d, d.Functors[0]);
        List<Fact> e2Atomic = HeadsIn(Atomic(d), d.CategoryE2);
        var e2 = d.CategoryE2.ToHashSet();
        var moved = e2Atomic.Where(f => expected[(f.Input[0], f.Input[1])] != f.Target).ToList();
        Assert.Multiple(() =>
        {
            Assert.That(e2Atomic, Has.Count.EqualTo(20), "every copy is kept, head and relation included");
            Assert.That(e2Atomic.Select(f => (f.Input[0], f.Input[1])), Is.EquivalentTo(expected.Keys));
            Assert.That(moved, Has.Count.EqualTo(rewired));
            Assert.That(moved.Select(f => f.Target), Has.All.Matches<int>(e2.Contains), "new tails stay in E2");
            Assert.That(moved.Where(f => f.Target == f.Input[0]), Is.Empty, "no loops");
            Assert.That(WorldStructure.Of(d).Images[0].Rewired, Is.EqualTo(rewired));
        });
    }

    [Test]
    public void NoisyIsomorphism_LeavesE1AloneAndRunsE2PathsOverTheRewiredEdges()
    {
        var clean = AnalogyWorld.Generate(new WorldSettings(Seed: 9));
        Dataset d = AnalogyWorld.Generate(new WorldSettings(Seed: 9, IsomorphismNoise: 0.3));
        Assert.Multiple(() =>
        {
            Assert.That(d.CategoryE1, Is.EqualTo(clean.CategoryE1));
            Assert.That(d.Functor, Is.EquivalentTo(clean.Functor));
            Assert.That(HeadsIn(Atomic(d), d.CategoryE1), Is.EqualTo(HeadsIn(Atomic(clean), clean.CategoryE1)));
            Assert.That(Compositional(d, d.CategoryE2), Is.EquivalentTo(Paths(HeadsIn(Atomic(d), d.CategoryE2))));
            Assert.That(Compositional(d, d.CategoryE2), Is.Not.EquivalentTo(Compositional(clean, clean.CategoryE2)));
        });
    }

    [Test]
    public void NoisyIsomorphism_RewiredTailsAreUniformOverTheOtherEntities()
    {
        // k = 5: a rewired edge (a, r, t) picks one of the k − 2 = 3 entities other than a and t.
        var counts = new int[3];
        for (ulong seed = 0; seed < 60; seed++)
        {
            Dataset d = AnalogyWorld.Generate(new WorldSettings(Seed: seed, IsomorphismNoise: 0.5));
            var expected = ImageTails(d, d.Functors[0]);
            foreach (Fact f in HeadsIn(Atomic(d), d.CategoryE2))
            {
                int old = expected[(f.Input[0], f.Input[1])];
                if (old == f.Target) continue;
                int[] others = [.. d.CategoryE2.Where(e => e != f.Input[0] && e != old)];
                counts[Array.IndexOf(others, f.Target)]++;
            }
        }
        // 60 worlds × 10 rewired edges: each slot Binomial(600, 1/3), σ ≈ 11.5; allow 4σ.
        Assert.That(counts.Sum(), Is.EqualTo(600));
        Assert.That(counts, Has.All.InRange(200 - 46, 200 + 46));
    }

    // ---------------------------------------------------------------- several functors

    private static WorldSettings ThreeFunctors(bool inverse = false) =>
        new(Entities: 17, Relations: 30, AnalogicalOodRatio: 0.5, IncludeFInverse: inverse, Seed: 4, Functors: 3);

    [TestCase(false)]
    [TestCase(true)]
    public void Functors_GiveEachItsTokenAfterTheRelations(bool inverse)
    {
        Dataset d = AnalogyWorld.Generate(ThreeFunctors(inverse));
        string[] tail = inverse ? ["<f>", "<f_inv>", "<f_2>", "<f_inv_2>", "<f_3>", "<f_inv_3>"] : ["<f>", "<f_2>", "<f_3>"];
        Assert.Multiple(() =>
        {
            Assert.That(d.VocabularySize, Is.EqualTo(17 + 30 + tail.Length));
            Assert.That(d.Vocabulary.Skip(47), Is.EqualTo(tail));
            Assert.That(d.Vocabulary[16], Is.EqualTo("<e_16>"));
            Assert.That(d.Vocabulary[46], Is.EqualTo("<r_29>"));
            Assert.That(d.ProbeTypes.Select(t => t.Label), Is.EqualTo(new[]
            {
                "id_atomic", "ood_atomic", "id_compositional", "near_ood_compositional", "far_ood_compositional",
                "id_analogical", "ood_analogical", "id_analogical_2", "ood_analogical_2", "id_analogical_3", "ood_analogical_3",
            }));
        });
    }

    [Test]
    public void Functors_MapE1OntoDisjointCategoriesOfSizeK()
    {
        Dataset d = AnalogyWorld.Generate(ThreeFunctors());
        int k = 17 / 4;
        Assert.Multiple(() =>
        {
            Assert.That(ThreeFunctors().ResolvedCategorySize, Is.EqualTo(4), "k = ⌊N/(m + 1)⌋");
            Assert.That(d.CategoryE1, Has.Count.EqualTo(k));
            Assert.That(d.Functors.Select(f => f.Index), Is.EqualTo(new[] { 1, 2, 3 }));
            Assert.That(d.Functors.Select(f => f.CategoryName), Is.EqualTo(new[] { "E2", "E3", "E4" }));
            Assert.That(d.CategoryE1.Concat(d.Functors.SelectMany(f => f.Category)).Distinct().Count(), Is.EqualTo(4 * k));
            foreach (FunctorMap f in d.Functors)
            {
                Assert.That(f.Map.Keys, Is.EquivalentTo(d.CategoryE1), f.Token);
                Assert.That(f.Map.Values, Is.EquivalentTo(f.Category), f.Token);
                var images = HeadsIn(d.Probes[FactType.IdAtomic], d.CategoryE1).Select(e => (f.Map[e.Input[0]], e.Input[1], f.Map[e.Target]));
                Assert.That(HeadsIn(Atomic(d), f.Category).Select(e => (e.Input[0], e.Input[1], e.Target)), Is.EquivalentTo(images), $"{f.CategoryName} copies E1");
                Assert.That(Compositional(d, f.Category), Is.EquivalentTo(Paths(HeadsIn(Atomic(d), f.Category))), $"{f.CategoryName} paths");
            }
        });
    }

    [TestCase(false)]
    [TestCase(true)]
    public void Functors_EachHaveTheirOwnAnalogicalFactsAndSplit(bool inverse)
    {
        Dataset d = AnalogyWorld.Generate(ThreeFunctors(inverse));
        var heldOutSources = new List<HashSet<int>>();
        foreach (FunctorMap f in d.Functors)
        {
            int token = d.TokenId(f.Token);
            var id = d.Probes[new ProbeType(FactType.IdAnalogical, f.Index)];
            var ood = d.Probes[new ProbeType(FactType.OodAnalogical, f.Index)];
            var forward = id.Concat(ood).Where(x => x.Input[1] == token).ToList();
            Assert.Multiple(() =>
            {
                Assert.That(forward.Select(x => (x.Input[0], x.Target)), Is.EquivalentTo(f.Map.Select(p => (p.Key, p.Value))), f.Token);
                Assert.That(id.Count(x => x.Input[1] == token), Is.EqualTo(2), $"{f.Token}: round(4·0.5) trained");
                Assert.That(id.Concat(ood), Has.All.Matches<Fact>(x => x.Functor == f.Index), $"{f.Token}: facts name their functor");
                Assert.That(id.Concat(ood).Count(), Is.EqualTo(inverse ? 8 : 4));
                if (inverse)
                    Assert.That(ood.Where(x => x.Input[1] == token + 1).Select(x => (x.Target, x.Input[0])),
                        Is.EquivalentTo(ood.Where(x => x.Input[1] == token).Select(x => (x.Input[0], x.Target))), $"{f.Token}: inverse follows forward");
                Assert.That(d.TrainingFacts.Where(x => x.Type == FactType.IdAnalogical && x.Functor == f.Index), Is.EquivalentTo(id));
            });
            heldOutSources.Add([.. ood.Where(x => x.Input[1] == token).Select(x => x.Input[0])]);
        }
        // Each functor draws its own split: with seed 4 they do not all hold out the same sources.
        Assert.That(heldOutSources.Skip(1).All(s => s.SetEquals(heldOutSources[0])), Is.False);
    }

    [Test]
    public void Functors_TheFirstIsTheSingleFunctorWorldsF()
    {
        // The draws of F_2 … come after F_1's shuffle, so E1, E2 and F are those of m = 1 with the same seed.
        var single = AnalogyWorld.Generate(new WorldSettings(Entities: 15, CategorySize: 5, Seed: 8));
        var triple = AnalogyWorld.Generate(new WorldSettings(Entities: 15, CategorySize: 5, Seed: 8, Functors: 2));
        Assert.Multiple(() =>
        {
            Assert.That(triple.CategoryE1, Is.EqualTo(single.CategoryE1));
            Assert.That(triple.CategoryE2, Is.EqualTo(single.CategoryE2));
            Assert.That(triple.Functor, Is.EquivalentTo(single.Functor));
        });
    }

    private static IEnumerable<TestCaseData> BadVariants()
    {
        var d = new WorldSettings();
        yield return new TestCaseData(d with { Functors = 0 }, "num_functors: m = 0 must be at least 1").SetName("no functor");
        yield return new TestCaseData(d with { Functors = 3 },
            "num_entities: N = 10 is too small: 4 disjoint categories (num_functors = 3) of at least 3 entities need N ≥ 12").SetName("too few entities for m");
        yield return new TestCaseData(d with { Entities = 12, Functors = 2, CategorySize = 5 },
            "sub_size: 3·k = 15 exceeds num_entities = 12 (E1 … E3 of num_functors = 2 must be disjoint)").SetName("k too large for m");
        foreach (double bad in new[] { 0.0, -0.5, 1.5, double.NaN })
            yield return new TestCaseData(d with { EdgeProbability = bad },
                $"edge_probability: {bad.ToString("R", System.Globalization.CultureInfo.InvariantCulture)} is not a probability in (0, 1] (1 keeps every E1 edge)").SetName($"rho {bad}");
        foreach (double bad in new[] { -0.1, 1.01, double.PositiveInfinity })
            yield return new TestCaseData(d with { IsomorphismNoise = bad },
                $"isomorphism_noise: {bad.ToString("R", System.Globalization.CultureInfo.InvariantCulture)} is not a ratio in [0, 1]").SetName($"eta {bad}");
    }

    [TestCaseSource(nameof(BadVariants))]
    public void Variants_AreValidatedWithAOneLineMessage(WorldSettings settings, string message)
    {
        var e = Assert.Throws<WorldSettingsException>(() => settings.Validate())!;
        Assert.That(e.Message, Is.EqualTo(message));
    }

    // ---------------------------------------------------------------- files

    private static IEnumerable<TestCaseData> VariantWorlds()
    {
        yield return new TestCaseData(ThreeFunctors(inverse: true)).SetArgDisplayNames("three functors with inverses");
        yield return new TestCaseData(new WorldSettings(Entities: 12, Seed: 2, EdgeProbability: 0.7, IsomorphismNoise: 0.2, Functors: 2))
            .SetArgDisplayNames("all three variants");
    }

    [TestCaseSource(nameof(VariantWorlds))]
    public void VariantWorlds_RoundTripWithAndWithoutWorldJson(WorldSettings settings)
    {
        var directory = TestFiles.NewTempDirectory();
        try
        {
            Dataset written = AnalogyWorld.Generate(settings);
            DatasetWriter.Write(written, directory);
            DatasetAssert.Identical(written, DatasetReader.Read(directory));
            Assert.That(File.Exists(Path.Combine(directory, "ood_analogical_2.json")), "a file per probe type");

            File.Delete(Path.Combine(directory, "world.json"));
            Dataset recovered = DatasetReader.Read(directory);
            Assert.Multiple(() =>
            {
                Assert.That(recovered.CategoriesRecovered, Is.True);
                Assert.That(recovered.Functors, Has.Count.EqualTo(settings.Functors));
                Assert.That(recovered.AllProbes, Is.EqualTo(written.AllProbes));
                Assert.That(recovered.CategoryE1, Is.EquivalentTo(written.CategoryE1));
                for (int j = 0; j < settings.Functors; j++)
                    Assert.That(recovered.Functors[j].Map, Is.EquivalentTo(written.Functors[j].Map), $"F_{j + 1}");
            });
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Test]
    public void WorldJson_OfADefaultWorldHasNoVariantKeys_AndOfAVariantWorldHasThem()
    {
        var directory = TestFiles.NewTempDirectory();
        try
        {
            DatasetWriter.Write(AnalogyWorld.Generate(new WorldSettings()), directory);
            string plain = File.ReadAllText(Path.Combine(directory, "world.json"));
            DatasetWriter.Write(AnalogyWorld.Generate(new WorldSettings(Entities: 12, EdgeProbability: 0.8, IsomorphismNoise: 0.1, Functors: 2)), directory);
            string variant = File.ReadAllText(Path.Combine(directory, "world.json"));
            Assert.Multiple(() =>
            {
                foreach (string key in new[] { "edge_probability", "isomorphism_noise", "num_functors", "other_functors" })
                {
                    Assert.That(plain, Does.Not.Contain(key));
                    Assert.That(variant, Does.Contain($"\"{key}\""));
                }
                Assert.That(variant, Does.Contain("\"token\": \"<f_2>\""));
            });
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }
}
