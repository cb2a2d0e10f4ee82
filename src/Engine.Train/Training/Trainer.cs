using System.Diagnostics;
using Engine.Kernels;
using Engine.Model;
using Engine.Train.Config;
using Engine.Train.Metrics;
using Engine.Train.World;

namespace Engine.Train.Training;

/// <summary>
/// Trains one run (TASK.md §4) into a run folder: epochs of reshuffled batches (the last partial batch
/// kept), one step = forward, loss, backward, Adam(L2) or AdamW update; probes every
/// <see cref="RunSettings.EvalEvery"/> epochs and at the end; a checkpoint before the first step, every
/// <see cref="RunSettings.CheckpointEvery"/> epochs and at the end; <c>summary.json</c> last.
/// A resumed run continues from its checkpoint with the same batch-order RNG, so on the CPU it is
/// bit-identical to an uninterrupted one.
/// </summary>
public sealed class Trainer : IDisposable
{
    private readonly RunSettings _settings;
    private readonly RunFolder _folder;
    private readonly Dataset _dataset;
    private readonly Device _device;
    private readonly bool _ownsDevice;
    private readonly Gpt<float> _model;
    private readonly Tape<float> _tape;
    private readonly AdamOptimizer<float> _optimizer;
    private readonly RunCheckpoint _checkpoint;
    private readonly EpochBatches _batches;
    private readonly StepLosses _losses;
    private readonly ProbeRunner _probes;
    private readonly Analysis.CheckpointAnalysis? _analysis;   // with the analyze setting only
    private readonly List<EpochMetrics> _passes = [];
    private TrainingState _state;      // as of the last completed epoch
    private long _step;                // counters of the running epoch (fields: a step must not allocate)
    private long _tokens;

