using System.Diagnostics;
using System.Runtime.ExceptionServices;
using System.Text.Json;
using Engine.Kernels;
using Engine.Model;
using Engine.Train.Config;
using Engine.Train.Training;

namespace Engine.Train.Grid;

/// <summary>Where a grid stands: for the live overview. <paramref name="Locked"/>: runs left to another process
/// that holds their lock (neither done nor failed).</summary>
public readonly record struct GridProgress(int Total, int Done, int Running, int Failed, int Skipped, int Locked,
    TimeSpan Elapsed, TimeSpan? Remaining, string? Event);

/// <summary>What a grid run ended with. <paramref name="Locked"/>: runs skipped because another process was training them.</summary>
public sealed record GridOutcome(int Total, int Finished, int Failed, int Skipped, int Locked);

/// <summary>
/// Trains one run of a grid into its folder while the caller holds the folder's lock, telling each epoch done as
/// (epoch, epochs); throws when the run fails.
/// </summary>
public delegate void GridRunTrainer(GridRun run, string folder, RunLock held, Action<int, int> epochDone, CancellationToken cancel);

/// <summary>
/// Runs a grid into <c>DIR/runs/&lt;id&gt;/</c>: finished runs (with a <c>summary.json</c>) are skipped,
/// unfinished ones resume from their last checkpoint (or start over when none is usable), a failed run is
/// recorded in <c>failed.json</c> without stopping the others. <c>jobs</c> slots each take the next run from one
/// queue, longest expected first (<see cref="GridSchedule"/>), so no slot idles while a run waits. Each run is
/// trained under its folder's <see cref="RunLock"/>, taken before anything about the run is decided: a run whose
/// lock another process holds is skipped and said so, and is neither done nor failed here. Each run writes only
/// its own folder and every file lands by atomic rename, so many processes (Slurm array tasks, a grid started
/// twice) may share <c>DIR</c>, and each run is still trained by one of them.
/// </summary>
/// <param name="spec">The grid.</param>
/// <param name="directory">The grid folder <c>DIR</c>.</param>
/// <param name="device">The device spec of every run ("cpu" becomes <see cref="RunDevice"/>).</param>
/// <param name="jobs">Runs at once (slots).</param>
/// <param name="threadsPerRun">CPU threads of each run on "cpu".</param>
/// <param name="trainer">How one run is trained (tests put a fake here); by default a <see cref="Trainer"/> on a
/// device of its own.</param>
public sealed class GridRunner(GridSpec spec, string directory, string device, int jobs, int threadsPerRun, GridRunTrainer? trainer = null)
{
    public string Directory { get; } = Path.GetFullPath(directory);

    public IReadOnlyList<GridRun> Runs { get; } = spec.Expand();

    public string RunDirectory(GridRun run) => Path.Combine(Directory, "runs", run.Id);

    /// <summary>Writes <c>DIR/grid.json</c>: the claim, the ties and the expansion (index, id, swept values, resolved settings).</summary>
    public void WriteExpansion(string source)
    {
        System.IO.Directory.CreateDirectory(Path.Combine(Directory, "runs"));
        var document = new
        {
            source,
            claim = spec.Claim,
            ties = spec.Ties,
            swept = spec.SweptKeys,
            runs = Runs.Select(r => new { index = r.Index, id = r.Id, swept = r.Swept, settings = JsonDocument.Parse(r.Settings.ToJson()).RootElement }),
        };
        AtomicFile.WriteAllText(Path.Combine(Directory, "grid.json"),
            JsonSerializer.Serialize(document, new JsonSerializerOptions { WriteIndented = true }));
    }

