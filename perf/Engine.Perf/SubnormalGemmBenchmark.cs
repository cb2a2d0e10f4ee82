using System.Diagnostics;
using Engine.Kernels;
using Engine.Kernels.Cpu;

namespace Engine.Perf;

/// <summary>
/// What a subnormal costs this processor, and what the cpu device's flush-to-zero mode saves: the backward GEMM
/// of a width-W MLP weight, dW (4W×W) = dYᵀ (4W×R) · X (R×W) over R = 64 rows, on normal inputs and on
/// inputs whose products underflow (|a|, |b| ≈ 1e-20, as tiny weights and their gradients late in training), and on
/// subnormal operands (|a| ≈ 1e-39), on
/// <c>cpu</c> (flush on) and <c>cpu-ieee</c> (IEEE subnormals). The four cases are timed interleaved, round after
/// round, so a changing machine load hits them alike; medians are reported, and the ratios are the claim.
/// </summary>
public static class SubnormalGemmBenchmark
{
    private const string Usage = "subnormal-gemm [--width 512] [--threads 1] [--rounds 15]";

    public static string UsageLine => Usage;

    public static int Run(string[] args)
    {
        int width, threads, rounds;
        try
        {
            width = Flag(args, "--width", 512);
            threads = Flag(args, "--threads", 1);
            rounds = Flag(args, "--rounds", 15);
            if (width < 8 || threads < 1 || rounds < 1) throw new FormatException("--width ≥ 8, --threads ≥ 1, --rounds ≥ 1");
        }
        catch (FormatException e)
        {
            Console.Error.WriteLine($"subnormal-gemm: {e.Message} (usage: {Usage})");
            return 2;
        }
        if (!SubnormalFlushSupported())
            Console.WriteLine("note: this platform has no flush-to-zero control; cpu and cpu-ieee are the same here");

        var (m, n, k) = (4 * width, width, 64);
        var random = new Random(7);
        float[] Fill(int count, double scale)
        {
            var values = new float[count];
            for (var i = 0; i < count; i++) values[i] = (float)(scale * (0.5 + random.NextDouble()) * (random.Next(2) * 2 - 1));
            return values;
        }
        var normal = (A: Fill(m * k, 0.1), B: Fill(k * n, 0.1));
        var tiny = (A: Fill(m * k, 1e-20), B: Fill(k * n, 1e-20));
        var subnormal = (A: Fill(m * k, 1e-39), B: Fill(k * n, 0.1));

        using var flushing = new CpuDevice(threads);
        using var ieee = new CpuDevice(threads) { FlushesSubnormals = false };
        var cases = new[]
        {
            Case("cpu, normal", flushing, normal), Case("cpu, tiny", flushing, tiny),
            Case("cpu-ieee, normal", ieee, normal), Case("cpu-ieee, tiny", ieee, tiny),
            Case("cpu, subnormal", flushing, subnormal), Case("cpu-ieee, subnormal", ieee, subnormal),
        };
        foreach (var c in cases) c.Time(); // warm-up
        var times = cases.Select(_ => new List<double>()).ToArray();
        for (var round = 0; round < rounds; round++)
            for (var i = 0; i < cases.Length; i++) times[i].Add(cases[i].Time());
        var medians = times.Select(Median).ToArray();

        Console.WriteLine($"GEMM C ({m}×{n}) = A ({m}×{k}) · B ({k}×{n}), the backward of a width-{width} MLP weight over 64 rows; " +
                          $"{threads} thread(s), median ms of {rounds} interleaved rounds");
        for (var i = 0; i < cases.Length; i++)
            Console.WriteLine($"  {cases[i].Name,-18} {medians[i],8:F3} ms  ({2.0 * m * n * k / medians[i] / 1e6:F1} GFLOP/s)");
        Console.WriteLine($"  tiny / normal inputs: cpu {medians[1] / medians[0]:F2}×, cpu-ieee {medians[3] / medians[2]:F2}× " +
                          $"(the cost of subnormal products in IEEE mode)");
        Console.WriteLine($"  cpu-ieee / cpu on tiny inputs: {medians[3] / medians[1]:F2}×; on subnormal A (|a| ≈ 1e-39): {medians[5] / medians[4]:F2}× " +
                          $"(cpu-ieee subnormal / normal {medians[5] / medians[2]:F2}×)");

        // The mode switch itself: an op too small to matter (Axpy of 16 floats), cpu (saves, sets and restores the
        // control register) against cpu-ieee (does not), interleaved.
        var (small, smallIeee) = (new OpLoop(flushing), new OpLoop(ieee));
        small.NanosecondsPerOp();
        smallIeee.NanosecondsPerOp();
        var (withMode, without) = (new List<double>(), new List<double>());
        for (var round = 0; round < rounds; round++)
        {
            withMode.Add(small.NanosecondsPerOp());
            without.Add(smallIeee.NanosecondsPerOp());
        }
        Console.WriteLine($"one 16-float Axpy: cpu {Median(withMode):F0} ns, cpu-ieee {Median(without):F0} ns: the mode switch costs " +
                          $"{Median(withMode) - Median(without):F0} ns per op");
        return 0;
    }

    /// <summary>A 16-float Axpy called in a loop on one device: the per-op cost of the device's dispatch.</summary>
    private sealed class OpLoop(CpuDevice device)
    {
        private readonly DeviceBuffer<float> x = device.Allocate<float>(16);
        private readonly DeviceBuffer<float> y = device.Allocate<float>(16);

        public double NanosecondsPerOp()
        {
            const int calls = 200_000;
            var clock = Stopwatch.StartNew();
            for (var i = 0; i < calls; i++) device.Axpy(1e-3f, x.View, y.View);
            return clock.Elapsed.TotalNanoseconds / calls;
        }
    }

    private static bool SubnormalFlushSupported()
    {
        using var probe = new CpuDevice(1);
        return probe.FlushesSubnormals;
    }

    private static GemmCase Case(string name, CpuDevice device, (float[] A, float[] B) inputs)
    {
        var a = device.Allocate<float>(inputs.A.Length);
        var b = device.Allocate<float>(inputs.B.Length);
        device.Upload<float>(inputs.A, a.View);
        device.Upload<float>(inputs.B, b.View);
        var m = inputs.A.Length / 64;
        var n = inputs.B.Length / 64;
        var c = device.Allocate<float>(m * n);
        return new GemmCase(name, device, a, b, c, m, n);
    }

    private sealed record GemmCase(string Name, CpuDevice Device, DeviceBuffer<float> A, DeviceBuffer<float> B, DeviceBuffer<float> C, int M, int N)
    {
        /// <summary>Milliseconds of one call: C = A (M×64) · B (64×N), repeated until 20 ms have passed, per call.</summary>
        public double Time()
        {
            var clock = Stopwatch.StartNew();
            var calls = 0;
            do
            {
                Device.Gemm(false, false, M, N, 64, 1f, A.View, 64, B.View, N, 0f, C.View, N);
                calls++;
            } while (clock.Elapsed.TotalMilliseconds < 20);
            return clock.Elapsed.TotalMilliseconds / calls;
        }
    }

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]) / 2;
    }

    private static int Flag(string[] args, string name, int fallback)
    {
        var at = Array.IndexOf(args, name);
        if (at < 0) return fallback;
        if (at + 1 >= args.Length || !int.TryParse(args[at + 1], out var value)) throw new FormatException($"{name} needs an integer");
        return value;
    }
}
