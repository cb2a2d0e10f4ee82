using Engine.Train.Config;
using Engine.Train.Grid;
using Engine.Train.World;
using NUnit.Framework;

namespace Engine.Train.Tests.Grid;

/// <summary>The expected cost of a run: its fact counts against generated worlds, and its order between settings.</summary>
[TestFixture]
[Category("Grid")]
public class RunCostTests
{
    private static int Trained(RunSettings s) => AnalogyWorld.Generate(s.ToWorldSettings()).TrainingFacts.Count;

    private static int Probed(RunSettings s) => AnalogyWorld.Generate(s.ToWorldSettings()).AllProbes.Count();

    [Test]
    public void WithoutRandomSplitsTheFactCountsAreTheWorldsExactly()
    {
        // ρ = 1, a = 0, c = 0: every count is fixed; g = 0.4 of k = 5 rounds to exactly 2 held out.
        foreach (var s in new[]
        {
            new RunSettings { CompositionalOod = 0 },
            new RunSettings { CompositionalOod = 0, Entities = 20 },
            new RunSettings { CompositionalOod = 0, Entities = 30, FInverse = true },
            new RunSettings { CompositionalOod = 0, Entities = 15, Functors = 2 },
        })
        {
            Assert.That(RunCost.TrainedFacts(s), Is.EqualTo(Trained(s)).Within(1e-9), s.ToJson());
            Assert.That(RunCost.ProbedFacts(s), Is.EqualTo(Probed(s)).Within(1e-9), s.ToJson());
        }
    }

    [TestCase(0.0, 0.1, 1.0)]
    [TestCase(0.2, 0.3, 1.0)]
    [TestCase(0.0, 0.5, 0.7)]
    public void WithRandomSplitsTheCountsAreTheWorldsOnAverage(double atomicOod, double compositionalOod, double edges)
    {
        var settings = Enumerable.Range(1, 24).Select(seed => new RunSettings
        {
            Entities = 20, AtomicOod = atomicOod, CompositionalOod = compositionalOod, EdgeProbability = edges, DataSeed = seed,
        }).ToList();
        var trained = settings.Average(Trained);
        var probed = settings.Average(Probed);
        Assert.That(RunCost.TrainedFacts(settings[0]), Is.EqualTo(trained).Within(6).Percent);
        Assert.That(RunCost.ProbedFacts(settings[0]), Is.EqualTo(probed).Within(6).Percent);
    }

    [Test]
    public void MoreOfEverySizeCostsMore()
    {
        var baseline = new RunSettings();
        var cost = RunCost.Estimate(baseline);
        foreach (var bigger in new[]
        {
            baseline with { Width = 256 }, baseline with { Depth = 2 }, baseline with { Epochs = 2000 },
            baseline with { Entities = 20 }, baseline with { Relations = 20000 }, baseline with { Batch = 32 },
            baseline with { CompositionalOod = 0 }, baseline with { FInverse = true },
        })
            Assert.That(RunCost.Estimate(bigger), Is.GreaterThan(cost), bigger.ToJson());
        Assert.That(RunCost.Estimate(baseline with { EvalEvery = 5 }), Is.LessThan(cost), "fewer probe passes");
        Assert.That(RunCost.Estimate(baseline with { Seed = 7 }), Is.EqualTo(cost), "the seed changes nothing");
    }

    [Test]
    public void TheWidthSweepOfTheIssueIsOrderedWidestFirstAndItsRatiosFollowTheFormula()
    {
        var widths = new[] { 64, 128, 256, 512 };
        var costs = widths.Select(w => RunCost.Estimate(new RunSettings { Width = w, WeightDecay = 0.01 })).ToArray();
        Assert.That(costs, Is.Ordered.Ascending);
        // Per fact the head (2·V·C, V = 10011) is linear in C and the blocks (72·C² at depth 1) quadratic.
        double Forward(double c) => 2 * 3 * (12 * c * c + 6 * c) + 2 * 10011 * c;
        Assert.That(costs[3] / costs[0], Is.EqualTo(Forward(512) / Forward(64)).Within(10).Percent);
    }
}
