using System.Text.Json;
using Engine.Train.Config;
using Engine.Train.Metrics;
using Engine.Train.World;

namespace Engine.Train.Training;

/// <summary>
/// A run folder through the life of a run: the target is checked before anything is opened, then the folder is
/// made and locked (<see cref="RunLock"/>: one process trains a run at a time), its files are set up for a fresh
/// run or for one resumed from its checkpoint, and the results close it. The lock is held until
/// <see cref="Dispose"/>; a lock handed in by the caller (a grid, which takes it before deciding what to do with
/// the run) stays the caller's to release.
/// </summary>
public sealed class RunFolder(string directory, RunLock? heldLock = null) : IDisposable
{
    private RunLock? _ownLock;

    public RunFiles Files { get; } = new(directory);

    /// <summary>Whether this process holds the folder's lock (handed in, or taken by <see cref="Create"/>).</summary>
    public bool IsLocked => heldLock is not null || _ownLock is not null;

    /// <summary>Refuses a target that is a file, or (unless <paramref name="resume"/>) a folder holding a run.</summary>
    /// <exception cref="SettingsException">The <c>out</c> setting names such a target.</exception>
    public void CheckTarget(bool resume)
    {
        if (File.Exists(Files.Directory)) throw new SettingsException("out", $"'{Files.Directory}' is a file, not a run folder");
        if (!resume && (File.Exists(Files.Checkpoint) || File.Exists(Files.Summary)))
            throw new SettingsException("out", $"'{Files.Directory}' already holds a run; use --resume to continue it or choose another --out");
    }

    /// <summary>
    /// Makes the folder (if new), takes its lock, checks the target again under the lock (another process may have
    /// trained it in the meantime) and deletes what a killed process left mid-write. A refused caller has written
    /// nothing in an existing folder but the empty lock file, if that was missing.
    /// </summary>
    /// <exception cref="SettingsException">Another process holds the lock, or <see cref="CheckTarget"/> refuses.</exception>
    public void Create(bool resume)
    {
        Directory.CreateDirectory(Files.Directory);
        if (heldLock is not null && heldLock.Directory != Files.Directory)
            throw new ArgumentException($"the lock of '{heldLock.Directory}' does not claim '{Files.Directory}'", nameof(heldLock));
        if (!IsLocked)
            _ownLock = RunLock.TryAcquire(Files.Directory) ?? throw new SettingsException("out",
                $"'{Files.Directory}' is being trained by another process (it holds {RunLock.FileName}); wait for it to finish or choose another --out");
        CheckTarget(resume);
        Files.RemoveStaleTemporaries();
    }

    /// <summary>
    /// Deletes everything in the folder but its lock file (a run to start over). Only the lock's holder may call this;
    /// the lock file stays so that no other process can lock a new one meanwhile.
    /// </summary>
    public void Clear()
    {
        if (!IsLocked) throw new InvalidOperationException($"'{Files.Directory}' is cleared only under its lock");
        var lockPath = RunLock.PathIn(Files.Directory);
        foreach (var folder in Directory.GetDirectories(Files.Directory)) Directory.Delete(folder, recursive: true);
        foreach (var file in Directory.GetFiles(Files.Directory))
            if (!string.Equals(Path.GetFullPath(file), lockPath, StringComparison.Ordinal)) File.Delete(file);
    }

    /// <summary>A fresh run: its settings in <c>config.json</c>, its dataset in <c>data/</c>, no metrics and no failure mark.</summary>
    public void StartFresh(RunSettings settings, Dataset dataset)
    {
        Files.WriteText(Files.Config, settings.ToJson());
        File.Delete(Files.Metrics);
        File.Delete(Files.Failed);
        DatasetWriter.Write(dataset, Files.Data);
    }

    /// <summary>
    /// A run resumed after <paramref name="epoch"/>: the metrics of later epochs are dropped (they will be measured
    /// again), the summary and failure mark go, and <c>config.json</c> takes the new settings (epochs, device).
    /// </summary>
    /// <returns>The probe passes kept (those of epochs ≤ <paramref name="epoch"/>).</returns>
    public IReadOnlyList<EpochMetrics> Reopen(RunSettings settings, int epoch)
    {
        var passes = Files.TruncateMetrics(epoch);
        File.Delete(Files.Summary);
        File.Delete(Files.Failed);
        Files.WriteText(Files.Config, settings.ToJson());
        return passes;
    }

    /// <summary>The end of a run: <c>pca.json</c>, then <c>summary.json</c> (last: a run is finished when it exists).</summary>
    public void Finish(PcaSnapshot pca, RunSummary summary)
    {
        Files.WriteText(Files.Pca, pca.ToJson());
        Files.WriteText(Files.Summary, JsonSerializer.Serialize(summary, SummaryJson));
    }

    /// <summary>Releases the lock this folder took (not one handed in).</summary>
    public void Dispose()
    {
        _ownLock?.Dispose();
        _ownLock = null;
    }

    private static readonly JsonSerializerOptions SummaryJson = new(EpochMetrics.Json) { WriteIndented = true };
}
