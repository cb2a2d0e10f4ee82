using Engine.Kernels;
using Engine.Kernels.Cpu;
using Engine.Model;

namespace Engine.Model.Tests.Parity;

/// <summary>
/// The whole model on a GPU device (float32 kernels) against the same model on the CPU in float64, both
/// starting from the GPU model's exact parameter values: the loss, the logits and every parameter
/// gradient of one step, then the loss curve of 50 Adam steps. Written once, instantiated per backend;
/// an absent backend reports the tests skipped with the reason. Legend: B sequences, T tokens, V vocabulary.
/// Error measure: max |gpu − cpu| / max |cpu| over the tensor (relative to its scale).
/// </summary>
public abstract class ModelParitySuite
{
    private string? _unavailable;
    private Device? _device;

    /// <summary>The device's spec, e.g. "cuda:0".</summary>
    protected abstract string Spec { get; }

    /// <summary>Why ops allocate on this backend although the engine's code does not (null when a step must allocate nothing).</summary>
    protected virtual string? WhyLaunchesAllocate => null;

    protected Device Gpu => _device ?? throw new InvalidOperationException("device not open");

    [OneTimeSetUp]
    public void OpenDevice()
    {
        _unavailable = DeviceInventory.Collect().WhyUnavailable(Spec);
        if (_unavailable is null) _device = Device.Open(Spec);
    }

    [OneTimeTearDown]
    public void CloseDevice() => _device?.Dispose();

    [SetUp]
    public void RequireBackend()
    {
        if (_unavailable is not null) Assert.Ignore($"skipped: {_unavailable}");
    }

    /// <summary>B random sequences of 3 tokens with supervised positions 0…2 and random targets.</summary>
    private static (int[] Tokens, int[] Last, int[] Targets) Batch(int vocab, int batch, int seed)
    {
        var random = new Random(seed);
        var tokens = new int[batch * 3];
        for (var i = 0; i < tokens.Length; i++) tokens[i] = random.Next(vocab);
        var last = new int[batch];
        var targets = new int[batch];
        for (var b = 0; b < batch; b++) (last[b], targets[b]) = (b % 3, random.Next(vocab));
        return (tokens, last, targets);
    }

    /// <summary>Sets the float64 model's values to the float32 model's (the stores share one layout).</summary>
    private static void CopyParameters(Gpt<float> source, Gpt<double> destination)
    {
        var values = Array.ConvertAll(source.Parameters.ValuesToArray(), v => (double)v);
        destination.Device.Upload<double>(values, destination.Parameters.Values);
    }

    private static double RelativeError(ReadOnlySpan<float> actual, ReadOnlySpan<double> expected)
    {
        var (worst, scale) = (0.0, 0.0);
        for (var i = 0; i < actual.Length; i++)
        {
            worst = Math.Max(worst, Math.Abs(actual[i] - expected[i]));
            scale = Math.Max(scale, Math.Abs(expected[i]));
        }
        return double.IsNaN(worst) ? double.PositiveInfinity : worst == 0 ? 0 : worst / scale;
    }

    private static IEnumerable<TestCaseData> Configs()
    {
        yield return new TestCaseData(new GptConfig(37, 32, Depth: 2, Heads: 2), 8).SetArgDisplayNames("V37 d32 L2 H2 untied, B8");
        yield return new TestCaseData(new GptConfig(29, 16, Depth: 1, Heads: 1, Tied: true, AttentionOnly: true), 5)
            .SetArgDisplayNames("V29 d16 L1 tied attention-only, B5");
        yield return new TestCaseData(new GptConfig(10011, 128), 64).SetArgDisplayNames("default: V10011 d128 L1 H1, B64");
    }

    [TestCaseSource(nameof(Configs))]
    public void LossLogitsAndEveryParameterGradientMatchCpuFloat64(GptConfig config, int batchSize)
    {
        using var cpu = new CpuDevice();
        using var gpuModel = new Gpt<float>(config, Gpu, seed: 11);
        using var cpuModel = new Gpt<double>(config, cpu, seed: 11);
        CopyParameters(gpuModel, cpuModel);
        var (tokens, last, targets) = Batch(config.VocabSize, batchSize, seed: 12);

        using var gpuInputs = new GptInputs(Gpu, config.VocabSize);
        using var gpuTape = new Tape<float>(Gpu);
        gpuModel.ZeroGrad();
        var gpuOutput = gpuModel.Forward(gpuTape, gpuInputs.Set(tokens, last, targets, batchSize, 3));
        gpuTape.Backward(gpuOutput.Loss!);

        using var cpuInputs = new GptInputs(cpu, config.VocabSize);
        using var cpuTape = new Tape<double>(cpu);
        cpuModel.ZeroGrad();
        var cpuOutput = cpuModel.Forward(cpuTape, cpuInputs.Set(tokens, last, targets, batchSize, 3));
        cpuTape.Backward(cpuOutput.Loss!);

        var lossError = RelativeError(gpuOutput.Loss!.ToArray(), cpuOutput.Loss!.ToArray());
        var logitError = RelativeError(gpuOutput.Logits.ToArray(), cpuOutput.Logits.ToArray());
        TestContext.Out.WriteLine($"model parity {config.VocabSize}/{config.Width}: loss {gpuOutput.Loss!.ToArray()[0]:F6} " +
                                  $"(rel err {lossError:E2}), logits rel err {logitError:E2}");
        Assert.That(lossError, Is.LessThan(1e-5), "loss");
        Assert.That(logitError, Is.LessThan(1e-5), "logits");

        var gpuGradients = gpuModel.Parameters.GradientsToArray();
        var cpuGradients = cpuModel.Parameters.GradientsToArray();
        var worst = 0.0;
        foreach (var parameter in gpuModel.Parameters.Parameters)
        {
            var (offset, count) = (parameter.Data.Offset, parameter.Count);
            var error = RelativeError(gpuGradients.AsSpan(offset, count), cpuGradients.AsSpan(offset, count));
            worst = Math.Max(worst, error);
            TestContext.Out.WriteLine($"  grad {parameter.Name,-28} rel err {error:E2}");
            Assert.That(error, Is.LessThan(1e-4), $"gradient of {parameter.Name}");
        }
        TestContext.Out.WriteLine($"model parity {config.VocabSize}/{config.Width}: worst parameter gradient rel err {worst:E2}");
    }

