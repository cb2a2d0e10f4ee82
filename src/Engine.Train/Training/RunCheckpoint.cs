using Engine.Model;
using Engine.Train.Config;

namespace Engine.Train.Training;

/// <summary>
/// A run's checkpoint pair: the model (<c>checkpoint.safetensors</c>, with the settings in its metadata) and the
/// optimiser with the <see cref="TrainingState"/> (<c>checkpoint.optim.safetensors</c>), both landing by rename.
/// Remembers the epoch of the last one written or read: the last good one, which divergence messages name.
/// </summary>
internal sealed class RunCheckpoint(RunFiles files, RunSettings settings, Gpt<float> model, AdamOptimizer<float> optimizer)
{
    /// <summary>The epoch of the last checkpoint written or loaded.</summary>
    public int Epoch { get; private set; }

    /// <summary>Writes the model, then the optimiser and <paramref name="state"/>.</summary>
    /// <exception cref="TrainingDivergedException">A parameter is NaN or infinite (the files on disk are kept).</exception>
    public void Save(TrainingState state)
    {
        try
        {
            Checkpoint.Save(files.Checkpoint, model, new Dictionary<string, string> { ["run_settings"] = settings.ToJson() });
        }
        catch (NonFiniteParameterException e)
        {
            throw Diverged($"the parameters became non-finite by epoch {state.Epoch} ({e.Message})");
        }
        OptimizerCheckpoint.Save(files.OptimizerState, optimizer, state.ToJson());
        Epoch = state.Epoch;
    }

    /// <summary>Loads the model and the optimiser; returns where the run stood.</summary>
    /// <exception cref="InvalidDataException">A file that cannot be resumed from (the message names it).</exception>
    public TrainingState Load()
    {
        Checkpoint.Load(files.Checkpoint, model);
        var state = TrainingState.FromJson(OptimizerCheckpoint.Load(files.OptimizerState, optimizer), files.OptimizerState);
        Epoch = state.Epoch;
        return state;
    }

    /// <summary>The run stopped because of <paramref name="what"/>; the message says where the last good checkpoint is.</summary>
    public TrainingDivergedException Diverged(string what) => new(
        $"{what}; the last good checkpoint is '{files.Checkpoint}' (epoch {Epoch}). Lower --lr or add --warmup.");
}
