using ILGPU;
using Engine.Kernels.Gpu;
using static Engine.Kernels.Gpu.GpuLaunch;

namespace Engine.Kernels.Ops;

/// <summary>
/// GPU kernels of the GEMM family (formula: <see cref="GemmArgs{T}"/>). Legend: M rows of C, N columns of C, K the
/// contracted size, P batch index, S split index (split-K).
/// <list type="bullet">
/// <item><see cref="GemmNaive"/>: one thread per element of C, the kernel the tiled ones are tested against.</item>
/// <item><see cref="GemmTiled64"/> / <see cref="GemmTiled128"/>: 256 threads compute a 64×64 (128×128) tile of C through
/// shared-memory tiles of A and B; each thread keeps a 4×4 (8×8) block of C in registers (rows ty + 16·i, columns
/// tx + 16·j: strided so that shared reads and global stores are consecutive across a warp). Each thread fetches four
/// adjacent elements of the next A and B tiles into registers while the current tiles are multiplied (one float4
/// load each when the host found them 16-byte aligned). Edge tiles load zeros past the matrix and store only inside it.</item>
/// <item>Split-K (few output tiles, long K): the tiled kernel writes one partial product per K chunk and
/// <see cref="GemmSplitReduce"/> adds the chunks in order (deterministic, no atomics).</item>
/// </list>
/// </summary>
internal sealed class GemmGpu
{
    /// <summary>Edge of the naive kernel's square thread block.</summary>
    public const int NaiveBlock = 16;

    /// <summary>Threads per tiled group: a 16×16 grid of threads, one register block each.</summary>
    public const int TiledThreads = 256;

    /// <summary>Edge of the small output tile (4×4 per thread) and the K depth of its shared tiles.</summary>
    public const int SmallTile = 64, SmallTileK = 16;

    /// <summary>Edge of the large output tile (8×8 per thread) and the K depth of its shared tiles.</summary>
    public const int LargeTile = 128, LargeTileK = 8;

    private const int ThreadsPerEdge = 16;

    /// <summary>Below this K a split never pays for its second pass; each split keeps at least MinChunkK.</summary>
    private const int MinSplitK = 512, MinChunkK = 256, MaxSplits = 32;

    /// <summary>
    /// Operands and shape. A (P,M,K) or (P,K,M) with strides StrideA / Lda; B (P,K,N) or (P,N,K); C (P,M,N), or the
    /// (P,S,M,N) partials when split (chunk s at p·StrideC + s·SplitStrideC, K range [s·KChunk, (s+1)·KChunk)).
    /// VectorA/VectorB ≠ 0: the host found the operand's offset, ld and batch stride multiples of 4 (float4 tile loads).
    /// </summary>
    public readonly record struct GemmKernelArgs(
        ArrayView<float> A, ArrayView<float> B, ArrayView<float> C,
        int TransposeA, int TransposeB, int M, int N, int K, int Lda, int Ldb, int Ldc,
        int StrideA, int StrideB, int StrideC, float Alpha, float Beta, int Splits, int KChunk, int SplitStrideC,
        int VectorA, int VectorB);

    /// <summary>C (P,M,N) = alpha·Σ_s Partial (P,S,M,N dense) + beta·C.</summary>
    public readonly record struct SplitReduceArgs(
        ArrayView<float> Partial, ArrayView<float> C, int M, int N, int Ldc, int StrideC, int Splits, float Alpha, float Beta);

    /// <summary>
    /// One C element per step of a 2-D grid-stride loop: C[p, row, col] = alpha·Σ_l op(A)[row, l]·op(B)[l, col] + beta·C.
    /// Launch groups 16×16 (or what the device holds), grid (⌈N/16⌉, ⌈M/16⌉, P) or fewer.
    /// </summary>
    [GpuKernel]
    public static void GemmNaive(GemmKernelArgs g)
    {
        for (var row = Grid.GlobalIndex.Y; row < g.M; row += KernelIndex.StrideY())
        {
            for (var col = Grid.GlobalIndex.X; col < g.N; col += KernelIndex.StrideX()) NaiveElement(g, Grid.IdxZ, row, col);
        }
    }

