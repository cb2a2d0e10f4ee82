using Engine.Train.Config;
using Engine.Train.Grid;
using Engine.Train.Tests.World;
using NUnit.Framework;

namespace Engine.Train.Tests.Grid;

/// <summary>Every grid shipped in the repository's <c>grids/</c> folder loads, expands to the runs its sweep
/// implies, and yields valid, distinct runs.</summary>
[TestFixture]
[Category("Grid")]
public class ShippedGridTests
{
    // The run counts, read off each file's sweep (no explicit runs in any of them).
    private static readonly Dictionary<string, int> ExpectedRuns = new()
    {
        ["width-depth.yaml"] = 4 * 3 * 3,  // width × depth × seed
        ["optimizer.yaml"] = 4 * 4 * 4,    // lr × weight_decay × batch
        ["data.yaml"] = 6 * 5 * 3,         // compositional_ood × analogical_ood × seed
        ["smoke.yaml"] = 2 * 2 * 2,        // width × depth × seed
        ["width.yaml"] = 4 * 3,            // width × seed
        ["depth.yaml"] = 3 * 3,            // depth × seed
        ["weight-decay.yaml"] = 4 * 3,     // weight_decay × seed
        ["learning-rate.yaml"] = 4 * 3,    // lr × seed
        ["batch.yaml"] = 4 * 3,            // batch × seed
        ["entities.yaml"] = 3 * 3,         // entities × seed
        ["relations.yaml"] = 3 * 3,        // relations × seed
        ["analogical-ood.yaml"] = 4 * 3,   // analogical_ood × seed
        ["compositional-ood.yaml"] = 6 * 3, // compositional_ood × seed
    };

    /// <summary>The single-setting grids of the study: the setting each sweeps and its values, as their headers say.</summary>
    private static readonly (string File, string Key, double[] Values)[] StudyGrids =
    [
        ("width.yaml", "width", [64, 128, 256, 512]),
        ("depth.yaml", "depth", [1, 2, 4]),
        ("weight-decay.yaml", "weight_decay", [0, 0.01, 0.1, 1]),
        ("learning-rate.yaml", "lr", [1e-4, 1e-3, 1e-2, 1e-1]),
        ("batch.yaml", "batch", [32, 64, 128, 256]),
        ("entities.yaml", "entities", [10, 20, 30]),
        ("relations.yaml", "relations", [100, 1000, 10000]),
        ("analogical-ood.yaml", "analogical_ood", [0.2, 0.4, 0.6, 0.8]),
        ("compositional-ood.yaml", "compositional_ood", [0, 0.1, 0.3, 0.5, 0.7, 0.9]),
    ];

    private static string GridsFolder => Path.Combine(TestFiles.RepositoryRoot(), "grids");

    [Test]
    public void EveryShippedGridHasAnExpectation()
    {
        var shipped = Directory.GetFiles(GridsFolder).Select(Path.GetFileName).Order().ToList();
        Assert.That(shipped, Is.EqualTo(ExpectedRuns.Keys.Order().ToList()));
    }

