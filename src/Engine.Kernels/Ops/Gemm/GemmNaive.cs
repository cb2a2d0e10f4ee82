using System.Numerics;

namespace Engine.Kernels.Ops;

// The naive float64 loops of this family (see NaiveOps.cs).
public static partial class NaiveOps
{
    public static void Gemm<T>(
        bool transposeA, bool transposeB, int m, int n, int k,
        T alpha, ReadOnlySpan<T> a, int lda, ReadOnlySpan<T> b, int ldb,
        T beta, Span<T> c, int ldc, int batchCount, int strideA, int strideB, int strideC)
        where T : IFloatingPointIeee754<T>
    {
        for (var p = 0; p < batchCount; p++)
        {
            var ap = a[(p * strideA)..];
            var bp = b[(p * strideB)..];
            var cp = c[(p * strideC)..];
            for (var i = 0; i < m; i++)
            {
                for (var j = 0; j < n; j++)
                {
                    var sum = 0.0;
                    for (var l = 0; l < k; l++)
                    {
                        var aij = transposeA ? ap[l * lda + i] : ap[i * lda + l];
                        var blj = transposeB ? bp[j * ldb + l] : bp[l * ldb + j];
                        sum += D(aij) * D(blj);
                    }
                    var old = D(beta) == 0 ? 0.0 : D(beta) * D(cp[i * ldc + j]);
                    cp[i * ldc + j] = F<T>(D(alpha) * sum + old);
                }
            }
        }
    }
}
