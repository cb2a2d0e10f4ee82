using Engine.Train.Metrics;
using NUnit.Framework;

namespace Engine.Train.Tests.Metrics;

[TestFixture]
[Category("Train")]
public class RunSummaryTests
{
    private static EpochMetrics Pass(int epoch, double oodAcc, double idAcc, double? dirichlet = null, double? parOod = null) => new()
    {
        Epoch = epoch,
        Step = epoch * 3L,
        Tokens = epoch * 100L,
        TrainLoss = 1.0 / epoch,
        Seconds = epoch * 0.5,
        Probes = new Dictionary<string, ProbeScore>
        {
            [ProbeTypes.OodAnalogical] = new(oodAcc, 1 - oodAcc, oodAcc / 2, 2),
            [ProbeTypes.IdAtomic] = new(idAcc, 0.1, 0.9, 20),
        },
        DirichletNorm = dirichlet,
        ParallelismOod = parOod,
    };

    [Test]
    public void LearnedLostAndRelearnedIsTransient()
    {
        var passes = new[]
        {
            Pass(1, 0, 0.5, 2.0, 0.1), Pass(2, 1, 1, 1.5, 0.6), Pass(3, 0.5, 1, 1.0, 0.2),
            Pass(4, 1, 1, 0.8, 0.9), Pass(5, 0, 1, 1.2, null),
        };
        var s = RunSummary.FromMetrics(passes);
        Assert.Multiple(() =>
        {
            Assert.That(s.FirstOodAnalogySuccessEpoch, Is.EqualTo(2));
            Assert.That(s.Transient, Is.True);
            Assert.That(s.TimesLost, Is.EqualTo(2));
            Assert.That(s.FinalOodAnalogySuccess, Is.False);
            Assert.That(s.Types[ProbeTypes.OodAnalogical].BestAcc, Is.EqualTo(1));
            Assert.That(s.Types[ProbeTypes.OodAnalogical].FinalAcc, Is.EqualTo(0));
            Assert.That(s.Types[ProbeTypes.IdAtomic].BestAcc, Is.EqualTo(1));
            Assert.That(s.MinDirichletNorm, Is.EqualTo(0.8));
            Assert.That(s.MaxDirichletNorm, Is.EqualTo(2.0));
            Assert.That(s.MaxParallelismOod, Is.EqualTo(0.9));
            Assert.That(s.FinalParallelismOod, Is.Null);
            Assert.That((s.Epochs, s.Steps, s.Tokens), Is.EqualTo((5, 15L, 500L)));
            Assert.That(s.Types.ContainsKey(ProbeTypes.NearOodCompositional), Is.False);
        });
    }

    [Test]
    public void StableSuccessIsNotTransientAndNeverIsNull()
    {
        var stable = RunSummary.FromMetrics([Pass(1, 0, 1), Pass(2, 1, 1), Pass(3, 1, 1)]);
        Assert.That((stable.FirstOodAnalogySuccessEpoch, stable.Transient, stable.FinalOodAnalogySuccess), Is.EqualTo(((int?)2, false, true)));
        var never = RunSummary.FromMetrics([Pass(1, 0, 1), Pass(2, 0.5, 1)]);
        Assert.That((never.FirstOodAnalogySuccessEpoch, never.Transient), Is.EqualTo(((int?)null, false)));
        var lenient = RunSummary.FromMetrics([Pass(1, 0, 1), Pass(2, 0.5, 1)], successThreshold: 0.5);
        Assert.That(lenient.FirstOodAnalogySuccessEpoch, Is.EqualTo(2));
    }

    [Test]
    public void MetricsLineRoundTripsAndWritesNullForUndefined()
    {
        var pass = Pass(7, 0.5, 1, 1.25, null) with { AttnFToSource = [[0.25, 0.75]] };
        var line = pass.ToJsonLine();
        Assert.That(line, Does.Contain("\"parallelism_ood\":null").And.Contain("\"ood_analogical\":{\"acc\":0.5"));
        Assert.That(line, Does.Not.Contain("\n"));
        var back = EpochMetrics.FromJsonLine(line);
        Assert.That(back.DirichletNorm, Is.EqualTo(1.25));
        Assert.That(back.AttnFToSource[0], Is.EqualTo(new[] { 0.25, 0.75 }));
        Assert.That(back.Probes[ProbeTypes.IdAtomic].Count, Is.EqualTo(20));
        Assert.That(EpochMetrics.Defined(double.NaN), Is.Null);
    }

