using NUnit.Framework;
using System.Diagnostics;
using Engine.Kernels.Launch;
using Engine.Kernels.Native;

namespace Engine.Kernels.Tests.Gpu;

/// <summary>
/// Runtime tests written once and run per GPU backend (OpenCL, CUDA) with the hand-written
/// kernels of <see cref="TestKernels"/>; results are checked against float64 host loops.
/// A backend absent on the machine reports every test skipped with the reason.
/// Shapes: M, N, K matrix sizes; n element count.
/// </summary>
public abstract class GpuRuntimeSuite
{
    private string? _unavailable;
    private string _cacheDirectory = "";
    private Device? _device;

    /// <summary>"opencl" or "cuda", for messages.</summary>
    protected abstract string Backend { get; }

    /// <summary>Why the backend cannot run here, or null when it can.</summary>
    protected abstract string? WhyUnavailable();

    /// <summary>Opens the backend's device 0 with its kernel binaries kept in <paramref name="cache"/>.</summary>
    protected abstract Device Open(KernelBinaryCache cache);

    protected abstract IKernelRunner Runner(Device device);

    protected abstract KernelOrigin Prepare(Device device, KernelSource kernel);

    /// <summary>Asks the runtime for <paramref name="bytes"/> of raw device memory (freeing it if granted).</summary>
    protected abstract void AllocateRaw(Device device, long bytes);

    protected Device Device => _device ?? throw new InvalidOperationException("device not open");

    [OneTimeSetUp]
    public void OpenDevice()
    {
        _unavailable = WhyUnavailable();
        if (_unavailable is not null) return;
        _cacheDirectory = NewTemporaryDirectory();
        _device = Open(new KernelBinaryCache(_cacheDirectory));
    }

    [OneTimeTearDown]
    public void CloseDevice()
    {
        _device?.Dispose();
        if (_cacheDirectory.Length > 0) Directory.Delete(_cacheDirectory, recursive: true);
    }

    [SetUp]
    public void RequireBackend()
    {
        if (_unavailable is not null) Assert.Ignore($"skipped: {_unavailable}");
    }