    private static void NaiveElement(in GemmKernelArgs g, int p, int row, int col)
    {
        var aBase = p * g.StrideA;
        var bBase = p * g.StrideB;
        var sum = 0f;
        for (var l = 0; l < g.K; l++)
        {
            var x = g.TransposeA != 0 ? g.A[aBase + l * g.Lda + row] : g.A[aBase + row * g.Lda + l];
            var y = g.TransposeB != 0 ? g.B[bBase + col * g.Ldb + l] : g.B[bBase + l * g.Ldb + col];
            sum += x * y;
        }
        var index = p * g.StrideC + row * g.Ldc + col;
        g.C[index] = g.Beta == 0f ? g.Alpha * sum : g.Alpha * sum + g.Beta * g.C[index];
    }

    /// <summary>
    /// 64×64 output tile per group of 256 threads, K in steps of 16; thread (tx, ty) owns C rows ty + 16·i and columns
    /// tx + 16·j (i, j &lt; 4). Group z = p·Splits + s computes its K chunk of batch p. Launch 256 threads, grid
    /// (⌈N/64⌉, ⌈M/64⌉, P·S).
    /// </summary>
    [GpuKernel]
    public static void GemmTiled64(GemmKernelArgs g)
    {
        var aTile = SharedMemory.Allocate<float>(SmallTileK * SmallTile); // [kk][row]
        var bTile = SharedMemory.Allocate<float>(SmallTileK * SmallTile); // [kk][col]
        var tid = Group.IdxX;
        var tx = tid % ThreadsPerEdge;
        var ty = tid / ThreadsPerEdge;
        var rowBase = Grid.IdxY * SmallTile;
        var colBase = Grid.IdxX * SmallTile;
        var z = Grid.IdxZ;
        var p = z / g.Splits;
        var s = z - p * g.Splits;
        var kBegin = s * g.KChunk;
        var kEnd = Math.Min(g.K, kBegin + g.KChunk);
        var aOffset = p * g.StrideA;
        var bOffset = p * g.StrideB;
        var acc0 = new Float4(0f, 0f, 0f, 0f);
        var acc1 = new Float4(0f, 0f, 0f, 0f);
        var acc2 = new Float4(0f, 0f, 0f, 0f);
        var acc3 = new Float4(0f, 0f, 0f, 0f);
        var nextA = FetchTile(g.A, g.TransposeA, g.VectorA, aOffset, g.Lda, rowBase, g.M, kBegin, kEnd, SmallTile, SmallTileK, tid);
        var nextB = FetchTile(g.B, 1 - g.TransposeB, g.VectorB, bOffset, g.Ldb, colBase, g.N, kBegin, kEnd, SmallTile, SmallTileK, tid);
        for (var k0 = kBegin; k0 < kEnd; k0 += SmallTileK)
        {
            StoreTile(aTile, nextA, g.TransposeA, SmallTile, SmallTileK, tid);
            StoreTile(bTile, nextB, 1 - g.TransposeB, SmallTile, SmallTileK, tid);
            Group.Barrier();
            if (k0 + SmallTileK < kEnd)
            {
                // Prefetch the next tiles into registers: their global loads overlap this tile's arithmetic.
                nextA = FetchTile(g.A, g.TransposeA, g.VectorA, aOffset, g.Lda, rowBase, g.M, k0 + SmallTileK, kEnd, SmallTile, SmallTileK, tid);
                nextB = FetchTile(g.B, 1 - g.TransposeB, g.VectorB, bOffset, g.Ldb, colBase, g.N, k0 + SmallTileK, kEnd, SmallTile, SmallTileK, tid);
            }
            for (var kk = 0; kk < SmallTileK; kk++)
            {
                var bRow = kk * SmallTile + tx;
                var bs = new Float4(bTile[bRow], bTile[bRow + 16], bTile[bRow + 32], bTile[bRow + 48]);
                var aRow = kk * SmallTile + ty;
                acc0 = Float4.MultiplyAdd(acc0, aTile[aRow], bs);
                acc1 = Float4.MultiplyAdd(acc1, aTile[aRow + 16], bs);
                acc2 = Float4.MultiplyAdd(acc2, aTile[aRow + 32], bs);
                acc3 = Float4.MultiplyAdd(acc3, aTile[aRow + 48], bs);
            }
            Group.Barrier();
        }
        var cOffset = p * g.StrideC + s * g.SplitStrideC;
        var row = rowBase + ty;
        var col = colBase + tx;
        StoreRow4(g, cOffset, row, col, acc0);
        StoreRow4(g, cOffset, row + 16, col, acc1);
        StoreRow4(g, cOffset, row + 32, col, acc2);
        StoreRow4(g, cOffset, row + 48, col, acc3);
    }

