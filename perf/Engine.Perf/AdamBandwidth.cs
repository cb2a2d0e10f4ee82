using System.Diagnostics;
using System.Numerics;
using System.Runtime.InteropServices;
using Engine.Kernels;
using Engine.Model;

namespace Engine.Perf;

// Legend: P the parameter count (one flat buffer).

/// <summary>
/// Adam's update against the memory it must move, measured in the same run: the dense step (weight decay > 0)
/// reads θ, ∇, m, v and writes θ, m, v, 7 floats per parameter. The reference is a plain SIMD loop with exactly
/// that traffic (four P-float arrays read, three written, one multiply-add each) on all cores, so the ratio says
/// how near the memory speed the update runs. Medians over repeated calls; the updates change the model.
/// </summary>
internal static unsafe class AdamBandwidth
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
        var adamSeconds = Median(() =>
        {
            adam.Step();
            device.Synchronize();
        });
        var referenceSeconds = SevenStreams(count);
        return $"adam step: {adamSeconds * 1e3:F2} ms for {count} parameters = {bytes / adamSeconds / 1e9:F1} GB/s of 7 floats each " +
               $"(decay {DefaultRunBenchmark.Format(adam.Config.WeightDecay)}); memory reference (4 arrays read, 3 written, " +
               $"{Environment.ProcessorCount} threads): {referenceSeconds * 1e3:F2} ms = {bytes / referenceSeconds / 1e9:F1} GB/s; " +
               $"adam at {referenceSeconds / adamSeconds:P0} of it";
    }

    /// <summary>Median seconds of the reference loop over four read and three written arrays of <paramref name="count"/> floats.</summary>
    private static double SevenStreams(int count)
    {
        var arrays = Enumerable.Range(0, 4).Select(_ => (nint)NativeMemory.AlignedAlloc((nuint)count * sizeof(float), 64)).ToArray();
        try
        {
            foreach (var a in arrays) new Span<float>((float*)a, count).Fill(1e-3f);
            var (p0, p1, p2, p3) = (arrays[0], arrays[1], arrays[2], arrays[3]);
            var threads = Environment.ProcessorCount;
            var chunk = (count / threads + Vector<float>.Count - 1) / Vector<float>.Count * Vector<float>.Count;
            return Median(() => Parallel.For(0, threads, new ParallelOptions { MaxDegreeOfParallelism = threads }, t =>
            {
                float* a0 = (float*)p0, a1 = (float*)p1, a2 = (float*)p2, a3 = (float*)p3;
                var start = t * chunk;
                var end = Math.Min(count, start + chunk);
                var scale = new Vector<float>(0.5f);
                var i = start;
                for (; i + Vector<float>.Count <= end; i += Vector<float>.Count)
                {
                    var x0 = Vector.Load(a0 + i);
                    var x1 = Vector.Load(a1 + i);
                    var x2 = Vector.Load(a2 + i);
                    var x3 = Vector.Load(a3 + i);
                    Vector.Store(Vector.FusedMultiplyAdd(x1, scale, x0), a0 + i);
                    Vector.Store(Vector.FusedMultiplyAdd(x1, scale, x2), a2 + i);
                    Vector.Store(Vector.FusedMultiplyAdd(x1, scale, x3), a3 + i);
                }
                for (; i < end; i++)
                {
                    a0[i] += 0.5f * a1[i];
                    a2[i] += 0.5f * a1[i];
                    a3[i] += 0.5f * a1[i];
                }
            }));
        }
        finally
        {
            foreach (var a in arrays) NativeMemory.AlignedFree((void*)a);
        }
    }

    private static double Median(Action run)
    {
        run();
        var samples = new double[Repeats];
        for (var i = 0; i < Repeats; i++)
        {
            var start = Stopwatch.GetTimestamp();
            run();
            samples[i] = Stopwatch.GetElapsedTime(start).TotalSeconds;
        }
        Array.Sort(samples);
        return samples[Repeats / 2];
    }
}
