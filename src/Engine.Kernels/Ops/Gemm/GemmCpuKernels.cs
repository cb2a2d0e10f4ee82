using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

using Engine.Kernels.Cpu;

namespace Engine.Kernels.Ops;

// Legend: MR×NR the register tile of C, kc the length of the k block, A the left operand read in place
// (row r, step p at a + r·rowStep + p·kStep), B̃ a packed sliver of B (kc rows of NR contiguous floats).

/// <summary>
/// A GEMM micro-kernel: computes one MR×NR tile acc = Σ_p A(r, p)·B̃(p, j) over a k block entirely in
/// registers, then merges it into C: C = alpha·acc when beta is 0 (C is not read), else
/// C = fma(alpha, acc, beta·C). Rows ≥ mr and columns ≥ nr are computed but not stored (edge tiles).
/// </summary>
internal unsafe interface IGemmKernel
{
    /// <summary>Rows of the register tile (broadcast values of A per k step).</summary>
    static abstract int MR { get; }

    /// <summary>Columns of the register tile (the width of a packed B sliver).</summary>
    static abstract int NR { get; }

    /// <summary>Whether the hardware runs this kernel natively.</summary>
    static abstract bool IsSupported { get; }

    /// <param name="kc">k steps.</param>
    /// <param name="a">A at (row 0 of the tile, first k of the block).</param>
    /// <param name="rowStep">Elements between rows of A.</param>
    /// <param name="kStep">Elements between consecutive k of A.</param>
    /// <param name="packedB">The B̃ sliver, (kc, NR).</param>
    /// <param name="c">C at the tile's top-left element.</param>
    /// <param name="ldc">Row stride of C.</param>
    /// <param name="mr">Valid rows (1..MR); A rows beyond it are clamped to the last valid one.</param>
    /// <param name="nr">Valid columns (1..NR).</param>
    /// <param name="alpha">Scale of the product.</param>
    /// <param name="beta">Scale of the old C; 0 means C is overwritten without being read.</param>
    /// <param name="edge">Scratch of MR·NR floats (the scalar kernel's accumulators).</param>
    static abstract void Tile(int kc, float* a, nint rowStep, nint kStep, float* packedB,
        float* c, nint ldc, int mr, int nr, float alpha, float beta, float* edge);
}

// Kernels are marked AggressiveOptimization: a GEMM calls them millions of times within its first call,
// long before tiered compilation would promote them from unoptimised tier-0 code.

/// <summary>The scalar kernel's merge: a tile held in scratch into C, element by element.</summary>
internal static unsafe class GemmEdge
{
    /// <summary>C[r, j] = alpha·tile[r, j] (+ beta·C[r, j]) for r &lt; mr, j &lt; nr; the same rounding as the vector merge.</summary>
    public static void Merge(float* tile, int tileWidth, float* c, nint ldc, int mr, int nr, float alpha, float beta)
    {
        for (var r = 0; r < mr; r++)
        {
            var row = c + r * ldc;
            var acc = tile + r * tileWidth;
            for (var j = 0; j < nr; j++)
                row[j] = beta == 0f ? alpha * acc[j] : MathF.FusedMultiplyAdd(acc[j], alpha, beta * row[j]);
        }
    }
}

/// <summary>
/// AVX-512 kernel, 6×64: 24 zmm accumulators, 4 zmm loads of B̃ and 6 broadcasts of A per k step
/// (24 FMAs for 10 loads, so the FMA pipes stay the bottleneck). Uses 29 of the 32 zmm registers.
/// </summary>
internal unsafe struct GemmKernelAvx512 : IGemmKernel
{
    public static int MR => 6;
    public static int NR => 64;
    public static bool IsSupported => Vector512.IsHardwareAccelerated && Avx512F.IsSupported;

