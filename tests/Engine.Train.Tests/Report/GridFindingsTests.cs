using Engine.Train.Metrics;
using Engine.Train.Report;
using Engine.Train.Report.Findings;
using NUnit.Framework;

namespace Engine.Train.Tests.Report;

/// <summary>"What this grid shows" on hand-built grids whose summaries are given directly, so every number in the
/// sentences is known in advance.</summary>
[TestFixture]
[Category("Report")]
public class GridFindingsTests
{
    private const string Dir = "/grids/g";

    /// <summary>One finished run: its swept settings, and its OOD-analogy figures.</summary>
    private sealed record Run(int Width, int Seed, double MeanAcc, double FinalAcc = 0, double BestProb = 0.5, int? FirstSolved = null,
        int TimesLost = 0, double Solved = 0, StageEpochs? Stages = null, double? MinHeadEnergy = null, int Depth = 1);

    private static RunRecord Record(Run run, bool withDepth)
    {
        var swept = new Dictionary<string, string> { ["width"] = $"{run.Width}", ["seed"] = $"{run.Seed}" };
        if (withDepth) swept["depth"] = $"{run.Depth}";
        var id = $"w{run.Width}d{run.Depth}s{run.Seed}";
        return new RunRecord
        {
            Id = id,
            Folder = $"{Dir}/runs/{id}",
            Status = RunStatus.Finished,
            Swept = swept,
            Summary = new RunSummary
            {
                Epochs = 100,
                Averaged = new AveragingWindow(10, 100, 46),
                Stages = run.Stages ?? new StageEpochs(null, null, null),
                FinalOodAnalogySuccess = run.FinalAcc >= 1,
                MinDirichletHeadNorm = run.MinHeadEnergy,
                Types = new Dictionary<string, TypeSummary>
                {
                    [ProbeTypes.OodAnalogical] = new(run.FinalAcc, 1, 0.1, run.BestProb, 2, MeanAcc: run.MeanAcc, MeanProb: run.MeanAcc / 2,
                        SolvedFraction: run.Solved, FirstSolvedEpoch: run.FirstSolved, TimesLost: run.TimesLost, BestProbEpoch: 50),
                },
            },
        };
    }

    private static List<string> Describe(IEnumerable<Run> runs, bool withDepth = false, int failed = 0)
    {
        var records = runs.Select(r => Record(r, withDepth)).ToList();
        for (var i = 0; i < failed; i++)
            records.Add(new RunRecord { Id = $"failed{i}", Folder = $"{Dir}/runs/failed{i}", Status = RunStatus.Failed });
        string[] keys = withDepth ? ["width", "depth", "seed"] : ["width", "seed"];
        var grid = new GridData(Dir, false, records, keys, [], []) { Ties = new Dictionary<string, string> { ["data_seed"] = "seed" } };
        return GridFindings.Describe(ReportContext.Create(grid, new ReportOptions()));
    }

    /// <summary>Three seeds per width with time averages mean − 0.1, mean, mean + 0.1 (sample std 0.1).</summary>
    private static IEnumerable<Run> Spread(int width, double mean) =>
        [new(width, 1, mean - 0.1), new(width, 2, mean), new(width, 3, mean + 0.1)];

    [Test]
    public void APeakInsideTheRangeIsNonMonotonicAndResolvedBySeeds()
    {
        var findings = Describe([.. Spread(64, 0.1), .. Spread(128, 0.4), .. Spread(256, 0.7), .. Spread(512, 0.2)], failed: 1);
        Assert.Multiple(() =>
        {
            Assert.That(findings[0], Is.EqualTo(
                "Based on 12 finished runs of 13 (1 failed or unfinished, left out); seed 1, 2, 3 (data_seed follows seed: each seed is its own world)."));
            Assert.That(findings[1], Is.EqualTo(
                "Time-averaged OOD-analogy accuracy over epochs 10–100 (46 probe passes) peaks at width 256 (0.70 ± 0.10) and falls at 512 " +
                "(0.20 ± 0.10): non-monotonic (64 0.10 ± 0.10, 128 0.40 ± 0.10, 256 0.70 ± 0.10, 512 0.20 ± 0.10). " +
                "The best value leads the next (128) by 0.30, more than the spread over seeds (±0.10)."));
            Assert.That(findings[2], Is.EqualTo(
                "Final OOD-analogy accuracy is 0 in 12 and 1 in 0 of 12 runs (by width: 64 0.00, 128 0.00, 256 0.00, 512 0.00): " +
                "the time average (0.70 at best) shows analogy that the final value misses (0.00 at best)."));
        });
    }

    [Test]
    public void AGapWithinTheSeedSpreadIsSaidToBeUnresolved()
    {
        var findings = Describe([.. Spread(64, 0.30), .. Spread(128, 0.35), .. Spread(256, 0.20)]);
        Assert.That(findings[1], Does.Contain("peaks at width 128 (0.35 ± 0.10) and falls at 256 (0.20 ± 0.10): non-monotonic"));
        Assert.That(findings[1], Does.EndWith(
            "The best value leads the next (64) by only 0.05, within the spread over seeds (±0.10): more seeds would be needed to rank them."));
    }

    [Test]
    public void WithAnotherSweptSettingTheSpreadIsOverItNotSeeds()
    {
        // Width 128 leads 64 by 0.05 with depth and seed both varying at each width.
        Run At(int width, int depth, int seed, double acc) => new(width, seed, acc, Depth: depth);
        var runs = new[] { 64, 128 }.SelectMany(w => new[] { 1, 2 }.SelectMany(d => new[] { 1, 2 }.Select(s =>
            At(w, d, s, (w == 128 ? 0.35 : 0.30) + (d == 2 ? 0.1 : -0.1) + (s == 2 ? 0.01 : -0.01))))).ToList();
        var findings = Describe(runs, withDepth: true);
        var byWidth = findings.First(f => f.StartsWith("Time-averaged", StringComparison.Ordinal));
        Assert.That(byWidth, Does.EndWith("within the spread over depth and seed (±0.12): more runs would be needed to rank them."));
        Assert.That(findings, Has.None.Contains("spread over seeds"));
    }

