using NUnit.Framework;
using Engine.Kernels.Cpu;

namespace Engine.Kernels.Tests.Cpu;

/// <summary>Opening the CPU device by spec, and the argument checks every op makes before touching memory.</summary>
[TestFixture]
[Category("CpuKernels")]
public sealed class CpuDeviceTests
{
    [Test]
    public void OpenCpuUsesEveryCore()
    {
        using var device = Device.Open("cpu");
        Assert.That(device, Is.InstanceOf<CpuDevice>());
        Assert.That(device.Name, Is.EqualTo("cpu"));
        Assert.That(((CpuDevice)device).Threads, Is.EqualTo(Environment.ProcessorCount));
    }

    [Test]
    public void OpenCpuWithThreads()
    {
        using var device = Device.Open("cpu:1");
        Assert.That(((CpuDevice)device).Threads, Is.EqualTo(1));
    }

    [Test]
    public void OpenAutoFallsBackToCpu()
    {
        using var device = Device.Open("auto");
        Assert.That(device.Name, Is.EqualTo("cpu"));
        Assert.That(device.Supports<float>() && device.Supports<double>(), Is.True);
    }

    [Test]
    public void OpenUnknownKindNamesIt()
    {
        var error = Assert.Throws<ArgumentException>(() => Device.Open("tpu"));
        Assert.That(error!.Message, Does.Contain("tpu"));
    }

    private static readonly CpuDevice Cpu = new(2);

    private static BufferView<float> Floats(int length) => Cpu.Allocate<float>(length).View;

    private static BufferView<int> Ints(int length) => Cpu.Allocate<int>(length).View;

    [Test]
    public void ElementwiseOpsRejectMismatchedLengths()
    {
        Assert.Throws<ArgumentException>(() => Cpu.Axpy(1f, Floats(4), Floats(5)));
        Assert.Throws<ArgumentException>(() => Cpu.Add(Floats(4), Floats(4), Floats(3)));
        Assert.Throws<ArgumentException>(() => Cpu.Copy(Floats(4), Floats(3)));
        Assert.Throws<ArgumentException>(() => Cpu.Sum(Floats(4), Floats(0)));
        Assert.Throws<ArgumentException>(() => Cpu.GeluForward(Floats(4), Floats(5)));
        Assert.Throws<ArgumentException>(() => Cpu.GeluBackward(Floats(4), Floats(4), Floats(5)));
        Assert.Throws<ArgumentException>(() => Cpu.AdamStep(Floats(4), Floats(4), Floats(3), Floats(4), new AdamSettings(0.1), 1));
    }

    [Test]
    public void ShapedOpsRejectMismatchedLengths()
    {
        Assert.Throws<ArgumentException>(() => Cpu.BiasAdd(Floats(12), Floats(3), 3, 4));
        Assert.Throws<ArgumentException>(() => Cpu.BiasBackward(Floats(4), Floats(11), 3, 4));
        Assert.Throws<ArgumentException>(() =>
            Cpu.LayerNormForward(Floats(12), Floats(3), Floats(2), Floats(12), Floats(4), Floats(4), 3, 4, 1e-5f));
        Assert.Throws<ArgumentException>(() =>
            Cpu.LayerNormBackward(Floats(12), Floats(4), Floats(4), Floats(12), Floats(13), Floats(4), Floats(3), Floats(3), 3, 4));
        Assert.Throws<ArgumentException>(() => Cpu.RopeForward(Floats(2 * 3 * 3 * 8), Floats(2 * 3 * 3 * 8 - 1), 2, 3, 8, 2, 10000f));
        Assert.Throws<ArgumentException>(() => Cpu.RopeForward(Floats(3 * 6), Floats(3 * 6), 1, 1, 6, 2, 10000f)); // odd head size
        Assert.Throws<ArgumentException>(() => Cpu.AttentionForward(Floats(2 * 3 * 8), Floats(2 * 2 * 9 + 1), Floats(2 * 3 * 24), 2, 3, 8, 2));
        Assert.Throws<ArgumentException>(() => Cpu.AttentionBackward(Floats(2 * 3 * 24), Floats(2 * 3 * 8), Floats(2 * 3 * 24), Floats(2 * 2 * 9), 2, 3, 7, 2));
        Assert.Throws<ArgumentException>(() => Cpu.CrossEntropyForward(Floats(2), Floats(2 * 5), Ints(3), 2, 5));
        Assert.Throws<ArgumentException>(() => Cpu.CrossEntropyForwardBackward(Floats(2), Floats(9), Floats(10), Ints(2), 2, 5, 1f));
        Assert.Throws<ArgumentException>(() => Cpu.ArgMaxRows(Ints(2), Floats(11), 2, 5));
        Assert.Throws<ArgumentException>(() => Cpu.GatherRows(Floats(8), Floats(20), Ints(3), 2, 4));
    }

