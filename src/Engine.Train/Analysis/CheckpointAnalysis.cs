using System.Text;
using Engine.Model;
using Engine.Train.Training;
using Engine.Train.World;

namespace Engine.Train.Analysis;

/// <summary>
/// The layer-wise analyses during training (the <c>analyze</c> setting): at every checkpoint the trainer saves, one
/// <see cref="AnalysisReport"/> line is appended to <c>analysis.jsonl</c>; at the end the last one is also written as
/// <c>analysis.json</c>, as <c>engine analyze</c> would write it.
/// </summary>
internal sealed class CheckpointAnalysis(Dataset dataset, Gpt<float> model, Tape<float> tape, RunFiles files)
{
    private AnalysisReport? _last;

    /// <summary>A fresh run: no log from an earlier run in the folder.</summary>
    public void Start()
    {
        if (File.Exists(files.AnalysisLog)) File.Delete(files.AnalysisLog);
    }

    /// <summary>A resumed run repeats the epochs after its checkpoint: keeps only the lines of epochs ≤ <paramref name="lastEpoch"/>
    /// (and drops a torn last line), rewritten atomically.</summary>
    public void Resume(int lastEpoch)
    {
        if (!File.Exists(files.AnalysisLog)) return;
        var text = new StringBuilder();
        foreach (var line in File.ReadAllLines(files.AnalysisLog))
        {
            try
            {
                if (AnalysisReport.FromJson(line).Epoch <= lastEpoch) text.Append(line).Append('\n');
            }
            catch (System.Text.Json.JsonException)
            {
            }
        }
        files.WriteText(files.AnalysisLog, text.ToString());
    }

    /// <summary>Analyses the model as just checkpointed at <paramref name="epoch"/> (resets the tape).</summary>
    public void AtCheckpoint(int epoch)
    {
        _last = RunAnalyzer.Analyze(dataset, model, tape, RunAnalyzer.DefaultRidge, epoch, Path.GetFileName(files.Checkpoint));
        files.AppendLine(files.AnalysisLog, _last.ToJsonLine());
    }

    /// <summary>Writes the last checkpoint's analysis as analysis.json.</summary>
    public void Finish()
    {
        if (_last is not null) files.WriteText(files.Analysis, _last.ToJson());
    }
}