    [Test]
    public void TypesWithoutFactsAreWrittenWithNullScoresAndLeftOutOfTheSummary()
    {
        var empty = new ProbeScore(null, null, null, 0);
        var passes = new[] { Pass(1, 0, 0.5), Pass(2, 1, 1) }
            .Select(p => p with { Probes = new Dictionary<string, ProbeScore>(p.Probes) { [ProbeTypes.OodAtomic] = empty } })
            .ToList();
        var line = passes[1].ToJsonLine();
        Assert.That(line, Does.Contain("\"ood_atomic\":{\"acc\":null,\"ce\":null,\"prob\":null,\"n\":0}"));
        Assert.That(EpochMetrics.FromJsonLine(line).Probes[ProbeTypes.OodAtomic], Is.EqualTo(empty));

        var s = RunSummary.FromMetrics(passes);
        Assert.That(s.Types.Keys, Is.EquivalentTo(new[] { ProbeTypes.OodAnalogical, ProbeTypes.IdAtomic }));
        Assert.That((s.FirstOodAnalogySuccessEpoch, s.FinalOodAnalogySuccess), Is.EqualTo(((int?)2, true)));

        // An empty OOD-analogy set never counts as solved (nor as lost).
        var noOod = passes.Select(p => p with { Probes = new Dictionary<string, ProbeScore>(p.Probes) { [ProbeTypes.OodAnalogical] = empty } }).ToList();
        var t = RunSummary.FromMetrics(noOod);
        Assert.That((t.FirstOodAnalogySuccessEpoch, t.FinalOodAnalogySuccess, t.TimesLost), Is.EqualTo(((int?)null, false, 0)));
        Assert.That(t.Types.ContainsKey(ProbeTypes.OodAnalogical), Is.False);
    }

    [Test]
    public void RunReaderReadsLinesWithEmptyTypesAndOlderLinesWithoutThem()
    {
        var dir = Directory.CreateTempSubdirectory("engine-reader-").FullName;
        try
        {
            File.WriteAllText(Path.Combine(dir, "config.json"), new Engine.Train.Config.RunSettings().ToJson());
            var empty = new ProbeScore(null, null, null, 0);
            var withEmpty = Pass(2, 1, 1) with { Probes = new Dictionary<string, ProbeScore>(Pass(2, 1, 1).Probes) { [ProbeTypes.OodAtomic] = empty } };
            File.WriteAllLines(Path.Combine(dir, "metrics.jsonl"), [Pass(1, 0, 0.5).ToJsonLine(), withEmpty.ToJsonLine()]);
            var record = Engine.Train.Report.RunReader.Read(dir, "r", null, new Dictionary<string, string>(), 1.0);
            Assert.That(record.Problems, Is.Empty);
            Assert.That(record.Metrics, Has.Count.EqualTo(2));
            Assert.That(record.Metrics[1].Probes[ProbeTypes.OodAtomic], Is.EqualTo(empty));
            Assert.That(record.Summary!.Types.Keys, Is.EquivalentTo(new[] { ProbeTypes.OodAnalogical, ProbeTypes.IdAtomic }));
            Assert.That(record.Summary.Types[ProbeTypes.IdAtomic].BestAcc, Is.EqualTo(1));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Test]
    public void TypesOfFurtherFunctorsAreSummarisedAfterTheSeven()
    {
        var score = new ProbeScore(0.5, 0.7, 0.4, 2);
        var passes = new[] { Pass(1, 0, 1), Pass(2, 1, 1) }
            .Select((p, i) => p with { Probes = new Dictionary<string, ProbeScore>(p.Probes) { ["ood_analogical_2"] = score with { Accuracy = i } } })
            .ToList();
        var s = RunSummary.FromMetrics(passes);
        Assert.That(s.Types.Keys, Is.EqualTo(new[] { ProbeTypes.IdAtomic, ProbeTypes.OodAnalogical, "ood_analogical_2" }));
        Assert.That((s.Types["ood_analogical_2"].FinalAcc, s.Types["ood_analogical_2"].BestAcc), Is.EqualTo((1.0, 1.0)));
    }
}

