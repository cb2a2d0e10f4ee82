using Engine.Train.Config;

namespace Engine.Train.Training;

/// <summary>Whether a run folder can be resumed with given settings: its files are there and it is the same run.</summary>
internal static class ResumeCheck
{
    /// <exception cref="SettingsException">A file a resume reads is missing, the saved <c>config.json</c> is not readable,
    /// or the settings differ from the saved ones in more than the length of training, the device and --analyze.</exception>
    public static void Require(RunFiles files, RunSettings settings)
    {
        foreach (var path in new[] { files.Config, files.Checkpoint, files.OptimizerState })
            if (!File.Exists(path)) throw new SettingsException("resume", $"cannot resume: '{path}' is missing");
        var saved = RunSettings.FromJson(File.ReadAllText(files.Config), files.Config);
        // Only the length of training, the device and whether checkpoints are analysed may change on resume.
        var comparable = settings with { Epochs = saved.Epochs, Device = saved.Device, Analyze = saved.Analyze };
        if (comparable != saved)
            throw new SettingsException("resume", $"the settings differ from the run in '{files.Directory}' (only --epochs, --device and --analyze may change)");
    }
}
