using System.Diagnostics;
using System.Globalization;
using Engine.Kernels;
using Engine.Model;
using Engine.Train.Config;
using Engine.Train.Training;

namespace Engine.Perf;

/// <summary>
/// The README's main job, timed: the default run (N = 10, R = 10000 → V = 10011, width 128, 1 layer,
/// batch 64, probes every epoch) for <c>--epochs</c> epochs (default 1000) on the chosen device, through the
/// real <see cref="Trainer"/> (files, probes, checkpoints included). Then the step split into its phases on
/// that device and, as the reference in the same run, on the naive <see cref="Kernels.Cpu.NaiveDevice"/>.
/// Usage: default-run [--device cpu] [--epochs 1000] [--steps 30] [--reference-steps 3] (0 skips the reference).
/// </summary>
public static class DefaultRunBenchmark
{
    public static int Run(string[] args)
    {
        var options = Options(args);
        var device = options.GetValueOrDefault("device", "cpu");
        var epochs = int.Parse(options.GetValueOrDefault("epochs", "1000"), CultureInfo.InvariantCulture);
        var steps = int.Parse(options.GetValueOrDefault("steps", "30"), CultureInfo.InvariantCulture);
        var referenceSteps = int.Parse(options.GetValueOrDefault("reference-steps", "3"), CultureInfo.InvariantCulture);

        var folder = Directory.CreateTempSubdirectory("engine-default-run-").FullName;
        try
        {
            var settings = new RunSettings { Epochs = epochs, Device = device, CheckpointEvery = 100 };
            var clock = Stopwatch.StartNew();
            using var trainer = new Trainer(settings, Path.Combine(folder, "run"), resume: false);
            var setup = clock.Elapsed.TotalSeconds;
            var summary = trainer.Run();
            var total = clock.Elapsed.TotalSeconds;
            Console.WriteLine($"default run on {trainer.Model.Device.Description}");
            Console.WriteLine($"  {summary.Epochs} epochs, {summary.Steps} steps, {summary.Tokens} tokens, probes every epoch");
            Console.WriteLine($"  wall {total:F1} s (set-up {setup:F1} s, training + probes {summary.Seconds:F1} s): " +
                              $"{summary.Steps / summary.Seconds:F0} steps/s, {summary.Tokens / summary.Seconds:F0} tokens/s");
            var projected = total * 1000.0 / epochs;
            Console.WriteLine(epochs == 1000
                ? $"  target: the whole default run under 60 s → {(total < 60 ? "met" : "NOT met")}"
                : $"  projected to 1000 epochs: {projected:F0} s (target < 60 s → {(projected < 60 ? "met" : "NOT met")}; run --epochs 1000 to measure it)");
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }

        Console.WriteLine();
        Console.WriteLine("one training step of the default model (batch 64 × 3 tokens), median ms per phase:");
        Console.WriteLine($"  {"device",-11} {"inputs+zero",12} {"forward",9} {"backward",9} {"adam",7} {"total",8} {"probe pass",11}");
        var fast = Phases(device, steps);
        Print(device, fast);
        if (referenceSteps > 0)
        {
            var reference = Phases("naive", referenceSteps);
            Print("reference", reference);
            Console.WriteLine($"  speed-up over the naive reference: step {reference.Total / fast.Total:F1}×, probe pass {reference.Probe / fast.Probe:F1}×");
        }
        return 0;
    }

    private sealed record StepPhases(double Inputs, double Forward, double Backward, double Adam, double Probe)
    {
        public double Total => Inputs + Forward + Backward + Adam;
    }

    private static void Print(string name, StepPhases p) =>
        Console.WriteLine($"  {name,-11} {p.Inputs,12:F2} {p.Forward,9:F2} {p.Backward,9:F2} {p.Adam,7:F2} {p.Total,8:F2} {p.Probe,11:F2}");

    /// <summary>Median time of each phase over <paramref name="steps"/> steps after two warm-up steps.</summary>
    private static StepPhases Phases(string deviceSpec, int steps)
    {
        using var device = Device.Open(deviceSpec);
        var config = new GptConfig(10011);
        using var model = new Gpt<float>(config, device, seed: 1);
        using var tape = new Tape<float>(device);
        using var adam = new AdamOptimizer<float>(model.Parameters, new OptimizerConfig());
        using var inputs = new GptInputs(device, config.VocabSize);
        var random = new SplitMix64(3);
        const int batch = 64, tokens = 3, probes = 165;
        int[] Ids(int n, int bound) => Enumerable.Range(0, n).Select(_ => (int)(random.NextUInt64() % (ulong)bound)).ToArray();
        var ids = Ids(batch * tokens, 10);
        var targets = Ids(batch, 10);
        var last = Enumerable.Repeat(tokens - 1, batch).ToArray();
        var probeIds = Ids(probes * tokens, 10);
        var probeTargets = Ids(probes, 10);
        var probeLast = Enumerable.Repeat(tokens - 1, probes).ToArray();
        var loss = new float[1];
        var samples = new List<double[]>();
        for (var s = 0; s < steps + 2; s++)
        {
            var clock = Stopwatch.StartNew();
            var b = inputs.Set(ids, last, targets, batch, tokens);
            tape.Reset();
            model.ZeroGrad();
            var t0 = clock.Elapsed.TotalMilliseconds;
            var output = model.Forward(tape, b);
            device.Download(output.Loss!.Data, loss);
            var t1 = clock.Elapsed.TotalMilliseconds;
            tape.Backward(output.Loss!);
            device.Synchronize();
            var t2 = clock.Elapsed.TotalMilliseconds;
            adam.Step();
            device.Synchronize();
            var t3 = clock.Elapsed.TotalMilliseconds;
            tape.Reset();
            using (tape.NoGrad())
            {
                var probe = model.Forward(tape, inputs.Set(probeIds, probeLast, probeTargets, probes, tokens));
                device.Download(probe.Loss!.Data, loss);
            }
            var t4 = clock.Elapsed.TotalMilliseconds;
            if (s >= 2) samples.Add([t0, t1 - t0, t2 - t1, t3 - t2, t4 - t3]);
        }
        double Median(int i) => samples.Select(x => x[i]).Order().ElementAt(samples.Count / 2);
        return new StepPhases(Median(0), Median(1), Median(2), Median(3), Median(4));
    }

    private static Dictionary<string, string> Options(string[] args)
    {
        var options = new Dictionary<string, string>();
        for (var i = 0; i + 1 < args.Length; i += 2) options[args[i].TrimStart('-')] = args[i + 1];
        return options;
    }
}
