using System.Diagnostics;
using System.Globalization;
using Engine.Kernels;
using Engine.Kernels.Gpu;

namespace Engine.Perf;

// Legend: B = 64 sequences, T = 3 tokens, C = 128 channels, V = 10011 vocabulary, NH = 1 head (the default model).

/// <summary>
/// Every GPU op at the default model's shapes on one device, against peaks measured in the same run:
/// bandwidth from a large device-to-device copy, arithmetic from the FMA loop kernel (<see cref="PeakGpu"/>).
/// Each op is called until a time budget is spent, with the queue drained before and after (so the time
/// per call includes launch overhead, which is what a training step pays). Reports time per call, then
/// GFLOP/s for compute ops or GB/s (compulsory bytes read + written) for memory ops, and that rate as a
/// share of the matching peak. Then a square fp32 GEMM (4096³ by default; 256³ on gpu-sim, whose simulated threads run
/// a 4096³ product for hours). Usage: kernels [--device cuda[:i]|opencl[:i]|gpu-sim] [--gemm-size N] [--naive] [--quick].
/// </summary>
public static class KernelBenchmark
{
    private const int Batch = 64, Tokens = 3, Channels = 128, Vocab = 10011, Heads = 1;
    private const int Rows = Batch * Tokens;

    /// <summary>One measured op: what it costs and which peak it is judged against.</summary>
    private sealed record Case(string Name, double Flops, double Bytes, Action Run);

    public static int Run(string[] args)
    {
        var quick = args.Contains("--quick");
        var spec = Option(args, "--device") ?? "auto";
        var budget = quick ? 0.05 : 0.3;
        using var opened = Device.Open(spec);
        if (opened is not GpuDevice device)
        {
            Console.Error.WriteLine($"kernels: '{spec}' opened {opened.Name}, which is not a GPU device (cuda, opencl or gpu-sim)");
            return 2;
        }
        var gemmSize = int.Parse(Option(args, "--gemm-size") ?? (device.Backend == GpuBackend.Simulator ? "256" : "4096"), CultureInfo.InvariantCulture);
        Console.WriteLine($"device: {device.Name} = {device.Description}");

        using var buffers = new Buffers(device);
        var bandwidth = MeasureBandwidth(device, buffers, budget);
        var flops = MeasureFmaPeak(device, buffers, budget);
        Console.WriteLine($"peaks (measured): copy {bandwidth / 1e9:F1} GB/s (read + write), FMA loop {flops / 1e9:F1} GFLOP/s");
        Console.WriteLine($"{"op",-44} {"variant",-7} {"µs/call",10} {"rate",14} {"of peak",8}");

        var variants = args.Contains("--naive") ? new[] { KernelVariant.Fast, KernelVariant.Naive } : [KernelVariant.Fast];
        foreach (var op in Cases(device, buffers))
        {
            foreach (var variant in variants)
            {
                device.Variant = variant;
                var seconds = Time(device, op.Run, budget);
                Report(op, variant, seconds, bandwidth, flops);
            }
        }
        device.Variant = KernelVariant.Fast;

        // The square GEMM gets buffers of its own (freed right after).
        var n = gemmSize;
        using var a = device.Allocate<float>(n * n);
        using var b = device.Allocate<float>(n * n);
        using var c = device.Allocate<float>(n * n);
        device.Upload<float>(Random(n * n, 1), a.View);
        device.Upload<float>(Random(n * n, 2), b.View);
        var square = new Case($"GEMM NN {n}×{n}×{n} (square)", 2.0 * n * n * n, 0,
            () => device.Gemm(false, false, n, n, n, 1f, a.View, n, b.View, n, 0f, c.View, n));
        Report(square, KernelVariant.Fast, Time(device, square.Run, quick ? 0.2 : 1.0), bandwidth, flops);
        return 0;
    }

    private static string? Option(string[] args, string name)
        => Array.IndexOf(args, name) is var at and >= 0 && at + 1 < args.Length ? args[at + 1] : null;

