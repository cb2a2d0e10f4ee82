using Engine.Kernels.Ops;
using Engine.Kernels.Cpu;
using NUnit.Framework;

namespace Engine.Kernels.Tests.Cpu;

// Legend: C (m×n) = alpha·op(A) (m×k)·op(B) (k×n) + beta·C; V = 10011 vocabulary, B·T = 64 rows.

/// <summary>
/// The float32 GEMM fast path against <see cref="NaiveOps.Gemm{T}"/> in float64: every transpose
/// combination, odd and edge-tile sizes, padded leading dimensions, alpha/beta, strided batches, the model's
/// real shapes, each micro-kernel, and bit-for-bit determinism.
/// </summary>
[TestFixture]
[Category("CpuKernels")]
public sealed class CpuGemmTests
{
    /// <summary>One GEMM on random data through a device and through the reference; returns both C buffers.</summary>
    private static (float[] Actual, double[] Expected) Compare(CpuDevice device, int seed,
        bool transposeA, bool transposeB, int m, int n, int k, float alpha, float beta,
        int pad = 0, int batch = 1, bool shareB = false, bool shareC = false, bool reference = true)
    {
        var random = new Random(seed);
        var (rowsA, columnsA) = transposeA ? (k, m) : (m, k);
        var (rowsB, columnsB) = transposeB ? (n, k) : (k, n);
        int lda = columnsA + pad, ldb = columnsB + pad, ldc = n + pad;
        // Batches sit a few elements apart beyond their extent, so a stride error shows.
        var strideA = rowsA * lda + 3;
        var strideB = shareB ? 0 : rowsB * ldb + 5;
        var strideC = shareC ? 0 : m * ldc + 7;
        var a = TestData.Uniform(random, Math.Max(1, (batch - 1) * strideA + rowsA * lda));
        var b = TestData.Uniform(random, Math.Max(1, (batch - 1) * strideB + rowsB * ldb));
        var c = TestData.Uniform(random, Math.Max(1, (batch - 1) * strideC + m * ldc));

        var expected = TestData.Wide(c);
        if (reference) NaiveOps.Gemm(transposeA, transposeB, m, n, k, (double)alpha, TestData.Wide(a), lda, TestData.Wide(b), ldb,
            (double)beta, expected, ldc, batch, strideA, strideB, strideC);

        using var da = TestData.Upload(device, a);
        using var db = TestData.Upload(device, b);
        using var dc = TestData.Upload(device, c);
        device.Gemm(transposeA, transposeB, m, n, k, alpha, da.View, lda, db.View, ldb, beta, dc.View, ldc,
            batch, strideA, strideB, strideC);
        return (TestData.Download(device, dc), expected);
    }

    [Test]
    public void StridedBatches([Values] bool transposeA, [Values] bool transposeB)
    {
        using var device = TestData.Threaded();
        var seed = TestData.FreshSeed();
        var (actual, expected) = Compare(device, seed, transposeA, transposeB, 9, 23, 31, 1f, 0.5f, pad: 2, batch: 4);
        TestData.AssertClose(actual, expected, seed, "4 strided batches");

        seed = TestData.FreshSeed();
        (actual, expected) = Compare(device, seed, transposeA, transposeB, 20, 70, 16, 1f, 0f, batch: 3, shareB: true);
        TestData.AssertClose(actual, expected, seed, "batches sharing B (strideB = 0)");
    }

    [Test]
    public void BatchesSharingCAccumulateInOrder()
    {
        // strideC = 0 with beta = 1: every batch adds into the same C, as the reference's batch loop does.
        using var device = TestData.Threaded();
        var seed = TestData.FreshSeed();
        var (actual, expected) = Compare(device, seed, false, true, 40, 90, 50, 1f, 1f, batch: 3, shareC: true);
        TestData.AssertClose(actual, expected, seed, "batches sharing C (strideC = 0)");
    }

    [Test]
    public void EveryMicroKernelMatchesReference([Values("Avx512", "Avx2", "Scalar")] string kernelName)
    {
        var kernel = Enum.Parse<CpuGemmKernel>(kernelName);
        var supported = kernel switch
        {
            CpuGemmKernel.Avx512 => GemmKernelAvx512.IsSupported,
            CpuGemmKernel.Avx2 => GemmKernelAvx2.IsSupported,
            _ => true,
        };
        if (!supported) Assert.Ignore($"skipped: the {kernel} kernel needs SIMD this processor lacks");
        using var device = new CpuDevice(2) { GemmKernel = kernel };
        var cases =
            from transposeA in new[] { false, true }
            from transposeB in new[] { false, true }
            from shape in new[] { (M: 1, N: 1, K: 1), (M: 7, N: 19, K: 300), (M: 25, N: 130, K: 17) }
            select (transposeA, transposeB, shape);
        foreach (var (transposeA, transposeB, (m, n, k)) in cases)
        {
            var seed = TestData.FreshSeed();
            var (actual, expected) = Compare(device, seed, transposeA, transposeB, m, n, k, 0.75f, -0.5f, pad: 1);
            TestData.AssertClose(actual, expected, seed, $"{kernel} {m}×{n}×{k} tA={transposeA} tB={transposeB}");
        }
    }

    [Test]
    public void SameGemmTwiceIsBitIdenticalForAnyThreadCount([Values] bool transposeB)
    {
        var seed = TestData.FreshSeed();
        float[] Run(CpuDevice device) => Compare(device, seed, false, transposeB, 150, 700, 600, 1f, 0.5f, reference: false).Actual;
        using var one = new CpuDevice(1);
        using var two = new CpuDevice(2);
        using var five = new CpuDevice(5);
        var first = Run(two);
        Assert.That(Run(two), Is.EqualTo(first), $"seed {seed}: two runs on 2 threads differ");
        // Stronger than asked: the k order of every element is fixed by k alone, so thread count does not matter.
        Assert.That(Run(one), Is.EqualTo(first), $"seed {seed}: 1 thread differs from 2");
        Assert.That(Run(five), Is.EqualTo(first), $"seed {seed}: 5 threads differ from 2");
    }

    [Test]
    public void SingleThreadGemmAllocatesNothingOnceWarm()
    {
        using var device = new CpuDevice(1);
        using var a = device.Allocate<float>(64 * 300);
        using var b = device.Allocate<float>(300 * 500);
        using var c = device.Allocate<float>(64 * 500);
        void Call() => device.Gemm(false, true, 64, 500, 300, 1f, a.View, 300, b.View, 300, 0f, c.View, 500);
        Call();
        var before = GC.GetAllocatedBytesForCurrentThread();
        Call();
        Assert.That(GC.GetAllocatedBytesForCurrentThread() - before, Is.Zero);
    }
}
