namespace Engine.Train.Grid;

/// <summary>
/// The time a grid still needs, by playing its schedule forward: every slot trains at the measured speed
/// (<see cref="RunCost"/> units per slot-second); a running run frees its slot when its remaining work is done,
/// and each waiting run, in queue order, goes to the slot that frees first (as the runner hands them out).
/// The answer is when the last slot frees, so a long run left alone at the end counts in full, and idle slots
/// count as idle.
/// </summary>
public static class GridEta
{
    /// <summary>The longest ETA told (about 31 years): beyond it a speed barely measured yet says nothing.</summary>
    public const double MaxSeconds = 1e9;

    /// <param name="slots">Runs at once (at least the number running).</param>
    /// <param name="speed">Work units one slot does per second (positive).</param>
    /// <param name="running">The work left in each running run.</param>
    /// <param name="waiting">The work of each waiting run, in the order they will start.</param>
    public static TimeSpan Remaining(int slots, double speed, IReadOnlyList<double> running, IReadOnlyList<double> waiting)
    {
        ArgumentNullException.ThrowIfNull(running);
        ArgumentNullException.ThrowIfNull(waiting);
        ArgumentOutOfRangeException.ThrowIfLessThan(slots, Math.Max(1, running.Count));
        if (!(speed > 0) || double.IsInfinity(speed)) throw new ArgumentOutOfRangeException(nameof(speed), speed, "must be a positive finite speed");
        var freeAt = new double[slots];  // seconds from now at which each slot is free
        for (var i = 0; i < running.Count; i++) freeAt[i] = Math.Max(0, running[i]) / speed;
        foreach (var work in waiting)
        {
            var first = 0;
            for (var i = 1; i < slots; i++)
                if (freeAt[i] < freeAt[first]) first = i;
            freeAt[first] += Math.Max(0, work) / speed;
        }
        return TimeSpan.FromSeconds(Math.Min(freeAt.Max(), MaxSeconds));
    }
}
