namespace Engine.Train.Metrics;

/// <summary>
/// The digest of one probe type over a run. The final and best figures use every probe pass; the time averages and
/// <see cref="SolvedFraction"/> use the passes inside the run's averaging window (<see cref="RunSummary.Averaged"/>),
/// null when none falls inside it. "Solved" means accuracy ≥ the run's <see cref="RunSummary.SuccessThreshold"/>.
/// </summary>
/// <param name="FinalAcc">Accuracy at the last probe pass.</param>
/// <param name="BestAcc">Highest accuracy at any probe pass.</param>
/// <param name="FinalProb">Mean target probability at the last probe pass.</param>
/// <param name="BestProb">Highest mean target probability at any probe pass.</param>
/// <param name="FinalCe">Mean cross-entropy at the last probe pass.</param>
/// <param name="MeanAcc">Time-averaged accuracy: the mean over the window's probe passes.</param>
/// <param name="MeanProb">Time-averaged mean target probability over the window's probe passes.</param>
/// <param name="SolvedFraction">Share of the window's probe passes at which the type was solved.</param>
/// <param name="FirstSolvedEpoch">First probed epoch at which the type was solved; null if never.</param>
/// <param name="TimesLost">Solved → not solved transitions between consecutive probe passes.</param>
/// <param name="BestProbEpoch">First probed epoch at which <see cref="BestProb"/> was reached.</param>
public sealed record TypeSummary(
    double FinalAcc,
    double BestAcc,
    double FinalProb,
    double BestProb,
    double FinalCe,
    double? MeanAcc = null,
    double? MeanProb = null,
    double? SolvedFraction = null,
    int? FirstSolvedEpoch = null,
    int TimesLost = 0,
    int? BestProbEpoch = null);

/// <summary>The probe passes the time averages were taken over: the first and last probed epoch inside the window
/// asked for, and how many passes that is.</summary>
public sealed record AveragingWindow(int FromEpoch, int ToEpoch, int Passes);

/// <summary>
/// The learning stages: the first probed epoch at which all ID facts (every ID type with facts, at the same pass),
/// the near-OOD compositions, and the OOD analogies were at 100 % accuracy; null where that never happened (or the
/// type has no facts). The study's claim is that they come in this order.
/// </summary>
public sealed record StageEpochs(int? IdFacts, int? NearOodComposition, int? OodAnalogy);

/// <summary>
/// <c>summary.json</c>: the digest of one run that grids and reports aggregate. Written last, atomically:
/// its presence marks a finished run.
/// </summary>
public sealed record RunSummary
{
    /// <summary>The time averages start at this epoch unless asked otherwise: the first probe passes (an untrained
    /// model, then the first few epochs) would only dilute them. The measurement in issue 13 used epochs 10 to the end.</summary>
    public const int DefaultAverageFrom = 10;

    public int Epochs { get; init; }
    public long Steps { get; init; }
    public long Tokens { get; init; }
    public double Seconds { get; init; }
    public double FinalTrainLoss { get; init; }
    public IReadOnlyDictionary<string, TypeSummary> Types { get; init; } = new Dictionary<string, TypeSummary>();
    /// <summary>Accuracy that counts as solved (all facts right by default), for every type's solved figures.</summary>
    public double SuccessThreshold { get; init; }
    /// <summary>The passes the time averages cover; null when no pass fell in the window (or in a summary written
    /// before time averages existed).</summary>
    public AveragingWindow? Averaged { get; init; }
    /// <summary>When ID facts, near-OOD composition and OOD analogy first reached 100 %.</summary>
    public StageEpochs? Stages { get; init; }
    /// <summary>First probed epoch whose OOD-analogy accuracy reached the threshold; null if never.</summary>
    public int? FirstOodAnalogySuccessEpoch { get; init; }
    /// <summary>True when OOD-analogy success was reached and later lost at some probed epoch.</summary>
    public bool Transient { get; init; }
    /// <summary>Number of success→failure transitions of the OOD analogy.</summary>
    public int TimesLost { get; init; }
    public bool FinalOodAnalogySuccess { get; init; }
    public double? MinDirichletNorm { get; init; }
    public double? MaxDirichletNorm { get; init; }
    public double? MinDirichletHeadNorm { get; init; }
    public double? MaxDirichletHeadNorm { get; init; }
    public double? MaxParallelismId { get; init; }
    public double? MaxParallelismOod { get; init; }
    public double? FinalParallelismOod { get; init; }

    /// <summary>True when this summary carries the time averages (summaries written before them do not).</summary>
    public bool HasTimeAverages => Averaged is not null || Stages is not null;

