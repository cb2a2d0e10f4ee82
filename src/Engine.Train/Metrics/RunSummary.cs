namespace Engine.Train.Metrics;

/// <summary>Final and best score of one probe type over a run.</summary>
public sealed record TypeSummary(double FinalAcc, double BestAcc, double FinalProb, double BestProb, double FinalCe);

/// <summary>
/// <c>summary.json</c>: the digest of one run that grids and reports aggregate. Written last, atomically:
/// its presence marks a finished run.
/// </summary>
public sealed record RunSummary
{
    public int Epochs { get; init; }
    public long Steps { get; init; }
    public long Tokens { get; init; }
    public double Seconds { get; init; }
    public double FinalTrainLoss { get; init; }
    public IReadOnlyDictionary<string, TypeSummary> Types { get; init; } = new Dictionary<string, TypeSummary>();
    /// <summary>OOD-analogy accuracy that counts as success (all OOD analogies right by default).</summary>
    public double SuccessThreshold { get; init; }
    /// <summary>First probed epoch whose OOD-analogy accuracy reached the threshold; null if never.</summary>
    public int? FirstOodAnalogySuccessEpoch { get; init; }
    /// <summary>True when OOD-analogy success was reached and later lost at some probed epoch.</summary>
    public bool Transient { get; init; }
    /// <summary>Number of success→failure transitions.</summary>
    public int TimesLost { get; init; }
    public bool FinalOodAnalogySuccess { get; init; }
    public double? MinDirichletNorm { get; init; }
    public double? MaxDirichletNorm { get; init; }
    public double? MinDirichletHeadNorm { get; init; }
    public double? MaxDirichletHeadNorm { get; init; }
    public double? MaxParallelismId { get; init; }
    public double? MaxParallelismOod { get; init; }
    public double? FinalParallelismOod { get; init; }

    /// <summary>Digests a run's probe passes (in epoch order).</summary>
    public static RunSummary FromMetrics(IReadOnlyList<EpochMetrics> passes, double successThreshold = 1.0)
    {
        if (passes.Count == 0) throw new ArgumentException("a run summary needs at least one probe pass");
        var last = passes[^1];
        var types = new Dictionary<string, TypeSummary>();
        // The seven, then any further types of the passes (id_analogical_j, ood_analogical_j with m ≥ 2 functors).
        foreach (var type in ProbeTypes.All.Concat(passes.SelectMany(p => p.Probes.Keys)).Distinct())
        {
            // A type without facts (n = 0, null scores; or absent from older lines) has no summary.
            var scores = passes.Select(p => p.Probes.GetValueOrDefault(type))
                .OfType<ProbeScore>()
                .Where(s => s is { Count: > 0, Accuracy: not null, Probability: not null, CrossEntropy: not null })
                .ToList();
            if (scores.Count == 0) continue;
            types[type] = new TypeSummary(scores[^1].Accuracy!.Value, scores.Max(s => s.Accuracy!.Value),
                scores[^1].Probability!.Value, scores.Max(s => s.Probability!.Value), scores[^1].CrossEntropy!.Value);
        }
        int? firstSuccess = null;
        var timesLost = 0;
        bool? previous = null;
        foreach (var pass in passes)
        {
            if (!pass.Probes.TryGetValue(ProbeTypes.OodAnalogical, out var ood) || ood is not { Count: > 0, Accuracy: { } accuracy }) continue;
            var success = accuracy >= successThreshold;
            if (success && firstSuccess is null) firstSuccess = pass.Epoch;
            if (previous == true && !success) timesLost++;
            previous = success;
        }
        return new RunSummary
        {
            Epochs = last.Epoch,
            Steps = last.Step,
            Tokens = last.Tokens,
            Seconds = last.Seconds,
            FinalTrainLoss = last.TrainLoss,
            Types = types,
            SuccessThreshold = successThreshold,
            FirstOodAnalogySuccessEpoch = firstSuccess,
            Transient = timesLost > 0,
            TimesLost = timesLost,
            FinalOodAnalogySuccess = previous == true,
            MinDirichletNorm = Extreme(passes, p => p.DirichletNorm, min: true),
            MaxDirichletNorm = Extreme(passes, p => p.DirichletNorm, min: false),
            MinDirichletHeadNorm = Extreme(passes, p => p.DirichletHeadNorm, min: true),
            MaxDirichletHeadNorm = Extreme(passes, p => p.DirichletHeadNorm, min: false),
            MaxParallelismId = Extreme(passes, p => p.ParallelismId, min: false),
            MaxParallelismOod = Extreme(passes, p => p.ParallelismOod, min: false),
            FinalParallelismOod = last.ParallelismOod,
        };
    }

    private static double? Extreme(IReadOnlyList<EpochMetrics> passes, Func<EpochMetrics, double?> value, bool min)
    {
        var defined = passes.Select(value).Where(v => v.HasValue).Select(v => v!.Value).ToList();
        if (defined.Count == 0) return null;
        return min ? defined.Min() : defined.Max();
    }
}
