using System.Text;
using Engine.Model;

namespace Engine.Train.Training;

/// <summary>
/// The files of one run folder. Every file but the append-only <c>metrics.jsonl</c> lands by atomic
/// rename, so a crash leaves either the old or the new version, never a torn one.
/// </summary>
public sealed class RunFiles(string directory)
{
    public string Directory { get; } = Path.GetFullPath(directory);
    public string Config => Path.Combine(Directory, "config.json");
    public string Metrics => Path.Combine(Directory, "metrics.jsonl");
    public string Summary => Path.Combine(Directory, "summary.json");
    public string Pca => Path.Combine(Directory, "pca.json");
    public string Checkpoint => Path.Combine(Directory, "checkpoint.safetensors");
    public string OptimizerState => OptimizerCheckpoint.PathFor(Checkpoint);
    public string Failed => Path.Combine(Directory, "failed.json");
    public string Data => Path.Combine(Directory, "data");
    /// <summary>The layer-wise analysis of the last checkpoint (<c>engine analyze</c>, or training with analyze on).</summary>
    public string Analysis => Path.Combine(Directory, "analysis.json");
    /// <summary>One analysis per checkpoint of a run trained with analyze on.</summary>
    public string AnalysisLog => Path.Combine(Directory, "analysis.jsonl");

    public void WriteText(string path, string text) => AtomicFile.WriteAllText(path, text);

    /// <summary>
    /// Deletes temporary files that a killed process left behind mid-write (their targets are intact:
    /// writes land by rename). Only the one process that owns this run folder may call this.
    /// </summary>
    public void RemoveStaleTemporaries()
    {
        foreach (var temp in System.IO.Directory.GetFiles(Directory, ".*.tmp", SearchOption.AllDirectories)) File.Delete(temp);
    }

    /// <summary>
    /// Writes <c>failed.json</c> (<c>error</c>: <see cref="RunFailure.Describe"/>, <c>type</c>, <c>time</c>), the mark
    /// of a failed run that reports read. Best effort: a folder that cannot take it (the failure may be exactly
    /// that) leaves the run looking unfinished, and the original error is what matters.
    /// </summary>
    /// <returns>Whether the file was written.</returns>
    public bool TryRecordFailure(Exception error)
    {
        var failure = new { error = RunFailure.Describe(error), type = error.GetType().Name, time = DateTime.UtcNow.ToString("O") };
        try
        {
            WriteText(Failed, System.Text.Json.JsonSerializer.Serialize(failure, FailureJson));
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    private static readonly System.Text.Json.JsonSerializerOptions FailureJson = new() { WriteIndented = true };

    public void AppendMetricsLine(string line) => AppendLine(Metrics, line);

    /// <summary>Appends one line to an append-only log of the run (flushed to disk).</summary>
    public void AppendLine(string path, string line)
    {
        using var stream = new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.Read);
        stream.Write(Encoding.UTF8.GetBytes(line + "\n"));
        stream.Flush(flushToDisk: true);
    }

    /// <summary>
    /// Keeps only the metrics lines of epochs ≤ <paramref name="lastEpoch"/> (a resumed run repeats the epochs after
    /// its checkpoint); a torn last line from a crash is dropped too. Rewritten atomically.
    /// </summary>
    public IReadOnlyList<Metrics.EpochMetrics> TruncateMetrics(int lastEpoch)
    {
        var kept = new List<Metrics.EpochMetrics>();
        if (!File.Exists(Metrics)) return kept;
        var text = new StringBuilder();
        foreach (var line in File.ReadAllLines(Metrics))
        {
            Metrics.EpochMetrics pass;
            try
            {
                pass = Train.Metrics.EpochMetrics.FromJsonLine(line);
            }
            catch (System.Text.Json.JsonException)
            {
                continue;
            }
            if (pass.Epoch > lastEpoch) continue;
            kept.Add(pass);
            text.Append(line).Append('\n');
        }
        WriteText(Metrics, text.ToString());
        return kept;
    }
}
