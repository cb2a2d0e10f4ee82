using System.Diagnostics;
using Engine.Kernels;
using Engine.Train.Llm.Prompts;
using Engine.Train.Training;

namespace Engine.Train.Llm.Analysis;

/// <summary>What <c>engine llm analyze</c> is asked to do.</summary>
public sealed record LlmAnalysisOptions(string ModelDirectory, string OutDirectory, int PromptCount = 20,
    AnalogyPromptSettings? Prompts = null, string Device = "cpu", ResidualMode Residual = ResidualMode.NextNorm,
    EntityVectorMode EntityVector = EntityVectorMode.LastDigit)
{
    public AnalogyPromptSettings PromptSettings => Prompts ?? new AnalogyPromptSettings();
}

/// <summary>
/// <c>engine llm analyze</c>: reads a Hugging Face checkpoint folder (config, weights memory-mapped, tokenizer), runs one
/// forward pass per generated prompt on the chosen device reading out every position at every layer, computes the
/// figures (<see cref="PromptAnalysis"/>) and writes <c>llm-analysis.json</c> and the report page. Everything is
/// checked and loaded before anything is written, so bad input leaves the output folder as it was.
/// </summary>
public static class LlmAnalysisRunner
{
    /// <returns>The report and the paths written.</returns>
    /// <exception cref="LlmInputException">The model folder is missing, incomplete, of an unsupported architecture, or its
    /// tokenizer does not write a prompt's target as one token.</exception>
    /// <exception cref="Config.SettingsException">A prompt knob or the device is bad.</exception>
    public static (LlmAnalysisReport Report, string Json, string Html) Run(LlmAnalysisOptions options, Action<string>? log = null)
    {
        log ??= _ => { };
        if (!Directory.Exists(options.ModelDirectory)) throw new LlmInputException($"{options.ModelDirectory}: no such model folder");
        if (options.PromptCount < 1) throw new Config.SettingsException("prompts", $"must be ≥ 1, got {options.PromptCount}");
        var settings = options.PromptSettings.Validated();
        var config = LlmConfig.Read(options.ModelDirectory);
        var tokenizer = LlmTokenizer.Open(options.ModelDirectory, config.BosTokenId);
        var prompts = AnalogyPromptGenerator.Generate(settings, options.PromptCount);
        var encoded = prompts.Select(p => Encode(tokenizer, config, p)).ToList();

        using var device = TrainingDevice.Open(options.Device);
        var load = Stopwatch.StartNew();
        using var weights = LlmWeights.Open(options.ModelDirectory, config, new LoadProgress(log));
        using var model = LlmModel.Load(config, weights, device, new LoadProgress(log));
        var loadSeconds = load.Elapsed.TotalSeconds;
        log($"loaded {config.Architecture}, {config.LayerCount} blocks, width {config.HiddenSize}, in {loadSeconds:0.0} s");

        var pass = Stopwatch.StartNew();
        var cpuAtStart = Process.GetCurrentProcess().TotalProcessorTime;
        var results = new List<PromptResult>(prompts.Count);
        for (var i = 0; i < prompts.Count; i++)
        {
            var (prompt, tokens, target) = (prompts[i], encoded[i].Tokens, encoded[i].Target);
            var positions = PromptPositions.All(tokens.Ids.Count);
            var readout = model.Run([.. tokens.Ids], positions, target);
            var curves = PromptAnalysis.Analyze(prompt, tokens.Spans, Readout(readout, positions), options.Residual, options.EntityVector);
            results.Add(new PromptResult(i, prompt.Seed.ToString(System.Globalization.CultureInfo.InvariantCulture), prompt.Text,
                prompt.Target, target, curves, PromptAnalysis.Correlate(curves)));
            log($"prompt {i + 1}/{prompts.Count}: {tokens.Ids.Count} tokens, final P(target) {curves.ProbTarget[^1]:G3}");
        }
        var report = LlmAnalysisReport.Of(results, Path.GetFileName(Path.GetFullPath(options.ModelDirectory).TrimEnd(Path.DirectorySeparatorChar)),
            config.Architecture.ToString(), options.Device, settings, options.Residual, options.EntityVector,
            pass.Elapsed.TotalSeconds, Process.GetCurrentProcess().PeakWorkingSet64) with
        {
            LoadSeconds = loadSeconds,
            CpuSeconds = (Process.GetCurrentProcess().TotalProcessorTime - cpuAtStart).TotalSeconds,
        };
        var (json, html) = LlmAnalysisFiles.Write(options.OutDirectory, report);
        return (report, json, html);
    }

    /// <summary>A prompt's tokens (with BOS when the model has one) and its target's token id.</summary>
    private static (PromptTokens Tokens, int Target) Encode(LlmTokenizer tokenizer, LlmConfig config, AnalogyPrompt prompt)
    {
        var encoded = tokenizer.Encode(prompt.Text, addBos: config.BosTokenId is not null);
        var target = tokenizer.SingleTokenId(prompt.Target)
            ?? throw new LlmInputException($"tokenizer: the target '{prompt.Target}' is not one token of this vocabulary");
        return (new PromptTokens(encoded.Ids, encoded.Spans), target);
    }

    private sealed record PromptTokens(IReadOnlyList<int> Ids, IReadOnlyList<TextSpan> Spans);

    /// <summary>The forward pass's readout as the analysis's plain arrays.</summary>
    public static PromptReadout Readout(LlmReadout readout, IReadOnlyList<int> positions) =>
        new(readout.Channels, positions, readout.RawVectors, readout.NormedVectors,
            [.. readout.Lens.Select(l => new LensPoint(l.LogProbTarget, l.ProbTarget, l.Rank))]);

    /// <summary>Loading progress as a line per step and per tenth of it.</summary>
    private sealed class LoadProgress(Action<string> log) : IProgress<LlmLoadProgress>
    {
        private string _step = "";
        private long _tenth = -1;

        public void Report(LlmLoadProgress value)
        {
            var tenth = value.Total > 0 ? value.Done * 10 / value.Total : 10;
            if (value.Step == _step && tenth == _tenth) return;
            (_step, _tenth) = (value.Step, tenth);
            log($"{value.Step}: {value.Done}/{value.Total}");
        }
    }
}
