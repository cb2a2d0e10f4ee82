using System.Runtime.CompilerServices;
using NUnit.Framework;
using Engine.Kernels.Cpu;
using static Engine.Kernels.Tests.Cpu.TestData;

namespace Engine.Kernels.Tests.Cpu;

/// <summary>
/// The cpu device's float32 ops run with flush-to-zero and denormals-are-zero (<see cref="SubnormalFlush"/>): inputs
/// that make an IEEE device store subnormal results (tiny weights late in training) give zeros, within 2⁻¹²⁶ of the
/// IEEE results (k·2⁻¹²⁶ for a sum of k terms), on the calling thread and on the workers; the caller's own mode and float64 ops are untouched.
/// </summary>
[TestFixture]
[Category("CpuKernels")]
public sealed class CpuSubnormalFlushTests
{
    private const double SmallestNormal = 1.1754943508222875e-38; // 2⁻¹²⁶

    [SetUp]
    public void RequireControl()
    {
        if (!SubnormalFlush.Supported) Assert.Ignore("skipped: no flush-to-zero control on this platform (x86-64 Linux only)");
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static float Multiply(float a, float b) => a * b;

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static double Multiply(double a, double b) => a * b;

    [Test]
    public void ScopeTurnsTheModesOnAndRestoresThem()
    {
        Assert.That(SubnormalFlush.IsOn, Is.False, "precondition: the test thread runs in IEEE mode");
        Assert.That(float.IsSubnormal(Multiply(1e-20f, 1e-20f)), Is.True, "IEEE: 1e-40 is subnormal");
        using (SubnormalFlush.Enter())
        {
            Assert.That(SubnormalFlush.IsOn, Is.True);
            Assert.That(Multiply(1e-20f, 1e-20f), Is.Zero, "FTZ: a subnormal product is stored as 0");
            Assert.That(Multiply(BitConverter.Int32BitsToSingle(1), 1e30f), Is.Zero, "DAZ: a subnormal operand reads as 0");
            using (SubnormalFlush.Enter()) Assert.That(SubnormalFlush.IsOn, Is.True, "nested scope");
            Assert.That(SubnormalFlush.IsOn, Is.True, "a nested scope leaves the outer one's mode");
        }
        Assert.That(SubnormalFlush.IsOn, Is.False);
        Assert.That(float.IsSubnormal(Multiply(1e-20f, 1e-20f)), Is.True);
    }

    /// <summary>
    /// The regression test of issue 12 without timing: the backward-pass ops fed tiny-but-normal values (weights on
    /// their way to 0) or subnormal ones stored subnormal results before the flush (shown on an IEEE device).
    /// </summary>
    [TestCase(1)]
    [TestCase(3)]
    public void Float32OpsStoreNoSubnormalResults(int threads)
    {
        using var ieee = new CpuDevice(threads) { FlushesSubnormals = false };
        using var flushing = new CpuDevice(threads);
        Assert.That(flushing.FlushesSubnormals, Is.True);
        var random = new Random(12);
        foreach (var (name, terms, op) in TinyInputOps(random))
        {
            var before = op(ieee);
            var after = op(flushing);
            Assert.That(before.Count(float.IsSubnormal), Is.GreaterThan(before.Length / 10), $"{name}: precondition: the IEEE device stores subnormals");
            Assert.That(after.Count(float.IsSubnormal), Is.Zero, $"{name}: {threads} thread(s)");
            // The documented bound: each flushed operand or product moves a sum of `terms` by less than 2⁻¹²⁶.
            for (var i = 0; i < after.Length; i++)
                Assert.That((double)after[i], Is.EqualTo(before[i]).Within(terms * SmallestNormal), $"{name}[{i}]: within {terms}·2⁻¹²⁶ of IEEE");
        }
    }

    [Test]
    public void TheCallersModeIsRestoredAfterAnOp()
    {
        using var device = new CpuDevice(3);
        foreach (var (_, _, op) in TinyInputOps(new Random(3))) op(device);
        Assert.That(SubnormalFlush.IsOn, Is.False);
        Assert.That(float.IsSubnormal(Multiply(1e-20f, 1e-20f)), Is.True);
    }

    [Test]
    public void Float64OpsKeepSubnormals()
    {
        using var device = new CpuDevice(3);
        const int n = 96;
        var a = Upload(device, Enumerable.Repeat(1e-160, n * n).ToArray());
        var c = device.Allocate<double>(n * n);
        device.Gemm(false, false, n, n, n, 1.0, a.View, n, a.View, n, 0.0, c.View, n);
        var result = Download(device, c);
        Assert.That(result.All(double.IsSubnormal), Is.True, "96·1e-320 stays a float64 subnormal");
        Assert.That(result[0], Is.EqualTo(n * Multiply(1e-160, 1e-160)).Within(1e-323));
    }

    [Test]
    public void DescriptionSaysWhetherSubnormalsAreFlushed()
    {
        using var flushing = new CpuDevice(1);
        using var ieee = new CpuDevice(1) { FlushesSubnormals = false };
        Assert.That(flushing.Description, Does.Contain("subnormals flushed to 0"));
        Assert.That(ieee.Description, Does.Contain("subnormals kept"));
    }

    /// <summary>Backward-pass ops on inputs that give subnormal float32 results in IEEE arithmetic; each returns its output.</summary>
    private static IEnumerable<(string Name, int Terms, Func<CpuDevice, float[]> Op)> TinyInputOps(Random random)
    {
        // GEMM big enough to fan out: q/k weights ~1e-20 times gradients ~1e-20 (products ~1e-40).
        const int n = 128;
        var tinyA = Uniform(random, n * n, 1e-20, 3e-20);
        var tinyB = Uniform(random, n * n, -3e-20, 3e-20);
        yield return ("Gemm", n, device =>
        {
            var (a, b, c) = (Upload(device, tinyA), Upload(device, tinyB), device.Allocate<float>(n * n));
            device.Gemm(false, true, n, n, n, 1f, a.View, n, b.View, n, 0f, c.View, n);
            return Download(device, c);
        });

        const int count = 1 << 17;
        var x = Uniform(random, count, -2, 2);
        var tinyY = Uniform(random, count, -1e-38, 1e-38);
        yield return ("GeluBackward", 1, device =>
        {
            var (dx, input, dOut) = (device.Allocate<float>(count), Upload(device, x), Upload(device, tinyY));
            device.GeluBackward(dx.View, input.View, dOut.View);
            return Download(device, dx);
        });

        var tinyX = Uniform(random, count, 1e-30, 1e-29);
        yield return ("Axpy", 1, device =>
        {
            var (input, y) = (Upload(device, tinyX), device.Allocate<float>(count));
            device.Axpy(1e-10f, input.View, y.View);
            return Download(device, y);
        });

        // LayerNorm backward of a subnormal upstream gradient (DAZ reads it as 0).
        const int rows = 512, channels = 128;
        var lnX = Uniform(random, rows * channels);
        var weight = Uniform(random, channels, 0.5, 1.5);
        var dOutLn = Uniform(random, rows * channels, -1e-39, 1e-39);
        yield return ("LayerNormBackward", Math.Max(rows, channels), device =>
        {
            var (input, w, bias, output) = (Upload(device, lnX), Upload(device, weight), device.Allocate<float>(channels), device.Allocate<float>(rows * channels));
            var (mean, rstd) = (device.Allocate<float>(rows), device.Allocate<float>(rows));
            device.LayerNormForward(output.View, mean.View, rstd.View, input.View, w.View, bias.View, rows, channels, 1e-5f);
            var (dx, dw, db, dOut) = (device.Allocate<float>(rows * channels), device.Allocate<float>(channels), device.Allocate<float>(channels), Upload(device, dOutLn));
            device.LayerNormBackward(dx.View, dw.View, db.View, dOut.View, input.View, w.View, mean.View, rstd.View, rows, channels);
            return [.. Download(device, dx), .. Download(device, dw), .. Download(device, db)];
        });
    }
}