    /// <summary>
    /// Prepares a run in <paramref name="directory"/>; with <paramref name="resume"/>, from its checkpoint. The folder's
    /// <see cref="RunLock"/> is taken before anything in it is touched and held until <see cref="Dispose"/>, unless the
    /// caller hands in the lock it already holds (<paramref name="heldLock"/>, which stays the caller's).
    /// </summary>
    /// <exception cref="SettingsException">Invalid settings (the device included), a folder that holds another run,
    /// or one that another process is training (its lock is held).</exception>
    /// <exception cref="InvalidDataException">A checkpoint that cannot be resumed from (the message names the file).</exception>
    public Trainer(RunSettings settings, string directory, bool resume, Device? device = null, RunLock? heldLock = null)
    {
        _settings = settings.Validate();
        _folder = new RunFolder(directory, heldLock);
        _folder.CheckTarget(resume);
        _dataset = LoadDataset(settings);
        var config = ModelSettings.GptConfig(settings, _dataset.VocabularySize);
        // The device is opened before the run folder is made, so a bad --device leaves nothing behind.
        _device = device ?? TrainingDevice.Open(settings.Device);
        _ownsDevice = device is null;
        try
        {
            _folder.Create(resume);
            if (resume) ResumeCheck.Require(_folder.Files, _settings);
            _model = new Gpt<float>(config, _device, (ulong)settings.Seed);
            _tape = new Tape<float>(_device);
            _optimizer = new AdamOptimizer<float>(_model.Parameters, ModelSettings.Optimizer(settings));
            _checkpoint = new RunCheckpoint(_folder.Files, _settings, _model, _optimizer);
            _batches = new EpochBatches(_dataset.TrainingFacts, settings.Batch, _device, config.VocabSize, (ulong)settings.Seed);
            _losses = new StepLosses(_device, _batches.StepsPerEpoch);
            _probes = new ProbeRunner(_dataset, _model, _tape);
            if (settings.Analyze) _analysis = new Analysis.CheckpointAnalysis(_dataset, _model, _tape, _folder.Files);
            _state = new TrainingState(0, 0, 0, 0, _batches.RngState);
            if (resume) Resume();
            else Start();
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    public Dataset Dataset => _dataset;

    public Gpt<float> Model => _model;

    /// <summary>The run's optimiser (its moments and step count), e.g. for timing a step at the state training reached.</summary>
    public AdamOptimizer<float> Optimizer => _optimizer;

    public RunFiles Files => _folder.Files;

    /// <summary>The probe passes so far (those before a resume point included).</summary>
    public IReadOnlyList<EpochMetrics> Passes => _passes;

    /// <summary>The dataset in <c>--data</c>, or the world the settings generate.</summary>
    private static Dataset LoadDataset(RunSettings settings) => settings.DataDir is { } folder
        ? DatasetReader.Read(folder)
        : AnalogyWorld.Generate(settings.ToWorldSettings().Validate());

    private void Start()
    {
        _folder.StartFresh(_settings, _dataset);
        _analysis?.Start();
        SaveCheckpoint();
    }

    private void Resume()
    {
        _state = _checkpoint.Load();
        (_step, _tokens) = (_state.Step, _state.Tokens);
        _batches.Restore(_state.Rng, Files.OptimizerState);
        _passes.AddRange(_folder.Reopen(_settings, _state.Epoch));
        _analysis?.Resume(_state.Epoch);
    }

    /// <summary>The checkpoint pair of <see cref="_state"/>, and its layer-wise analysis when asked for.</summary>
    private void SaveCheckpoint()
    {
        _checkpoint.Save(_state);
        _analysis?.AtCheckpoint(_state.Epoch);
    }

    /// <summary>Trains to the last epoch and writes the summary.</summary>
    /// <exception cref="TrainingDivergedException">The loss became NaN or infinite.</exception>
    public RunSummary Run(Action<TrainingProgress>? progress = null, CancellationToken cancel = default)
    {
        var clock = Stopwatch.StartNew();
        var secondsBefore = _state.Seconds;
        for (var epoch = _state.Epoch + 1; epoch <= _settings.Epochs; epoch++)
        {
            cancel.ThrowIfCancellationRequested();
            var trainLoss = TrainEpoch(epoch);
            _state = new TrainingState(epoch, _step, _tokens, secondsBefore + clock.Elapsed.TotalSeconds, _batches.RngState);
            var pass = IsDue(epoch, _settings.EvalEvery) ? Probe(trainLoss) : null;
            if (IsDue(epoch, _settings.CheckpointEvery)) SaveCheckpoint();
            progress?.Invoke(Progress(trainLoss, pass));
        }
        _analysis?.Finish();
        var summary = RunSummary.FromMetrics(_passes);
        _folder.Finish(_probes.Pca(_state.Epoch), summary);
        return summary;
    }

    /// <summary>Every <paramref name="every"/> epochs (never when 0) and at the last epoch.</summary>
    private bool IsDue(int epoch, int every) => epoch == _settings.Epochs || (every > 0 && epoch % every == 0);

    /// <summary>
    /// One epoch; returns the mean training loss over its facts. The step losses are read once, at the end, so a
    /// non-finite loss is found there, before anything is written: the run stops and the last checkpoint stays the
    /// last good one.
    /// </summary>
    private double TrainEpoch(int epoch)
    {
        var firstStep = _step;
        _batches.Shuffle();
        for (var index = 0; index < _batches.Count; index++) Step(_batches[index], _losses.Slot(index));

        var losses = _losses.Read(_batches.Count);
        double lossSum = 0;
        for (var index = 0; index < losses.Length; index++)
        {
            if (!float.IsFinite(losses[index]))
                throw _checkpoint.Diverged($"the loss became {losses[index]} at epoch {epoch}, step {firstStep + index + 1}");
            lossSum += losses[index] * _batches[index].BatchSize;
        }
        return lossSum / _dataset.TrainingFacts.Count;
    }

    /// <summary>Forward, loss (left on the device in <paramref name="lossSlot"/>), backward, update.</summary>
    private void Step(GptBatch batch, BufferView<float> lossSlot)
    {
        _tape.Reset();
        _model.ZeroGrad();
        var loss = _model.Forward(_tape, batch).Loss!;
        _device.Copy(loss.Data, lossSlot);
        _tape.Backward(loss);
        _optimizer.Step();
        _step++;
        _tokens += (long)batch.BatchSize * batch.SequenceLength;
    }

    /// <summary>A probe pass after an epoch, appended to <c>metrics.jsonl</c>.</summary>
    private EpochMetrics Probe(double trainLoss)
    {
        var pass = _probes.Measure() with
        {
            Epoch = _state.Epoch,
            Step = _state.Step,
            TrainLoss = trainLoss,
            Seconds = _state.Seconds,
            Tokens = _state.Tokens,
        };
        _passes.Add(pass);
        Files.AppendMetricsLine(pass.ToJsonLine());
        return pass;
    }

    private TrainingProgress Progress(double trainLoss, EpochMetrics? pass) => new(_state.Epoch, _settings.Epochs, _state.Step,
        trainLoss, pass?.Probes.GetValueOrDefault(ProbeTypes.OodAnalogical)?.Accuracy, _state.Seconds, Probed: pass is not null);

    // Also undoes a constructor that failed part-way, hence the null checks.
    public void Dispose()
    {
        _probes?.Dispose();
        _losses?.Dispose();
        _batches?.Dispose();
        _optimizer?.Dispose();
        _tape?.Dispose();
        _model?.Dispose();
        if (_ownsDevice) _device.Dispose();
        _folder.Dispose();   // last: the lock outlives every write
    }
}
