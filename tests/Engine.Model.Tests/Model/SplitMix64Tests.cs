using Engine.Model;

namespace Engine.Model.Tests;

/// <summary>The one SplitMix64 of the code base: parameter initialisation and the world generator's seeding both draw from it.</summary>
[TestFixture]
[Category("Model")]
public sealed class SplitMix64Tests
{
    [Test]
    public void MatchesThePublishedSequenceForSeedZero()
    {
        // First outputs of Vigna's splitmix64.c from state 0.
        var rng = new SplitMix64(0);
        Assert.That(rng.NextUInt64(), Is.EqualTo(0xE220A8397B1DCDAFUL));
        Assert.That(rng.NextUInt64(), Is.EqualTo(0x6E789E6AA1B965F4UL));
        Assert.That(rng.NextUInt64(), Is.EqualTo(0x06C45D188009454FUL));
    }

    [Test]
    public void ACopySnapshotsTheState()
    {
        var rng = new SplitMix64(42);
        rng.NextNormal(); // leaves the pair's second normal spare
        var copy = rng;
        Assert.That((copy.NextNormal(), copy.NextUInt64()), Is.EqualTo((rng.NextNormal(), rng.NextUInt64())));
    }

    [Test]
    public void NextDoubleIsTheTop53BitsOfTheNextDraw()
    {
        var bits = new SplitMix64(7);
        var doubles = new SplitMix64(7);
        for (var i = 0; i < 4; i++)
            Assert.That(doubles.NextDouble(), Is.EqualTo((bits.NextUInt64() >> 11) / (double)(1UL << 53)));
    }
}
