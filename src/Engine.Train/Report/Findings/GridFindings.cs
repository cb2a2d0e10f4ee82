using System.Globalization;
using Engine.Train.Metrics;
using static Engine.Train.Report.Html;

namespace Engine.Train.Report.Findings;

/// <summary>
/// "What this grid shows": a few plain sentences computed from the finished runs, never canned. The headline is the
/// time-averaged OOD-analogy accuracy against the scale setting (width when it varies): its shape (rising, falling,
/// flat, or peaking inside the range: non-monotonic) and whether the seeds resolve it; then what final accuracy would
/// have said, how often the analogy was found and lost, the stages, the best probabilities, the link to geometric
/// alignment, and the shape within each value of a second swept setting. A sentence whose data is missing is left out.
/// </summary>
public static class GridFindings
{
    /// <summary>Means closer than this count as equal: a flat curve, or no change from one value to the next.</summary>
    public const double Flat = 0.02;

    private const string Ood = ProbeTypes.OodAnalogical;

    public static List<string> Describe(ReportContext context)
    {
        var finished = context.Grid.Finished.Where(r => r.Summary is not null).ToList();
        if (finished.Count == 0) return ["No run has finished yet, so there is nothing to report."];
        var key = context.Scale.Key;
        var findings = new List<string?> { Coverage(context, finished) };
        if (context.Grid.SingleRun || finished.Count == 1)
        {
            findings.Add(OneRun(context, finished[0]));
        }
        else
        {
            findings.Add(Shape(finished, key, $"Time-averaged OOD-analogy accuracy over {context.WindowNote}", Measure.MeanAcc));
            findings.Add(FinalContrast(finished, key));
            findings.Add(Transience(finished, key));
            findings.Add(BestProbability(finished, key));
            findings.Add(Geometry(finished));
            findings.Add(WithinSecondSetting(context, finished, key));
        }
        findings.Add(Stages(finished));
        return [.. findings.OfType<string>()];
    }

    private static string Coverage(ReportContext context, List<RunRecord> finished)
    {
        var grid = context.Grid;
        var seeds = grid.SweptKeys.Where(SettingNames.IsSeed).ToList();
        var seedText = seeds.Count == 0 ? "" : "; " + string.Join(", ", seeds.Select(s =>
            $"{s} {string.Join(", ", Values(finished, s))}" + (grid.Ties.FirstOrDefault(t => t.Value == s) is { Key: { } tied } ? $" ({tied} follows {s}: each seed is its own world)" : "")));
        var left = grid.Runs.Count - finished.Count;
        return $"Based on {Count(finished.Count, "finished run")}{(left > 0 ? $" of {grid.Runs.Count} ({left} failed or unfinished, left out)" : "")}{seedText}.";
    }

    private static List<string> Values(List<RunRecord> runs, string key) => Sections.HeatMapSection.Categories(runs, key);

    private static string OneRun(ReportContext context, RunRecord run)
    {
        var t = run.Summary!.Types.GetValueOrDefault(Ood);
        if (t is null) return "The run has no OOD analogies to probe.";
        var first = t.FirstSolvedEpoch is { } e ? $"first solved at epoch {e}, lost {Count(t.TimesLost, "time")} later" : "never solved";
        return $"OOD analogy: time-averaged accuracy {F(t.MeanAcc)} over {context.WindowNote}, solved at {Percent(t.SolvedFraction)} of those " +
            $"probe passes, {first}; final accuracy {F(t.FinalAcc)}, best P(target) {F(t.BestProb)} (epoch {t.BestProbEpoch}).";
    }