    [SkipLocalsInit]
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Tile(int kc, float* a, nint rowStep, nint kStep, float* packedB,
        float* c, nint ldc, int mr, int nr, float alpha, float beta, float* edge)
    {
        // Rows past the edge re-read the last valid row: always valid memory, results dropped.
        var a0 = a;
        var a1 = a + Math.Min(1, mr - 1) * rowStep;
        var a2 = a + Math.Min(2, mr - 1) * rowStep;
        var a3 = a + Math.Min(3, mr - 1) * rowStep;
        var a4 = a + Math.Min(4, mr - 1) * rowStep;
        var a5 = a + Math.Min(5, mr - 1) * rowStep;

        Vector512<float> c00 = default, c01 = default, c02 = default, c03 = default;
        Vector512<float> c10 = default, c11 = default, c12 = default, c13 = default;
        Vector512<float> c20 = default, c21 = default, c22 = default, c23 = default;
        Vector512<float> c30 = default, c31 = default, c32 = default, c33 = default;
        Vector512<float> c40 = default, c41 = default, c42 = default, c43 = default;
        Vector512<float> c50 = default, c51 = default, c52 = default, c53 = default;

        var b = packedB;
        nint offset = 0;
        for (var p = 0; p < kc; p++)
        {
            var b0 = Vector512.LoadAligned(b);
            var b1 = Vector512.LoadAligned(b + 16);
            var b2 = Vector512.LoadAligned(b + 32);
            var b3 = Vector512.LoadAligned(b + 48);

            var x = Vector512.Create(a0[offset]);
            c00 = Vector512.FusedMultiplyAdd(x, b0, c00);
            c01 = Vector512.FusedMultiplyAdd(x, b1, c01);
            c02 = Vector512.FusedMultiplyAdd(x, b2, c02);
            c03 = Vector512.FusedMultiplyAdd(x, b3, c03);
            x = Vector512.Create(a1[offset]);
            c10 = Vector512.FusedMultiplyAdd(x, b0, c10);
            c11 = Vector512.FusedMultiplyAdd(x, b1, c11);
            c12 = Vector512.FusedMultiplyAdd(x, b2, c12);
            c13 = Vector512.FusedMultiplyAdd(x, b3, c13);
            x = Vector512.Create(a2[offset]);
            c20 = Vector512.FusedMultiplyAdd(x, b0, c20);
            c21 = Vector512.FusedMultiplyAdd(x, b1, c21);
            c22 = Vector512.FusedMultiplyAdd(x, b2, c22);
            c23 = Vector512.FusedMultiplyAdd(x, b3, c23);
            x = Vector512.Create(a3[offset]);
            c30 = Vector512.FusedMultiplyAdd(x, b0, c30);
            c31 = Vector512.FusedMultiplyAdd(x, b1, c31);
            c32 = Vector512.FusedMultiplyAdd(x, b2, c32);
            c33 = Vector512.FusedMultiplyAdd(x, b3, c33);
            x = Vector512.Create(a4[offset]);
            c40 = Vector512.FusedMultiplyAdd(x, b0, c40);
            c41 = Vector512.FusedMultiplyAdd(x, b1, c41);
            c42 = Vector512.FusedMultiplyAdd(x, b2, c42);
            c43 = Vector512.FusedMultiplyAdd(x, b3, c43);
            x = Vector512.Create(a5[offset]);
            c50 = Vector512.FusedMultiplyAdd(x, b0, c50);
            c51 = Vector512.FusedMultiplyAdd(x, b1, c51);
            c52 = Vector512.FusedMultiplyAdd(x, b2, c52);
            c53 = Vector512.FusedMultiplyAdd(x, b3, c53);

            offset += kStep;
            b += 64;
        }

        var va = Vector512.Create(alpha);
        var vb = Vector512.Create(beta);
        if (mr == 6 && nr == 64)
        {
            Merge(c, c00, c01, c02, c03, va, vb);
            Merge(c + ldc, c10, c11, c12, c13, va, vb);
            Merge(c + 2 * ldc, c20, c21, c22, c23, va, vb);
            Merge(c + 3 * ldc, c30, c31, c32, c33, va, vb);
            Merge(c + 4 * ldc, c40, c41, c42, c43, va, vb);
            Merge(c + 5 * ldc, c50, c51, c52, c53, va, vb);
            return;
        }
        // Edge tile: masked loads/stores straight from the registers. Spilling the tile to scratch and merging
        // it with scalar loads cost about as much as a k block per edge tile (64×2048×128 ran at 78 instead of
        // 112 GFLOP/s), most likely store-to-load forwarding stalls on the 64-byte spills.
        var lanes = Vector512<int>.Indices;
        var width = Vector512.Create(nr);
        var m0 = Vector512.LessThan(lanes, width).AsSingle();
        var m1 = Vector512.LessThan(lanes + Vector512.Create(16), width).AsSingle();
        var m2 = Vector512.LessThan(lanes + Vector512.Create(32), width).AsSingle();
        var m3 = Vector512.LessThan(lanes + Vector512.Create(48), width).AsSingle();
        MergeMasked(c, c00, c01, c02, c03, va, vb, m0, m1, m2, m3);
        if (mr > 1) MergeMasked(c + ldc, c10, c11, c12, c13, va, vb, m0, m1, m2, m3);
        if (mr > 2) MergeMasked(c + 2 * ldc, c20, c21, c22, c23, va, vb, m0, m1, m2, m3);
        if (mr > 3) MergeMasked(c + 3 * ldc, c30, c31, c32, c33, va, vb, m0, m1, m2, m3);
        if (mr > 4) MergeMasked(c + 4 * ldc, c40, c41, c42, c43, va, vb, m0, m1, m2, m3);
        if (mr > 5) MergeMasked(c + 5 * ldc, c50, c51, c52, c53, va, vb, m0, m1, m2, m3);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void MergeMasked(float* row, Vector512<float> x0, Vector512<float> x1, Vector512<float> x2,
        Vector512<float> x3, Vector512<float> alpha, Vector512<float> beta,
        Vector512<float> m0, Vector512<float> m1, Vector512<float> m2, Vector512<float> m3)
    {
        MergeMasked(row, x0, alpha, beta, m0);
        MergeMasked(row + 16, x1, alpha, beta, m1);
        MergeMasked(row + 32, x2, alpha, beta, m2);
        MergeMasked(row + 48, x3, alpha, beta, m3);
    }

    /// <summary>The merge rule on the lanes of <paramref name="mask"/>; masked-off lanes are neither read nor written.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void MergeMasked(float* row, Vector512<float> x, Vector512<float> alpha, Vector512<float> beta, Vector512<float> mask)
    {
        var value = beta == Vector512<float>.Zero
            ? x * alpha
            : Vector512.FusedMultiplyAdd(x, alpha, beta * Avx512F.MaskLoad(row, mask, Vector512<float>.Zero));
        Avx512F.MaskStore(row, mask, value);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Merge(float* row, Vector512<float> x0, Vector512<float> x1, Vector512<float> x2,
        Vector512<float> x3, Vector512<float> alpha, Vector512<float> beta)
    {
        if (beta == Vector512<float>.Zero)
        {
            Vector512.Store(x0 * alpha, row);
            Vector512.Store(x1 * alpha, row + 16);
            Vector512.Store(x2 * alpha, row + 32);
            Vector512.Store(x3 * alpha, row + 48);
        }
        else
        {
            Vector512.Store(Vector512.FusedMultiplyAdd(x0, alpha, beta * Vector512.Load(row)), row);
            Vector512.Store(Vector512.FusedMultiplyAdd(x1, alpha, beta * Vector512.Load(row + 16)), row + 16);
            Vector512.Store(Vector512.FusedMultiplyAdd(x2, alpha, beta * Vector512.Load(row + 32)), row + 32);
            Vector512.Store(Vector512.FusedMultiplyAdd(x3, alpha, beta * Vector512.Load(row + 48)), row + 48);
        }
    }
}

/// <summary>
/// AVX2/FMA kernel, 6×16: 12 ymm accumulators + 2 loads of B̃ + 1 broadcast = 15 of the 16 ymm
/// registers (the classic Haswell shape). Used when AVX-512 is absent.
/// </summary>
internal unsafe struct GemmKernelAvx2 : IGemmKernel
{
    public static int MR => 6;
    public static int NR => 16;
    public static bool IsSupported => Vector256.IsHardwareAccelerated && Avx.IsSupported;

    [SkipLocalsInit]
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Tile(int kc, float* a, nint rowStep, nint kStep, float* packedB,
        float* c, nint ldc, int mr, int nr, float alpha, float beta, float* edge)
    {
        var a0 = a;
        var a1 = a + Math.Min(1, mr - 1) * rowStep;
        var a2 = a + Math.Min(2, mr - 1) * rowStep;
        var a3 = a + Math.Min(3, mr - 1) * rowStep;
        var a4 = a + Math.Min(4, mr - 1) * rowStep;
        var a5 = a + Math.Min(5, mr - 1) * rowStep;

        Vector256<float> c00 = default, c01 = default, c10 = default, c11 = default, c20 = default, c21 = default;
        Vector256<float> c30 = default, c31 = default, c40 = default, c41 = default, c50 = default, c51 = default;

        var b = packedB;
        nint offset = 0;
        for (var p = 0; p < kc; p++)
        {
            var b0 = Vector256.LoadAligned(b);
            var b1 = Vector256.LoadAligned(b + 8);
            var x = Vector256.Create(a0[offset]);
            c00 = Vector256.FusedMultiplyAdd(x, b0, c00);
            c01 = Vector256.FusedMultiplyAdd(x, b1, c01);
            x = Vector256.Create(a1[offset]);
            c10 = Vector256.FusedMultiplyAdd(x, b0, c10);
            c11 = Vector256.FusedMultiplyAdd(x, b1, c11);
            x = Vector256.Create(a2[offset]);
            c20 = Vector256.FusedMultiplyAdd(x, b0, c20);
            c21 = Vector256.FusedMultiplyAdd(x, b1, c21);
            x = Vector256.Create(a3[offset]);
            c30 = Vector256.FusedMultiplyAdd(x, b0, c30);
            c31 = Vector256.FusedMultiplyAdd(x, b1, c31);
            x = Vector256.Create(a4[offset]);
            c40 = Vector256.FusedMultiplyAdd(x, b0, c40);
            c41 = Vector256.FusedMultiplyAdd(x, b1, c41);
            x = Vector256.Create(a5[offset]);
            c50 = Vector256.FusedMultiplyAdd(x, b0, c50);
            c51 = Vector256.FusedMultiplyAdd(x, b1, c51);
            offset += kStep;
            b += 16;
        }

        var va = Vector256.Create(alpha);
        var vb = Vector256.Create(beta);
        if (mr == 6 && nr == 16)
        {
            Merge(c, c00, c01, va, vb);
            Merge(c + ldc, c10, c11, va, vb);
            Merge(c + 2 * ldc, c20, c21, va, vb);
            Merge(c + 3 * ldc, c30, c31, va, vb);
            Merge(c + 4 * ldc, c40, c41, va, vb);
            Merge(c + 5 * ldc, c50, c51, va, vb);
            return;
        }
        // Edge tile: masked loads/stores from the registers (see the AVX-512 kernel for why).
        var lanes = Vector256<int>.Indices;
        var width = Vector256.Create(nr);
        var m0 = Vector256.LessThan(lanes, width).AsSingle();
        var m1 = Vector256.LessThan(lanes + Vector256.Create(8), width).AsSingle();
        MergeMasked(c, c00, c01, va, vb, m0, m1);
        if (mr > 1) MergeMasked(c + ldc, c10, c11, va, vb, m0, m1);
        if (mr > 2) MergeMasked(c + 2 * ldc, c20, c21, va, vb, m0, m1);
        if (mr > 3) MergeMasked(c + 3 * ldc, c30, c31, va, vb, m0, m1);
        if (mr > 4) MergeMasked(c + 4 * ldc, c40, c41, va, vb, m0, m1);
        if (mr > 5) MergeMasked(c + 5 * ldc, c50, c51, va, vb, m0, m1);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void MergeMasked(float* row, Vector256<float> x0, Vector256<float> x1, Vector256<float> alpha,
        Vector256<float> beta, Vector256<float> m0, Vector256<float> m1)
    {
        MergeMasked(row, x0, alpha, beta, m0);
        MergeMasked(row + 8, x1, alpha, beta, m1);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void MergeMasked(float* row, Vector256<float> x, Vector256<float> alpha, Vector256<float> beta, Vector256<float> mask)
    {
        var value = beta == Vector256<float>.Zero
            ? x * alpha
            : Vector256.FusedMultiplyAdd(x, alpha, beta * Avx.MaskLoad(row, mask));
        Avx.MaskStore(row, mask, value);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Merge(float* row, Vector256<float> x0, Vector256<float> x1, Vector256<float> alpha, Vector256<float> beta)
    {
        if (beta == Vector256<float>.Zero)
        {
            Vector256.Store(x0 * alpha, row);
            Vector256.Store(x1 * alpha, row + 8);
        }
        else
        {
            Vector256.Store(Vector256.FusedMultiplyAdd(x0, alpha, beta * Vector256.Load(row)), row);
            Vector256.Store(Vector256.FusedMultiplyAdd(x1, alpha, beta * Vector256.Load(row + 8)), row + 8);
        }
    }
}

/// <summary>Portable scalar kernel, 4×4, for machines without 256-bit SIMD; same packing and merge rules.</summary>
internal unsafe struct GemmKernelScalar : IGemmKernel
{
    public static int MR => 4;
    public static int NR => 4;
    public static bool IsSupported => true;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Tile(int kc, float* a, nint rowStep, nint kStep, float* packedB,
        float* c, nint ldc, int mr, int nr, float alpha, float beta, float* edge)
    {
        for (var i = 0; i < 16; i++) edge[i] = 0f;
        nint offset = 0;
        for (var p = 0; p < kc; p++)
        {
            var b = packedB + p * 4;
            for (var r = 0; r < mr; r++)
            {
                var x = a[r * rowStep + offset];
                var acc = edge + r * 4;
                acc[0] = MathF.FusedMultiplyAdd(x, b[0], acc[0]);
                acc[1] = MathF.FusedMultiplyAdd(x, b[1], acc[1]);
                acc[2] = MathF.FusedMultiplyAdd(x, b[2], acc[2]);
                acc[3] = MathF.FusedMultiplyAdd(x, b[3], acc[3]);
            }
            offset += kStep;
        }
        GemmEdge.Merge(edge, 4, c, ldc, mr, nr, alpha, beta);
    }
}