    /// <summary>Seconds per call: one warm-up call, then doubling batches until the budget is spent.</summary>
    private static double Time(Device device, Action run, double budget)
    {
        run();
        device.Synchronize();
        var calls = 1;
        while (true)
        {
            var clock = Stopwatch.StartNew();
            for (var i = 0; i < calls; i++) run();
            device.Synchronize();
            var elapsed = clock.Elapsed.TotalSeconds;
            if (elapsed >= budget || calls >= 1 << 20) return elapsed / calls;
            calls *= elapsed < budget / 8 ? 8 : 2;
        }
    }

    private static void Report(Case op, KernelVariant variant, double seconds, double bandwidth, double flops)
    {
        var (rate, share) = op.Flops > 0
            ? ($"{op.Flops / seconds / 1e9,8:F1} GFLOP/s", op.Flops / seconds / flops)
            : ($"{op.Bytes / seconds / 1e9,9:F2} GB/s", op.Bytes / seconds / bandwidth);
        Console.WriteLine($"{op.Name,-44} {variant.ToString().ToLowerInvariant(),-7} {seconds * 1e6,10:F1} {rate,14} {100 * share,7:F1}%");
    }

    /// <summary>
    /// Bytes per second of a device-to-device copy of 64 Mi floats (each byte read once and written once): the
    /// better of the runtime's copy command and the float4 copy kernel (PoCL's copy command is one thread).
    /// Ops whose buffers stay in a cache can exceed it.
    /// </summary>
    private static double MeasureBandwidth(GpuDevice device, Buffers buffers, double budget)
    {
        var (source, destination) = (buffers.BigSource.View, buffers.BigDestination.View);
        var bytes = 2.0 * source.Length * sizeof(float);
        var command = bytes / Time(device, () => device.Copy(source, destination), budget);
        var kernel = bytes / Time(device, () => PeakGpu.LaunchCopy(device, source, destination), budget);
        Console.WriteLine($"copy of {source.Length >> 20} Mi floats: copy command {command / 1e9:F1} GB/s, copy kernel {kernel / 1e9:F1} GB/s");
        return Math.Max(command, kernel);
    }

    /// <summary>FLOP/s of the FMA loop over a grid large enough to fill any device, iterations grown until one launch takes ≥ 20 ms.</summary>
    private static double MeasureFmaPeak(GpuDevice device, Buffers buffers, double budget)
    {
        var threads = buffers.FmaOutput.Length;
        var iterations = 16;
        double seconds;
        while (true)
        {
            var count = iterations;
            seconds = Time(device, () => PeakGpu.LaunchFmaLoop(device, buffers.FmaOutput.View, count), budget);
            if (seconds >= 0.02 || iterations >= 1 << 20) break;
            iterations *= 4;
        }
        return 2.0 * PeakGpu.Chains * iterations * threads / seconds;
    }

    private static float[] Random(int count, int seed)
    {
        var random = new Random(seed);
        var values = new float[count];
        for (var i = 0; i < count; i++) values[i] = (float)(random.NextDouble() * 2 - 1) * 0.1f;
        return values;
    }

