using System.Text;
using Engine.Train.Metrics;

namespace Engine.Train.Report;

/// <summary>
/// <c>summary.csv</c>: one row per run folder in report order. Columns: run_id, status, each swept setting (named
/// as swept; prefixed "setting_" if that name is also a result column), then per probe type
/// <c>&lt;type&gt;_final_acc, _best_acc, _final_prob, _best_prob</c>, the time averages <c>_mean_acc, _mean_prob</c>
/// (over the epochs in <c>average_from_epoch … average_to_epoch</c>), <c>_solved_fraction, _first_solved_epoch,
/// _times_lost, _best_prob_epoch</c>, then the run digest with the stage epochs. A run without <c>summary.json</c>
/// shows the digest of its metrics so far; cells with no value are empty.
/// </summary>
public static class SummaryCsv
{
    private static readonly string[] DigestColumns =
    [
        "first_ood_analogy_success_epoch", "transient", "times_lost",
        "min_dirichlet_norm", "max_dirichlet_norm", "min_dirichlet_head_norm", "max_dirichlet_head_norm",
        "max_parallelism_id", "max_parallelism_ood", "final_parallelism_ood", "epochs", "steps", "seconds",
        "average_from_epoch", "average_to_epoch", "average_passes",
        "stage_id_facts_epoch", "stage_near_ood_composition_epoch", "stage_ood_analogy_epoch",
    ];

    private static readonly string[] TypeColumns =
    [
        "final_acc", "best_acc", "final_prob", "best_prob", "mean_acc", "mean_prob", "solved_fraction", "first_solved_epoch", "times_lost",
        "best_prob_epoch",
    ];

    public static IReadOnlyList<string> Header(GridData grid)
    {
        var results = ResultColumns();
        var reserved = new HashSet<string>(results) { "run_id", "status" };
        return ["run_id", "status", .. grid.SweptKeys.Select(k => reserved.Contains(k) ? "setting_" + k : k), .. results];
    }

    private static List<string> ResultColumns() =>
        [.. ProbeTypes.All.SelectMany(t => TypeColumns.Select(c => $"{t}_{c}")), .. DigestColumns];

    public static string Write(GridData grid)
    {
        var sb = new StringBuilder();
        Csv.AppendRecord(sb, Header(grid));
        foreach (var run in grid.Runs) Csv.AppendRecord(sb, Row(run, grid.SweptKeys));
        return sb.ToString();
    }

    private static IEnumerable<string> Row(RunRecord run, IReadOnlyList<string> sweptKeys)
    {
        yield return run.Id;
        yield return Status(run.Status);
        foreach (var key in sweptKeys) yield return run.Setting(key);
        var s = run.Summary;
        foreach (var type in ProbeTypes.All)
        {
            TypeSummary? t = null;
            s?.Types.TryGetValue(type, out t);
            yield return Csv.Number(t?.FinalAcc);
            yield return Csv.Number(t?.BestAcc);
            yield return Csv.Number(t?.FinalProb);
            yield return Csv.Number(t?.BestProb);
            yield return Csv.Number(t?.MeanAcc);
            yield return Csv.Number(t?.MeanProb);
            yield return Csv.Number(t?.SolvedFraction);
            yield return Csv.Number(t?.FirstSolvedEpoch);
            yield return Csv.Number(t?.TimesLost);
            yield return Csv.Number(t?.BestProbEpoch);
        }
        yield return Csv.Number(s?.FirstOodAnalogySuccessEpoch);
        yield return s is null ? "" : s.Transient ? "true" : "false";
        yield return Csv.Number(s?.TimesLost);
        yield return Csv.Number(s?.MinDirichletNorm);
        yield return Csv.Number(s?.MaxDirichletNorm);
        yield return Csv.Number(s?.MinDirichletHeadNorm);
        yield return Csv.Number(s?.MaxDirichletHeadNorm);
        yield return Csv.Number(s?.MaxParallelismId);
        yield return Csv.Number(s?.MaxParallelismOod);
        yield return Csv.Number(s?.FinalParallelismOod);
        yield return Csv.Number(s?.Epochs);
        yield return Csv.Number(s?.Steps);
        yield return Csv.Number(s?.Seconds);
        yield return Csv.Number(s?.Averaged?.FromEpoch);
        yield return Csv.Number(s?.Averaged?.ToEpoch);
        yield return Csv.Number(s?.Averaged?.Passes);
        yield return Csv.Number(s?.Stages?.IdFacts);
        yield return Csv.Number(s?.Stages?.NearOodComposition);
        yield return Csv.Number(s?.Stages?.OodAnalogy);
    }

    public static string Status(RunStatus status) => status switch
    {
        RunStatus.Finished => "finished",
        RunStatus.Failed => "failed",
        _ => "unfinished",
    };
}