    /// <summary>
    /// 128×128 output tile per group of 256 threads, K in steps of 8; thread (tx, ty) owns C rows ty + 16·i and columns
    /// tx + 16·j (i, j &lt; 8): 64 accumulators as 16 Float4 (lo = j &lt; 4, hi = j ≥ 4), 4 FMAs per shared load. Same
    /// split and launch contract as <see cref="GemmTiled64"/> with 128 in place of 64.
    /// </summary>
    [GpuKernel]
    public static void GemmTiled128(GemmKernelArgs g)
    {
        var aTile = SharedMemory.Allocate<float>(LargeTileK * LargeTile); // [kk][row]
        var bTile = SharedMemory.Allocate<float>(LargeTileK * LargeTile); // [kk][col]
        var tid = Group.IdxX;
        var tx = tid % ThreadsPerEdge;
        var ty = tid / ThreadsPerEdge;
        var rowBase = Grid.IdxY * LargeTile;
        var colBase = Grid.IdxX * LargeTile;
        var z = Grid.IdxZ;
        var p = z / g.Splits;
        var s = z - p * g.Splits;
        var kBegin = s * g.KChunk;
        var kEnd = Math.Min(g.K, kBegin + g.KChunk);
        var aOffset = p * g.StrideA;
        var bOffset = p * g.StrideB;
        var c0Lo = new Float4(0f, 0f, 0f, 0f);
        var c0Hi = new Float4(0f, 0f, 0f, 0f);
        var c1Lo = new Float4(0f, 0f, 0f, 0f);
        var c1Hi = new Float4(0f, 0f, 0f, 0f);
        var c2Lo = new Float4(0f, 0f, 0f, 0f);
        var c2Hi = new Float4(0f, 0f, 0f, 0f);
        var c3Lo = new Float4(0f, 0f, 0f, 0f);
        var c3Hi = new Float4(0f, 0f, 0f, 0f);
        var c4Lo = new Float4(0f, 0f, 0f, 0f);
        var c4Hi = new Float4(0f, 0f, 0f, 0f);
        var c5Lo = new Float4(0f, 0f, 0f, 0f);
        var c5Hi = new Float4(0f, 0f, 0f, 0f);
        var c6Lo = new Float4(0f, 0f, 0f, 0f);
        var c6Hi = new Float4(0f, 0f, 0f, 0f);
        var c7Lo = new Float4(0f, 0f, 0f, 0f);
        var c7Hi = new Float4(0f, 0f, 0f, 0f);
        var nextA = FetchTile(g.A, g.TransposeA, g.VectorA, aOffset, g.Lda, rowBase, g.M, kBegin, kEnd, LargeTile, LargeTileK, tid);
        var nextB = FetchTile(g.B, 1 - g.TransposeB, g.VectorB, bOffset, g.Ldb, colBase, g.N, kBegin, kEnd, LargeTile, LargeTileK, tid);
        for (var k0 = kBegin; k0 < kEnd; k0 += LargeTileK)
        {
            StoreTile(aTile, nextA, g.TransposeA, LargeTile, LargeTileK, tid);
            StoreTile(bTile, nextB, 1 - g.TransposeB, LargeTile, LargeTileK, tid);
            Group.Barrier();
            if (k0 + LargeTileK < kEnd)
            {
                nextA = FetchTile(g.A, g.TransposeA, g.VectorA, aOffset, g.Lda, rowBase, g.M, k0 + LargeTileK, kEnd, LargeTile, LargeTileK, tid);
                nextB = FetchTile(g.B, 1 - g.TransposeB, g.VectorB, bOffset, g.Ldb, colBase, g.N, k0 + LargeTileK, kEnd, LargeTile, LargeTileK, tid);
            }
            for (var kk = 0; kk < LargeTileK; kk++)
            {
                var bRow = kk * LargeTile + tx;
                var lo = new Float4(bTile[bRow], bTile[bRow + 16], bTile[bRow + 32], bTile[bRow + 48]);
                var hi = new Float4(bTile[bRow + 64], bTile[bRow + 80], bTile[bRow + 96], bTile[bRow + 112]);
                var aRow = kk * LargeTile + ty;
                var a0 = aTile[aRow];
                var a1 = aTile[aRow + 16];
                var a2 = aTile[aRow + 32];
                var a3 = aTile[aRow + 48];
                var a4 = aTile[aRow + 64];
                var a5 = aTile[aRow + 80];
                var a6 = aTile[aRow + 96];
                var a7 = aTile[aRow + 112];
                c0Lo = Float4.MultiplyAdd(c0Lo, a0, lo);
                c0Hi = Float4.MultiplyAdd(c0Hi, a0, hi);
                c1Lo = Float4.MultiplyAdd(c1Lo, a1, lo);
                c1Hi = Float4.MultiplyAdd(c1Hi, a1, hi);
                c2Lo = Float4.MultiplyAdd(c2Lo, a2, lo);
                c2Hi = Float4.MultiplyAdd(c2Hi, a2, hi);
                c3Lo = Float4.MultiplyAdd(c3Lo, a3, lo);
                c3Hi = Float4.MultiplyAdd(c3Hi, a3, hi);
                c4Lo = Float4.MultiplyAdd(c4Lo, a4, lo);
                c4Hi = Float4.MultiplyAdd(c4Hi, a4, hi);
                c5Lo = Float4.MultiplyAdd(c5Lo, a5, lo);
                c5Hi = Float4.MultiplyAdd(c5Hi, a5, hi);
                c6Lo = Float4.MultiplyAdd(c6Lo, a6, lo);
                c6Hi = Float4.MultiplyAdd(c6Hi, a6, hi);
                c7Lo = Float4.MultiplyAdd(c7Lo, a7, lo);
                c7Hi = Float4.MultiplyAdd(c7Hi, a7, hi);
            }
            Group.Barrier();
        }
        var cOffset = p * g.StrideC + s * g.SplitStrideC;
        var row = rowBase + ty;
        var col = colBase + tx;
        StoreRow4(g, cOffset, row, col, c0Lo);
        StoreRow4(g, cOffset, row, col + 64, c0Hi);
        StoreRow4(g, cOffset, row + 16, col, c1Lo);
        StoreRow4(g, cOffset, row + 16, col + 64, c1Hi);
        StoreRow4(g, cOffset, row + 32, col, c2Lo);
        StoreRow4(g, cOffset, row + 32, col + 64, c2Hi);
        StoreRow4(g, cOffset, row + 48, col, c3Lo);
        StoreRow4(g, cOffset, row + 48, col + 64, c3Hi);
        StoreRow4(g, cOffset, row + 64, col, c4Lo);
        StoreRow4(g, cOffset, row + 64, col + 64, c4Hi);
        StoreRow4(g, cOffset, row + 80, col, c5Lo);
        StoreRow4(g, cOffset, row + 80, col + 64, c5Hi);
        StoreRow4(g, cOffset, row + 96, col, c6Lo);
        StoreRow4(g, cOffset, row + 96, col + 64, c6Hi);
        StoreRow4(g, cOffset, row + 112, col, c7Lo);
        StoreRow4(g, cOffset, row + 112, col + 64, c7Hi);
    }