    /// <summary>The shape of <paramref name="measure"/> of the OOD analogy against <paramref name="key"/>: per value the
    /// mean ± std over the runs there.</summary>
    internal static string? Shape(IReadOnlyList<RunRecord> runs, string key, string what, Measure measure)
    {
        var points = Points(runs, key, r => r.Figure(Ood, measure));
        if (points.Count == 0) return null;
        if (points.Count == 1)
            return $"{what} is {Pm(points[0].Stats)} at the only {key} run, {X(points[0].X)}.";
        var means = points.Select(p => p.Stats.Mean).ToList();
        var (lo, hi) = (means.Min(), means.Max());
        var peak = means.IndexOf(hi);
        var trough = means.IndexOf(lo);
        var listing = string.Join(", ", points.Select(p => $"{X(p.X)} {Pm(p.Stats)}"));
        if (hi - lo < Flat)
            return $"{what} is flat in {key}: between {F(lo)} and {F(hi)} at every value ({listing}).";
        var steps = means.Zip(means.Skip(1), (a, b) => b - a).ToList();
        var word = key.Replace('_', ' ');
        string shape;
        if (steps.All(d => d > -Flat))
            shape = $"rises with {word} from {F(means[0])} at {X(points[0].X)} to {F(means[^1])} at {X(points[^1].X)}: " +
                (steps.All(d => d >= 0) ? "monotonic" : WithinFlat("highest", points[peak], means[peak] - means[^1], key));
        else if (steps.All(d => d < Flat))
            shape = $"falls with {word} from {F(means[0])} at {X(points[0].X)} to {F(means[^1])} at {X(points[^1].X)}: " +
                (steps.All(d => d <= 0) ? "monotonic" : WithinFlat("lowest", points[trough], means[^1] - means[trough], key));
        else if (peak > 0 && peak < points.Count - 1)
            shape = $"peaks at {key} {X(points[peak].X)} ({Pm(points[peak].Stats)}) and falls at {X(points[^1].X)} " +
                $"({Pm(points[^1].Stats)}): non-monotonic";
        else
            shape = $"is highest at {key} {X(points[peak].X)} ({Pm(points[peak].Stats)}) and lowest at {X(points[trough].X)} " +
                $"({Pm(points[trough].Stats)}), with a change of direction between: non-monotonic";
        return $"{what} {shape} ({listing}). {Resolution(points, peak, SpreadOver(runs, key))}";
    }

    /// <summary>What the runs at one value of <paramref name="key"/> differ in: seeds alone, or the grid's other swept
    /// settings too (the optimizer grid has no seed axis: its spread is over weight decay and batch).</summary>
    private static string SpreadOver(IReadOnlyList<RunRecord> runs, string key)
    {
        var swept = runs.SelectMany(r => r.Swept.Keys).Distinct().Where(k => k != key).ToList();
        var others = swept.Where(k => !k.Contains("seed", StringComparison.Ordinal)).Order(StringComparer.Ordinal).ToList();
        if (others.Count == 0) return "seeds";
        if (swept.Count > others.Count) others.Add("seed");
        return others.Count == 1 ? others[0] : $"{string.Join(", ", others[..^1])} and {others[^1]}";
    }

    /// <summary>A trend whose steps go against it by less than <see cref="Flat"/>: say so, and where the extreme mean is,
    /// rather than call it plainly monotonic.</summary>
    private static string WithinFlat(string extreme, (double X, Stats Stats) point, double past, string key) =>
        $"monotonic within {F(Flat)} (the {extreme} mean, {Pm(point.Stats)} at {key} {X(point.X)}, is {F(past)} past the last)";

    /// <summary>Whether the runs at each value (over <paramref name="spreadOver"/>: "seeds", or the other swept settings)
    /// resolve the peak from the next-best value: is the gap larger than the larger of the two standard deviations?</summary>
    private static string Resolution(List<(double X, Stats Stats)> points, int peak, string spreadOver)
    {
        var seedsOnly = spreadOver == "seeds";
        var spreadName = $"the spread over {spreadOver}";
        if (points.All(p => p.Stats.Count < 2)) return $"With one run per value there is no {(seedsOnly ? "spread over seeds" : "spread")} to compare against.";
        var runnerUp = Enumerable.Range(0, points.Count).Where(i => i != peak).MaxBy(i => points[i].Stats.Mean);
        var gap = points[peak].Stats.Mean - points[runnerUp].Stats.Mean;
        var spread = Math.Max(points[peak].Stats.Std, points[runnerUp].Stats.Std);
        return gap > spread
            ? $"The best value leads the next ({X(points[runnerUp].X)}) by {F(gap)}, more than {spreadName} (±{F(spread)})."
            : $"The best value leads the next ({X(points[runnerUp].X)}) by only {F(gap)}, within {spreadName} (±{F(spread)}): " +
              $"{(seedsOnly ? "more seeds" : "more runs")} would be needed to rank them.";
    }

