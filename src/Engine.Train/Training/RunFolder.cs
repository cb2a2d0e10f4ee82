using System.Text.Json;
using Engine.Train.Config;
using Engine.Train.Metrics;
using Engine.Train.World;

namespace Engine.Train.Training;

/// <summary>
/// A run folder through the life of a run: the target is checked before anything is opened, then the folder is
/// made, its files are set up for a fresh run or for one resumed from its checkpoint, and the results close it.
/// </summary>
public sealed class RunFolder(string directory)
{
    public RunFiles Files { get; } = new(directory);

    /// <summary>Refuses a target that is a file, or (unless <paramref name="resume"/>) a folder holding a run.</summary>
    /// <exception cref="SettingsException">The <c>out</c> setting names such a target.</exception>
    public void CheckTarget(bool resume)
    {
        if (File.Exists(Files.Directory)) throw new SettingsException("out", $"'{Files.Directory}' is a file, not a run folder");
        if (!resume && (File.Exists(Files.Checkpoint) || File.Exists(Files.Summary)))
            throw new SettingsException("out", $"'{Files.Directory}' already holds a run; use --resume to continue it or choose another --out");
    }

    /// <summary>Makes the folder (if new) and deletes what a killed process left mid-write.</summary>
    public void Create()
    {
        Directory.CreateDirectory(Files.Directory);
        Files.RemoveStaleTemporaries();
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

    private static readonly JsonSerializerOptions SummaryJson = new(EpochMetrics.Json) { WriteIndented = true };
}
