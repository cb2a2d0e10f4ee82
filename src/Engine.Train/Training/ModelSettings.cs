using Engine.Model;
using Engine.Train.Config;

namespace Engine.Train.Training;

/// <summary>What a run's settings say about its model and optimiser, checked before a device is opened.</summary>
internal static class ModelSettings
{
    /// <summary>The model of <paramref name="settings"/> over a vocabulary of <paramref name="vocabSize"/>, validated.</summary>
    /// <exception cref="SettingsException">The model is invalid as a whole, e.g. too large to index (named by flag).</exception>
    public static GptConfig GptConfig(RunSettings settings, int vocabSize)
    {
        var config = new GptConfig(vocabSize, settings.Width, settings.Depth, settings.Heads,
            settings.Tied, settings.AttentionOnly, settings.RopeBase);
        try
        {
            config.Validate();
        }
        catch (ArgumentException e)
        {
            var flag = e.ParamName switch
            {
                nameof(Model.GptConfig.VocabSize) => "relations",
                nameof(Model.GptConfig.Depth) => "depth",
                nameof(Model.GptConfig.Heads) => "heads",
                nameof(Model.GptConfig.RopeBase) => "rope-base",
                _ => "width",
            };
            throw SettingsException.FromArgument(flag, e);
        }
        return config;
    }

    /// <summary>Adam with coupled L2 (<c>adam</c>) or AdamW, at the run's learning rate, weight decay and warmup.</summary>
    public static OptimizerConfig Optimizer(RunSettings settings) => new(
        settings.Optimizer == "adamw" ? OptimizerKind.AdamW : OptimizerKind.Adam,
        settings.Lr, settings.WeightDecay, WarmupSteps: settings.Warmup);
}
