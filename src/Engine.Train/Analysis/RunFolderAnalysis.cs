using Engine.Model;
using Engine.Train.Config;
using Engine.Train.Training;
using Engine.Train.World;

namespace Engine.Train.Analysis;

/// <summary>
/// <c>engine analyze RUN</c>: loads a run folder's settings (<c>config.json</c>), dataset (<c>data/</c>) and checkpoint,
/// runs <see cref="RunAnalyzer"/> and writes <c>analysis.json</c> into the folder atomically.
/// </summary>
public static class RunFolderAnalysis
{
    /// <summary>Analyses the checkpoint of the run in <paramref name="directory"/> on <paramref name="deviceSpec"/>.</summary>
    /// <returns>The analysis and the path it was written to.</returns>
    /// <exception cref="AnalysisException">The folder is missing or holds no run (no config.json or no checkpoint).</exception>
    /// <exception cref="SettingsException">config.json is not valid settings, or the device is not usable here.</exception>
    /// <exception cref="DatasetFormatException">The run's data/ folder is missing or malformed.</exception>
    /// <exception cref="InvalidDataException">The checkpoint is truncated, malformed or of another model.</exception>
    public static (AnalysisReport Report, string Path) Run(string directory, string deviceSpec, double ridge = RunAnalyzer.DefaultRidge)
    {
        var files = new RunFiles(directory);
        if (!Directory.Exists(files.Directory)) throw new AnalysisException($"analyze: no folder '{files.Directory}'");
        if (!File.Exists(files.Config)) throw new AnalysisException($"analyze: '{files.Directory}' is not a run folder (no config.json)");
        if (!File.Exists(files.Checkpoint)) throw new AnalysisException($"analyze: '{files.Directory}' has no checkpoint.safetensors yet");
        if (!double.IsFinite(ridge) || ridge < 0) throw new SettingsException("ridge", $"must be a finite number ≥ 0 (got {ridge})");

        var settings = RunSettings.FromJson(File.ReadAllText(files.Config), files.Config);
        var dataset = DatasetReader.Read(files.Data);
        var config = ModelSettings.GptConfig(settings, dataset.VocabularySize);
        var epoch = CheckpointEpoch(files);
        using var device = TrainingDevice.Open(deviceSpec);
        using var model = new Gpt<float>(config, device, seed: 0);
        Checkpoint.Load(files.Checkpoint, model);
        using var tape = new Tape<float>(device);
        var report = RunAnalyzer.Analyze(dataset, model, tape, ridge, epoch, Path.GetFileName(files.Checkpoint));
        files.WriteText(files.Analysis, report.ToJson());
        return (report, files.Analysis);
    }

    /// <summary>The epoch in the training state beside the checkpoint, or null when that file is absent or unreadable
    /// (the analysis needs only the model).</summary>
    private static int? CheckpointEpoch(RunFiles files)
    {
        if (!File.Exists(files.OptimizerState)) return null;
        try
        {
            var metadata = SafeTensorsFile.Read(files.OptimizerState).Metadata;
            return metadata.TryGetValue(OptimizerCheckpoint.RngStateKey, out var state)
                ? TrainingState.FromJson(state, files.OptimizerState).Epoch
                : null;
        }
        catch (InvalidDataException)
        {
            return null;
        }
    }
}
