using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

using Engine.Kernels.Cpu;

namespace Engine.Kernels.Ops;

// Legend: kc rows of op(B) in the k block, cols columns of op(B) in the column block, NR the sliver width.

/// <summary>
/// Packs a kc×cols block of op(B) into slivers B̃[s] of kc rows × NR contiguous floats (zero beyond the
/// last column), the layout the micro-kernels stream with aligned vector loads. op(B) is B stored k×n, or
/// Bᵀ when B is stored n×k (the PyTorch [V, C] weight layout of the head), which is transposed in 16×16
/// register blocks with AVX-512 permutes.
/// </summary>
internal static unsafe class GemmPacking
{
    /// <param name="transposeB">B is stored n×k (element (p, j) at b[j·ldb + p]).</param>
    /// <param name="b">B at its first element.</param>
    /// <param name="ldb">Row stride of B as stored.</param>
    /// <param name="p0">First k row of the block.</param>
    /// <param name="kc">Rows of the block.</param>
    /// <param name="j0">First column of the block.</param>
    /// <param name="cols">Columns of the block.</param>
    /// <param name="nr">Sliver width.</param>
    /// <param name="packed">Destination, ceil(cols/nr) slivers of (kc, nr), 64-byte aligned.</param>
    public static void PackB(bool transposeB, float* b, nint ldb, int p0, int kc, int j0, int cols, int nr, float* packed)
    {
        if (transposeB) PackTransposed(b, ldb, p0, kc, j0, cols, nr, packed);
        else PackRows(b, ldb, p0, kc, j0, cols, nr, packed);
    }

