using Engine.Kernels.Gpu;
using NUnit.Framework;

namespace Engine.Kernels.Tests.Ptx;

/// <summary>The benchmark's peak kernels on ILGPU's CPU accelerator: the copy copies, the FMA loop computes its chains.</summary>
[TestFixture]
[Category("Simulator")]
public sealed class PeakKernelTests
{
    [Test]
    public void CopyKernelCopiesAndFmaLoopComputesItsSixteenChains()
    {
        using var device = GpuDevice.OpenSimulator();
        const int n = 4096;
        var host = Enumerable.Range(0, n).Select(i => (float)i).ToArray();
        using var source = device.Allocate<float>(n);
        using var destination = device.Allocate<float>(n);
        device.Upload<float>(host, source.View);
        PeakGpu.LaunchCopy(device, source.View, destination.View);
        var copied = new float[n];
        device.Download(destination.View, copied);
        Assert.That(copied, Is.EqualTo(host));

        const int threads = 2 * PeakGpu.Threads, iterations = 5;
        using var output = device.Allocate<float>(threads);
        PeakGpu.LaunchFmaLoop(device, output.View, iterations);
        var sums = new float[threads];
        device.Download(output.View, sums);
        for (var i = 0; i < threads; i += 97)
        {
            var seed = 1e-3f * (i & 1023);
            var expected = 0.0;
            for (var chain = 0; chain < PeakGpu.Chains; chain++)
            {
                var x = (double)(seed + 0.1f * chain);
                for (var k = 0; k < iterations; k++) x = x * 0.999f + 1e-3f;
                expected += x;
            }
            Assert.That(sums[i], Is.EqualTo(expected).Within(1e-4), $"thread {i}");
        }
    }
}