    private static string? FinalContrast(List<RunRecord> runs, string key)
    {
        var finals = runs.Select(r => r.FinalAccuracy(Ood)).Where(double.IsFinite).ToList();
        if (finals.Count == 0) return null;
        var zero = finals.Count(v => v == 0);
        var one = finals.Count(v => v >= 1);
        var points = Points(runs, key, r => r.FinalAccuracy(Ood));
        var means = Points(runs, key, r => r.Figure(Ood, Measure.MeanAcc));
        var text = $"Final OOD-analogy accuracy is 0 in {zero} and 1 in {one} of {finals.Count} runs (by {key}: " +
            $"{string.Join(", ", points.Select(p => $"{X(p.X)} {F(p.Stats.Mean)}"))})";
        if (means.Count == 0) return text + ".";
        var bestMean = means.Max(p => p.Stats.Mean);
        var bestFinal = points.Max(p => p.Stats.Mean);
        return bestMean > bestFinal + Flat
            ? $"{text}: the time average ({F(bestMean)} at best) shows analogy that the final value misses ({F(bestFinal)} at best)."
            : $"{text}, in line with the time average ({F(bestMean)} at best).";
    }

    private static string? Transience(List<RunRecord> runs, string key)
    {
        var scored = runs.Where(r => r.Summary!.Types.ContainsKey(Ood)).ToList();
        if (scored.Count == 0) return null;
        var solved = scored.Where(r => r.Summary!.Types[Ood].FirstSolvedEpoch is not null).ToList();
        var lost = solved.Where(r => r.Summary!.Types[Ood].TimesLost > 0).ToList();
        var endSolved = solved.Count(r => r.Summary!.FinalOodAnalogySuccess);
        var shares = Points(scored, key, r => r.Figure(Ood, Measure.SolvedFraction));
        var text = $"The OOD analogy was solved at some probe pass in {solved.Count} of {scored.Count} runs";
        if (solved.Count > 0)
            text += $"; {lost.Count} of those lost it again ({(lost.Count == 0 ? "never" : $"median {Median(lost.Select(r => (double)r.Summary!.Types[Ood].TimesLost)):0.#} times")}) " +
                $"and {endSolved} ended solved";
        return shares.Count == 0 ? text + "." : $"{text}. Share of probe passes solved, by {key}: {string.Join(", ", shares.Select(p => $"{X(p.X)} {F(p.Stats.Mean)}"))}.";
    }

    private static string? BestProbability(List<RunRecord> runs, string key)
    {
        var points = Points(runs, key, r => r.Figure(Ood, Measure.BestProb));
        if (points.Count == 0) return null;
        return $"Best P(target) on the OOD analogy, lowest–highest run, by {key}: " +
            string.Join(", ", points.Select(p => $"{X(p.X)} {(p.Stats.Count == 1 ? F(p.Stats.Mean) : $"{F(p.Stats.Min)}–{F(p.Stats.Max)}")}")) + ".";
    }

    /// <summary>Pearson correlation over runs between the time-averaged OOD-analogy accuracy and the lowest normalised
    /// Dirichlet energy of the head rows (the embedding rows when a run has no head figure).</summary>
    private static string? Geometry(List<RunRecord> runs)
    {
        var pairs = runs.Select(r => (Acc: r.Figure(Ood, Measure.MeanAcc), Energy: r.Summary!.MinDirichletHeadNorm ?? r.Summary.MinDirichletNorm ?? double.NaN))
            .Where(p => double.IsFinite(p.Acc) && double.IsFinite(p.Energy)).ToList();
        if (pairs.Count < 4) return null;
        var r = Pearson(pairs.Select(p => p.Acc).ToList(), pairs.Select(p => p.Energy).ToList());
        if (!double.IsFinite(r)) return null;
        var reading = Math.Abs(r) < 0.3 ? "little relation between them"
            : r < 0 ? "runs whose categories aligned more (lower energy) solved more analogies"
            : "runs whose categories aligned more (lower energy) solved fewer analogies";
        return $"Across {pairs.Count} runs, time-averaged OOD-analogy accuracy and the lowest normalised Dirichlet energy of the head rows " +
            $"correlate with Pearson r = {r.ToString("F2", CultureInfo.InvariantCulture)}: {reading}.";
    }

    /// <summary>With a second swept setting besides the scale one (seeds aside), the shape within each of its values.</summary>
    private static string? WithinSecondSetting(ReportContext context, List<RunRecord> runs, string key)
    {
        var second = context.Grid.SweptKeys.FirstOrDefault(k => k != key && !SettingNames.IsSeed(k) && Values(runs, k).Count > 1);
        if (second is null) return null;
        var parts = new List<string>();
        foreach (var value in Values(runs, second))
        {
            var points = Points(runs.Where(r => r.Setting(second) == value).ToList(), key, r => r.Figure(Ood, Measure.MeanAcc));
            if (points.Count == 0) continue;
            var best = points.MaxBy(p => p.Stats.Mean);
            parts.Add($"{second} {value} peaks at {key} {X(best.X)} ({Pm(best.Stats)})");
        }
        if (parts.Count == 0) return null;
        return $"Within each {second}, time-averaged OOD-analogy accuracy: {string.Join("; ", parts)}.";
    }

    private static string? Stages(List<RunRecord> runs)
    {
        var stages = runs.Select(r => r.Summary!.Stages).OfType<StageEpochs>().ToList();
        if (stages.Count == 0) return null;
        string Stage(string name, Func<StageEpochs, int?> epoch)
        {
            var reached = stages.Select(epoch).OfType<int>().Select(e => (double)e).ToList();
            return reached.Count == 0 ? $"{name} never ({Count(0, "run")})"
                : $"{name} by epoch {Median(reached):0} (median of the {Count(reached.Count, "run")} that reached it)";
        }
        var all = stages.Where(s => s is { IdFacts: not null, NearOodComposition: not null, OodAnalogy: not null }).ToList();
        var ordered = all.Count(s => s.IdFacts <= s.NearOodComposition && s.NearOodComposition <= s.OodAnalogy);
        var order = all.Count == 0 ? "No run reached all three."
            : $"Of the {Count(all.Count, "run")} that reached all three, {ordered} did so in the order ID → near-OOD → analogy.";
        return $"Stages at 100 %: {Stage("all ID facts", s => s.IdFacts)}, {Stage("near-OOD composition", s => s.NearOodComposition)}, " +
            $"{Stage("OOD analogy", s => s.OodAnalogy)}. {order}";
    }

    /// <summary>Per value of <paramref name="key"/> (in numeric order): the statistics of the finite values.</summary>
    private static List<(double X, Stats Stats)> Points(IReadOnlyList<RunRecord> runs, string key, Func<RunRecord, double> value) =>
    [
        .. ScaleSetting.Distinct(runs, key)
            .Select(x => (X: x, Stats: Stats.Of(runs.Where(r => r.Number(key) == x).Select(value))))
            .Where(p => p.Stats.Count > 0),
    ];

    internal static double Pearson(IReadOnlyList<double> xs, IReadOnlyList<double> ys)
    {
        var (mx, my) = (xs.Average(), ys.Average());
        double sxy = 0, sxx = 0, syy = 0;
        for (var i = 0; i < xs.Count; i++)
        {
            sxy += (xs[i] - mx) * (ys[i] - my);
            sxx += (xs[i] - mx) * (xs[i] - mx);
            syy += (ys[i] - my) * (ys[i] - my);
        }
        return sxx > 0 && syy > 0 ? sxy / Math.Sqrt(sxx * syy) : double.NaN;
    }

    private static double Median(IEnumerable<double> values)
    {
        var xs = values.Order().ToList();
        return xs.Count % 2 == 1 ? xs[xs.Count / 2] : (xs[xs.Count / 2 - 1] + xs[xs.Count / 2]) / 2;
    }

    private static string F(double? value) => Fixed(value ?? double.NaN, 2);

    private static string Pm(Stats s) => s.Count > 1 ? $"{F(s.Mean)} ± {F(s.Std)}" : F(s.Mean);

    private static string X(double x) => x.ToString(CultureInfo.InvariantCulture);

    private static string Percent(double? share) => share is { } s ? $"{s * 100:0}%" : "–";

    private static string Count(int n, string noun) => $"{n} {noun}{(n == 1 ? "" : "s")}";
}