    protected static string NewTemporaryDirectory()
    {
        var path = Path.Combine(Path.GetTempPath(), "engine-kernel-cache-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(path);
        return path;
    }

    private static float[] RandomFloats(int count, int seed)
    {
        var random = new Random(seed);
        var values = new float[count];
        for (var i = 0; i < count; i++) values[i] = (float)(random.NextDouble() * 2 - 1);
        return values;
    }

    private static float[] Download(Device device, DeviceBuffer<float> buffer)
    {
        var host = new float[buffer.Length];
        device.Download(buffer.View, host);
        return host;
    }

    /// <summary>c = a + b on views that start 3, 5 and 7 elements into their buffers; checks c and that nothing else changed.</summary>
    private static void RunVectorAddOnOffsetViews(Device device, IKernelRunner runner, KernelSource kernel)
    {
        const int n = 1000;
        var a = RandomFloats(n, seed: 1);
        var b = RandomFloats(n, seed: 2);
        using var aBuffer = device.Allocate<float>(n + 3);
        using var bBuffer = device.Allocate<float>(n + 5);
        using var cBuffer = device.Allocate<float>(n + 11);
        var aView = aBuffer.Slice(3, n);
        var bView = bBuffer.Slice(5, n);
        var cView = cBuffer.Slice(7, n);
        device.Upload<float>(a, aView);
        device.Upload<float>(b, bView);

        ReadOnlySpan<KernelArgument> arguments = [KernelArgument.View(aView), KernelArgument.View(bView), KernelArgument.View(cView)];
        runner.Launch(kernel, new LaunchDims(GridX: (n + 63) / 64, BlockX: 64), arguments);

        var c = Download(device, cBuffer);
        for (var i = 0; i < n; i++) Assert.That(c[7 + i], Is.EqualTo(a[i] + b[i]), $"c[{i}]");
        Assert.That(c[..7], Is.All.EqualTo(0f), "elements before the view were written");
        Assert.That(c[(7 + n)..], Is.All.EqualTo(0f), "elements after the view were written");
    }

    [Test]
    public void VectorAddOnOffsetViewsMatchesHostSum()
        => RunVectorAddOnOffsetViews(Device, Runner(Device), TestKernels.VectorAddShared);

    [Test]
    public void SharedMemoryBlockSumMatchesFloat64PerBlockSums()
    {
        const int n = 100_003;
        var blocks = (n + TestKernels.SumBlock - 1) / TestKernels.SumBlock;
        var x = RandomFloats(n, seed: 3);
        using var xBuffer = Device.Allocate<float>(n);
        using var partialBuffer = Device.Allocate<float>(blocks);
        Device.Upload<float>(x, xBuffer.View);

        ReadOnlySpan<KernelArgument> arguments = [KernelArgument.View(xBuffer.View), KernelArgument.View(partialBuffer.View)];
        Runner(Device).Launch(TestKernels.BlockSum, new LaunchDims(GridX: blocks, BlockX: TestKernels.SumBlock), arguments);

        var partial = Download(Device, partialBuffer);
        for (var g = 0; g < blocks; g++)
        {
            var expected = 0.0;
            for (var i = g * TestKernels.SumBlock; i < Math.Min(n, (g + 1) * TestKernels.SumBlock); i++) expected += x[i];
            Assert.That(partial[g], Is.EqualTo(expected).Within(1e-4), $"block {g}");
        }
    }

    [Test]
    public void TiledSgemmOnOddShapesMatchesFloat64Loop()
    {
        const int m = 37, k = 53, n = 29;
        const float alpha = 0.5f;
        var a = RandomFloats(m * k, seed: 4); // (M,K)
        var b = RandomFloats(k * n, seed: 5); // (K,N)
        using var aBuffer = Device.Allocate<float>(m * k);
        using var bBuffer = Device.Allocate<float>(k * n);
        using var cBuffer = Device.Allocate<float>(m * n);
        Device.Upload<float>(a, aBuffer.View);
        Device.Upload<float>(b, bBuffer.View);

        ReadOnlySpan<KernelArgument> arguments =
        [
            KernelArgument.View(aBuffer.View), KernelArgument.View(bBuffer.View), KernelArgument.View(cBuffer.View),
            KernelArgument.Int(m), KernelArgument.Int(n), KernelArgument.Int(k), KernelArgument.Float(alpha),
        ];
        var tile = TestKernels.Tile;
        Runner(Device).Launch(TestKernels.SgemmTiled,
            new LaunchDims(GridX: (n + tile - 1) / tile, BlockX: tile, GridY: (m + tile - 1) / tile, BlockY: tile), arguments);

        var c = Download(Device, cBuffer);
        for (var row = 0; row < m; row++)
        {
            for (var col = 0; col < n; col++)
            {
                var expected = 0.0;
                for (var p = 0; p < k; p++) expected += (double)a[row * k + p] * b[p * n + col];
                Assert.That(c[row * n + col], Is.EqualTo(alpha * expected).Within(1e-4), $"C[{row},{col}]");
            }
        }
    }

    [Test]
    public void MemoryOpsRespectViewsAndZeroFill()
    {
        using var floats = Device.Allocate<float>(10);
        using var other = Device.Allocate<float>(10);
        using var ints = Device.Allocate<int>(6);
        Assert.That(Download(Device, floats), Is.All.EqualTo(0f), "Allocate must zero-fill");

        Device.Upload<float>([1, 2, 3, 4], floats.Slice(2, 4));
        Device.Fill(floats.Slice(7, 2), 2.5f);
        Device.Copy(floats.Slice(2, 4), other.Slice(5, 4));
        Device.Fill(ints.Slice(1, 3), -7);

        Assert.That(Download(Device, floats), Is.EqualTo(new float[] { 0, 0, 1, 2, 3, 4, 0, 2.5f, 2.5f, 0 }));
        Assert.That(Download(Device, other), Is.EqualTo(new float[] { 0, 0, 0, 0, 0, 1, 2, 3, 4, 0 }));
        var hostInts = new int[6];
        Device.Download(ints.View, hostInts);
        Assert.That(hostInts, Is.EqualTo(new[] { 0, -7, -7, -7, 0, 0 }));
    }

    [Test]
    public void SteadyStateLaunchAllocatesNothing()
    {
        const int n = 256;
        using var a = Device.Allocate<float>(n);
        using var b = Device.Allocate<float>(n);
        using var c = Device.Allocate<float>(n);
        var arguments = new[] { KernelArgument.View(a.View), KernelArgument.View(b.View), KernelArgument.View(c.View) };
        var dims = new LaunchDims(GridX: n / 64, BlockX: 64);
        var runner = Runner(Device);
        runner.Launch(TestKernels.VectorAddShared, dims, arguments); // compile and warm the caches
        for (var i = 0; i < 20; i++) runner.Launch(TestKernels.VectorAddShared, dims, arguments); // tier up the JIT
        Device.Synchronize();

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 200; i++) runner.Launch(TestKernels.VectorAddShared, dims, arguments);
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Device.Synchronize();

        Assert.That(allocated, Is.Zero, "bytes allocated by 200 launches");
    }

