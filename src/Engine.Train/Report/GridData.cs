namespace Engine.Train.Report;

/// <summary>
/// A grid folder as read: its runs in report order (grid index, then id), the swept settings, and notes on the
/// input. <see cref="SingleRun"/> marks a run folder reported on its own.
/// </summary>
/// <param name="Directory">The folder's full path.</param>
/// <param name="SingleRun">True when the folder is one run (it holds config.json), not a grid.</param>
/// <param name="Runs">One record per run folder, in report order.</param>
/// <param name="SweptKeys">The swept settings, in grid order.</param>
/// <param name="Problems">Notes on unreadable files or lines, which were skipped.</param>
/// <param name="MissingRuns">Ids that <c>grid.json</c> lists but that have no run folder yet.</param>
public sealed record GridData(
    string Directory,
    bool SingleRun,
    IReadOnlyList<RunRecord> Runs,
    IReadOnlyList<string> SweptKeys,
    IReadOnlyList<string> Problems,
    IReadOnlyList<string> MissingRuns)
{
    /// <summary>The claim the grid file states (from grid.json); null when none.</summary>
    public string? Claim { get; init; }

    /// <summary>Tied settings (target → the setting it follows), from grid.json.</summary>
    public IReadOnlyDictionary<string, string> Ties { get; init; } = new Dictionary<string, string>();

    public IEnumerable<RunRecord> Finished => Runs.Where(r => r.Status == RunStatus.Finished);

    public int Count(RunStatus status) => Runs.Count(r => r.Status == status);
}
