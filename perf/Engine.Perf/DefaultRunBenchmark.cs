using System.Diagnostics;
using System.Globalization;
using Engine.Kernels;
using Engine.Train.Config;
using Engine.Train.Training;

namespace Engine.Perf;

/// <summary>
/// The README's main job, timed: the default run (N = 10, R = 10000 → V = 10011, width 128, 1 layer, batch 64,
/// probes every epoch) for <c>--epochs</c> epochs (default 1000) on the chosen device, through the real
/// <see cref="Trainer"/> (files, probes, checkpoints included), with the model and optimiser flags of
/// <c>engine train</c>. For each run: the whole-run wall time and the epoch rate of the first and of the last
/// 100 epochs (a run that slows late in training shows it there). <c>--weight-decay</c> takes a comma list
/// (e.g. <c>0,0.01</c>): the runs go back to back in one invocation and each is compared with the first, so a
/// machine shared with other jobs slows them alike; the same rates per CPU-second of this process are printed beside,
/// which the other jobs' load leaves out. Then, for the last run, the step split into its phases at the
/// start of training (a fresh model) and at the late state the run reached (its trained model and optimiser),
/// the subnormal floats in its buffers there, Adam's traffic against a memory-bandwidth reference of the same
/// size, and the same start-of-training phases on the <see cref="Kernels.Cpu.NaiveDevice"/> (--naive-steps 0 skips it).
/// </summary>
public static class DefaultRunBenchmark
{
    private const string Usage = "default-run [--device cpu] [--epochs 1000] [--weight-decay 0[,0.01...]] [--optimizer adam|adamw] " +
                                 "[--lr 1e-3] [--width 128] [--depth 1] [--tied [true|false]] [--steps 30] [--naive-steps 3]";

    public static string UsageLine => Usage;

    public static int Run(string[] args)
    {
        BenchmarkFlags flags;
        try
        {
            flags = BenchmarkFlags.Parse(args);
        }
        catch (FormatException e)
        {
            Console.Error.WriteLine($"default-run: {e.Message} (usage: {Usage})");
            return 2;
        }

        WarmUp(flags.Settings(flags.WeightDecays[0]));
        var runs = new List<(double WeightDecay, RunTiming Timing)>();
        foreach (var decay in flags.WeightDecays)
        {
            var settings = flags.Settings(decay);
            try
            {
                settings.Validate();
            }
            catch (SettingsException e)
            {
                Console.Error.WriteLine($"default-run: {e.Message}");
                return 2;
            }
            var timing = TimeRun(settings, flags.Steps);
            runs.Add((decay, timing));
            PrintRun(settings, timing);
        }
        if (runs.Count > 1)
        {
            Console.WriteLine();
            Console.WriteLine($"against weight decay {Format(runs[0].WeightDecay)} in this invocation (back to back, same machine load):");
            foreach (var (decay, timing) in runs.Skip(1))
                Console.WriteLine($"  weight decay {Format(decay)}: wall {timing.Wall / runs[0].Timing.Wall:F2}× " +
                                  $"(target ≤ 1.2×), CPU time {timing.Cpu / runs[0].Timing.Cpu:F2}×; last/first epoch rate {timing.LateRate / timing.EarlyRate:F2} " +
                                  $"(per CPU-second {timing.LateCpuRate / timing.EarlyCpuRate:F2})");
        }

        var last = flags.Settings(flags.WeightDecays[^1]);
        Console.WriteLine();
        Console.WriteLine($"one training step (batch {last.Batch}), median ms per phase over {flags.Steps} steps, weight decay {Format(last.WeightDecay)}:");
        StepPhases.PrintHeader();
        var late = runs[^1].Timing.Late;
        var start = late.Start;
        start.Print($"{last.Device} start");
        late.Phases.Print($"{last.Device} epoch {last.Epochs}");
        Console.WriteLine($"  epoch {last.Epochs} / start (steps interleaved): forward {late.Phases.Forward / start.Forward:F2}, " +
                          $"backward {late.Phases.Backward / start.Backward:F2}, adam {late.Phases.Adam / start.Adam:F2}, " +
                          $"step {late.Phases.Total / start.Total:F2}, probe pass {late.Phases.Probe / start.Probe:F2}");
        if (flags.NaiveSteps > 0)
        {
            var naive = WithFreshTrainer(last with { Device = "naive" },
                t => StepPhases.Measure(t.Model, t.Optimizer, t.Dataset.TrainingFacts, flags.NaiveSteps));
            naive.Print("naive start");
            Console.WriteLine($"  speed-up over the naive device at the start: step {naive.Total / start.Total:F1}×, " +
                              $"probe pass {naive.Probe / start.Probe:F1}×");
        }
        Console.WriteLine();
        Console.WriteLine($"subnormal floats at epoch {last.Epochs} (of each buffer's length):");
        foreach (var line in late.Census) Console.WriteLine($"  {line}");
        Console.WriteLine();
        Console.WriteLine(late.Adam);
        return 0;
    }

    /// <summary>What one run measured: wall time, epoch rates, and the late state's phases and census.</summary>
    private sealed record RunTiming(double Wall, double Setup, int Window, double EarlyRate, double LateRate, double[] Rates,
        double EarlyCpuRate, double LateCpuRate, double Cpu, LateState Late);

    /// <summary>At the end of a run: the step's phases there and on a fresh model (interleaved), the subnormal census,
    /// Adam against the memory reference.</summary>
    private sealed record LateState(StepPhases Phases, StepPhases Start, IReadOnlyList<string> Census, string Adam);