    [Test]
    public void FiftyAdamStepsTrackTheCpuLossCurve()
    {
        const int steps = 50, batchSize = 16;
        var config = new GptConfig(61, 32, Depth: 2, Heads: 2);
        var optimizer = new OptimizerConfig(LearningRate: 3e-3, WeightDecay: 0.01);
        using var cpu = new CpuDevice();
        using var gpuModel = new Gpt<float>(config, Gpu, seed: 21);
        using var cpuModel = new Gpt<double>(config, cpu, seed: 21);
        CopyParameters(gpuModel, cpuModel);
        var gpuLosses = Train(gpuModel, optimizer, config.VocabSize, batchSize, steps);
        var cpuLosses = Train(cpuModel, optimizer, config.VocabSize, batchSize, steps);

        var worst = 0.0;
        for (var step = 0; step < steps; step++)
        {
            var error = Math.Abs(gpuLosses[step] - cpuLosses[step]) / Math.Abs(cpuLosses[step]);
            worst = Math.Max(worst, error);
            Assert.That(error, Is.LessThan(1e-4), $"loss at step {step}: gpu {gpuLosses[step]:R}, cpu {cpuLosses[step]:R}");
        }
        TestContext.Out.WriteLine($"50 steps: loss {cpuLosses[0]:F6} → {cpuLosses[^1]:F6} (cpu float64), " +
                                  $"{gpuLosses[0]:F6} → {gpuLosses[^1]:F6} (gpu); worst step rel err {worst:E2}");
        Assert.That(cpuLosses[^1], Is.LessThan(0.5 * cpuLosses[0]), "the run learns (the curve is not flat)");
    }

    /// <summary>Full-batch Adam on a fixed random task; the loss before each step.</summary>
    private static double[] Train<T>(Gpt<T> model, OptimizerConfig optimizer, int vocab, int batchSize, int steps)
        where T : unmanaged, System.Numerics.IFloatingPointIeee754<T>
    {
        var device = model.Device;
        using var adam = new AdamOptimizer<T>(model.Parameters, optimizer);
        using var inputs = new GptInputs(device, vocab);
        using var tape = new Tape<T>(device);
        var (tokens, last, targets) = Batch(vocab, batchSize, seed: 22);
        var batch = inputs.Set(tokens, last, targets, batchSize, 3);
        var losses = new double[steps];
        var host = new T[1];
        for (var step = 0; step < steps; step++)
        {
            tape.Reset();
            model.ZeroGrad();
            var output = model.Forward(tape, batch);
            tape.Backward(output.Loss!);
            device.Download(output.Loss!.Data, host);
            losses[step] = double.CreateTruncating(host[0]);
            adam.Step();
        }
        return losses;
    }

    [Test]
    public void SteadyStateTrainingStepAllocatesNothingOnTheHost()
    {
        if (WhyLaunchesAllocate is { } why) Assert.Ignore($"skipped: {why}");
        var config = new GptConfig(61, 32, Depth: 2, Heads: 2);
        using var model = new Gpt<float>(config, Gpu, seed: 31);
        using var adam = new AdamOptimizer<float>(model.Parameters, new OptimizerConfig());
        using var inputs = new GptInputs(Gpu, config.VocabSize);
        using var tape = new Tape<float>(Gpu);
        var (tokens, last, targets) = Batch(config.VocabSize, 8, seed: 32);
        var loss = new float[1];

        void Step()
        {
            var batch = inputs.Set(tokens, last, targets, 8, 3);
            tape.Reset();
            model.ZeroGrad();
            var output = model.Forward(tape, batch);
            tape.Backward(output.Loss!);
            adam.Step();
            Gpu.Download(output.Loss!.Data, loss);
        }

        for (var i = 0; i < 3; i++) Step(); // compile kernels, size the arena and the scratch buffers
        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 10; i++) Step();
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.That(allocated, Is.Zero, "bytes allocated by 10 steady-state steps (upload, forward, backward, Adam, loss download)");
        Assert.That(float.IsFinite(loss[0]), Is.True);
    }
}
