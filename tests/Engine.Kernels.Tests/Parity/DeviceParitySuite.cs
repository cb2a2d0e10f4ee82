using Engine.Kernels.Ops;
using Engine.Kernels.Gpu;
using NUnit.Framework;
using static Engine.Kernels.Tests.Parity.ParityMath;

namespace Engine.Kernels.Tests.Parity;

/// <summary>
/// Every math op of <see cref="Device"/>, forward and backward, written once against the Device API and
/// instantiated per GPU backend (an absent backend reports every test skipped with the reason).
/// Each check runs the op twice on fresh buffers holding the same random inputs, once with the naive
/// kernels and once with the fast ones, and compares both with the float64 reference
/// (<see cref="Engine.Kernels.Ops.NaiveOps"/> on double data) and the fast result with the naive one.
/// Error measure (<see cref="ParityMath.RelativeError"/>): max_i |actual_i − expected_i| / max_i |expected_i|.
/// Shapes: odd sizes that exercise edge tiles and tails, and the model's real shapes where cheap.
/// </summary>
public abstract partial class DeviceParitySuite
{
    /// <summary>Relative error bound for ops with short reductions.</summary>
    protected const double Tight = 1e-5;

    /// <summary>Relative error bound for long reductions (K = 10011, 10⁵-element sums).</summary>
    protected const double Long = 1e-4;

    private readonly List<IDisposable> _buffers = [];
    private string? _unavailable;

    /// <summary>Why the backend cannot run here, or null when it can.</summary>
    protected abstract string? WhyUnavailable();

    /// <summary>Opens the backend's device(s).</summary>
    protected abstract void Open();

    /// <summary>Closes what <see cref="Open"/> opened.</summary>
    protected abstract void Close();

    /// <summary>Makes <see cref="Device"/> run the naive or the fast form of every op (a GPU device's kernel variant; on
    /// the host, the naive device or the fast CPU device).</summary>
    protected abstract void SelectVariant(KernelVariant variant);

    /// <summary>The device the next op runs on (the selected variant).</summary>
    protected abstract Device Device { get; }

    /// <summary>
    /// Why ops on this backend allocate on the managed heap although the engine's code does not (null when they must
    /// allocate nothing): ILGPU's CPU accelerator allocates in its own launcher, CUDA and OpenCL launches do not.
    /// </summary>
    protected virtual string? WhyLaunchesAllocate => null;

    /// <summary>The variants whose steady-state ops must allocate nothing (on the host, the naive loops are exempt).</summary>
    protected virtual KernelVariant[] AllocationFreeVariants => [KernelVariant.Fast, KernelVariant.Naive];

    [OneTimeSetUp]
    public void OpenDevice()
    {
        _unavailable = WhyUnavailable();
        if (_unavailable is null) Open();
    }

    [OneTimeTearDown]
    public void CloseDevice()
    {
        if (_unavailable is null) Close();
    }

    [SetUp]
    public void RequireBackend()
    {
        if (_unavailable is not null) Assert.Ignore($"skipped: {_unavailable}");
        SelectVariant(KernelVariant.Fast);
    }

    [TearDown]
    public void FreeBuffers()
    {
        foreach (var buffer in _buffers) buffer.Dispose();
        _buffers.Clear();
    }

    /// <summary>A device buffer holding <paramref name="data"/> (freed after the test).</summary>
    protected DeviceBuffer<float> Upload(float[] data)
    {
        var buffer = Device.Allocate<float>(data.Length);
        _buffers.Add(buffer);
        Device.Upload<float>(data, buffer.View);
        return buffer;
    }

    /// <inheritdoc cref="Upload(float[])"/>
    protected DeviceBuffer<int> Upload(int[] data)
    {
        var buffer = Device.Allocate<int>(data.Length);
        _buffers.Add(buffer);
        Device.Upload<int>(data, buffer.View);
        return buffer;
    }

    protected float[] Download(BufferView<float> view)
    {
        var host = new float[view.Length];
        Device.Download(view, host);
        return host;
    }

    protected int[] Download(BufferView<int> view)
    {
        var host = new int[view.Length];
        Device.Download(view, host);
        return host;
    }