    /// <summary>Trains one run, then measures its late state (the phases over <paramref name="steps"/> further steps).</summary>
    private static RunTiming TimeRun(RunSettings settings, int steps)
    {
        var clock = Stopwatch.StartNew();
        var trainer = NewTrainer(settings, out var folder);
        try
        {
            var setup = clock.Elapsed.TotalSeconds;
            var epochEnds = new double[settings.Epochs + 1];
            var cpuEnds = new double[settings.Epochs + 1];
            using var process = Process.GetCurrentProcess();
            double CpuSeconds()
            {
                process.Refresh();
                return process.TotalProcessorTime.TotalSeconds;
            }
            (epochEnds[0], cpuEnds[0]) = (clock.Elapsed.TotalSeconds, CpuSeconds());
            trainer.Run(p => (epochEnds[p.Epoch], cpuEnds[p.Epoch]) = (clock.Elapsed.TotalSeconds, CpuSeconds()));
            var wall = clock.Elapsed.TotalSeconds;
            var window = Math.Max(1, Math.Min(100, settings.Epochs / 2));
            var early = window / (epochEnds[window] - epochEnds[0]);
            var late = window / (epochEnds[settings.Epochs] - epochEnds[settings.Epochs - window]);
            var earlyCpu = window / (cpuEnds[window] - cpuEnds[0]);
            var lateCpu = window / (cpuEnds[settings.Epochs] - cpuEnds[settings.Epochs - window]);
            var rates = Enumerable.Range(0, settings.Epochs / window)
                .Select(w => window / (epochEnds[(w + 1) * window] - epochEnds[w * window])).ToArray();

            var census = SubnormalCensus.Count(trainer.Model, trainer.Optimizer, trainer.Dataset.TrainingFacts);
            var adam = AdamBandwidth.Measure(trainer.Model, trainer.Optimizer);
            var phases = WithFreshTrainer(settings, fresh => StepPhases.Measure(
                [(trainer.Model, trainer.Optimizer), (fresh.Model, fresh.Optimizer)], trainer.Dataset.TrainingFacts, steps));
            return new RunTiming(wall, setup, window, early, late, rates, earlyCpu, lateCpu, cpuEnds[settings.Epochs] - cpuEnds[0], new LateState(phases[0], phases[1], census, adam));
        }
        finally
        {
            trainer.Dispose();
            Directory.Delete(folder, recursive: true);
        }
    }

    private static void PrintRun(RunSettings s, RunTiming t)
    {
        Console.WriteLine($"run: {s.Epochs} epochs on {s.Device}, width {s.Width}, depth {s.Depth}, {(s.Tied ? "tied" : "untied")}, " +
                          $"{s.Optimizer}, lr {Format(s.Lr)}, weight decay {Format(s.WeightDecay)}");
        Console.WriteLine($"  wall {t.Wall:F1} s (set-up {t.Setup:F1} s); epochs/s: first {t.Window} {t.EarlyRate:F1}, " +
                          $"last {t.Window} {t.LateRate:F1} (last/first {t.LateRate / t.EarlyRate:F2}, target ≥ 0.85)");
        Console.WriteLine($"  epochs per CPU-second (all threads of this process; what the machine's other jobs leave out): " +
                          $"first {t.Window} {t.EarlyCpuRate:F1}, last {t.Window} {t.LateCpuRate:F1} (last/first {t.LateCpuRate / t.EarlyCpuRate:F2})");
        Console.WriteLine($"  epochs/s in each {t.Window}: {string.Join(" ", t.Rates.Select(r => r.ToString("F1", CultureInfo.InvariantCulture)))}");
        if (s.Epochs != 1000) Console.WriteLine($"  projected to 1000 epochs: {t.Wall * 1000.0 / s.Epochs:F0} s (run --epochs 1000 to measure it)");
    }

    /// <summary>
    /// Trains a throw-away run of <see cref="WarmUpEpochs"/> epochs first, so the JIT's tiered compilation has
    /// promoted the hot methods before any timed epoch: without it the first run's first 100 epochs ran at
    /// 18–20 epochs/s against 27–30 for a warm process (depth 4), and its last/first ratio read 1.2–1.6.
    /// </summary>
    private static void WarmUp(RunSettings settings)
    {
        var clock = Stopwatch.StartNew();
        WithFreshTrainer(settings with { Epochs = WarmUpEpochs }, trainer => trainer.Run());
        Console.WriteLine($"warm-up: {WarmUpEpochs} untimed epochs in {clock.Elapsed.TotalSeconds:F1} s");
    }

    private const int WarmUpEpochs = 60;

    /// <summary>Runs <paramref name="measure"/> on an untrained run of <paramref name="settings"/> in a temporary folder.</summary>
    private static TResult WithFreshTrainer<TResult>(RunSettings settings, Func<Trainer, TResult> measure)
    {
        var trainer = NewTrainer(settings, out var folder);
        try
        {
            return measure(trainer);
        }
        finally
        {
            trainer.Dispose();
            Directory.Delete(folder, recursive: true);
        }
    }

    private static Trainer NewTrainer(RunSettings settings, out string folder)
    {
        folder = Directory.CreateTempSubdirectory("engine-default-run-").FullName;
        return new Trainer(settings, Path.Combine(folder, "run"), resume: false);
    }

    internal static string Format(double value) => value.ToString("G", CultureInfo.InvariantCulture);
}