    [Test]
    public void IndexOpsRejectOutOfRangeIndices()
    {
        var targets = Cpu.Allocate<int>(2);
        Cpu.Upload<int>([1, 5], targets.View);
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => Cpu.CrossEntropyForward(Floats(2), Floats(10), targets.View, 2, 5));
        Assert.That(error!.Message, Does.StartWith("cpu: CrossEntropyForward: Targets[1] = 5 is outside [0, 5)"));

        var indices = Cpu.Allocate<int>(2);
        Cpu.Upload<int>([0, -1], indices.View);
        Assert.Throws<ArgumentOutOfRangeException>(() => Cpu.GatherRows(Floats(8), Floats(20), indices.View, 2, 4));
        Assert.Throws<ArgumentOutOfRangeException>(() => Cpu.ScatterAddRows(Floats(20), Floats(8), indices.View, 2, 4));
    }

    [Test]
    public void GemmRejectsShortOperandsAndStrides()
    {
        // C (3×4) = A (3×5) · B (5×4).
        Assert.DoesNotThrow(() => Cpu.Gemm(false, false, 3, 4, 5, 1f, Floats(15), 5, Floats(20), 4, 0f, Floats(12), 4));
        Assert.Throws<ArgumentException>(() => Cpu.Gemm(false, false, 3, 4, 5, 1f, Floats(14), 5, Floats(20), 4, 0f, Floats(12), 4));
        Assert.Throws<ArgumentException>(() => Cpu.Gemm(false, false, 3, 4, 5, 1f, Floats(15), 5, Floats(19), 4, 0f, Floats(12), 4));
        Assert.Throws<ArgumentException>(() => Cpu.Gemm(false, false, 3, 4, 5, 1f, Floats(15), 5, Floats(20), 4, 0f, Floats(11), 4));
        Assert.Throws<ArgumentException>(() => Cpu.Gemm(false, false, 3, 4, 5, 1f, Floats(15), 4, Floats(20), 4, 0f, Floats(12), 4));
        Assert.Throws<ArgumentException>(() => Cpu.Gemm(true, false, 3, 4, 5, 1f, Floats(15), 2, Floats(20), 4, 0f, Floats(12), 4));
        Assert.Throws<ArgumentException>(() => Cpu.Gemm(false, false, 3, 4, 5, 1f, Floats(30), 5, Floats(20), 4, 0f, Floats(24), 4,
            batchCount: 2, strideA: 15, strideB: 1, strideC: 12));
        Assert.Throws<ArgumentOutOfRangeException>(() => Cpu.Gemm(false, false, -1, 4, 5, 1f, Floats(15), 5, Floats(20), 4, 0f, Floats(12), 4));
    }

    [Test]
    public void DoubleOpsAreCheckedToo()
    {
        var x = Cpu.Allocate<double>(4).View;
        var y = Cpu.Allocate<double>(5).View;
        Assert.Throws<ArgumentException>(() => Cpu.Axpy(1.0, x, y));
        Assert.Throws<ArgumentException>(() => Cpu.GeluForward(x, y));
    }
}