    /// <summary>
    /// Runs <paramref name="run"/> with the naive and with the fast kernels; each run returns its outputs in
    /// the order of <paramref name="names"/>. Asserts, per output, naive and fast vs <paramref name="expected"/>
    /// and fast vs naive, all within <paramref name="tolerance"/>, and logs the errors.
    /// </summary>
    protected void Check(string op, double tolerance, string[] names, double[][] expected, Func<float[][]> run)
    {
        SelectVariant(KernelVariant.Naive);
        var naive = run();
        SelectVariant(KernelVariant.Fast);
        var fast = run();
        for (var i = 0; i < names.Length; i++)
        {
            var naiveError = ParityMath.RelativeError(naive[i], expected[i]);
            var fastError = ParityMath.RelativeError(fast[i], expected[i]);
            var agreement = ParityMath.RelativeError(fast[i], ParityMath.ToDouble(naive[i]));
            TestContext.Out.WriteLine(
                $"parity {op} {names[i]}: naive {naiveError:E2}, fast {fastError:E2} vs float64; fast vs naive {agreement:E2}");
            Assert.That(naiveError, Is.LessThan(tolerance), $"{op} {names[i]}: naive kernel vs float64");
            Assert.That(fastError, Is.LessThan(tolerance), $"{op} {names[i]}: fast kernel vs float64");
            Assert.That(agreement, Is.LessThan(tolerance), $"{op} {names[i]}: fast vs naive kernel");
        }
    }

    /// <summary>Single-output form of <see cref="Check(string, double, string[], double[][], Func{float[][]})"/>.</summary>
    protected void Check(string op, double tolerance, double[] expected, Func<float[]> run)
        => Check(op, tolerance, ["out"], [expected], () => [run()]);

    [Test]
    public void UnsupportedElementTypesAreRefusedWithAClearMessage()
    {
        Assert.That(Device.Supports<float>(), Is.True);
        using var half = Device.Allocate<Half>(4);
        var error = Assert.Throws<NotSupportedException>(() => Device.GeluForward(half.View, half.View))!;
        Assert.That(error.Message, Does.StartWith($"{Device.Name}: GeluForward: Half buffers are not supported"));
        if (Device.Supports<double>()) return; // the host devices compute in float64 too (the gradient checks)
        using var x = Device.Allocate<double>(4);
        error = Assert.Throws<NotSupportedException>(() => Device.Gemm(false, false, 1, 1, 1, 1.0, x.View, 1, x.View, 1, 0.0, x.View, 1))!;
        Assert.That(error.Message, Does.Contain(Device.Name).And.Contain("float32 only").And.Contain("Gemm").And.Contain("Double"));
    }