    private static IEnumerable<Case> Cases(Device d, Buffers x)
    {
        const long f = sizeof(float);
        // GEMMs of a training step, weights stored [out, in] (PyTorch): y = x·Wᵀ; dX = dY·W; dW += dYᵀ·x.
        foreach (var (name, outFeatures, inFeatures) in new[] { ("qkv", 3 * Channels, Channels), ("attn out", Channels, Channels),
                     ("mlp fc", 4 * Channels, Channels), ("mlp proj", Channels, 4 * Channels) })
        {
            var (o, i) = (outFeatures, inFeatures);
            yield return new Case($"GEMM {name} fwd {Rows}×{o}×{i}", 2.0 * Rows * o * i, 0,
                () => d.Gemm(false, true, Rows, o, i, 1f, x.Activations.View, i, x.Weights.View, i, 0f, x.Output.View, o));
            yield return new Case($"GEMM {name} dX {Rows}×{i}×{o}", 2.0 * Rows * o * i, 0,
                () => d.Gemm(false, false, Rows, i, o, 1f, x.Output.View, o, x.Weights.View, i, 1f, x.Activations.View, i));
            yield return new Case($"GEMM {name} dW {o}×{i}×{Rows}", 2.0 * Rows * o * i, 0,
                () => d.Gemm(true, false, o, i, Rows, 1f, x.Output.View, o, x.Activations.View, i, 1f, x.Weights.View, i));
        }
        yield return new Case($"GEMM head fwd {Batch}×{Vocab}×{Channels}", 2.0 * Batch * Vocab * Channels, 0,
            () => d.Gemm(false, true, Batch, Vocab, Channels, 1f, x.Activations.View, Channels, x.Head.View, Channels, 0f, x.Logits.View, Vocab));
        yield return new Case($"GEMM head dX {Batch}×{Channels}×{Vocab}", 2.0 * Batch * Vocab * Channels, 0,
            () => d.Gemm(false, false, Batch, Channels, Vocab, 1f, x.Logits.View, Vocab, x.Head.View, Channels, 1f, x.Activations.View, Channels));
        yield return new Case($"GEMM head dW {Vocab}×{Channels}×{Batch}", 2.0 * Batch * Vocab * Channels, 0,
            () => d.Gemm(true, false, Vocab, Channels, Batch, 1f, x.Logits.View, Vocab, x.Activations.View, Channels, 1f, x.Head.View, Channels));

        var qkv = Rows * 3 * Channels;
        var hidden = Rows * 4 * Channels;
        yield return new Case($"BiasAdd {Rows}×{3 * Channels}", 0, f * (2 * qkv + 3 * Channels),
            () => d.BiasAdd(x.Qkv.View, x.Bias.Slice(0, 3 * Channels), Rows, 3 * Channels));
        yield return new Case($"BiasBackward {Rows}×{3 * Channels}", 0, f * (qkv + 2 * 3 * Channels),
            () => d.BiasBackward(x.Bias.Slice(0, 3 * Channels), x.Qkv.View, Rows, 3 * Channels));
        var rc = Rows * Channels;
        yield return new Case($"LayerNormForward {Rows}×{Channels}", 0, f * (2 * rc + 2 * Channels + 2 * Rows),
            () => d.LayerNormForward(x.Output.Slice(0, rc), x.Mean.View, x.Rstd.View, x.Activations.Slice(0, rc), x.Gamma.View, x.Bias.Slice(0, Channels), Rows, Channels, 1e-5f));
        yield return new Case($"LayerNormBackward {Rows}×{Channels}", 0, f * (4 * rc + 5 * Channels + 2 * Rows),
            () => d.LayerNormBackward(x.Residual.Slice(0, rc), x.Gamma2.View, x.Bias.Slice(0, Channels), x.Output.Slice(0, rc), x.Activations.Slice(0, rc),
                x.Gamma.View, x.Mean.View, x.Rstd.View, Rows, Channels));
        yield return new Case($"GeluForward {Rows}×{4 * Channels}", 0, f * 2 * hidden, () => d.GeluForward(x.Output.Slice(0, hidden), x.Hidden.View));
        yield return new Case($"GeluBackward {Rows}×{4 * Channels}", 0, f * 4 * hidden,
            () => d.GeluBackward(x.Output.Slice(0, hidden), x.Hidden.View, x.Hidden2.View));
        yield return new Case($"RopeForward B{Batch} T{Tokens} C{Channels}", 0, f * 2 * qkv,
            () => d.RopeForward(x.Qkv2.View, x.Qkv.View, Batch, Tokens, Channels, Heads, 100f));
        yield return new Case($"RopeBackward B{Batch} T{Tokens} C{Channels}", 0, f * 3 * qkv,
            () => d.RopeBackward(x.Qkv2.View, x.Qkv.View, Batch, Tokens, Channels, Heads, 100f));
        // Attention FLOPs: scores and output, 2·2·B·NH·T²·HS (causal half not discounted); backward twice that.
        var attention = 4.0 * Batch * Heads * Tokens * Tokens * (Channels / Heads);
        var probabilities = Batch * Heads * Tokens * Tokens;
        yield return new Case($"AttentionForward B{Batch} T{Tokens} C{Channels} NH{Heads}", attention, 0,
            () => d.AttentionForward(x.Residual.Slice(0, rc), x.Probabilities.Slice(0, probabilities), x.Qkv.View, Batch, Tokens, Channels, Heads));
        yield return new Case($"AttentionBackward B{Batch} T{Tokens} C{Channels} NH{Heads}", 2 * attention, 0,
            () => d.AttentionBackward(x.Qkv2.View, x.Residual.Slice(0, rc), x.Qkv.View, x.Probabilities.Slice(0, probabilities), Batch, Tokens, Channels, Heads));
        yield return new Case($"GatherRows {Rows}×{Channels} of {Vocab}", 0, f * 2 * rc + 4 * Rows,
            () => d.GatherRows(x.Activations.Slice(0, rc), x.Head.View, x.TokenIds.View, Rows, Channels));
        yield return new Case($"ScatterAddRows {Rows}×{Channels} into {Vocab}", 0, f * 3 * rc + 4 * Rows,
            () => d.ScatterAddRows(x.Head.View, x.Activations.Slice(0, rc), x.TokenIds.View, Rows, Channels));
        var logits = Batch * Vocab;
        yield return new Case($"CrossEntropyForward {Batch}×{Vocab}", 0, f * logits,
            () => d.CrossEntropyForward(x.Mean.Slice(0, Batch), x.Logits.View, x.Targets.View, Batch, Vocab));
        yield return new Case($"CrossEntropyForwardBackward {Batch}×{Vocab}", 0, f * 2 * logits,
            () => d.CrossEntropyForwardBackward(x.Mean.Slice(0, Batch), x.Logits2.View, x.Logits.View, x.Targets.View, Batch, Vocab, 1f / Batch));
        yield return new Case($"ArgMaxRows {Batch}×{Vocab}", 0, f * logits, () => d.ArgMaxRows(x.Targets2.View, x.Logits.View, Batch, Vocab));
        var parameters = x.Parameters.Length;
        yield return new Case($"AdamStep {parameters} parameters", 0, f * 7 * parameters,
            () => d.AdamStep(x.Parameters.View, x.Gradients.View, x.FirstMoment.View, x.SecondMoment.View, new AdamSettings(1e-3), 10));
        yield return new Case($"Axpy {parameters}", 0, f * 3 * parameters, () => d.Axpy(1e-3f, x.Gradients.View, x.FirstMoment.View));
        yield return new Case($"Scale {parameters}", 0, f * 2 * parameters, () => d.Scale(0.999f, x.FirstMoment.View));
        yield return new Case($"Add {rc} (residual)", 0, f * 3 * rc, () => d.Add(x.Residual.Slice(0, rc), x.Output.Slice(0, rc), x.Residual.Slice(0, rc)));
        yield return new Case($"Sum {parameters}", 0, f * parameters, () => d.Sum(x.Gradients.View, x.Scalar.View));
        yield return new Case($"Norm {parameters}", 0, f * parameters, () => d.Norm(x.Gradients.View, x.Scalar.View));
    }

