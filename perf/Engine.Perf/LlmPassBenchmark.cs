using System.Diagnostics;
using System.Globalization;
using Engine.Kernels;
using Engine.Train.Llm;

namespace Engine.Perf;

/// <summary>
/// Time and peak memory of one analysis forward pass of a Gemma-2-2B-shaped model (issue 14's must-show): writes a
/// random bf16 checkpoint with 2B's shapes and <c>--layers</c> blocks (<see cref="RandomLlmCheckpoint"/>), maps it,
/// uploads it to the device (float32) and runs the readout pass (<see cref="LlmModel.Run"/>: residuals at the positions
/// of interest, logit lens at every layer) on a <c>--tokens</c>-token prompt, <c>--passes</c> times. Prints the phases'
/// times and the process's memory from /proc/self/status (VmHWM is the peak resident set; RssAnon and RssFile split the
/// current one into heap and mapped checkpoint pages).
/// Usage: llm-pass [--layers 2] [--tokens 60] [--positions 20] [--passes 3] [--device cpu] [--dir /tmp/engine-llm-pass-L2] [--seed 1]
/// <para>Measured 2026-12-03 on the 2-core, 24 GiB build machine (shared with other jobs, so wall time is above CPU time / 2),
/// T = 60: 26 layers (the full 2B shape, 2.61 B parameters, 10.46 GB float32): upload 24 s, pass 7.4–7.8 s wall (4.0 s CPU),
/// peak RSS 10.7 GB; 2 / 4 / 8 layers: pass CPU 0.68 / 0.86 / 1.38 s, peak RSS 3.65 / 3.77 / 5.05 GB.</para>
/// </summary>
public static class LlmPassBenchmark
{
    private static readonly string[] Known = ["layers", "tokens", "positions", "passes", "device", "dir", "seed"];

    public static int Run(string[] args)
    {
        Dictionary<string, string> options;
        int layers, tokens, positions, passes, seed;
        try
        {
            options = Options(args);
            layers = Positive(options, "layers", 2);
            tokens = Positive(options, "tokens", 60);
            positions = Positive(options, "positions", 20);
            passes = Positive(options, "passes", 3);
            seed = Positive(options, "seed", 1);
            if (positions > tokens) throw new ArgumentException($"--positions {positions} exceeds --tokens {tokens}");
        }
        catch (ArgumentException e)
        {
            Console.Error.WriteLine($"llm-pass: {e.Message}");
            return 2;
        }
        var deviceSpec = options.GetValueOrDefault("device", "cpu");
        var dir = options.GetValueOrDefault("dir", Path.Combine(Path.GetTempPath(), $"engine-llm-pass-L{layers}"));

        var clock = Stopwatch.StartNew();
        if (RandomLlmCheckpoint.IsComplete(dir, layers)) Console.WriteLine($"reusing the random model in {dir}");
        else
        {
            var bytes = RandomLlmCheckpoint.Write(dir, layers, seed);
            Console.WriteLine($"wrote a random Gemma-2-2B-shaped model with {layers} layers to {dir}: {bytes / 1e9:F2} GB bf16 in {clock.Elapsed.TotalSeconds:F1} s");
        }
        var afterWrite = Memory.Read();

        clock.Restart();
        var config = LlmConfig.Read(dir);
        using var weights = LlmWeights.Open(dir, config);
        var open = clock.Elapsed.TotalSeconds;
        using var device = Device.Open(deviceSpec);
        clock.Restart();
        using var model = LlmModel.Load(config, weights, device);
        var load = clock.Elapsed.TotalSeconds;
        var afterLoad = Memory.Read();

        var random = new Random(seed);
        var prompt = Enumerable.Range(0, tokens).Select(_ => random.Next(config.VocabSize)).ToArray();
        var interest = Enumerable.Range(0, positions).Select(i => (int)((long)i * tokens / positions)).ToArray();
        var times = new double[passes];
        var cpuTimes = new double[passes];
        LlmReadout? readout = null;
        using var process = Process.GetCurrentProcess();
        for (var pass = 0; pass < passes; pass++)
        {
            process.Refresh();
            var cpuBefore = process.TotalProcessorTime;
            clock.Restart();
            readout = model.Run(prompt, interest, targetTokenId: 7);
            times[pass] = clock.Elapsed.TotalSeconds;
            process.Refresh();
            cpuTimes[pass] = (process.TotalProcessorTime - cpuBefore).TotalSeconds;
        }
        var afterPass = Memory.Read();

        var parameters = LlmTensorNames.Expected(config).Sum(t => t.Shape.Aggregate(1L, (a, b) => a * b));
        Console.WriteLine($"model: Gemma-2-2B shapes, {layers} layers, {parameters / 1e9:F3} B parameters ({parameters * 4 / 1e9:F2} GB as float32 on the device)");
        Console.WriteLine($"device: {device.Description}");
        Console.WriteLine($"map checkpoint {open:F2} s; upload (bf16 → float32, one tensor at a time) {load:F1} s");
        Console.WriteLine($"analysis pass, T = {tokens} tokens, {positions} positions of interest, lens at {readout!.LayerCount} layers:");
        Console.WriteLine($"  first {times[0]:F2} s; median of {passes} {Median(times):F2} s; all [{string.Join(", ", times.Select(t => t.ToString("F2", CultureInfo.InvariantCulture)))}] s");
        Console.WriteLine($"  process CPU time per pass: median {Median(cpuTimes):F2} s (on a machine shared with other jobs, wall ≥ CPU / threads)");
        Console.WriteLine($"  final-layer lens: log P(target) {readout.Lens[^1].LogProbTarget:F3}, rank {readout.Lens[^1].Rank}");
        Console.WriteLine("memory (GB):          VmHWM(peak)  VmRSS  RssAnon  RssFile");
        Memory.Print("after writing", afterWrite);
        Memory.Print("after upload", afterLoad);
        Memory.Print("after the passes", afterPass);
        Console.WriteLine($"RESULT layers={layers} tokens={tokens} upload_s={load:F2} pass_first_s={times[0]:F3} pass_median_s={Median(times):F3} pass_cpu_s={Median(cpuTimes):F3} " +
                          $"peak_rss_gb={afterPass.Hwm / 1e9:F2} rss_anon_gb={afterPass.Anon / 1e9:F2} rss_file_gb={afterPass.File / 1e9:F2}");
        return 0;
    }

