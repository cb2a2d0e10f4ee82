using System.Text.Json;
using System.Text.Json.Nodes;
using Engine.Train.Config;
using Engine.Train.Grid;
using Engine.Train.Metrics;

namespace Engine.Train.Tests.Report;

/// <summary>
/// Writes a made-up but deterministic grid folder: width {64, 128} × depth {1, 2} × seed {1, 2}, all finished, plus one
/// failed run (width 64, depth 1, seed 3) with a partial metrics file. Every number comes from the closed-form
/// functions below, so tests compute the expected aggregates independently of the report code.
/// </summary>
internal sealed class SyntheticGrid : IDisposable
{
    public const int Epochs = 12;
    public const int StepsPerEpoch = 5;
    public const string FailureMessage = "NaN loss at step 17 <script>alert(\"x\")</script> & more";

    public string Directory { get; }
    public IReadOnlyList<GridRun> Runs { get; }
    public GridRun FailedRun => Runs[^1];

    private const string GridYaml = """
        fixed: { epochs: 12, entities: 10 }
        sweep:
          width: [64, 128]
          depth: [1, 2]
          seed: [1, 2]
        runs:
          - { width: 64, depth: 1, seed: 3 }
        """;

    public SyntheticGrid(bool writeGridJson = true)
    {
        Directory = Path.Combine(Path.GetTempPath(), "engine-report-" + Guid.NewGuid().ToString("N")[..10]);
        Runs = GridSpec.Parse(GridYaml, "grid.yaml", new RunSettings()).Expand();
        foreach (var run in Runs)
        {
            var folder = System.IO.Directory.CreateDirectory(Path.Combine(Directory, "runs", run.Id)).FullName;
            File.WriteAllText(Path.Combine(folder, "config.json"), run.Settings.ToJson());
            var failed = run == Runs[^1];
            var passes = Enumerable.Range(0, failed ? 4 : Epochs + 1).Select(e => Pass(run.Settings, e)).ToList();
            File.WriteAllLines(Path.Combine(folder, "metrics.jsonl"), passes.Select(p => p.ToJsonLine()));
            if (failed)
            {
                File.WriteAllText(Path.Combine(folder, "failed.json"), new JsonObject { ["error"] = FailureMessage }.ToJsonString());
                continue;
            }
            File.WriteAllText(Path.Combine(folder, "summary.json"), JsonSerializer.Serialize(RunSummary.FromMetrics(passes), EpochMetrics.Json));
            File.WriteAllText(Path.Combine(folder, "pca.json"), Pca(Epochs).ToJson());
        }
        if (writeGridJson)
        {
            var list = new JsonArray();
            foreach (var run in Runs)
            {
                var swept = new JsonObject();
                foreach (var (k, v) in run.Swept) swept[k] = v;
                list.Add(new JsonObject { ["index"] = run.Index, ["id"] = run.Id, ["swept"] = swept });
            }
            File.WriteAllText(Path.Combine(Directory, "grid.json"), new JsonObject { ["runs"] = list }.ToJsonString());
        }
    }

    /// <summary>Final accuracy of probe type number <paramref name="typeIndex"/> (index into ProbeTypes.All); OOD analogy
    /// is solved (1) by the width-128, depth-2 runs only.</summary>
    public static double FinalAccuracy(int width, int depth, int seed, int typeIndex) =>
        typeIndex == 6 && width == 128 && depth == 2 ? 1 : 0.04 * typeIndex + width / 512.0 + 0.125 * depth + 0.0625 * seed;

    /// <summary>Accuracy at epoch e: a ramp reaching the final value at epoch 8, with a dip to half at epoch 10 (so a
    /// solved OOD analogy is first reached at epoch 8, lost once and regained: transient).</summary>
    public static double Accuracy(int width, int depth, int seed, int typeIndex, int epoch) =>
        FinalAccuracy(width, depth, seed, typeIndex) * (epoch == DipEpoch ? 0.5 : Math.Min(1, epoch / 8.0));

    public const int DipEpoch = 10;

    public static EpochMetrics Pass(RunSettings s, int epoch) => new()
    {
        Epoch = epoch,
        Step = epoch * (long)StepsPerEpoch,
        Tokens = epoch * 100L,
        TrainLoss = 3.0 / (1 + epoch),
        Seconds = epoch * 0.25,
        // ood_atomic has no probes (atomic_ood = 0), as in a default world.
        Probes = ProbeTypes.All.Select((type, i) => (type, i)).ToDictionary(
            p => p.type,
            p => p.type == ProbeTypes.OodAtomic
                ? new ProbeScore(null, null, null, 0)
                : new ProbeScore(Accuracy(s.Width, s.Depth, s.Seed, p.i, epoch), 1.0 / (1 + epoch), 0.5 * Accuracy(s.Width, s.Depth, s.Seed, p.i, epoch), 4)),
        DirichletNorm = 2.0 - epoch * 0.1,
        DirichletHeadNorm = 2.0 - epoch * 0.12,
        ParallelismId = epoch * 0.05,
        ParallelismOod = epoch == 3 ? null : epoch * 0.04 - 0.1,
    };

    /// <summary>Five E1 entities on a circle, E2 their images shifted by (3, 1), and one "other" entity.</summary>
    public static PcaSnapshot Pca(int epoch)
    {
        var points = new List<PcaPoint>();
        var functor = new List<IReadOnlyList<int>>();
        for (var i = 0; i < 5; i++)
        {
            var (x, y) = (Math.Cos(i * 2 * Math.PI / 5), Math.Sin(i * 2 * Math.PI / 5));
            points.Add(new PcaPoint(i, $"e_{i}", "E1", x, y));
            points.Add(new PcaPoint(5 + i, $"e_{5 + i}", "E2", x + 3, y + 1));
            functor.Add([i, 5 + i]);
        }
        points.Add(new PcaPoint(10, "e_10", "other", 1.5, -1.5));
        return new PcaSnapshot(epoch, [0.6, 0.3], points, functor);
    }

    public void Dispose()
    {
        if (System.IO.Directory.Exists(Directory)) System.IO.Directory.Delete(Directory, recursive: true);
    }
}
