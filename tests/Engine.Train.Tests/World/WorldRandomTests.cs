using Engine.Train.World;
using NUnit.Framework;

namespace Engine.Train.Tests.World;

[TestFixture]
[Category("World")]
public sealed class WorldRandomTests
{
    [Test]
    public void Xoshiro256StarStar_MatchesIndependentImplementation()
    {
        // From a separate Python implementation of xoshiro256** seeded by four splitmix64(42) outputs
        // (so this also pins the seeding through Engine.Model.SplitMix64).
        var rng = new WorldRandom(42);
        Assert.That(rng.NextUInt64(), Is.EqualTo(0x15780B2E0C2EC716UL));
        Assert.That(rng.NextUInt64(), Is.EqualTo(0x6104D9866D113A7EUL));
        Assert.That(rng.NextUInt64(), Is.EqualTo(0xAE17533239E499A1UL));
        Assert.That(rng.NextUInt64(), Is.EqualTo(0xECB8AD4703B360A1UL));
    }

    [Test]
    public void NextInt_IsUniformByChiSquare()
    {
        const int bound = 7, draws = 70_000;
        var rng = new WorldRandom(3);
        var counts = new int[bound];
        for (int i = 0; i < draws; i++) counts[rng.NextInt(bound)]++;
        double expected = (double)draws / bound;
        double chi2 = counts.Sum(c => (c - expected) * (c - expected) / expected);
        // 6 degrees of freedom: P(χ² > 22.46) = 0.001.
        Assert.That(chi2, Is.LessThan(22.46));
    }

    [Test]
    public void NextDouble_LiesInUnitIntervalWithMeanOneHalf()
    {
        var rng = new WorldRandom(9);
        double sum = 0;
        for (int i = 0; i < 100_000; i++)
        {
            double u = rng.NextDouble();
            Assert.That(u, Is.GreaterThanOrEqualTo(0.0).And.LessThan(1.0));
            sum += u;
        }
        // σ of the mean = sqrt(1/12 / 1e5) ≈ 0.00091; allow 5σ.
        Assert.That(sum / 100_000, Is.EqualTo(0.5).Within(0.0046));
    }

    [Test]
    public void Permutation_OfThree_HitsAllSixOrdersEvenly()
    {
        var rng = new WorldRandom(5);
        var counts = new Dictionary<string, int>();
        const int draws = 60_000;
        for (int i = 0; i < draws; i++)
        {
            string key = string.Join("", rng.Permutation(3));
            counts[key] = counts.GetValueOrDefault(key) + 1;
        }
        Assert.That(counts.Keys, Is.EquivalentTo(new[] { "012", "021", "102", "120", "201", "210" }));
        double chi2 = counts.Values.Sum(c => (c - draws / 6.0) * (c - draws / 6.0) / (draws / 6.0));
        Assert.That(chi2, Is.LessThan(20.52)); // 5 dof, p = 0.001
    }

    [Test]
    public void PermutationPrefix_IsDistinctInRangeAndUniformPerPosition()
    {
        var rng = new WorldRandom(17);
        const int n = 10, count = 4, draws = 40_000;
        var firstCounts = new int[n];
        var lastCounts = new int[n];
        for (int i = 0; i < draws; i++)
        {
            int[] prefix = rng.PermutationPrefix(n, count);
            Assert.That(prefix.Distinct().Count(), Is.EqualTo(count));
            Assert.That(prefix, Has.All.InRange(0, n - 1));
            firstCounts[prefix[0]]++;
            lastCounts[prefix[^1]]++;
        }
        double expected = draws / (double)n;
        foreach (int[] counts in new[] { firstCounts, lastCounts })
            Assert.That(counts.Sum(c => (c - expected) * (c - expected) / expected), Is.LessThan(27.88)); // 9 dof, p = 0.001
    }

    [Test]
    public void PermutationPrefix_OfFullLength_IsAPermutation()
    {
        int[] p = new WorldRandom(1).PermutationPrefix(50, 50);
        Assert.That(p.Order(), Is.EqualTo(Enumerable.Range(0, 50)));
    }
}