    /// <summary>Digests a run's probe passes (in epoch order). The time averages cover the passes with
    /// <paramref name="averageFrom"/> ≤ epoch ≤ <paramref name="averageTo"/> (no upper bound when null).</summary>
    public static RunSummary FromMetrics(IReadOnlyList<EpochMetrics> passes, double successThreshold = 1.0,
        int averageFrom = DefaultAverageFrom, int? averageTo = null)
    {
        if (passes.Count == 0) throw new ArgumentException("a run summary needs at least one probe pass");
        var last = passes[^1];
        bool InWindow(int epoch) => epoch >= averageFrom && (averageTo is not { } to || epoch <= to);
        var window = passes.Where(p => InWindow(p.Epoch)).ToList();
        var types = new Dictionary<string, TypeSummary>();
        // The seven, then any further types of the passes (id_analogical_j, ood_analogical_j with m ≥ 2 functors).
        foreach (var type in ProbeTypes.All.Concat(passes.SelectMany(p => p.Probes.Keys)).Distinct())
        {
            var scored = Scored(passes, type);
            if (scored.Count == 0) continue; // a type without facts (n = 0, null scores; or absent from older lines)
            types[type] = Digest(scored, scored.Where(s => InWindow(s.Epoch)).ToList(), successThreshold);
        }
        var ood = types.GetValueOrDefault(ProbeTypes.OodAnalogical);
        return new RunSummary
        {
            Epochs = last.Epoch,
            Steps = last.Step,
            Tokens = last.Tokens,
            Seconds = last.Seconds,
            FinalTrainLoss = last.TrainLoss,
            Types = types,
            SuccessThreshold = successThreshold,
            Averaged = window.Count == 0 ? null : new AveragingWindow(window[0].Epoch, window[^1].Epoch, window.Count),
            Stages = new StageEpochs(
                FirstEpochAllAtOne(passes, [ProbeTypes.IdAtomic, ProbeTypes.IdCompositional, ProbeTypes.IdAnalogical]),
                FirstEpochAllAtOne(passes, [ProbeTypes.NearOodCompositional]),
                FirstEpochAllAtOne(passes, [ProbeTypes.OodAnalogical])),
            FirstOodAnalogySuccessEpoch = ood?.FirstSolvedEpoch,
            Transient = ood is { TimesLost: > 0 },
            TimesLost = ood?.TimesLost ?? 0,
            FinalOodAnalogySuccess = ood is not null && ood.FinalAcc >= successThreshold,
            MinDirichletNorm = Extreme(passes, p => p.DirichletNorm, min: true),
            MaxDirichletNorm = Extreme(passes, p => p.DirichletNorm, min: false),
            MinDirichletHeadNorm = Extreme(passes, p => p.DirichletHeadNorm, min: true),
            MaxDirichletHeadNorm = Extreme(passes, p => p.DirichletHeadNorm, min: false),
            MaxParallelismId = Extreme(passes, p => p.ParallelismId, min: false),
            MaxParallelismOod = Extreme(passes, p => p.ParallelismOod, min: false),
            FinalParallelismOod = last.ParallelismOod,
        };
    }

    private readonly record struct Score(int Epoch, double Acc, double Prob, double Ce);

    /// <summary>The passes at which <paramref name="type"/> has facts and defined scores, in epoch order.</summary>
    private static List<Score> Scored(IReadOnlyList<EpochMetrics> passes, string type) =>
    [
        .. passes.Select(p => (p.Epoch, Score: p.Probes.GetValueOrDefault(type)))
            .Where(p => p.Score is { Count: > 0, Accuracy: not null, Probability: not null, CrossEntropy: not null })
            .Select(p => new Score(p.Epoch, p.Score!.Accuracy!.Value, p.Score.Probability!.Value, p.Score.CrossEntropy!.Value)),
    ];

    private static TypeSummary Digest(List<Score> all, List<Score> window, double threshold)
    {
        int? firstSolved = null;
        var timesLost = 0;
        for (var i = 0; i < all.Count; i++)
        {
            var solved = all[i].Acc >= threshold;
            if (solved && firstSolved is null) firstSolved = all[i].Epoch;
            if (i > 0 && all[i - 1].Acc >= threshold && !solved) timesLost++;
        }
        var best = all.MaxBy(s => s.Prob); // the first of equal maxima
        return new TypeSummary(all[^1].Acc, all.Max(s => s.Acc), all[^1].Prob, best.Prob, all[^1].Ce,
            MeanAcc: window.Count == 0 ? null : window.Average(s => s.Acc),
            MeanProb: window.Count == 0 ? null : window.Average(s => s.Prob),
            SolvedFraction: window.Count == 0 ? null : window.Count(s => s.Acc >= threshold) / (double)window.Count,
            FirstSolvedEpoch: firstSolved,
            TimesLost: timesLost,
            BestProbEpoch: best.Epoch);
    }

    /// <summary>The first probed epoch at which every one of <paramref name="types"/> that has facts in that pass
    /// is at accuracy 1 (and at least one has facts); null if none.</summary>
    private static int? FirstEpochAllAtOne(IReadOnlyList<EpochMetrics> passes, IReadOnlyList<string> types)
    {
        foreach (var pass in passes)
        {
            var scored = types.Select(t => pass.Probes.GetValueOrDefault(t)).Where(s => s is { Count: > 0, Accuracy: not null }).ToList();
            if (scored.Count > 0 && scored.All(s => s!.Accuracy >= 1.0)) return pass.Epoch;
        }
        return null;
    }

    private static double? Extreme(IReadOnlyList<EpochMetrics> passes, Func<EpochMetrics, double?> value, bool min)
    {
        var defined = passes.Select(value).Where(v => v.HasValue).Select(v => v!.Value).ToList();
        if (defined.Count == 0) return null;
        return min ? defined.Min() : defined.Max();
    }
}
