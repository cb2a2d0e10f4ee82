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
    public void OpenCpuIeeeKeepsSubnormals()
    {
        using var device = Device.Open("cpu-ieee:2");
        Assert.That(device, Is.InstanceOf<CpuDevice>());
        Assert.That(device.Name, Is.EqualTo("cpu-ieee"));
        Assert.That(((CpuDevice)device).Threads, Is.EqualTo(2));
        Assert.That(((CpuDevice)device).FlushesSubnormals, Is.False);
        Assert.That(((CpuDevice)Device.Open("cpu")).FlushesSubnormals, Is.EqualTo(SubnormalFlush.Supported));
        Assert.That(DeviceSpec.Parse("CPU-IEEE").ToString(), Is.EqualTo("cpu-ieee"));
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
    public void DoubleOpsAreCheckedToo()
    {
        var x = Cpu.Allocate<double>(4).View;
        var y = Cpu.Allocate<double>(5).View;
        Assert.Throws<ArgumentException>(() => Cpu.Axpy(1.0, x, y));
        Assert.Throws<ArgumentException>(() => Cpu.GeluForward(x, y));
    }
}