    [TestCase(new[] { 0.1, 0.3, 0.6 }, "rises with width from 0.10 at 64 to 0.60 at 256: monotonic")]
    [TestCase(new[] { 0.6, 0.59, 0.3 }, "falls with width from 0.60 at 64 to 0.30 at 256: monotonic")]
    [TestCase(new[] { 0.11, 0.15, 0.14 }, "rises with width from 0.11 at 64 to 0.14 at 256: monotonic within 0.02 (the highest mean, 0.15 at width 128, is 0.01 past the last)")]
    [TestCase(new[] { 0.5, 0.2, 0.21 }, "falls with width from 0.50 at 64 to 0.21 at 256: monotonic within 0.02 (the lowest mean, 0.20 at width 128, is 0.01 past the last)")]
    [TestCase(new[] { 0.5, 0.2, 0.6 }, "is highest at width 256 (0.60) and lowest at 128 (0.20), with a change of direction between: non-monotonic")]
    [TestCase(new[] { 0.40, 0.41, 0.395 }, "is flat in width: between 0.40 and 0.41 at every value")]
    public void ShapesAreNamedFromTheMeans(double[] means, string expected)
    {
        var runs = new[] { 64, 128, 256 }.Zip(means, (w, m) => new Run(w, 1, m));
        var findings = Describe(runs);
        Assert.That(findings[1], Does.Contain(expected));
        if (!expected.Contains("flat", StringComparison.Ordinal))
            Assert.That(findings[1], Does.EndWith("With one run per value there is no spread over seeds to compare against."));
    }

    [Test]
    public void TransienceStagesBestProbabilityAndGeometryAreCounted()
    {
        Run[] runs =
        [
            new(64, 1, 0.1, FinalAcc: 0, BestProb: 0.2, FirstSolved: 40, TimesLost: 3, Solved: 0.1, Stages: new(20, 50, 40), MinHeadEnergy: 1.9),
            new(64, 2, 0.2, FinalAcc: 0, BestProb: 0.3, Solved: 0, Stages: new(30, 60, null), MinHeadEnergy: 1.8),
            new(128, 1, 0.5, FinalAcc: 1, BestProb: 0.9, FirstSolved: 70, TimesLost: 1, Solved: 0.4, Stages: new(10, 40, 70), MinHeadEnergy: 1.5),
            new(128, 2, 0.6, FinalAcc: 1, BestProb: 0.95, FirstSolved: 80, TimesLost: 0, Solved: 0.6, Stages: new(20, 50, 80), MinHeadEnergy: 1.4),
        ];
        var findings = Describe(runs);
        Assert.Multiple(() =>
        {
            Assert.That(findings[3], Is.EqualTo(
                "The OOD analogy was solved at some probe pass in 3 of 4 runs; 2 of those lost it again (median 2 times) and 2 ended solved. " +
                "Share of probe passes solved, by width: 64 0.05, 128 0.50."));
            Assert.That(findings[4], Is.EqualTo("Best P(target) on the OOD analogy, lowest–highest run, by width: 64 0.20–0.30, 128 0.90–0.95."));
            // Energy = 2 − acc exactly: r = −1.
            Assert.That(findings[5], Is.EqualTo(
                "Across 4 runs, time-averaged OOD-analogy accuracy and the lowest normalised Dirichlet energy of the head rows correlate " +
                "with Pearson r = -1.00: runs whose categories aligned more (lower energy) solved more analogies."));
            // ID: 10, 20, 20, 30 → median 20; near-OOD 40, 50, 50, 60 → 50; analogy 40, 70, 80 → 70. The first run solved the
            // analogy (40) before near-OOD composition (50): 2 of 3 in order.
            Assert.That(findings[^1], Is.EqualTo(
                "Stages at 100 %: all ID facts by epoch 20 (median of the 4 runs that reached it), near-OOD composition by epoch 50 " +
                "(median of the 4 runs that reached it), OOD analogy by epoch 70 (median of the 3 runs that reached it). " +
                "Of the 3 runs that reached all three, 2 did so in the order ID → near-OOD → analogy."));
        });
    }

    [Test]
    public void ASecondSweptSettingGetsItsOwnPeaks()
    {
        Run[] runs =
        [
            new(64, 1, 0.6, Depth: 1), new(128, 1, 0.3, Depth: 1),
            new(64, 1, 0.1, Depth: 2), new(128, 1, 0.5, Depth: 2),
        ];
        var findings = Describe(runs, withDepth: true);
        Assert.That(findings, Does.Contain("Within each depth, time-averaged OOD-analogy accuracy: depth 1 peaks at width 64 (0.60); depth 2 peaks at width 128 (0.50)."));
    }

    [Test]
    public void NoFinishedRunSaysSo()
    {
        var grid = new GridData(Dir, false, [new RunRecord { Id = "q", Folder = $"{Dir}/runs/q" }], ["width"], [], []);
        Assert.That(GridFindings.Describe(ReportContext.Create(grid, new ReportOptions())),
            Is.EqualTo(new[] { "No run has finished yet, so there is nothing to report." }));
    }

    [Test]
    public void PearsonOfAPerfectLineIsOne() =>
        Assert.That(GridFindings.Pearson([1, 2, 3], [2, 4, 6]), Is.EqualTo(1).Within(1e-15));
}
