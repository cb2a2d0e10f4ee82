namespace Engine.Kernels.Ops;

/// <summary>
/// Strided batched GEMM, row-major: for each batch p, C_p (M×N) = alpha · op(A_p) · op(B_p) + beta · C_p, where
/// op(A) is M×K and op(B) is K×N. A is stored M×K (row stride Lda ≥ K) or, when TransposeA, K×M (Lda ≥ M);
/// likewise B is K×N (Ldb ≥ N) or N×K (Ldb ≥ K); C is M×N (Ldc ≥ N). A_p starts at p·StrideA, and so on.
/// When beta is 0, C is overwritten without being read.
/// </summary>
public readonly record struct GemmArgs<T>(
    bool TransposeA, bool TransposeB, int M, int N, int K,
    T Alpha, BufferView<T> A, int Lda, BufferView<T> B, int Ldb,
    T Beta, BufferView<T> C, int Ldc,
    int BatchCount, int StrideA, int StrideB, int StrideC) where T : unmanaged
{
    /// <summary>True when C has no element to write (the op does nothing).</summary>
    public bool IsEmpty => M == 0 || N == 0 || BatchCount == 0;

    internal void Validate(OpCheck check)
    {
        check.NonNegative(nameof(M), M);
        check.NonNegative(nameof(N), N);
        check.NonNegative(nameof(K), K);
        check.NonNegative(nameof(BatchCount), BatchCount);
        check.NonNegative(nameof(StrideA), StrideA);
        check.NonNegative(nameof(StrideB), StrideB);
        check.NonNegative(nameof(StrideC), StrideC);
        var (rowsA, columnsA) = TransposeA ? (K, M) : (M, K);
        var (rowsB, columnsB) = TransposeB ? (N, K) : (K, N);
        check.LeadingDimension(nameof(Lda), Lda, columnsA);
        check.LeadingDimension(nameof(Ldb), Ldb, columnsB);
        check.LeadingDimension(nameof(Ldc), Ldc, N);
        if (IsEmpty) return;
        check.AtLeast(nameof(A), A, OpCheck.MatrixExtent(BatchCount, StrideA, rowsA, columnsA, Lda));
        check.AtLeast(nameof(B), B, OpCheck.MatrixExtent(BatchCount, StrideB, rowsB, columnsB, Ldb));
        check.AtLeast(nameof(C), C, OpCheck.MatrixExtent(BatchCount, StrideC, M, N, Ldc));
    }
}