    [TestCase("width-depth.yaml", 36)]
    [TestCase("optimizer.yaml", 64)]
    [TestCase("data.yaml", 90)]
    [TestCase("smoke.yaml", 8)]
    [TestCase("width.yaml", 12)]
    [TestCase("depth.yaml", 9)]
    [TestCase("weight-decay.yaml", 12)]
    [TestCase("learning-rate.yaml", 12)]
    [TestCase("batch.yaml", 12)]
    [TestCase("entities.yaml", 9)]
    [TestCase("relations.yaml", 9)]
    [TestCase("analogical-ood.yaml", 12)]
    [TestCase("compositional-ood.yaml", 18)]
    public void ExpandsToTheRunsOfItsSweepAndEveryRunIsValid(string file, int runs)
    {
        Assert.That(ExpectedRuns[file], Is.EqualTo(runs));
        var spec = GridSpec.Load(Path.Combine(GridsFolder, file), new RunSettings());
        var expanded = spec.Expand();

        Assert.That(expanded, Has.Count.EqualTo(runs));
        Assert.That(expanded.Select(r => r.Index), Is.EqualTo(Enumerable.Range(0, runs)));
        Assert.That(expanded.Select(r => r.Id).Distinct().Count(), Is.EqualTo(runs));
        Assert.That(expanded.Select(r => string.Join(",", r.Swept.Values)).Distinct().Count(), Is.EqualTo(runs),
            "each run has its own combination of swept values");
        foreach (var run in expanded)
        {
            Assert.That(run.Id, Is.EqualTo(GridSpec.RunId(run.Settings)));
            Assert.DoesNotThrow(() => run.Settings.Validate(), $"run {run.Index}");
            Assert.DoesNotThrow(() => run.Settings.ToWorldSettings().Validate(), $"run {run.Index}: its world");
        }
    }

    [Test]
    public void TheSmokeGridSweepsWhatItsHeaderSays()
    {
        var runs = GridSpec.Load(Path.Combine(GridsFolder, "smoke.yaml"), new RunSettings()).Expand();
        Assert.That(runs.Select(r => (r.Settings.Width, r.Settings.Depth, r.Settings.Seed)), Is.EqualTo(new[]
        {
            (32, 1, 1), (32, 1, 2), (32, 2, 1), (32, 2, 2), (64, 1, 1), (64, 1, 2), (64, 2, 1), (64, 2, 2),
        }));
        Assert.That(runs.All(r => r.Settings is { Entities: 8, Relations: 200, AnalogicalOod: 0.5, Epochs: 150, Batch: 32 }), Is.True);
    }

    [Test]
    public void EveryShippedGridStatesItsClaim()
    {
        foreach (var file in ExpectedRuns.Keys)
        {
            var claim = GridSpec.Load(Path.Combine(GridsFolder, file), new RunSettings()).Claim;
            Assert.That(claim, Is.Not.Null.And.Length.GreaterThan(20), file);
        }
    }

    [Test]
    public void EachStudyGridSweepsOneSettingOverThreeSeedsEachItsOwnWorld()
    {
        foreach (var (file, key, values) in StudyGrids)
        {
            var spec = GridSpec.Load(Path.Combine(GridsFolder, file), new RunSettings());
            var runs = spec.Expand();
            Assert.Multiple(() =>
            {
                Assert.That(spec.SweptKeys, Is.EqualTo(new[] { key, "seed" }), file);
                Assert.That(spec.Ties, Is.EqualTo(new Dictionary<string, string> { ["data_seed"] = "seed" }), file);
                Assert.That(runs.Select(r => double.Parse(r.Swept[key], System.Globalization.CultureInfo.InvariantCulture)).Distinct(), Is.EqualTo(values), file);
                Assert.That(runs.Select(r => r.Settings.Seed).Distinct(), Is.EqualTo(new[] { 1, 2, 3 }), file);
                Assert.That(runs.All(r => r.Settings.DataSeed == r.Settings.Seed), Is.True, $"{file}: data_seed follows seed");
                Assert.That(runs.All(r => r.Settings.Epochs == 1000), Is.True, file);
            });
        }
    }

    [Test]
    public void TheAnalogicalRatiosHoldOutOneToFourOfTheFiveAnalogies()
    {
        var runs = GridSpec.Load(Path.Combine(GridsFolder, "analogical-ood.yaml"), new RunSettings()).Expand();
        foreach (var ratio in new[] { 0.2, 0.4, 0.6, 0.8 })
        {
            var world = Engine.Train.World.AnalogyWorld.Generate(runs.First(r => r.Settings.AnalogicalOod == ratio).Settings.ToWorldSettings());
            Assert.That(world.Probes[Engine.Train.World.FactType.OodAnalogical], Has.Count.EqualTo((int)Math.Round(ratio * 5)), $"ratio {ratio}");

        }
    }
}
