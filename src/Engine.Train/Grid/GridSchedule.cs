namespace Engine.Train.Grid;

/// <summary>
/// A grid's bookkeeping while it runs: the queue of runs not yet started, longest expected first
/// (<see cref="RunCost"/>; ties keep the grid order), from which each free slot takes the next; the runs in progress
/// with the share of their epochs done; and the counts. One lock guards it all, so any thread may call any member.
/// The ETA of a <see cref="Snapshot"/> is <see cref="GridEta.Remaining"/> at the speed measured so far: the work
/// done in this process (finished runs in full, running ones by their epochs, neither counting epochs trained
/// before a resume) over the seconds slots have spent on runs; none until some work is done.
/// </summary>
public sealed class GridSchedule
{
    private sealed class Active(double cost, TimeSpan started)
    {
        public double Cost { get; } = cost;
        public TimeSpan Started { get; } = started;
        public double FirstFraction { get; set; } = double.NaN;  // of the epochs done before this process began (resume)
        public double Fraction { get; set; }                     // of the epochs done now
        public double WorkDone => double.IsNaN(FirstFraction) ? 0 : (Fraction - FirstFraction) * Cost;
    }

    private readonly object _gate = new();
    private readonly Queue<(GridRun Run, double Cost)> _waiting;
    private readonly Dictionary<int, Active> _active = [];
    private readonly int _total;
    private readonly int _slots;
    private readonly Func<TimeSpan> _clock;
    private int _done, _failed, _skipped, _locked;
    private double _workDone;      // by runs that ended
    private double _slotSeconds;   // spent by runs that ended

    /// <param name="total">The runs of the grid this process was asked for (those already finished included).</param>
    /// <param name="toRun">The runs to queue.</param>
    /// <param name="cost">The expected work of a run.</param>
    /// <param name="slots">Runs at once.</param>
    /// <param name="clock">Time since the grid started.</param>
    public GridSchedule(int total, IEnumerable<GridRun> toRun, Func<GridRun, double> cost, int slots, Func<TimeSpan> clock)
    {
        ArgumentNullException.ThrowIfNull(toRun);
        ArgumentNullException.ThrowIfNull(cost);
        ArgumentNullException.ThrowIfNull(clock);
        ArgumentOutOfRangeException.ThrowIfLessThan(slots, 1);
        _total = total;
        _slots = slots;
        _clock = clock;
        _waiting = new(LongestFirst(toRun.Select(r => (r, cost(r)))));
    }

    /// <summary>Longest first; a stable sort, so runs of equal cost keep their order.</summary>
    public static IEnumerable<(GridRun Run, double Cost)> LongestFirst(IEnumerable<(GridRun Run, double Cost)> runs) =>
        runs.OrderByDescending(r => r.Cost);

    /// <summary>The runs still waiting, in the order they will be taken.</summary>
    public IReadOnlyList<GridRun> Waiting
    {
        get { lock (_gate) return [.. _waiting.Select(w => w.Run)]; }
    }

    /// <summary>Takes the next waiting run (it stays out of the ETA until <see cref="Start"/>, a moment later).</summary>
    public bool TryTake(out GridRun run, out double cost)
    {
        lock (_gate)
        {
            var taken = _waiting.TryDequeue(out var next);
            (run, cost) = next;
            return taken;
        }
    }

    /// <summary>A run found finished (by an earlier grid, or by another process meanwhile).</summary>
    public void AlreadyFinished() { lock (_gate) { _done++; _skipped++; } }

    /// <summary>A run left alone because another process holds its lock: neither done nor failed, and not waited for.</summary>
    public void LockedElsewhere() { lock (_gate) _locked++; }

    /// <summary>A run that failed before it started (its folder could not be made or locked).</summary>
    public void FailedToStart() { lock (_gate) _failed++; }

    public void Start(GridRun run, double cost) { lock (_gate) _active.Add(run.Index, new Active(cost, _clock())); }

    /// <summary>Epoch <paramref name="epoch"/> of <paramref name="epochs"/> of a running run is done.</summary>
    public void EpochDone(GridRun run, int epoch, int epochs)
    {
        lock (_gate)
        {
            var active = _active[run.Index];
            var fraction = epochs <= 0 ? 1 : Math.Clamp((double)epoch / epochs, 0, 1);
            if (double.IsNaN(active.FirstFraction)) active.FirstFraction = epochs <= 0 ? 0 : Math.Clamp((epoch - 1.0) / epochs, 0, 1);
            active.Fraction = fraction;
        }
    }

    public void Finished(GridRun run) => End(run, succeeded: true);

    public void Failed(GridRun run) => End(run, succeeded: false);

    /// <summary>A run stopped by cancellation: it is neither done nor failed.</summary>
    public void Abandoned(GridRun run) { lock (_gate) _active.Remove(run.Index); }

    private void End(GridRun run, bool succeeded)
    {
        lock (_gate)
        {
            var active = _active[run.Index];
            _active.Remove(run.Index);
            if (succeeded)
            {
                if (double.IsNaN(active.FirstFraction)) active.FirstFraction = 1; // no epoch left: nothing trained here
                active.Fraction = 1;
                _done++;
            }
            else _failed++;
            _workDone += active.WorkDone;
            _slotSeconds += (_clock() - active.Started).TotalSeconds;
        }
    }

    /// <summary>The counts and the ETA now, with <paramref name="message"/> as the event.</summary>
    public GridProgress Snapshot(string? message)
    {
        lock (_gate)
        {
            var now = _clock();
            var work = _workDone + _active.Values.Sum(a => a.WorkDone);
            var seconds = _slotSeconds + _active.Values.Sum(a => (now - a.Started).TotalSeconds);
            TimeSpan? remaining = work > 0 && seconds > 0
                ? GridEta.Remaining(_slots, work / seconds, [.. _active.Values.Select(a => (1 - a.Fraction) * a.Cost)], [.. _waiting.Select(w => w.Cost)])
                : null;
            return new GridProgress(_total, _done, _active.Count, _failed, _skipped, _locked, now, remaining, message);
        }
    }

    /// <summary>The counts at the end.</summary>
    public GridOutcome Outcome()
    {
        lock (_gate) return new GridOutcome(_total, _done, _failed, _skipped, _locked);
    }
}