    /// <summary>
    /// C[p, row, col] = alpha·Σ_s partial[p, s, row, col] + beta·C[p, row, col], chunks added in increasing s; a 2-D
    /// grid-stride loop. Launch groups 16×16, grid (⌈N/16⌉, ⌈M/16⌉, P).
    /// </summary>
    [GpuKernel]
    public static void GemmSplitReduce(SplitReduceArgs r)
    {
        var p = Grid.IdxZ;
        for (var row = Grid.GlobalIndex.Y; row < r.M; row += KernelIndex.StrideY())
        {
            for (var col = Grid.GlobalIndex.X; col < r.N; col += KernelIndex.StrideX())
            {
                var sum = 0f;
                for (var s = 0; s < r.Splits; s++) sum += r.Partial[((p * r.Splits + s) * r.M + row) * r.N + col];
                var index = p * r.StrideC + row * r.Ldc + col;
                r.C[index] = r.Beta == 0f ? r.Alpha * sum : r.Alpha * sum + r.Beta * r.C[index];
            }
        }
    }

    /// <summary>
    /// This thread's four elements of a (tileOuter × tileK) tile of a source matrix, zero past outerLimit / kEnd.
    /// kMajor: the source is stored K-major (element (outer, k) at k·ld + outer; A transposed, B not) and the thread
    /// takes four consecutive outer indices; else outer-major (outer·ld + k) and four consecutive k. Either way the four
    /// are adjacent in memory, so with <paramref name="vector"/> ≠ 0 a full in-range quad is one float4 load; the rest
    /// load element by element. Needs tileOuter·tileK = 4 · 256 threads.
    /// </summary>
    private static Float4 FetchTile(
        ArrayView<float> source, int kMajor, int vector, int offset, int ld,
        int outerBase, int outerLimit, int k0, int kEnd, int tileOuter, int tileK, int tid)
    {
        var quadsPerLine = kMajor != 0 ? tileOuter / 4 : tileK / 4;
        var line = tid / quadsPerLine;
        var first = (tid - line * quadsPerLine) * 4;
        var outer = outerBase + (kMajor != 0 ? first : line);
        var kIndex = k0 + (kMajor != 0 ? line : first);
        var start = kMajor != 0 ? offset + kIndex * ld + outer : offset + outer * ld + kIndex;
        var full = kMajor != 0 ? outer + 3 < outerLimit && kIndex < kEnd : outer < outerLimit && kIndex + 3 < kEnd;
        if (vector != 0 && full) return source.Cast<Float4>()[start / 4];
        return new Float4(
            TileElement(source, start, kMajor, outer, kIndex, 0, outerLimit, kEnd),
            TileElement(source, start + 1, kMajor, outer, kIndex, 1, outerLimit, kEnd),
            TileElement(source, start + 2, kMajor, outer, kIndex, 2, outerLimit, kEnd),
            TileElement(source, start + 3, kMajor, outer, kIndex, 3, outerLimit, kEnd));
    }

