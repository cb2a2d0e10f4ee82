using Engine.Kernels.Ops;
using Engine.Kernels.Cpu;
using NUnit.Framework;
using static Engine.Kernels.Tests.Parity.ParityMath;

namespace Engine.Kernels.Tests.Parity;

/// <summary>
/// GEMM. Legend: M, N, K sizes; P batches; lda/ldb/ldc leading dimensions (padded past the minimum to catch
/// stride mix-ups); strides between batches (padded too). Beta = 0 cases start C as NaN: C must be
/// overwritten without being read.
/// </summary>
public abstract partial class DeviceParitySuite
{
    private static IEnumerable<TestCaseData> GemmShapes()
    {
        // Odd sizes: edge tiles in every dimension, all four transpose combinations, alpha/beta both ways.
        foreach (var (ta, tb) in new[] { (false, false), (true, false), (false, true), (true, true) })
        {
            yield return Case(ta, tb, 37, 29, 53, 1, 3, 0.75f, 0f);
            yield return Case(ta, tb, 37, 29, 53, 3, 2, -1.25f, 0.5f);
        }
        // Large tile (both sizes ≥ 128 and enough tiles), batched; aligned strides take the float4 tile loads.
        yield return Case(false, true, 300, 260, 70, 2, 1, 1f, 0f);
        yield return Case(false, false, 256, 384, 96, 2, 4, 1f, 0.5f);
        yield return Case(true, true, 130, 132, 44, 1, 4, 2f, 0f);
        yield return Case(true, false, 257, 131, 33, 1, 0, 1f, 1f);
        // The model's shapes (batch 64 × 3 tokens, width 128, V = 10011): qkv, MLP, head forward and backward.
        yield return Case(false, true, 192, 384, 128, 1, 0, 1f, 0f, "qkv forward 192×384×128");
        yield return Case(false, true, 192, 512, 128, 1, 0, 1f, 0f, "mlp forward 192×512×128");
        yield return Case(true, false, 512, 128, 192, 1, 0, 1f, 1f, "mlp dW 512×128×192");
        yield return Case(false, true, 64, 10011, 128, 1, 0, 1f, 0f, "head forward 64×10011×128");
        yield return Case(true, false, 10011, 128, 64, 1, 0, 1f, 1f, "head dW 10011×128×64");
        yield return Case(false, false, 64, 128, 10011, 1, 0, 1f, 1f, "head dX 64×128×10011 (split K)");

        static TestCaseData Case(bool ta, bool tb, int m, int n, int k, int batch, int pad, float alpha, float beta, string? label = null)
            => label is not null
                ? new TestCaseData(ta, tb, m, n, k, batch, pad, alpha, beta).SetArgDisplayNames(label)
                : new TestCaseData(ta, tb, m, n, k, batch, pad, alpha, beta)
                    .SetArgDisplayNames($"{(ta ? "T" : "N")}{(tb ? "T" : "N")}", $"{m}×{n}×{k}", $"batch {batch}", $"pad {pad}", $"α {alpha}", $"β {beta}");
    }

    [TestCaseSource(nameof(GemmShapes))]
    public void GemmMatchesFloat64(bool transposeA, bool transposeB, int m, int n, int k, int batch, int pad, float alpha, float beta)
    {
        var (aRows, aColumns) = transposeA ? (k, m) : (m, k);
        var (bRows, bColumns) = transposeB ? (n, k) : (k, n);
        var (lda, ldb, ldc) = (aColumns + pad, bColumns + pad, n + pad);
        // Strides keep the alignment of the padding: pad 4 (or 0) gives float4-aligned batches, other pads do not.
        var extra = pad % 4 == 0 ? 4 : 5;
        var (strideA, strideB, strideC) = batch == 1 ? (0, 0, 0) : (aRows * lda + extra, bRows * ldb + extra, m * ldc + 3);
        var a = Random((batch - 1) * strideA + aRows * lda, 11);
        var b = Random((batch - 1) * strideB + bRows * ldb, 12);
        var c = beta == 0 ? Enumerable.Repeat(float.NaN, (batch - 1) * strideC + m * ldc).ToArray() : Random((batch - 1) * strideC + m * ldc, 13);
        var expected = ToDouble(c);
        NaiveOps.Gemm<double>(transposeA, transposeB, m, n, k, alpha, ToDouble(a), lda, ToDouble(b), ldb, beta, expected, ldc,
            batch, strideA, strideB, strideC);
        // Padding elements of C are never written, so they must come back as they went in (NaN included).
        var inside = InsideC(m, n, ldc, batch, strideC, c.Length);
        var tolerance = k > 1000 ? Long : Tight;
        Check($"Gemm {(transposeA ? "T" : "N")}{(transposeB ? "T" : "N")} {m}×{n}×{k} batch {batch}", tolerance,
            Select(expected, inside), () =>
            {
                var (aBuffer, bBuffer, cBuffer) = (Upload(a), Upload(b), Upload(c));
                Device.Gemm(transposeA, transposeB, m, n, k, alpha, aBuffer.View, lda, bBuffer.View, ldb, beta, cBuffer.View, ldc,
                    batch, strideA, strideB, strideC);
                var result = Download(cBuffer.View);
                for (var i = 0; i < c.Length; i++)
                {
                    if (!inside[i] && BitConverter.SingleToInt32Bits(result[i]) != BitConverter.SingleToInt32Bits(c[i]))
                        Assert.Fail($"C[{i}] outside the matrices was written");
                }
                return Select(result, inside);
            });
    }

    private static bool[] InsideC(int m, int n, int ldc, int batch, int strideC, int length)
    {
        var inside = new bool[length];
        for (var p = 0; p < batch; p++)
            for (var i = 0; i < m; i++)
                for (var j = 0; j < n; j++)
                    inside[p * strideC + i * ldc + j] = true;
        return inside;
    }

    private static T[] Select<T>(T[] values, bool[] keep) => values.Where((_, i) => keep[i]).ToArray();
}