    [Test]
    public void SteadyStateOpsAllocateNothingOnTheHost()
    {
        // Every op once (compiles kernels, grows scratch buffers), then the same calls measured.
        const int rows = 12, channels = 8, vocab = 40, batch = 4, tokens = 3;
        var x = Upload(Random(16384, 90));
        var y = Upload(Random(16384, 91));
        var z = Upload(Random(16384, 92));
        var statistics = Upload(Uniform(64, 93, 0.5, 1.5));
        var indices = Upload(Indices(rows, vocab, 94));
        var argmax = Upload(new int[rows]);
        var settings = new AdamSettings(1e-3, WeightDecay: 0.01);
        var (xs, ys, zs, ss) = (x.View, y.View, z.View, statistics.View);
        const int rc = rows * channels;
        void Ops()
        {
            Device.Axpy(0.5f, xs.Slice(0, 1000), ys.Slice(0, 1000));
            Device.Scale(0.5f, ys.Slice(0, 1000));
            Device.Add(xs.Slice(0, 1000), ys.Slice(0, 1000), zs.Slice(0, 1000));
            Device.Sum(xs, zs.Slice(0, 1));
            Device.Norm(xs, zs.Slice(0, 1));
            Device.Gemm(false, true, rows, 3 * channels, channels, 1f, xs, channels, ys, channels, 0f, zs, 3 * channels);
            Device.Gemm(false, false, rows, channels, 1024, 1f, xs, 1024, ys, channels, 1f, zs, channels); // split K
            Device.BiasAdd(zs.Slice(0, rc), ss.Slice(0, channels), rows, channels);
            Device.BiasBackward(ss.Slice(56, channels), zs.Slice(0, rc), rows, channels);
            Device.LayerNormForward(zs.Slice(0, rc), ss.Slice(8, rows), ss.Slice(24, rows), xs.Slice(0, rc), ss.Slice(40, channels), ss.Slice(48, channels), rows, channels, 1e-5f);
            Device.LayerNormBackward(zs.Slice(0, rc), ys.Slice(0, channels), ys.Slice(8, channels), xs.Slice(0, rc), ys.Slice(0, rc), ss.Slice(40, channels), ss.Slice(8, rows), ss.Slice(24, rows), rows, channels);
            Device.GeluForward(zs.Slice(0, 100), xs.Slice(0, 100));
            Device.GeluBackward(zs.Slice(0, 100), xs.Slice(0, 100), ys.Slice(0, 100));
            Device.RopeForward(zs.Slice(0, 3 * rows * channels), xs.Slice(0, 3 * rows * channels), batch, tokens, channels, 2, 100f);
            Device.RopeBackward(zs.Slice(0, 3 * rows * channels), xs.Slice(0, 3 * rows * channels), batch, tokens, channels, 2, 100f);
            Device.AttentionForward(zs.Slice(0, rc), ys.Slice(0, batch * 2 * tokens * tokens), xs.Slice(0, 3 * rc), batch, tokens, channels, 2);
            Device.AttentionBackward(zs.Slice(0, 3 * rc), xs.Slice(0, rc), xs.Slice(0, 3 * rc), ys.Slice(0, batch * 2 * tokens * tokens), batch, tokens, channels, 2);
            Device.GatherRows(zs.Slice(0, rows * channels), xs.Slice(0, vocab * channels), indices.View, rows, channels);
            Device.ScatterAddRows(zs.Slice(0, vocab * channels), xs.Slice(0, rows * channels), indices.View, rows, channels);
            Device.CrossEntropyForward(zs.Slice(0, rows), xs.Slice(0, rows * vocab), indices.View, rows, vocab);
            Device.CrossEntropyForwardBackward(zs.Slice(0, rows), ys.Slice(0, rows * vocab), xs.Slice(0, rows * vocab), indices.View, rows, vocab, 0.25f);
            Device.ArgMaxRows(argmax.View, xs.Slice(0, rows * vocab), rows, vocab);
            Device.AdamStep(ys.Slice(0, 1000), xs.Slice(0, 1000), zs.Slice(0, 1000), zs.Slice(1000, 1000), settings, 3);
            Device.RmsNormForward(zs.Slice(0, rc), ss.Slice(8, rows), xs.Slice(0, rc), ss.Slice(40, channels), rows, channels, 1e-6f, 1f);
            Device.RmsNormForward(zs.Slice(0, rc), default, xs.Slice(0, rc), ss.Slice(40, channels), rows, channels, 1e-6f, 0f);
            Device.GatedActivationForward(zs.Slice(0, 100), xs.Slice(0, 100), ys.Slice(0, 100), GatedActivation.GeluTanh);
            Device.SoftCapForward(zs.Slice(0, 100), xs.Slice(0, 100), 30f);
            Device.RotaryForward(zs.Slice(0, rc), ss.Slice(0, 2), rows, 2, 4);
            Device.GroupedAttentionForward(zs.Slice(0, rc), xs.Slice(0, rc), ys.Slice(0, rc / 2), ys.Slice(rc / 2, rc / 2), rows, 2, 1, 4, 0.5f, 50f, 3);
        }
        if (WhyLaunchesAllocate is { } why) Assert.Ignore($"skipped: {why}");
        foreach (var variant in AllocationFreeVariants)
        {
            SelectVariant(variant);
            Ops();
            Ops();
            Device.Synchronize();
            var before = GC.GetAllocatedBytesForCurrentThread();
            for (var i = 0; i < 5; i++) Ops();
            var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
            Device.Synchronize();
            Assert.That(allocated, Is.Zero, $"bytes allocated by 5 rounds of every op ({variant})");
        }
    }
}