    /// <summary>Element j of a quad that starts at (outer, kIndex), or 0 when it lies past the matrix.</summary>
    private static float TileElement(ArrayView<float> source, int index, int kMajor, int outer, int kIndex, int j, int outerLimit, int kEnd)
    {
        var inside = kMajor != 0 ? outer + j < outerLimit && kIndex < kEnd : outer < outerLimit && kIndex + j < kEnd;
        return inside ? source[index] : 0f;
    }

    /// <summary>Stores a quad from <see cref="FetchTile"/> at tile[kk·tileOuter + oo], the layout the inner loop reads.</summary>
    private static void StoreTile(ArrayView<float> tile, Float4 values, int kMajor, int tileOuter, int tileK, int tid)
    {
        var quadsPerLine = kMajor != 0 ? tileOuter / 4 : tileK / 4;
        var line = tid / quadsPerLine;
        var first = (tid - line * quadsPerLine) * 4;
        if (kMajor != 0)
        {
            var start = line * tileOuter + first; // four consecutive outer indices at one k
            tile[start] = values.X;
            tile[start + 1] = values.Y;
            tile[start + 2] = values.Z;
            tile[start + 3] = values.W;
        }
        else
        {
            var start = first * tileOuter + line; // four consecutive k at one outer index
            tile[start] = values.X;
            tile[start + tileOuter] = values.Y;
            tile[start + 2 * tileOuter] = values.Z;
            tile[start + 3 * tileOuter] = values.W;
        }
    }

    /// <summary>Writes C[row, col + 16·j] (j &lt; 4) = alpha·v_j + beta·C (C not read when beta = 0), inside M×N only.</summary>
    private static void StoreRow4(in GemmKernelArgs g, int offset, int row, int col, Float4 v)
    {
        if (row >= g.M) return;
        var start = offset + row * g.Ldc;
        StoreOne(g, start, col, v.X);
        StoreOne(g, start, col + 16, v.Y);
        StoreOne(g, start, col + 32, v.Z);
        StoreOne(g, start, col + 48, v.W);
    }

    /// <summary>C[rowStart + col] = alpha·value + beta·C when col &lt; N.</summary>
    private static void StoreOne(in GemmKernelArgs g, int rowStart, int col, float value)
    {
        if (col >= g.N) return;
        var index = rowStart + col;
        g.C[index] = g.Beta == 0f ? g.Alpha * value : g.Alpha * value + g.Beta * g.C[index];
    }

    // ---------------------------------------------------------------- host: choice of kernel, tile and split

    private readonly GpuDevice _device;
    private readonly Kernel<GemmKernelArgs> _naive, _tiled64, _tiled128;
    private readonly Kernel<SplitReduceArgs> _splitReduce;

    public GemmGpu(GpuDevice device)
    {
        _device = device;
        (_naive, _tiled64, _tiled128) = (new(device, GemmNaive), new(device, GemmTiled64), new(device, GemmTiled128));
        _splitReduce = new(device, GemmSplitReduce);
    }

    /// <summary>Groups that fill the device (two per multiprocessor); below it, GEMM splits K.</summary>
    private int TargetGroups => 2 * _device.ParallelUnits;

