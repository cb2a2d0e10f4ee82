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

    private static readonly (int M, int N, int K)[] OddShapes =
    [
        (1, 1, 1), (3, 17, 33), (17, 65, 3), (33, 1, 65), (65, 33, 17), (7, 130, 300), (13, 70, 513), (6, 64, 256),
        (5, 1100, 513), // several panels per task, each over several k blocks
    ];

    private static readonly (float Alpha, float Beta)[] Scalars = [(1f, 0f), (0.5f, 2f), (-1.5f, 1f)];

    [Test]
    public void OddShapesEveryTransposeAlphaBeta([Values] bool transposeA, [Values] bool transposeB)
    {
        using var device = TestData.Threaded();
        foreach (var (m, n, k) in OddShapes)
        {
            foreach (var (alpha, beta) in Scalars)
            {
                var seed = TestData.FreshSeed();
                var (actual, expected) = Compare(device, seed, transposeA, transposeB, m, n, k, alpha, beta);
                TestData.AssertClose(actual, expected, seed, $"{m}×{n}×{k} tA={transposeA} tB={transposeB} α={alpha} β={beta}");
            }
        }
    }

    [Test]
    public void PaddedLeadingDimensionsLeavePaddingAlone([Values] bool transposeA, [Values] bool transposeB)
    {
        using var device = TestData.Threaded();
        var seed = TestData.FreshSeed();
        // The whole C buffer is compared, padding included: the reference never writes it, nor may the fast path.
        var (actual, expected) = Compare(device, seed, transposeA, transposeB, 37, 71, 45, 1.25f, 0.75f, pad: 5);
        TestData.AssertClose(actual, expected, seed, "padded lda/ldb/ldc");
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
    public void BetaZeroOverwritesWithoutReadingC()
    {
        using var device = new CpuDevice(1);
        var seed = TestData.FreshSeed();
        var random = new Random(seed);
        int m = 13, n = 70, k = 20;
        var a = TestData.Uniform(random, m * k);
        var b = TestData.Uniform(random, k * n);
        var expected = new double[m * n];
        NaiveOps.Gemm(false, false, m, n, k, 2.0, TestData.Wide(a), k, TestData.Wide(b), n, 0.0, expected, n, 1, 0, 0, 0);
        using var da = TestData.Upload(device, a);
        using var db = TestData.Upload(device, b);
        using var dc = TestData.Upload(device, Enumerable.Repeat(float.NaN, m * n).ToArray());
        device.Gemm(false, false, m, n, k, 2f, da.View, k, db.View, n, 0f, dc.View, n);
        TestData.AssertClose(TestData.Download(device, dc), expected, seed, "beta = 0 over a NaN-filled C");
    }

    [Test]
    public void EmptyKScalesC()
    {
        using var device = new CpuDevice(1);
        using var a = device.Allocate<float>(1);
        using var b = device.Allocate<float>(1);
        using var c = TestData.Upload(device, new float[] { 1, 2, 3, 4, 5, 6 });
        device.Gemm(false, false, 2, 3, 0, 1f, a.View, 1, b.View, 3, 0.5f, c.View, 3);
        Assert.That(TestData.Download(device, c), Is.EqualTo(new float[] { 0.5f, 1, 1.5f, 2, 2.5f, 3 }));
        device.Gemm(false, false, 2, 3, 0, 1f, a.View, 1, b.View, 3, 0f, c.View, 3);
        Assert.That(TestData.Download(device, c), Is.EqualTo(new float[6]));
    }

    /// <summary>The model's GEMMs: the tied/untied head (PyTorch [V, C] weight) forward and both backward products, and the MLP.</summary>
    private static readonly (string Name, int M, int N, int K, bool TransposeA, bool TransposeB)[] ModelShapes =
    [
        ("head forward x·Wᵀ", 64, 10011, 128, false, true),
        ("head backward dlogits·W", 64, 128, 10011, false, false),
        ("head backward dlogitsᵀ·x", 10011, 128, 64, true, false),
        ("64×128 · 128×512", 64, 512, 128, false, false),
        ("64×512 · 512×128", 64, 128, 512, false, false),
        ("mlp fc x·Wᵀ (C×4C)", 64, 256, 64, false, true),
        ("mlp proj h·Wᵀ (4C×C)", 64, 64, 256, false, true),
    ];

    [Test]
    public void ModelShapesMatchReference()
    {
        using var device = new CpuDevice();
        foreach (var (name, m, n, k, transposeA, transposeB) in ModelShapes)
        {
            var seed = TestData.FreshSeed();
            var (actual, expected) = Compare(device, seed, transposeA, transposeB, m, n, k, 1f, 0f);
            TestData.AssertClose(actual, expected, seed, $"{name} ({m}×{n}×{k})");
        }
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
