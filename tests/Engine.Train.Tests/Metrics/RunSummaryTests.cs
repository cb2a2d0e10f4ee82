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

    /// <summary>A pass whose scores are given per type as (accuracy, probability); ce = 1 − probability, n = 4.</summary>
    private static EpochMetrics Scores(int epoch, params (string Type, double Acc, double Prob)[] scores) => new()
    {
        Epoch = epoch,
        Step = epoch * 2L,
        Probes = scores.ToDictionary(s => s.Type, s => new ProbeScore(s.Acc, 1 - s.Prob, s.Prob, 4)),
    };

    private static EpochMetrics Ood(int epoch, double acc, double prob) => Scores(epoch, (ProbeTypes.OodAnalogical, acc, prob));

    [Test]
    public void TimeAveragesCoverTheDefaultWindowFromEpochTen()
    {
        // Probed every 5 epochs; epochs 0 and 5 lie before the window.
        var passes = new[]
        {
            Ood(0, 0, 0.2), Ood(5, 1, 0.6), Ood(10, 0.5, 0.5), Ood(15, 1, 0.9), Ood(20, 1, 0.7), Ood(25, 0, 0.1),
        };
        var s = RunSummary.FromMetrics(passes);
        var t = s.Types[ProbeTypes.OodAnalogical];
        Assert.Multiple(() =>
        {
            Assert.That(RunSummary.DefaultAverageFrom, Is.EqualTo(10));
            Assert.That(s.Averaged, Is.EqualTo(new AveragingWindow(10, 25, 4)));
            Assert.That(t.MeanAcc, Is.EqualTo((0.5 + 1 + 1 + 0) / 4).Within(1e-15));
            Assert.That(t.MeanProb, Is.EqualTo((0.5 + 0.9 + 0.7 + 0.1) / 4).Within(1e-15));
            Assert.That(t.SolvedFraction, Is.EqualTo(2 / 4.0), "epochs 15 and 20 of 10, 15, 20, 25");
            Assert.That(t.FirstSolvedEpoch, Is.EqualTo(5), "first solved counts every pass, not only the window");
            Assert.That(t.TimesLost, Is.EqualTo(2), "5 → 10 and 20 → 25");
            Assert.That((t.BestProb, t.BestProbEpoch), Is.EqualTo((0.9, (int?)15)));
            Assert.That((t.FinalAcc, t.BestAcc, t.FinalProb, t.FinalCe), Is.EqualTo((0.0, 1.0, 0.1, 0.9)));
            Assert.That((s.FirstOodAnalogySuccessEpoch, s.TimesLost, s.Transient, s.FinalOodAnalogySuccess), Is.EqualTo(((int?)5, 2, true, false)));
        });
    }

    [Test]
    public void AnExplicitWindowBoundsBothEnds()
    {
        var passes = Enumerable.Range(0, 11).Select(e => Ood(e, e % 2, e / 10.0)).ToList(); // solved at odd epochs
        var s = RunSummary.FromMetrics(passes, averageFrom: 3, averageTo: 6);
        var t = s.Types[ProbeTypes.OodAnalogical];
        Assert.Multiple(() =>
        {
            Assert.That(s.Averaged, Is.EqualTo(new AveragingWindow(3, 6, 4)));
            Assert.That(t.MeanAcc, Is.EqualTo(0.5), "epochs 3, 5 solved; 4, 6 not");
            Assert.That(t.MeanProb, Is.EqualTo((0.3 + 0.4 + 0.5 + 0.6) / 4).Within(1e-15));
            Assert.That(t.SolvedFraction, Is.EqualTo(0.5));
            Assert.That((t.FirstSolvedEpoch, t.TimesLost), Is.EqualTo(((int?)1, 5)), "lost at 2, 4, 6, 8, 10");
            Assert.That((t.BestProb, t.BestProbEpoch), Is.EqualTo((1.0, (int?)10)));
        });
    }

    [Test]
    public void AWindowWithoutPassesHasNoTimeAverages()
    {
        var s = RunSummary.FromMetrics([Ood(0, 0, 0.1), Ood(5, 1, 0.8)]); // a run shorter than the default window start
        var t = s.Types[ProbeTypes.OodAnalogical];
        Assert.Multiple(() =>
        {
            Assert.That(s.Averaged, Is.Null);
            Assert.That((t.MeanAcc, t.MeanProb, t.SolvedFraction), Is.EqualTo(((double?)null, (double?)null, (double?)null)));
            Assert.That((t.FirstSolvedEpoch, t.TimesLost, t.BestProbEpoch), Is.EqualTo(((int?)5, 0, (int?)5)));
            Assert.That(s.HasTimeAverages, Is.True, "stages are there even without a window");
        });
    }

    [Test]
    public void StagesAreTheFirstEpochsAtOneHundredPercent()
    {
        const string A = ProbeTypes.IdAtomic, C = ProbeTypes.IdCompositional, N = ProbeTypes.NearOodCompositional,
            I = ProbeTypes.IdAnalogical, O = ProbeTypes.OodAnalogical;
        var passes = new[]
        {
            Scores(0, (A, 0, 0), (C, 0, 0), (I, 0, 0), (N, 0, 0), (O, 0, 0)),
            // ID atomic at 1 first, but not yet all ID types together.
            Scores(5, (A, 1, 1), (C, 0.9, 1), (I, 1, 1), (N, 0, 0), (O, 0.5, 0)),
            Scores(10, (A, 0.95, 1), (C, 1, 1), (I, 1, 1), (N, 0.5, 0), (O, 0.5, 0)),
            Scores(15, (A, 1, 1), (C, 1, 1), (I, 1, 1), (N, 1, 0), (O, 0.5, 0)),
            Scores(20, (A, 1, 1), (C, 1, 1), (I, 1, 1), (N, 0.75, 0), (O, 1, 0)),
        };
        var s = RunSummary.FromMetrics(passes);
        Assert.That(s.Stages, Is.EqualTo(new StageEpochs(15, 15, 20)));
        // A lower threshold moves every type's solved figures but not the stages, which are at 100 %.
        var lenient = RunSummary.FromMetrics(passes, successThreshold: 0.5);
        Assert.Multiple(() =>
        {
            Assert.That(lenient.Stages, Is.EqualTo(new StageEpochs(15, 15, 20)));
            Assert.That(lenient.Types[O].FirstSolvedEpoch, Is.EqualTo(5));
            Assert.That(lenient.Types[N].FirstSolvedEpoch, Is.EqualTo(10));
            Assert.That(lenient.Types[N].SolvedFraction, Is.EqualTo(1.0), "epochs 10, 15, 20 all at ≥ 0.5");
            Assert.That(s.Types[N].SolvedFraction, Is.EqualTo(1 / 3.0).Within(1e-15));
            Assert.That(s.Types[A].TimesLost, Is.EqualTo(1), "1 at 5, 0.95 at 10");
        });
        // A type without facts has no stage; the ID stage needs only the ID types that have facts.
        var noNear = passes.Select(p => p with { Probes = p.Probes.Where(kv => kv.Key != N).ToDictionary() }).ToList();
        Assert.That(RunSummary.FromMetrics(noNear).Stages, Is.EqualTo(new StageEpochs(15, null, 20)));
    }

    /// <summary>The figures summary.json had before the time averages keep their names and values (a golden digest of a
    /// fixed run).</summary>
    [Test]
    public void TheEarlierFiguresAreUnchanged()
    {
        var passes = new[]
        {
            Pass(1, 0, 0.5, 2.0, 0.1), Pass(2, 1, 1, 1.5, 0.6), Pass(3, 0.5, 1, 1.0, 0.2), Pass(4, 1, 1, 0.8, 0.9), Pass(5, 0, 1, 1.2, null),
        };
        var json = System.Text.Json.Nodes.JsonNode.Parse(System.Text.Json.JsonSerializer.Serialize(RunSummary.FromMetrics(passes), EpochMetrics.Json))!.AsObject();
        string[] earlier =
        [
            "epochs", "steps", "tokens", "seconds", "final_train_loss", "success_threshold", "first_ood_analogy_success_epoch", "transient",
            "times_lost", "final_ood_analogy_success", "min_dirichlet_norm", "max_dirichlet_norm", "min_dirichlet_head_norm",
            "max_dirichlet_head_norm", "max_parallelism_id", "max_parallelism_ood", "final_parallelism_ood",
        ];
        var kept = new System.Text.Json.Nodes.JsonObject(earlier.Select(k => KeyValuePair.Create(k, json[k]?.DeepClone())));
        Assert.That(kept.ToJsonString(), Is.EqualTo(
            "{\"epochs\":5,\"steps\":15,\"tokens\":500,\"seconds\":2.5,\"final_train_loss\":0.2,\"success_threshold\":1," +
            "\"first_ood_analogy_success_epoch\":2,\"transient\":true,\"times_lost\":2,\"final_ood_analogy_success\":false," +
            "\"min_dirichlet_norm\":0.8,\"max_dirichlet_norm\":2,\"min_dirichlet_head_norm\":null,\"max_dirichlet_head_norm\":null," +
            "\"max_parallelism_id\":null,\"max_parallelism_ood\":0.9,\"final_parallelism_ood\":null}"));
        var ood = json["types"]!["ood_analogical"]!.AsObject();
        Assert.That(string.Join(",", ood.Select(kv => kv.Key).Take(5)), Is.EqualTo("final_acc,best_acc,final_prob,best_prob,final_ce"));
        Assert.That(ood["final_acc"]!.GetValue<double>(), Is.EqualTo(0));
        Assert.That(ood["best_prob"]!.GetValue<double>(), Is.EqualTo(0.5));
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
            var record = Engine.Train.Report.RunReader.Read(dir, "r", null, new Dictionary<string, string>(), new Engine.Train.Report.ReportOptions());
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

