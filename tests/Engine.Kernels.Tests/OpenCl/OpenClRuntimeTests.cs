using NUnit.Framework;
using Engine.Kernels.Launch;
using Engine.Kernels.Native;
using Engine.Kernels.OpenCl;
using Engine.Kernels.Tests.Gpu;

namespace Engine.Kernels.Tests.OpenCl;

/// <summary>The GPU runtime suite on OpenCL device 0 (PoCL's CPU device on machines without a GPU).</summary>
[TestFixture]
[Category("OpenCL")]
public sealed class OpenClRuntimeTests : GpuRuntimeSuite
{
    protected override string Backend => "opencl";

    protected override string? WhyUnavailable() => OpenClAvailability.WhyUnavailable();

    protected override Device Open(KernelBinaryCache cache) => new OpenClDevice(new OpenClRuntime(0, cache));

    protected override IKernelRunner Runner(Device device) => ((OpenClDevice)device).Runtime;

    protected override KernelOrigin Prepare(Device device, KernelSource kernel) => ((OpenClDevice)device).Runtime.Prepare(kernel);

    protected override void AllocateRaw(Device device, long bytes)
        => OpenClRuntime.Release(((OpenClDevice)device).Runtime.AllocateBytes(bytes));

    [Test]
    public void BuildErrorNamesTheCallTheCodeAndTheLogLine()
    {
        var error = Assert.Throws<OpenClException>(() => ((OpenClDevice)Device).Runtime.Prepare(TestKernels.Broken))!;
        Assert.That(error.CodeName, Is.EqualTo("CL_BUILD_PROGRAM_FAILURE"));
        Assert.That(error.Message, Does.StartWith("clBuildProgram(broken"));
        Assert.That(error.BuildLog, Does.Contain("undeclared identifier 'undefined_identifier'"));
    }

    [Test]
    public void AllocationBeyondTheDeviceLimitThrowsOutOfMemory()
    {
        var limit = ((OpenClDevice)Device).Runtime.Info.MaxAllocationBytes;
        if (limit >= (long)int.MaxValue * sizeof(float)) Assert.Ignore($"skipped: this device's allocation limit ({limit} bytes) admits 2³¹ floats");
        var error = Assert.Throws<OutOfMemoryException>(() => Device.Allocate<float>(int.MaxValue))!;
        Assert.That(error.Message, Does.Contain(((long)int.MaxValue * sizeof(float)).ToString()).And.Contain("CL_DEVICE_MAX_MEM_ALLOC_SIZE"));
    }

    [Test]
    public void DeviceIsReachableThroughDeviceOpen()
    {
        Assert.That(Device.Name, Is.EqualTo("opencl:0"));
        Assert.That(Device.Description, Does.Contain(OpenClDevices.List()[0].Name));
        Assert.That(Device.Supports<float>() && !Device.Supports<double>(), Is.True);
    }

    [Test]
    public void MathOpsRefuseDoubleBuffers()
    {
        using var x = Device.Allocate<double>(4);
        var error = Assert.Throws<NotSupportedException>(() => Device.GeluForward(x.View, x.View))!;
        Assert.That(error.Message, Is.EqualTo(
            "opencl:0: GeluForward: Double buffers are not supported (this device computes in float32 only; the cpu device also runs float64)"));
    }
}

/// <summary>Device selection, enumeration and error paths that need no open device.</summary>
[TestFixture]
[Category("OpenCL")]
public sealed class OpenClDeviceSelectionTests
{
    [SetUp]
    public void RequireOpenCl()
    {
        if (OpenClAvailability.WhyUnavailable() is { } reason) Assert.Ignore($"skipped: {reason}");
    }

    [Test]
    public void UnknownDeviceIndexListsTheDevicesThatExist()
    {
        var count = OpenClDevices.List().Count;
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => Device.Open($"opencl:{count + 6}"))!;
        Assert.That(error.Message, Does.Contain($"device 'opencl:{count + 6}' does not exist"));
        Assert.That(error.Message, Does.Contain($"{count} OpenCL device(s)").And.Contain("opencl:0 = "));
    }

    [Test]
    public void SpecOpensTheIndexedDeviceAndItsMemoryWorks()
    {
        using var device = Device.Open("opencl:0");
        Assert.That(device, Is.InstanceOf<OpenClDevice>());
        Assert.That(device.Name, Is.EqualTo("opencl:0"));
        using var buffer = device.Allocate<float>(3);
        device.Upload<float>([1.5f, -2f, 3f], buffer.View);
        var host = new float[3];
        device.Download(buffer.View, host);
        Assert.That(host, Is.EqualTo(new[] { 1.5f, -2f, 3f }));
    }

    [Test]
    public void UnknownPlatformIsRejectedClearly()
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => OpenClRuntime.Open(platformIndex: 9, deviceIndex: 0))!;
        Assert.That(error.Message, Does.Contain("OpenCL platform 9, device 0"));
    }

    [Test]
    public void InventoryListsEveryOpenClDeviceWithItsProperties()
    {
        var inventory = DeviceInventory.Collect();
        Assert.That(inventory.OpenCl.IsPresent, Is.True, inventory.OpenCl.AbsentReason);
        var device = inventory.OpenCl.Devices[0];
        Assert.That(device.Name, Is.Not.Empty);
        Assert.That(device.ComputeUnits, Is.Positive);
        Assert.That(device.GlobalMemoryBytes, Is.Positive);
        Assert.That(device.Version, Does.StartWith("OpenCL "));
        Assert.That(inventory.Cpu.LogicalCores, Is.EqualTo(Environment.ProcessorCount));
        var text = inventory.Describe();
        TestContext.Out.WriteLine(text);
        Assert.That(text, Does.Contain(device.Summary));
        Assert.That(text, Does.Contain($"{inventory.Cpu.LogicalCores} logical cores"));
    }

    [Test]
    public void AutoPicksTheCpuWhenOpenClOffersOnlyCpuDevicesAndNoCudaExists()
    {
        var inventory = DeviceInventory.Collect();
        if (inventory.Cuda.IsPresent || inventory.OpenCl.Devices.Any(d => d.IsGpu))
            Assert.Ignore("skipped: this machine has a GPU, so auto rightly picks it");
        var (spec, reason) = Device.ChooseAuto(inventory);
        Assert.That(spec, Is.EqualTo("cpu"));
        Assert.That(reason, Does.StartWith("auto → cpu: no CUDA device").And.Contain("no GPU among the OpenCL devices"));
        Assert.That(Device.DescribeAutoChoice(), Is.EqualTo(reason));
        using var device = Device.Open("auto");
        Assert.That(device.Name, Is.EqualTo("cpu"));
    }
}

internal static class OpenClAvailability
{
    /// <summary>Null when an OpenCL device exists; else why not (library missing with paths, driver error, no device).</summary>
    public static string? WhyUnavailable()
    {
        var report = DeviceInventory.Collect().OpenCl;
        return report.IsPresent ? null : report.AbsentReason;
    }
}