    /// <summary>B stored k×n: each sliver row is a contiguous copy, read row by row so B streams in order.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void PackRows(float* b, nint ldb, int p0, int kc, int j0, int cols, int nr, float* packed)
    {
        var slivers = (cols + nr - 1) / nr;
        var sliverSize = (nint)kc * nr;
        for (var p = 0; p < kc; p++)
        {
            var source = b + (p0 + p) * ldb + j0;
            var destination = packed + p * nr;
            for (var s = 0; s < slivers; s++)
            {
                var width = Math.Min(nr, cols - s * nr);
                CopyPadded(source + s * nr, destination + s * sliverSize, width, nr);
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void CopyPadded(float* source, float* destination, int width, int nr)
    {
        var j = 0;
        if (width == nr)
        {
            if (Vector512.IsHardwareAccelerated)
            {
                for (; j + 16 <= width; j += 16) Vector512.Store(Vector512.Load(source + j), destination + j);
            }
            else if (Vector256.IsHardwareAccelerated)
            {
                for (; j + 8 <= width; j += 8) Vector256.Store(Vector256.Load(source + j), destination + j);
            }
        }
        for (; j < width; j++) destination[j] = source[j];
        for (; j < nr; j++) destination[j] = 0f;
    }

    /// <summary>B stored n×k: 16 rows of B (16 columns of op(B)) × 16 k values at a time are transposed in registers.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void PackTransposed(float* b, nint ldb, int p0, int kc, int j0, int cols, int nr, float* packed)
    {
        var slivers = (cols + nr - 1) / nr;
        var sliverSize = (nint)kc * nr;
        var blocks = Avx512F.IsSupported && nr % 16 == 0;
        for (var s = 0; s < slivers; s++)
        {
            var sliver = packed + s * sliverSize;
            for (var g = 0; g < nr; g += blocks ? 16 : nr)
            {
                var width = blocks ? 16 : nr;
                var first = s * nr + g;
                var valid = Math.Clamp(cols - first, 0, width);
                var p = 0;
                if (blocks && valid == 16)
                {
                    var source = b + (j0 + first) * ldb + p0;
                    // The next 16 rows, one 16×16 block behind: each step prefetches the lines the same
                    // step of the next group will read, a whole group (~kc·6 cycles) ahead of use.
                    var next = cols - first - 16 >= 16 ? source + 16 * ldb : null;
                    for (; p + 16 <= kc; p += 16)
                    {
                        if (next != null)
                        {
                            for (var r = 0; r < 16; r++) Sse.Prefetch0(next + r * ldb + p);
                        }
                        Transpose16x16(source + p, ldb, sliver + p * nr + g, nr);
                    }
                }
                // Tails (short k, the last partial group of columns, no AVX-512): element by element,
                // reading each stored row of B contiguously.
                for (var j = 0; j < width; j++)
                {
                    var column = sliver + g + j;
                    if (j < valid)
                    {
                        var source = b + (j0 + first + j) * ldb + p0;
                        for (var q = p; q < kc; q++) column[q * nr] = source[q];
                    }
                    else
                    {
                        for (var q = p; q < kc; q++) column[q * nr] = 0f;
                    }
                }
            }
        }
    }

    /// <summary>
    /// Packs rows [i0, i0+rows) × k [p0, p0+kc) of op(A) = Aᵀ (A stored k×m) into MR-row slivers:
    /// element (i0 + q·mr + r, p0 + p) at packed[q·kc·mr + p·mr + r]. Each k row of A is read contiguously.
    /// Entries past the last valid row of the final sliver are left unset: the kernel never reads them.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void PackTransposedA(float* a, nint lda, int p0, int kc, int i0, int rows, int mr, float* packed)
    {
        var slivers = (rows + mr - 1) / mr;
        var sliverSize = (nint)kc * mr;
        for (var p = 0; p < kc; p++)
        {
            var source = a + (p0 + p) * lda + i0;
            var destination = packed + p * mr;
            for (var q = 0; q < slivers; q++)
            {
                var count = Math.Min(mr, rows - q * mr);
                var from = source + q * mr;
                var to = destination + q * sliverSize;
                if (count == 6)
                {
                    // The 6-row sliver of the AVX kernels: two moves (4 + 2 floats) instead of six.
                    Vector128.Store(Vector128.Load(from), to);
                    *(long*)(to + 4) = *(long*)(from + 4);
                    continue;
                }
                for (var r = 0; r < count; r++) to[r] = from[r];
            }
        }
    }

    // Index vectors of the 4 butterfly stages of a 16×16 transpose (distance d = 8, 4, 2, 1). Stage d pairs
    // rows i and i+d; with j's block bj = j/d the new row i takes the even d-blocks of both rows interleaved
    // (X) and row i+d the odd ones (Y). Indices ≥ 16 select from the second row.
    private static readonly Vector512<int> X8 = StageIndices(8, false), Y8 = StageIndices(8, true);
    private static readonly Vector512<int> X4 = StageIndices(4, false), Y4 = StageIndices(4, true);
    private static readonly Vector512<int> X2 = StageIndices(2, false), Y2 = StageIndices(2, true);
    private static readonly Vector512<int> X1 = StageIndices(1, false), Y1 = StageIndices(1, true);

    private static Vector512<int> StageIndices(int d, bool odd)
    {
        Span<int> indices = stackalloc int[16];
        for (var j = 0; j < 16; j++)
        {
            var evenBlock = j / d % 2 == 0;
            indices[j] = (odd, evenBlock) switch
            {
                (false, true) => j,
                (false, false) => 16 + j - d,
                (true, true) => j + d,
                (true, false) => 16 + j,
            };
        }
        return Vector512.Create((ReadOnlySpan<int>)indices);
    }

    /// <summary>destination[q·dStride + r] = source[r·sStride + q] for a 16×16 block.</summary>
    /// <remarks>Fully unrolled so the 16 rows stay in zmm registers: 16 loads, 64 permutes, 16 stores.</remarks>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Transpose16x16(float* source, nint sourceStride, float* destination, nint destinationStride)
    {
        Vector512<int> x8 = X8, y8 = Y8, x4 = X4, y4 = Y4, x2 = X2, y2 = Y2, x1 = X1, y1 = Y1;
        var r0 = Vector512.Load(source);
        var r1 = Vector512.Load(source + 1 * sourceStride);
        var r2 = Vector512.Load(source + 2 * sourceStride);
        var r3 = Vector512.Load(source + 3 * sourceStride);
        var r4 = Vector512.Load(source + 4 * sourceStride);
        var r5 = Vector512.Load(source + 5 * sourceStride);
        var r6 = Vector512.Load(source + 6 * sourceStride);
        var r7 = Vector512.Load(source + 7 * sourceStride);
        var r8 = Vector512.Load(source + 8 * sourceStride);
        var r9 = Vector512.Load(source + 9 * sourceStride);
        var r10 = Vector512.Load(source + 10 * sourceStride);
        var r11 = Vector512.Load(source + 11 * sourceStride);
        var r12 = Vector512.Load(source + 12 * sourceStride);
        var r13 = Vector512.Load(source + 13 * sourceStride);
        var r14 = Vector512.Load(source + 14 * sourceStride);
        var r15 = Vector512.Load(source + 15 * sourceStride);
        // distance 8
        (r0, r8) = (Avx512F.PermuteVar16x32x2(r0, x8, r8), Avx512F.PermuteVar16x32x2(r0, y8, r8));
        (r1, r9) = (Avx512F.PermuteVar16x32x2(r1, x8, r9), Avx512F.PermuteVar16x32x2(r1, y8, r9));
        (r2, r10) = (Avx512F.PermuteVar16x32x2(r2, x8, r10), Avx512F.PermuteVar16x32x2(r2, y8, r10));
        (r3, r11) = (Avx512F.PermuteVar16x32x2(r3, x8, r11), Avx512F.PermuteVar16x32x2(r3, y8, r11));
        (r4, r12) = (Avx512F.PermuteVar16x32x2(r4, x8, r12), Avx512F.PermuteVar16x32x2(r4, y8, r12));
        (r5, r13) = (Avx512F.PermuteVar16x32x2(r5, x8, r13), Avx512F.PermuteVar16x32x2(r5, y8, r13));
        (r6, r14) = (Avx512F.PermuteVar16x32x2(r6, x8, r14), Avx512F.PermuteVar16x32x2(r6, y8, r14));
        (r7, r15) = (Avx512F.PermuteVar16x32x2(r7, x8, r15), Avx512F.PermuteVar16x32x2(r7, y8, r15));
        // distance 4
        (r0, r4) = (Avx512F.PermuteVar16x32x2(r0, x4, r4), Avx512F.PermuteVar16x32x2(r0, y4, r4));
        (r1, r5) = (Avx512F.PermuteVar16x32x2(r1, x4, r5), Avx512F.PermuteVar16x32x2(r1, y4, r5));
        (r2, r6) = (Avx512F.PermuteVar16x32x2(r2, x4, r6), Avx512F.PermuteVar16x32x2(r2, y4, r6));
        (r3, r7) = (Avx512F.PermuteVar16x32x2(r3, x4, r7), Avx512F.PermuteVar16x32x2(r3, y4, r7));
        (r8, r12) = (Avx512F.PermuteVar16x32x2(r8, x4, r12), Avx512F.PermuteVar16x32x2(r8, y4, r12));
        (r9, r13) = (Avx512F.PermuteVar16x32x2(r9, x4, r13), Avx512F.PermuteVar16x32x2(r9, y4, r13));
        (r10, r14) = (Avx512F.PermuteVar16x32x2(r10, x4, r14), Avx512F.PermuteVar16x32x2(r10, y4, r14));
        (r11, r15) = (Avx512F.PermuteVar16x32x2(r11, x4, r15), Avx512F.PermuteVar16x32x2(r11, y4, r15));
        // distance 2
        (r0, r2) = (Avx512F.PermuteVar16x32x2(r0, x2, r2), Avx512F.PermuteVar16x32x2(r0, y2, r2));
        (r1, r3) = (Avx512F.PermuteVar16x32x2(r1, x2, r3), Avx512F.PermuteVar16x32x2(r1, y2, r3));
        (r4, r6) = (Avx512F.PermuteVar16x32x2(r4, x2, r6), Avx512F.PermuteVar16x32x2(r4, y2, r6));
        (r5, r7) = (Avx512F.PermuteVar16x32x2(r5, x2, r7), Avx512F.PermuteVar16x32x2(r5, y2, r7));
        (r8, r10) = (Avx512F.PermuteVar16x32x2(r8, x2, r10), Avx512F.PermuteVar16x32x2(r8, y2, r10));
        (r9, r11) = (Avx512F.PermuteVar16x32x2(r9, x2, r11), Avx512F.PermuteVar16x32x2(r9, y2, r11));
        (r12, r14) = (Avx512F.PermuteVar16x32x2(r12, x2, r14), Avx512F.PermuteVar16x32x2(r12, y2, r14));
        (r13, r15) = (Avx512F.PermuteVar16x32x2(r13, x2, r15), Avx512F.PermuteVar16x32x2(r13, y2, r15));
        // distance 1
        (r0, r1) = (Avx512F.PermuteVar16x32x2(r0, x1, r1), Avx512F.PermuteVar16x32x2(r0, y1, r1));
        (r2, r3) = (Avx512F.PermuteVar16x32x2(r2, x1, r3), Avx512F.PermuteVar16x32x2(r2, y1, r3));
        (r4, r5) = (Avx512F.PermuteVar16x32x2(r4, x1, r5), Avx512F.PermuteVar16x32x2(r4, y1, r5));
        (r6, r7) = (Avx512F.PermuteVar16x32x2(r6, x1, r7), Avx512F.PermuteVar16x32x2(r6, y1, r7));
        (r8, r9) = (Avx512F.PermuteVar16x32x2(r8, x1, r9), Avx512F.PermuteVar16x32x2(r8, y1, r9));
        (r10, r11) = (Avx512F.PermuteVar16x32x2(r10, x1, r11), Avx512F.PermuteVar16x32x2(r10, y1, r11));
        (r12, r13) = (Avx512F.PermuteVar16x32x2(r12, x1, r13), Avx512F.PermuteVar16x32x2(r12, y1, r13));
        (r14, r15) = (Avx512F.PermuteVar16x32x2(r14, x1, r15), Avx512F.PermuteVar16x32x2(r14, y1, r15));
        Vector512.Store(r0, destination);
        Vector512.Store(r1, destination + 1 * destinationStride);
        Vector512.Store(r2, destination + 2 * destinationStride);
        Vector512.Store(r3, destination + 3 * destinationStride);
        Vector512.Store(r4, destination + 4 * destinationStride);
        Vector512.Store(r5, destination + 5 * destinationStride);
        Vector512.Store(r6, destination + 6 * destinationStride);
        Vector512.Store(r7, destination + 7 * destinationStride);
        Vector512.Store(r8, destination + 8 * destinationStride);
        Vector512.Store(r9, destination + 9 * destinationStride);
        Vector512.Store(r10, destination + 10 * destinationStride);
        Vector512.Store(r11, destination + 11 * destinationStride);
        Vector512.Store(r12, destination + 12 * destinationStride);
        Vector512.Store(r13, destination + 13 * destinationStride);
        Vector512.Store(r14, destination + 14 * destinationStride);
        Vector512.Store(r15, destination + 15 * destinationStride);
    }
}
