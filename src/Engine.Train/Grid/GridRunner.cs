using System.Diagnostics;
using System.Text.Json;
using Engine.Kernels;
using Engine.Model;
using Engine.Train.Config;
using Engine.Train.Training;

namespace Engine.Train.Grid;

/// <summary>Where a grid stands: for the live overview.</summary>
public readonly record struct GridProgress(int Total, int Done, int Running, int Failed, int Skipped, TimeSpan Elapsed, TimeSpan? Remaining, string? Event);

/// <summary>What a grid run ended with.</summary>
public sealed record GridOutcome(int Total, int Finished, int Failed, int Skipped);

/// <summary>
/// Runs a grid into <c>DIR/runs/&lt;id&gt;/</c>: finished runs (with a <c>summary.json</c>) are skipped,
/// unfinished ones resume from their last checkpoint (or start over when none is usable), a failed run is
/// recorded in <c>failed.json</c> without stopping the others. Each run writes only its own folder and every
/// file lands by atomic rename, so many processes (Slurm array tasks) may share <c>DIR</c>.
/// </summary>
public sealed class GridRunner(GridSpec spec, string directory, string device, int jobs, int threadsPerRun)
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

    /// <summary>Runs every run (or only <paramref name="onlyIndex"/>), <c>jobs</c> at a time.</summary>
    public GridOutcome Run(int? onlyIndex = null, Action<GridProgress>? progress = null, CancellationToken cancel = default)
    {
        if (onlyIndex is { } i && (i < 0 || i >= Runs.Count))
            throw new SettingsException("task-index", $"{i} is outside the grid's runs 0…{Runs.Count - 1}");
        var selected = onlyIndex is { } only ? [Runs[only]] : Runs;
        var clock = Stopwatch.StartNew();
        int done = 0, running = 0, failed = 0, skipped = 0, trained = 0;
        var gate = new object();
        void Report(string? message)
        {
            GridProgress snapshot;
            lock (gate)
            {
                var remaining = trained == 0 ? (TimeSpan?)null
                    : clock.Elapsed / trained * Math.Max(0, selected.Count - done - failed); // wall time per run, jobs included
                snapshot = new GridProgress(selected.Count, done, running, failed, skipped, clock.Elapsed, remaining, message);
            }
            progress?.Invoke(snapshot);
        }

        Parallel.ForEach(selected, new ParallelOptions { MaxDegreeOfParallelism = jobs, CancellationToken = cancel }, run =>
        {
            var folder = RunDirectory(run);
            if (File.Exists(Path.Combine(folder, "summary.json")))
            {
                lock (gate) { done++; skipped++; }
                Report($"run {run.Index} ({run.Id}) already finished");
                return;
            }
            lock (gate) running++;
            Report($"run {run.Index} ({run.Id}) started");
            try
            {
                TrainOne(run, folder, cancel);
                lock (gate) { running--; done++; trained++; }
                Report($"run {run.Index} ({run.Id}) finished");
            }
            catch (OperationCanceledException)
            {
                lock (gate) running--;
                throw;
            }
            catch (Exception e)
            {
                new RunFiles(folder).TryRecordFailure(e);
                lock (gate) { running--; failed++; trained++; }
                Report($"run {run.Index} ({run.Id}) FAILED: {RunFailure.Describe(e)}");
            }
        });
        return new GridOutcome(selected.Count, done, failed, skipped);
    }

    private void TrainOne(GridRun run, string folder, CancellationToken cancel)
    {
        var settings = run.Settings with { Device = device };
        using var dev = OpenDevice();
        var resumable = File.Exists(Path.Combine(folder, "checkpoint.safetensors"));
        Trainer trainer;
        try
        {
            trainer = new Trainer(settings, folder, resume: resumable, dev);
        }
        catch (Exception e) when (resumable && e is SettingsException or InvalidDataException)
        {
            // A run killed while writing its first checkpoint pair: nothing worth keeping, start over.
            System.IO.Directory.Delete(folder, recursive: true);
            trainer = new Trainer(settings, folder, resume: false, dev);
        }
        using (trainer) trainer.Run(cancel: cancel);
    }

    /// <summary>The spec each run opens: "cpu" becomes "cpu:THREADS-PER-RUN"; any other spec is used as given.</summary>
    public string RunDevice { get; } =
        device.Trim().Equals("cpu", StringComparison.OrdinalIgnoreCase) ? $"cpu:{threadsPerRun}" : device;

    private Device OpenDevice() => TrainingDevice.Open(RunDevice);
}
