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
    private readonly Dataset _dataset;
    private readonly RunFiles _files;
    private readonly Device _device;
    private readonly Gpt<float> _model;
    private readonly Tape<float> _tape;
    private readonly AdamOptimizer<float> _optimizer;
    private readonly GptInputs _inputs;
    private readonly BatchEncoder _encoder;
    private readonly ProbeRunner _probes;
    private readonly Analysis.CheckpointAnalysis? _analysis;   // with the analyze setting only
    private readonly int[] _order;
    private readonly DeviceBuffer<float> _stepLosses;   // (steps per epoch) each step's loss, read once per epoch
    private readonly float[] _hostLosses;
    private WorldRandom _random;
    private readonly List<EpochMetrics> _passes = [];
    private TrainingState _state;     // as of the last completed epoch
    private long _step;                // mutable counters of the running epoch (a step must not allocate)
    private long _tokens;
    private int _lastCheckpointEpoch;

    /// <summary>Prepares a run in <paramref name="directory"/>; with <paramref name="resume"/>, from its checkpoint.</summary>
    /// <exception cref="SettingsException">Invalid settings (the device included), or a folder that holds another run.</exception>
    /// <exception cref="InvalidDataException">A checkpoint that cannot be resumed from (the message names the file).</exception>
    public Trainer(RunSettings settings, string directory, bool resume, Device? device = null)
    {
        _settings = settings.Validate();
        _files = new RunFiles(directory);
        if (File.Exists(_files.Directory)) throw new SettingsException("out", $"'{_files.Directory}' is a file, not a run folder");
        _dataset = LoadDataset(settings);
        var config = ModelConfig(settings, _dataset.VocabularySize);
        if (!resume && (File.Exists(_files.Checkpoint) || File.Exists(_files.Summary)))
            throw new SettingsException("out", $"'{_files.Directory}' already holds a run; use --resume to continue it or choose another --out");
        // The device is opened before the run folder is made, so a bad --device leaves nothing behind.
        _device = device ?? OpenDevice(settings.Device);
        OwnsDevice = device is null;
        try
        {
            Directory.CreateDirectory(_files.Directory);
            _files.RemoveStaleTemporaries();
            if (resume) CheckResumable();
            _model = new Gpt<float>(config, _device, (ulong)settings.Seed);
            _tape = new Tape<float>(_device);
            _optimizer = new AdamOptimizer<float>(_model.Parameters, new OptimizerConfig(
                settings.Optimizer == "adamw" ? OptimizerKind.AdamW : OptimizerKind.Adam,
                settings.Lr, settings.WeightDecay, WarmupSteps: settings.Warmup));
            _inputs = new GptInputs(_device, config.VocabSize);
            _encoder = new BatchEncoder(settings.Batch);
            _probes = new ProbeRunner(_dataset, _model, _tape);
            if (settings.Analyze) _analysis = new Analysis.CheckpointAnalysis(_dataset, _model, _tape, _files);
            _order = Enumerable.Range(0, _dataset.TrainingFacts.Count).ToArray();
            var stepsPerEpoch = (_order.Length + settings.Batch - 1) / settings.Batch;
            _stepLosses = _device.Allocate<float>(Math.Max(stepsPerEpoch, 1));
            _hostLosses = new float[stepsPerEpoch];
            _random = new WorldRandom((ulong)settings.Seed);
            _state = new TrainingState(0, 0, 0, 0, _random.State);
            if (resume) Restore();
            else Start();
        }
        catch
        {
            if (OwnsDevice) _device.Dispose();
            throw;
        }
    }

    /// <summary>The model of these settings over a vocabulary of <paramref name="vocabSize"/>, validated.</summary>
    /// <exception cref="SettingsException">The model is invalid as a whole, e.g. too large to index (named by flag).</exception>
    internal static GptConfig ModelConfig(RunSettings settings, int vocabSize)
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
                nameof(GptConfig.VocabSize) => "relations",
                nameof(GptConfig.Depth) => "depth",
                nameof(GptConfig.Heads) => "heads",
                nameof(GptConfig.RopeBase) => "rope-base",
                _ => "width",
            };
            throw new SettingsException(flag, MessageOf(e));
        }
        return config;
    }

    /// <summary>The message without the " (Parameter 'name')" the runtime appends.</summary>
    private static string OneLine(string text) =>
        string.Join(" ", text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));

    private static string MessageOf(ArgumentException e) =>
        e.ParamName is { } name ? e.Message.Replace($" (Parameter '{name}')", "", StringComparison.Ordinal) : e.Message;

    /// <summary>Opens the device named by the <c>device</c> setting (see <see cref="Device.Open(string)"/>).</summary>
    /// <exception cref="SettingsException">The spec names no known device, a device that does not exist, or a backend
    /// whose library is not installed: the setting is wrong for this machine.</exception>
    public static Device OpenDevice(string spec)
    {
        try
        {
            return Device.Open(spec);
        }
        catch (ArgumentException e)
        {
            throw new SettingsException("device", MessageOf(e));
        }
        catch (DeviceUnavailableException e)
        {
            throw new SettingsException("device", $"'{spec}' is not available here: {OneLine(e.Message)}");
        }
    }

    private bool OwnsDevice { get; }

    public Dataset Dataset => _dataset;

    public Gpt<float> Model => _model;

    public RunFiles Files => _files;

    /// <summary>The probe passes so far (those before a resume point included).</summary>
    public IReadOnlyList<EpochMetrics> Passes => _passes;

    private static Dataset LoadDataset(RunSettings settings) => settings.DataDir is { } dir
        ? DatasetReader.Read(dir)
        : AnalogyWorld.Generate(settings.ToWorldSettings().Validate());

    private void CheckResumable()
    {
        foreach (var path in new[] { _files.Config, _files.Checkpoint, _files.OptimizerState })
            if (!File.Exists(path)) throw new SettingsException("resume", $"cannot resume: '{path}' is missing");
        var saved = RunSettings.FromJson(File.ReadAllText(_files.Config), _files.Config);
        // Only the length of training, the device and whether checkpoints are analysed may change on resume.
        var comparable = _settings with { Epochs = saved.Epochs, Device = saved.Device, Analyze = saved.Analyze };
        if (comparable != saved)
            throw new SettingsException("resume", $"the settings differ from the run in '{_files.Directory}' (only --epochs, --device and --analyze may change)");
    }

    private void Start()
    {
        _files.WriteText(_files.Config, _settings.ToJson());
        if (File.Exists(_files.Metrics)) File.Delete(_files.Metrics);
        if (File.Exists(_files.Failed)) File.Delete(_files.Failed);
        DatasetWriter.Write(_dataset, _files.Data);
        _analysis?.Start();
        SaveCheckpoint();
    }

    private void Restore()
    {
        Checkpoint.Load(_files.Checkpoint, _model);
        var stateJson = OptimizerCheckpoint.Load(_files.OptimizerState, _optimizer);
        _state = TrainingState.FromJson(stateJson, _files.OptimizerState);
        (_step, _tokens, _lastCheckpointEpoch) = (_state.Step, _state.Tokens, _state.Epoch);
        try
        {
            _random = WorldRandom.FromState(_state.Rng);
        }
        catch (FormatException e)
        {
            throw new InvalidDataException($"{_files.OptimizerState}: {e.Message}");
        }
        _passes.AddRange(_files.TruncateMetrics(_state.Epoch));
        _analysis?.Resume(_state.Epoch);
        if (File.Exists(_files.Summary)) File.Delete(_files.Summary);
        if (File.Exists(_files.Failed)) File.Delete(_files.Failed);
        _files.WriteText(_files.Config, _settings.ToJson());
    }

    /// <exception cref="TrainingDivergedException">A parameter is NaN or infinite (the files on disk are kept).</exception>
    private void SaveCheckpoint()
    {
        try
        {
            Checkpoint.Save(_files.Checkpoint, _model, new Dictionary<string, string> { ["run_settings"] = _settings.ToJson() });
        }
        catch (NonFiniteParameterException e)
        {
            throw new TrainingDivergedException(
                $"the parameters became non-finite by epoch {_state.Epoch} ({e.Message}); the last good checkpoint is " +
                $"'{_files.Checkpoint}' (epoch {_lastCheckpointEpoch}). Lower --lr or add --warmup.");
        }
        OptimizerCheckpoint.Save(_files.OptimizerState, _optimizer, _state.ToJson());
        _lastCheckpointEpoch = _state.Epoch;
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
            var seconds = secondsBefore + clock.Elapsed.TotalSeconds;
            _state = new TrainingState(epoch, _step, _tokens, seconds, _random.State);
            var probe = epoch % _settings.EvalEvery == 0 || epoch == _settings.Epochs;
            double? ood = null;
            if (probe)
            {
                var pass = _probes.Measure() with
                {
                    Epoch = epoch,
                    Step = _step,
                    TrainLoss = trainLoss,
                    Seconds = seconds,
                    Tokens = _state.Tokens,
                };
                _passes.Add(pass);
                _files.AppendMetricsLine(pass.ToJsonLine());
                ood = pass.Probes.TryGetValue(ProbeTypes.OodAnalogical, out var score) ? score.Accuracy : null;
            }
            if (epoch == _settings.Epochs || (_settings.CheckpointEvery > 0 && epoch % _settings.CheckpointEvery == 0))
                SaveCheckpoint();
            progress?.Invoke(new TrainingProgress(epoch, _settings.Epochs, _step, trainLoss, ood, seconds, probe));
        }
        _files.WriteText(_files.Pca, _probes.Pca(_state.Epoch).ToJson());
        _analysis?.Finish();
        var summary = RunSummary.FromMetrics(_passes);
        _files.WriteText(_files.Summary, System.Text.Json.JsonSerializer.Serialize(summary, SummaryJson));
        return summary;
    }

    internal static readonly System.Text.Json.JsonSerializerOptions SummaryJson = new(EpochMetrics.Json) { WriteIndented = true };

    /// <summary>
    /// One epoch; returns the mean training loss over its facts. The epoch's batches go to the device in one
    /// upload and its step losses come back in one download at the end, so a step never waits for the device
    /// (only reading the loss for logging may). A non-finite loss is therefore found at the end of its
    /// epoch, before anything is written: the run stops there and the last checkpoint stays the last good one.
    /// </summary>
    private double TrainEpoch(int epoch)
    {
        // Shuffle from the identity each epoch, so the order depends on the RNG state alone (resumable).
        for (var i = 0; i < _order.Length; i++) _order[i] = i;
        _random.Shuffle(_order);
        var facts = _dataset.TrainingFacts;
        _inputs.Clear();
        for (var start = 0; start < facts.Count; start += _settings.Batch)
            _encoder.Stage(_inputs, facts, _order, start, Math.Min(_settings.Batch, facts.Count - start));
        _inputs.Upload();

        var firstStep = _step;
        for (var index = 0; index < _inputs.Count; index++) Step(_inputs[index], index);

        var losses = _hostLosses.AsSpan(0, _inputs.Count);
        _device.Download(_stepLosses.Slice(0, losses.Length), losses);
        double lossSum = 0;
        for (var index = 0; index < losses.Length; index++)
        {
            var loss = losses[index];
            if (!float.IsFinite(loss))
            {
                throw new TrainingDivergedException(
                    $"the loss became {loss} at epoch {epoch}, step {firstStep + index + 1}; the last good checkpoint is " +
                    $"'{_files.Checkpoint}' (epoch {_lastCheckpointEpoch}). Lower --lr or add --warmup.");
            }
            lossSum += loss * _inputs[index].BatchSize;
        }
        return lossSum / facts.Count;
    }

    /// <summary>Forward, loss (kept on the device in slot <paramref name="index"/>), backward, update.</summary>
    private void Step(GptBatch batch, int index)
    {
        _tape.Reset();
        _model.ZeroGrad();
        var output = _model.Forward(_tape, batch);
        var loss = output.Loss!;
        _device.Copy(loss.Data, _stepLosses.Slice(index, 1));
        _tape.Backward(loss);
        _optimizer.Step();
        _step++;
        _tokens += (long)batch.BatchSize * batch.SequenceLength;
    }

    public void Dispose()
    {
        _probes.Dispose();
        _inputs.Dispose();
        _stepLosses.Dispose();
        _optimizer.Dispose();
        _tape.Dispose();
        _model.Dispose();
        if (OwnsDevice) _device.Dispose();
    }
}
