using System.Diagnostics;
using System.Numerics;
using Engine.Kernels;
using Engine.Model;

namespace Engine.Perf;

// Legend: P the parameter count (one flat buffer).

/// <summary>
/// Adam's update against the memory it must move, measured in the same run: the dense step (weight decay > 0)
/// reads θ, ∇, m, v and writes θ, m, v, 7 floats per parameter. The reference is the device's own Add (z = x + y,
/// SIMD on all its threads) over the same number of bytes, so the ratio says how near the memory speed the update
/// runs. Medians over repeated calls, the two interleaved; the updates change the model.
/// </summary>
internal static class AdamBandwidth
{
    private const int Repeats = 15;

    /// <summary>The <c>adam</c> benchmark: a fresh default model (θ initialised, gradients 0: dense with decay), three times.</summary>
    public static int Run(string[] args)
    {
        var flags = BenchmarkFlags.Parse(args.Length == 0 ? ["--weight-decay", "0.01"] : args);
        using var device = Device.Open(flags.Device);
        using var model = new Gpt<float>(new GptConfig(10011, flags.Width, flags.Depth, Tied: flags.Tied), device, seed: 1);
        using var adam = new AdamOptimizer<float>(model.Parameters,
            new OptimizerConfig(flags.Optimizer == "adamw" ? OptimizerKind.AdamW : OptimizerKind.Adam, flags.Lr, flags.WeightDecays[0]));
        Console.WriteLine($"{device.Description}");
        for (var i = 0; i < 3; i++) Console.WriteLine(Measure(model, adam));
        return 0;
    }

    public static string Measure(Gpt<float> model, AdamOptimizer<float> adam)
    {
        var device = model.Device;
        var count = model.Parameters.Length;
        var bytes = 7.0 * sizeof(float) * count;
        // The reference: the device's own Add (2 arrays read, 1 written, its SIMD and threads) over 7P/3 elements,
        // the same bytes as the update; interleaved with it, so the machine's other jobs slow both alike.
        var n = 7 * count / 3;
        using var x = device.Allocate<float>(n);
        using var y = device.Allocate<float>(n);
        using var z = device.Allocate<float>(n);
        device.Fill(x.View, 1f);
        device.Fill(y.View, 2f);
        var (adamSeconds, referenceSeconds) = Medians(() =>
        {
            adam.Step();
            device.Synchronize();
        }, () =>
        {
            device.Add(x.View, y.View, z.View);
            device.Synchronize();
        });
        return $"adam step: {adamSeconds * 1e3:F2} ms for {count} parameters = {bytes / adamSeconds / 1e9:F1} GB/s of 7 floats each " +
               $"(decay {DefaultRunBenchmark.Format(adam.Config.WeightDecay)}); memory reference (the device's Add over the same bytes, " +
               $"interleaved): {referenceSeconds * 1e3:F2} ms = {bytes / referenceSeconds / 1e9:F1} GB/s; adam at {referenceSeconds / adamSeconds:P0} of it";
    }

    /// <summary>Median seconds of <paramref name="first"/> and of <paramref name="second"/>, called in turn.</summary>
    private static (double First, double Second) Medians(Action first, Action second)
    {
        first();
        second();
        var (a, b) = (new double[Repeats], new double[Repeats]);
        for (var i = 0; i < Repeats; i++)
        {
            var start = Stopwatch.GetTimestamp();
            first();
            a[i] = Stopwatch.GetElapsedTime(start).TotalSeconds;
            start = Stopwatch.GetTimestamp();
            second();
            b[i] = Stopwatch.GetElapsedTime(start).TotalSeconds;
        }
        Array.Sort(a);
        Array.Sort(b);
        return (a[Repeats / 2], b[Repeats / 2]);
    }
}
