using System.Diagnostics;
using CommandLine;
using Engine.Train.Metrics;
using Engine.Train.Training;
using Spectre.Console;

namespace Engine.Cli.Verbs;

[Verb("train", HelpText = "Train one model on the analogy world and probe it every epoch.")]
public sealed class TrainOptions : SettingsFlags
{
    [Option("out", Required = true, HelpText = "Run folder: config.json, metrics.jsonl, checkpoint, pca.json, summary.json.")]
    public string Out { get; set; } = "";

    [Option("resume", HelpText = "Continue the run in --out from its last checkpoint.")]
    public bool Resume { get; set; }
}

/// <summary><c>engine train</c>: one run, with a progress bar on a terminal and plain lines otherwise.</summary>
public static class TrainVerb
{
    /// <summary>Trains; a run that fails (not bad input) gets <c>failed.json</c> in its folder, as in a grid, and exit code 1.</summary>
    public static int Run(TrainOptions options, TextWriter output)
    {
        var settings = options.Resolve();
        var files = new RunFiles(options.Out);
        try
        {
            using var trainer = new Trainer(settings, options.Out, options.Resume);
            var facts = trainer.Dataset.TrainingFacts.Count;
            output.WriteLine($"engine train: {trainer.Model.Device.Description}; {facts} training facts, " +
                $"{trainer.Model.Parameters.ParameterCount:N0} parameters; width {settings.Width}, depth {settings.Depth}, " +
                $"{settings.Epochs} epochs → {trainer.Files.Directory}");
            var summary = Console.IsOutputRedirected || output != Console.Out ? RunPlain(trainer, output) : RunWithBar(trainer, settings.Epochs);
            output.WriteLine(Describe(summary, trainer.Files));
            return 0;
        }
        catch (Exception e) when (!Program.IsBadInput(e))
        {
            if (Directory.Exists(files.Directory)) files.TryRecordFailure(e);
            Program.ReportFailure(e);
            return 1;
        }
    }

    private static RunSummary RunPlain(Trainer trainer, TextWriter output)
    {
        var clock = Stopwatch.StartNew();
        var lastPrint = TimeSpan.Zero;
        return trainer.Run(p =>
        {
            if (p.Epoch != p.Epochs && clock.Elapsed - lastPrint < TimeSpan.FromSeconds(2)) return;
            lastPrint = clock.Elapsed;
            output.WriteLine($"epoch {p.Epoch}/{p.Epochs}  step {p.Step}  loss {p.TrainLoss:F4}  " +
                $"ood-analogy acc {(p.OodAnalogyAccuracy is { } a ? a.ToString("F2") : "-")}  {p.Seconds:F1}s");
        });
    }

    private static RunSummary RunWithBar(Trainer trainer, int epochs)
    {
        RunSummary? summary = null;
        AnsiConsole.Progress()
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn())
            .Start(context =>
            {
                var task = context.AddTask("training", maxValue: epochs);
                summary = trainer.Run(p =>
                {
                    task.Value = p.Epoch;
                    var ood = p.OodAnalogyAccuracy is { } a ? a.ToString("F2") : "-";
                    task.Description = $"epoch {p.Epoch}/{p.Epochs} loss {p.TrainLoss:F4} ood-analogy {ood}";
                });
            });
        return summary!;
    }

    /// <summary>Where the results are and the headline numbers.</summary>
    public static string Describe(RunSummary s, RunFiles files)
    {
        var lines = new List<string>
        {
            $"done: {s.Epochs} epochs, {s.Steps} steps in {s.Seconds:F1} s ({s.Steps / Math.Max(s.Seconds, 1e-9):F0} steps/s)",
        };
        foreach (var (type, t) in s.Types)
            lines.Add($"  {type,-24} acc {t.FinalAcc:F3} (best {t.BestAcc:F3})  prob {t.FinalProb:F4}");
        lines.Add(s.FirstOodAnalogySuccessEpoch is { } first
            ? $"  OOD analogy first solved at epoch {first}{(s.Transient ? $", lost {s.TimesLost} time(s) later (transient)" : "")}"
            : "  OOD analogy never solved");
        if (s.Averaged is { } window && s.Types.TryGetValue(ProbeTypes.OodAnalogical, out var ood) && ood.MeanAcc is { } mean)
            lines.Add($"  OOD analogy time-averaged over epochs {window.FromEpoch}-{window.ToEpoch}: acc {mean:F3}, prob {ood.MeanProb:F4}, " +
                $"solved at {ood.SolvedFraction:P0} of {window.Passes} probe passes");
        lines.Add($"results: {files.Directory} (metrics.jsonl, summary.json, pca.json, checkpoint.safetensors)");
        return string.Join(Environment.NewLine, lines);
    }
}