    /// <summary>
    /// Runs every run (or only <paramref name="onlyIndex"/>), <c>jobs</c> at a time. <paramref name="progress"/> is
    /// called from the slots' threads: with an event when a run is skipped, starts, finishes or fails, and without
    /// one after every epoch of a running run (for a live ETA).
    /// </summary>
    public GridOutcome Run(int? onlyIndex = null, Action<GridProgress>? progress = null, CancellationToken cancel = default)
    {
        if (onlyIndex is { } i && (i < 0 || i >= Runs.Count))
            throw new SettingsException("task-index", $"{i} is outside the grid's runs 0…{Runs.Count - 1}");
        var selected = onlyIndex is { } only ? [Runs[only]] : Runs;
        var clock = Stopwatch.StartNew();
        // Runs finished earlier leave at once, so that neither a slot nor the ETA waits on them.
        var finished = selected.Where(r => IsFinished(RunDirectory(r))).ToList();
        var schedule = new GridSchedule(selected.Count, selected.Except(finished), r => RunCost.Estimate(r.Settings),
            Math.Max(1, Math.Min(jobs, selected.Count)), () => clock.Elapsed);
        void Report(string? message) => progress?.Invoke(schedule.Snapshot(message));
        foreach (var run in finished)
        {
            schedule.AlreadyFinished();
            Report($"run {run.Index} ({run.Id}) already finished");
        }

        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancel);
        ExceptionDispatchInfo? fault = null;
        void Slot()
        {
            try
            {
                while (!stop.IsCancellationRequested && schedule.TryTake(out var run, out var cost)) RunOne(run, cost, schedule, Report, stop.Token);
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
            }
            catch (Exception e)
            {
                Interlocked.CompareExchange(ref fault, ExceptionDispatchInfo.Capture(e), null);
                stop.Cancel();
            }
        }
        var slots = Enumerable.Range(0, Math.Min(jobs, schedule.Waiting.Count))
            .Select(n => new Thread(Slot) { IsBackground = true, Name = $"grid slot {n}" }).ToList();
        foreach (var slot in slots) slot.Start();
        foreach (var slot in slots) slot.Join();
        fault?.Throw();
        cancel.ThrowIfCancellationRequested();
        return schedule.Outcome();
    }

    /// <summary>One run in one slot: lock its folder (or leave it to the process that holds it), then train it.</summary>
    private void RunOne(GridRun run, double cost, GridSchedule schedule, Action<string?> report, CancellationToken cancel)
    {
        var folder = RunDirectory(run);
        var name = $"run {run.Index} ({run.Id})";
        RunLock? held;
        try
        {
            System.IO.Directory.CreateDirectory(folder);
            held = RunLock.TryAcquire(folder);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            schedule.FailedToStart();
            report($"{name} FAILED: {RunFailure.Describe(e)}");
            return;
        }
        if (held is null)
        {
            schedule.LockedElsewhere();
            report($"{name} skipped: another process is training it (it holds {Path.Combine("runs", run.Id, RunLock.FileName)})");
            return;
        }
        using (held)
        {
            if (IsFinished(folder)) // by the process that held the lock until a moment ago
            {
                schedule.AlreadyFinished();
                report($"{name} already finished");
                return;
            }
            schedule.Start(run, cost);
            report($"{name} started");
            try
            {
                (trainer ?? TrainOne)(run, folder, held, (epoch, epochs) =>
                {
                    schedule.EpochDone(run, epoch, epochs);
                    report(null);
                }, cancel);
                schedule.Finished(run);
                report($"{name} finished");
            }
            catch (OperationCanceledException) when (cancel.IsCancellationRequested)
            {
                schedule.Abandoned(run);
                throw;
            }
            catch (Exception e)
            {
                new RunFiles(folder).TryRecordFailure(e);
                schedule.Failed(run);
                report($"{name} FAILED: {RunFailure.Describe(e)}");
            }
        }
    }

    private static bool IsFinished(string folder) => File.Exists(Path.Combine(folder, "summary.json"));

    private void TrainOne(GridRun run, string folder, RunLock held, Action<int, int> epochDone, CancellationToken cancel)
    {
        var settings = run.Settings with { Device = device };
        using var dev = OpenDevice();
        var resumable = File.Exists(Path.Combine(folder, "checkpoint.safetensors"));
        Trainer trainer;
        try
        {
            trainer = new Trainer(settings, folder, resume: resumable, dev, held);
        }
        catch (Exception e) when (resumable && e is SettingsException or InvalidDataException)
        {
            // A run killed while writing its first checkpoint pair: nothing worth keeping, start over (the lock file stays).
            using (var emptied = new RunFolder(folder, held)) emptied.Clear();
            trainer = new Trainer(settings, folder, resume: false, dev, held);
        }
        using (trainer) trainer.Run(p => epochDone(p.Epoch, p.Epochs), cancel);
    }

    /// <summary>The spec each run opens: "cpu" becomes "cpu:THREADS-PER-RUN" (and "cpu-ieee" "cpu-ieee:THREADS-PER-RUN"); any other spec is used as given.</summary>
    public string RunDevice { get; } =
        device.Trim().ToLowerInvariant() is "cpu" or "cpu-ieee" ? $"{device.Trim().ToLowerInvariant()}:{threadsPerRun}" : device;

    private Device OpenDevice() => TrainingDevice.Open(RunDevice);
}
