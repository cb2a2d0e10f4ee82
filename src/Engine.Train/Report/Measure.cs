using Engine.Train.Metrics;

namespace Engine.Train.Report;

/// <summary>A per-run summary figure of one probe type that the aggregate plots, the heat map and the findings can
/// show: its name in words, its axis label and how it is read from the type's summary.</summary>
public sealed record Measure(string Name, string AxisLabel, Func<TypeSummary, double?> Of)
{
    public static readonly Measure MeanAcc = new("time-averaged accuracy", "time-averaged accuracy (fraction correct)", t => t.MeanAcc);
    public static readonly Measure FinalAcc = new("final accuracy", "final accuracy (fraction correct)", t => t.FinalAcc);
    public static readonly Measure MeanProb = new("time-averaged P(target)", "time-averaged probability of the target", t => t.MeanProb);
    public static readonly Measure BestProb = new("best P(target)", "best probability of the target", t => t.BestProb);
    public static readonly Measure SolvedFraction = new("share of probe passes solved", "share of probe passes solved", t => t.SolvedFraction);

    /// <summary>The measures of the scale plots, the default first: at the reference settings analogy is transient,
    /// so final accuracy hides what the time average shows.</summary>
    public static readonly IReadOnlyList<Measure> Scale = [MeanAcc, FinalAcc, MeanProb, BestProb, SolvedFraction];
}