    /// <summary>Every buffer the cases use, allocated once and filled with small random values.</summary>
    private sealed class Buffers : IDisposable
    {
        private readonly List<IDisposable> _all = [];
        private readonly Device _device;

        public Buffers(Device device)
        {
            _device = device;
            var parameterCount = 2 * Vocab * Channels + 12 * Channels * Channels + 13 * Channels;
            Activations = Floats(Rows * 4 * Channels, 1);
            Residual = Floats(Rows * 4 * Channels, 2);
            Output = Floats(Rows * 4 * Channels, 3);
            Weights = Floats(4 * Channels * Channels, 4);
            Head = Floats(Vocab * Channels, 5);
            Logits = Floats(Batch * Vocab, 6);
            Logits2 = Floats(Batch * Vocab, 7);
            Qkv = Floats(Rows * 3 * Channels, 8);
            Qkv2 = Floats(Rows * 3 * Channels, 9);
            Hidden = Floats(Rows * 4 * Channels, 10);
            Hidden2 = Floats(Rows * 4 * Channels, 11);
            Bias = Floats(4 * Channels, 12);
            Gamma = Floats(Channels, 13);
            Gamma2 = Floats(Channels, 14);
            Mean = Floats(Rows, 15);
            Rstd = Floats(Rows, 16);
            Probabilities = Floats(Batch * Heads * Tokens * Tokens, 17);
            Parameters = Floats(parameterCount, 18);
            Gradients = Floats(parameterCount, 19);
            FirstMoment = Floats(parameterCount, 20);
            SecondMoment = Floats(parameterCount, 21);
            Scalar = Floats(1, 22);
            TokenIds = Ints(Rows, Vocab, 23);
            Targets = Ints(Batch, Vocab, 24);
            Targets2 = Ints(Batch, Vocab, 25);
            FmaOutput = Track(device.Allocate<float>(1 << 20));
            BigSource = Track(device.Allocate<float>(64 << 20));
            BigDestination = Track(device.Allocate<float>(64 << 20));
            // The second-moment estimate must be ≥ 0 for Adam's square root.
            device.Upload<float>(Array.ConvertAll(KernelBenchmark.Random(parameterCount, 21), Math.Abs), SecondMoment.View);
        }

