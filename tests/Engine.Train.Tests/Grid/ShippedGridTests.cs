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
    };

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
}