    private static double Median(double[] values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]) / 2;
    }

    private static int Positive(Dictionary<string, string> options, string name, int fallback)
    {
        if (!options.TryGetValue(name, out var text)) return fallback;
        if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) || value < 1)
            throw new ArgumentException($"--{name} must be a positive integer, got '{text}'");
        return value;
    }

    private static Dictionary<string, string> Options(string[] args)
    {
        var options = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i < args.Length; i++)
        {
            if (!args[i].StartsWith("--", StringComparison.Ordinal) || !Known.Contains(args[i][2..]))
                throw new ArgumentException($"unknown option '{args[i]}' (known: {string.Join(", ", Known.Select(k => "--" + k))})");
            if (i + 1 >= args.Length) throw new ArgumentException($"{args[i]} needs a value");
            options[args[i][2..]] = args[++i];
        }
        return options;
    }

    /// <summary>The process's memory from /proc/self/status, in bytes (0 where the file is absent).</summary>
    private readonly record struct Memory(long Hwm, long Rss, long Anon, long File)
    {
        public static Memory Read()
        {
            const string path = "/proc/self/status";
            if (!System.IO.File.Exists(path)) return default;
            long Field(string[] lines, string name)
            {
                var line = lines.FirstOrDefault(l => l.StartsWith(name + ":", StringComparison.Ordinal));
                // "VmHWM:\t  3650000 kB" (the padding disappears once the number is wide)
                return line is null ? 0 : 1024 * long.Parse(line[(name.Length + 1)..].Trim().Split(' ')[0], CultureInfo.InvariantCulture);
            }
            var status = System.IO.File.ReadAllLines(path);
            return new Memory(Field(status, "VmHWM"), Field(status, "VmRSS"), Field(status, "RssAnon"), Field(status, "RssFile"));
        }

        public static void Print(string when, Memory m)
            => Console.WriteLine($"  {when,-18} {m.Hwm / 1e9,11:F2} {m.Rss / 1e9,6:F2} {m.Anon / 1e9,8:F2} {m.File / 1e9,8:F2}");
    }
}