    /// <exception cref="ArgumentException">The batch count exceeds the launch grid (65535 along z).</exception>
    public void Run(in GemmArgs<float> a)
    {
        if (a.BatchCount > MaxGridYZ)
            throw new ArgumentException($"{_device.Name}: Gemm: {a.BatchCount} batches exceed the launch grid's {MaxGridYZ}");
        var (m, n, k) = (a.M, a.N, a.K);
        var (ta, tb) = (a.TransposeA ? 1 : 0, a.TransposeB ? 1 : 0);
        var (av, bv, cv) = (_device.View(a.A), _device.View(a.B), _device.View(a.C));
        var args = new GemmKernelArgs(av, bv, cv, ta, tb, m, n, k, a.Lda, a.Ldb, a.Ldc, a.StrideA, a.StrideB, a.StrideC,
            a.Alpha, a.Beta, Splits: 1, KChunk: Math.Max(k, 1), SplitStrideC: 0,
            VectorA: Quads(a.A.Offset, a.Lda, a.StrideA), VectorB: Quads(a.B.Offset, a.Ldb, a.StrideB));
        // The tiled kernels' thread mapping needs groups of 256; a device with smaller groups runs the naive kernel.
        if (_device.Naive || _device.MaxGroupThreads < TiledThreads)
        {
            _naive.Launch(Square(m, n, a.BatchCount), args);
            return;
        }
        // The tiled grids are not grid-stride: each group owns one tile (⌈M/128⌉ ≤ 65535 holds for any int M).
        var large = m >= LargeTile && n >= LargeTile && (long)Ceil(m, LargeTile) * Ceil(n, LargeTile) * a.BatchCount >= TargetGroups;
        var (tile, tileK) = large ? (LargeTile, LargeTileK) : (SmallTile, SmallTileK);
        var tiled = large ? _tiled128 : _tiled64;
        var (gridX, gridY) = (Ceil(n, tile), Ceil(m, tile));
        var splits = ChooseSplits((long)gridX * gridY * a.BatchCount, m, n, k, a.BatchCount, TargetGroups);
        if (splits == 1)
        {
            tiled.Launch(Groups(gridX, TiledThreads, gridY, 1, a.BatchCount), args);
            return;
        }
        // Split-K: chunk s of batch p lands in partial[p, s] (dense M×N); the reduce adds the chunks in order.
        var kChunk = Ceil(Ceil(k, splits), tileK) * tileK;
        splits = Ceil(k, kChunk);
        var partial = _device.View(_device.Scratch(ScratchSlot.GemmPartials, a.BatchCount * splits * m * n));
        tiled.Launch(Groups(gridX, TiledThreads, gridY, 1, a.BatchCount * splits), args with
        {
            C = partial, Ldc = n, StrideC = splits * m * n, Alpha = 1f, Beta = 0f, Splits = splits, KChunk = kChunk, SplitStrideC = m * n,
        });
        _splitReduce.Launch(Square(m, n, a.BatchCount), new SplitReduceArgs(partial, cv, m, n, a.Ldc, a.StrideC, splits, a.Alpha, a.Beta));
    }

    /// <summary>Square groups of 16×16 threads (or the largest square the device holds) over M×N, z over the batch.</summary>
    private KernelConfig Square(int m, int n, int batch)
    {
        var edge = NaiveBlock;
        while (edge * edge > _device.MaxGroupThreads) edge /= 2;
        var cap = Math.Min(MaxGridYZ, _device.MaxSpreadGroups);
        return Groups(Math.Min(Ceil(n, edge), cap), edge, Math.Min(Ceil(m, edge), cap), edge, batch);
    }

    /// <summary>1 when a view offset, leading dimension and batch stride are all multiples of 4 elements, else 0.</summary>
    private static int Quads(int offset, int ld, int stride) => ((offset | ld | stride) & 3) == 0 ? 1 : 0;

    /// <summary>
    /// How many K chunks: 1 unless the output tiles leave the device idle and K is long, then enough chunks to reach
    /// <paramref name="targetGroups"/> (each at least 256 deep, at most 32).
    /// </summary>
    internal static int ChooseSplits(long groups, int m, int n, int k, int batchCount, int targetGroups)
    {
        if (groups >= targetGroups || k < MinSplitK) return 1;
        var splits = (int)Math.Min(Math.Min((targetGroups + groups - 1) / groups, k / MinChunkK), MaxSplits);
        if (splits < 2) return 1;
        // The partial buffer must stay int-indexed and the grid within the z limit.
        if ((long)batchCount * splits * m * n > int.MaxValue || (long)batchCount * splits > MaxGridYZ) return 1;
        return splits;
    }
}