    [Test]
    public void SecondRuntimeLoadsTheBinaryFromTheDiskCache()
    {
        var directory = NewTemporaryDirectory();
        try
        {
            // A nonce makes the source new to every cache (ours and the driver's own), so the first build is cold.
            var kernel = TestKernels.VectorAdd(nonce: Guid.NewGuid().ToString("N"));
            TimeSpan build, firstLaunchAfterBuild, load, firstLaunchAfterLoad;
            using (var first = Open(new KernelBinaryCache(directory)))
            {
                var clock = Stopwatch.StartNew();
                Assert.That(Prepare(first, kernel), Is.EqualTo(KernelOrigin.Compiled));
                build = clock.Elapsed;
                clock.Restart();
                RunVectorAddOnOffsetViews(first, Runner(first), kernel);
                firstLaunchAfterBuild = clock.Elapsed;
                Assert.That(Prepare(first, kernel), Is.EqualTo(KernelOrigin.Memory));
            }
            Assert.That(Directory.GetFiles(directory, $"{Backend}-vector_add-*.bin"), Has.Length.EqualTo(1), "one binary written");

            using (var second = Open(new KernelBinaryCache(directory)))
            {
                var clock = Stopwatch.StartNew();
                Assert.That(Prepare(second, kernel), Is.EqualTo(KernelOrigin.DiskCache));
                load = clock.Elapsed;
                clock.Restart();
                RunVectorAddOnOffsetViews(second, Runner(second), kernel);
                firstLaunchAfterLoad = clock.Elapsed;
            }
            TestContext.Out.WriteLine(
                $"{Backend}: build from source {build.TotalMilliseconds:F1} ms (+ first launch {firstLaunchAfterBuild.TotalMilliseconds:F1} ms); " +
                $"load from disk cache {load.TotalMilliseconds:F1} ms (+ first launch {firstLaunchAfterLoad.TotalMilliseconds:F1} ms)");
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Test]
    public void BrokenKernelErrorCarriesTheCompilerLog()
    {
        var error = Assert.Catch(() => Prepare(Device, TestKernels.Broken))!;
        TestContext.Out.WriteLine(error.Message);
        Assert.That(error.Message, Does.Contain("undefined_identifier"), "the compiler's diagnostic names the identifier");
        Assert.That(error.Message, Does.Contain("broken"), "the message names the kernel");
        Assert.That(Directory.GetFiles(_cacheDirectory, "*broken*"), Is.Empty, "a failed build caches nothing");
        RunVectorAddOnOffsetViews(Device, Runner(Device), TestKernels.VectorAddShared); // still usable
    }

    [Test]
    public void AbsurdAllocationThrowsOutOfMemoryAndTheDeviceStaysUsable()
    {
        const long petabyte = 1L << 50;
        var error = Assert.Throws<OutOfMemoryException>(() => AllocateRaw(Device, petabyte))!;
        TestContext.Out.WriteLine(error.Message);
        Assert.That(error.Message, Does.Contain(petabyte.ToString()).And.Contain("cannot allocate"));
        RunVectorAddOnOffsetViews(Device, Runner(Device), TestKernels.VectorAddShared);
    }

    [Test]
    public void MismatchedArgumentsAreRejectedBeforeTheDriver()
    {
        using var a = Device.Allocate<float>(4);
        var error = Assert.Throws<ArgumentException>(() =>
            Runner(Device).Launch(TestKernels.VectorAddShared, new LaunchDims(1, 4), [KernelArgument.View(a.View), KernelArgument.Int(3)]))!;
        Assert.That(error.Message, Does.Contain("takes 3 argument(s)"));
        var kindError = Assert.Throws<ArgumentException>(() =>
            Runner(Device).Launch(TestKernels.VectorAddShared, new LaunchDims(1, 4),
                [KernelArgument.View(a.View), KernelArgument.Int(3), KernelArgument.View(a.View)]))!;
        Assert.That(kindError.Message, Does.Contain("argument 1 ('b') is a View but was given a Int32"));
    }

    [Test]
    public void ADisposedOrForeignBufferIsRejectedBeforeTheDriver()
    {
        var gone = Device.Allocate<float>(4);
        var goneView = gone.View;
        gone.Dispose();
        Assert.Throws<ObjectDisposedException>(() => KernelArgument.View(goneView));

        using var mine = Device.Allocate<float>(64);
        using var other = Open(new KernelBinaryCache(_cacheDirectory));
        using var theirs = other.Allocate<float>(64);
        var error = Assert.Throws<ArgumentException>(() => Runner(Device).Launch(TestKernels.VectorAddShared, new LaunchDims(1, 64),
            [KernelArgument.View(mine.View), KernelArgument.View(theirs.View), KernelArgument.View(mine.View)]))!;
        Assert.That(error.Message, Does.Contain("argument 1 ('b'): the buffer belongs to another device"));
        RunVectorAddOnOffsetViews(Device, Runner(Device), TestKernels.VectorAddShared); // still usable
    }
}