        public DeviceBuffer<float> Activations { get; }
        public DeviceBuffer<float> Residual { get; }
        public DeviceBuffer<float> Output { get; }
        public DeviceBuffer<float> Weights { get; }
        public DeviceBuffer<float> Head { get; }
        public DeviceBuffer<float> Logits { get; }
        public DeviceBuffer<float> Logits2 { get; }
        public DeviceBuffer<float> Qkv { get; }
        public DeviceBuffer<float> Qkv2 { get; }
        public DeviceBuffer<float> Hidden { get; }
        public DeviceBuffer<float> Hidden2 { get; }
        public DeviceBuffer<float> Bias { get; }
        public DeviceBuffer<float> Gamma { get; }
        public DeviceBuffer<float> Gamma2 { get; }
        public DeviceBuffer<float> Mean { get; }
        public DeviceBuffer<float> Rstd { get; }
        public DeviceBuffer<float> Probabilities { get; }
        public DeviceBuffer<float> Parameters { get; }
        public DeviceBuffer<float> Gradients { get; }
        public DeviceBuffer<float> FirstMoment { get; }
        public DeviceBuffer<float> SecondMoment { get; }
        public DeviceBuffer<float> Scalar { get; }
        public DeviceBuffer<int> TokenIds { get; }
        public DeviceBuffer<int> Targets { get; }
        public DeviceBuffer<int> Targets2 { get; }
        public DeviceBuffer<float> FmaOutput { get; }
        public DeviceBuffer<float> BigSource { get; }
        public DeviceBuffer<float> BigDestination { get; }

        private T Track<T>(T buffer) where T : IDisposable
        {
            _all.Add(buffer);
            return buffer;
        }

        private DeviceBuffer<float> Floats(int count, int seed)
        {
            var buffer = Track(_device.Allocate<float>(count));
            _device.Upload<float>(KernelBenchmark.Random(count, seed), buffer.View);
            return buffer;
        }

        private DeviceBuffer<int> Ints(int count, int bound, int seed)
        {
            var random = new Random(seed);
            var buffer = Track(_device.Allocate<int>(count));
            _device.Upload<int>(Enumerable.Range(0, count).Select(_ => random.Next(bound)).ToArray(), buffer.View);
            return buffer;
        }

        public void Dispose()
        {
            foreach (var buffer in _all) buffer.Dispose();
        }
    }
}
