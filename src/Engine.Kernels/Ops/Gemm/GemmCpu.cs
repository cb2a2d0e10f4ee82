using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics.X86;

using Engine.Kernels.Cpu;

namespace Engine.Kernels.Ops;

// Legend: C (m, n) = alpha·op(A) (m, k) · op(B) (k, n) + beta·C, per batch p. MR×NR the register tile,
// KC the k block, NC the column block, B̃ a packed (KC, NC) panel of op(B).

/// <summary>Which GEMM micro-kernel a <see cref="CpuDevice"/> uses; tests force the fallbacks.</summary>
internal enum CpuGemmKernel
{
    /// <summary>The widest kernel the hardware runs natively.</summary>
    Auto,
    Avx512,
    Avx2,
    Scalar,
}

/// <summary>
/// The float32 GEMM fast path (naive loop: <see cref="NaiveOps.Gemm{T}"/>), Goto/BLIS style:
/// for each column block (NC) and k block (KC) the block of op(B) is packed into an aligned panel B̃
/// sized for L2 (B stored n×k, the PyTorch weight layout, is transposed in 16×16 register blocks on the
/// way); then for each MR-row sliver of A the micro-kernel sweeps every NR-wide sliver of B̃. A stored m×k
/// is read in place (6 sequential row streams that stay in L1); A stored k×m is packed in row blocks. Work is split into tasks (batch, row chunk, column chunk) run on the device's
/// <see cref="CpuWorkerPool"/>; each element of C belongs to one
/// task and is summed over k in a fixed order (k blocks in sequence, each block by FMAs in k order),
/// and the k blocking depends only on k, so the result is bit-identical for any thread count.
/// Scratch panels live in per-thread buffers (<see cref="CpuScratch"/>): no allocation in steady state.
/// </summary>
internal static unsafe class GemmCpu
{
    /// <summary>Largest k block: a 6×KC sliver of A (6 KB) stays in L1 next to the streamed B̃.</summary>
    private const int MaxKBlock = 256;

    /// <summary>
    /// Floats in one B̃ panel: 192 KB, so the panel in use plus the next one being prefetched stay well inside
    /// a 1 MB L2 next to the C and A lines (tried 128, 192, 256 and 512 KB on the head shapes: 512 KB, with
    /// no room for the prefetched panel, was 10–20% slower; the others within noise).
    /// </summary>
    private const int PanelFloats = 48 * 1024;

    /// <summary>Rows of A per packed block when A is stored transposed (k×m): kc × 144 floats, in L2.</summary>
    public const int PackedRowBlock = 144;

    /// <summary>Below this many flops a GEMM runs on one thread (waking the workers costs microseconds).</summary>
    private const long MinParallelFlops = 1L << 21;

    /// <summary>The kernel <see cref="CpuGemmKernel.Auto"/> picks on this machine.</summary>
    public static CpuGemmKernel Resolve(CpuGemmKernel kernel) => kernel switch
    {
        CpuGemmKernel.Auto when GemmKernelAvx512.IsSupported => CpuGemmKernel.Avx512,
        CpuGemmKernel.Auto when GemmKernelAvx2.IsSupported => CpuGemmKernel.Avx2,
        CpuGemmKernel.Auto => CpuGemmKernel.Scalar,
        _ => kernel,
    };

    /// <summary>C_p = alpha·op(A_p)·op(B_p) + beta·C_p for p &lt; batchCount; arguments already validated.</summary>
    /// <exception cref="NotSupportedException">A forced kernel the hardware cannot run.</exception>
    public static void Run(CpuDevice device, bool transposeA, bool transposeB, int m, int n, int k,
        float alpha, float* a, int lda, float* b, int ldb, float beta, float* c, int ldc,
        int batchCount, int strideA, int strideB, int strideC)
    {
        if (m == 0 || n == 0 || batchCount == 0) return;
        var problem = new GemmProblem(transposeA, transposeB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc,
            batchCount, strideA, strideB, strideC);
        if (k == 0)
        {
            ScaleOnly(problem);
            return;
        }
        switch (Resolve(device.GemmKernel))
        {
            case CpuGemmKernel.Avx512: Run<GemmKernelAvx512>(device, problem); break;
            case CpuGemmKernel.Avx2: Run<GemmKernelAvx2>(device, problem); break;
            default: Run<GemmKernelScalar>(device, problem); break;
        }
    }

    /// <summary>k = 0: the product is empty, C = beta·C (0 when beta is 0, as the naive loop).</summary>
    private static void ScaleOnly(in GemmProblem g)
    {
        for (var p = 0; p < g.BatchCount; p++)
        {
            for (var i = 0; i < g.M; i++)
            {
                var row = g.C + (nint)p * g.StrideC + (nint)i * g.Ldc;
                for (var j = 0; j < g.N; j++) row[j] = g.Beta == 0f ? 0f : g.Beta * row[j];
            }
        }
    }

    private static void Run<TKernel>(CpuDevice device, in GemmProblem g) where TKernel : struct, IGemmKernel
    {
        if (!TKernel.IsSupported)
            throw new NotSupportedException($"cpu gemm: the {typeof(TKernel).Name} kernel is not supported by this processor");

        var plan = GemmPlan.Create(g, TKernel.MR, TKernel.NR, device.Threads, MaxKBlock, PanelFloats, MinParallelFlops);
        // Batches whose C regions may overlap (e.g. strideC = 0) must run in order, as the naive loop does.
        var batchesAtOnce = plan.BatchesInParallel ? g.BatchCount : 1;
        var tasks = batchesAtOnce * plan.RowChunks * plan.ColumnChunks;
        for (var first = 0; first < g.BatchCount; first += batchesAtOnce)
        {
            var job = new GemmJob<TKernel>(g, plan, first);
            if (plan.Threads == 1) job.Run(0, tasks);
            else CpuParallel.ForTasks(device, tasks, job);
        }
    }

    /// <summary>Tasks [start, end) of the batches from <c>first</c> on.</summary>
    private readonly struct GemmJob<TKernel>(GemmProblem g, GemmPlan plan, int first) : IChunkJob
        where TKernel : struct, IGemmKernel
    {
        public void Run(int start, int end)
        {
            for (var t = start; t < end; t++) GemmTask<TKernel>.Run(g, plan, first, t);
        }
    }
}

/// <summary>The arguments of one GEMM call, as raw pointers (validated by the device).</summary>
internal readonly unsafe struct GemmProblem(
    bool transposeA, bool transposeB, int m, int n, int k,
    float alpha, float* a, int lda, float* b, int ldb, float beta, float* c, int ldc,
    int batchCount, int strideA, int strideB, int strideC)
{
    public readonly bool TransposeA = transposeA, TransposeB = transposeB;
    public readonly int M = m, N = n, K = k;
    public readonly float Alpha = alpha, Beta = beta;
    public readonly float* A = a, B = b, C = c;
    public readonly int Lda = lda, Ldb = ldb, Ldc = ldc;
    public readonly int BatchCount = batchCount, StrideA = strideA, StrideB = strideB, StrideC = strideC;
}

/// <summary>
/// How a GEMM is cut: the k block size (from k alone, for determinism), the panel width, and the row ×
/// column chunks handed to threads, one task per thread (a multiple of the thread count with batches).
/// Columns are split first (each chunk packs only its own columns of B), rows only when the columns run out
/// (each row chunk re-packs its B̃ panels) — except when A is packed (stored k×m) and larger than B, where
/// rows go first. Serial GEMMs are one task.
/// </summary>
internal readonly record struct GemmPlan(
    int KBlock, int PanelSlivers, int RowSlivers, int ColumnSlivers, int RowChunks, int ColumnChunks, int Threads,
    bool BatchesInParallel)
{
    public static GemmPlan Create(in GemmProblem g, int mr, int nr, int threads, int maxKBlock, int panelFloats, long minParallelFlops)
    {
        var kBlocks = (g.K + maxKBlock - 1) / maxKBlock;
        var kBlock = (g.K + kBlocks - 1) / kBlocks;
        var rowSlivers = (g.M + mr - 1) / mr;
        var columnSlivers = (g.N + nr - 1) / nr;
        // A chunk of columns is walked in panels of at most panelFloats (kBlock × panelSlivers·NR).
        var panelSlivers = Math.Max(1, panelFloats / kBlock / nr);
        var columnChunks = 1;
        var rowChunks = 1;

        var overlap = g.BatchCount > 1 && g.StrideC < OpCheck.MatrixExtent(1, 0, g.M, g.N, g.Ldc);
        var batches = overlap ? 1 : g.BatchCount;
        var flops = 2L * g.M * g.N * g.K * g.BatchCount;
        if (threads > 1 && flops >= minParallelFlops)
        {
            // One task per thread (rounded to a multiple of the thread count when batches give more):
            // more tasks would only mean more re-packing and fewer panels to prefetch ahead.
            var wanted = Math.Max(batches, threads);
            wanted = (wanted + threads - 1) / threads * threads;
            if (g.TransposeA && g.M > g.N)
            {
                // A is the packed operand and the bigger one: split rows, so each row of A is packed once.
                rowChunks = Math.Min(rowSlivers, (wanted + columnChunks * batches - 1) / (columnChunks * batches));
                columnChunks = Math.Min(columnSlivers, Math.Max(columnChunks, (wanted + rowChunks * batches - 1) / (rowChunks * batches)));
            }
            else
            {
                columnChunks = Math.Min(columnSlivers, Math.Max(columnChunks, (wanted + batches - 1) / batches));
                rowChunks = Math.Min(rowSlivers, (wanted + columnChunks * batches - 1) / (columnChunks * batches));
            }
        }
        else
        {
            threads = 1;
        }
        return new GemmPlan(kBlock, panelSlivers, rowSlivers, columnSlivers, rowChunks, columnChunks, threads, !overlap);
    }

    /// <summary>The first sliver of chunk <paramref name="chunk"/> of <paramref name="chunks"/> over <paramref name="slivers"/>.</summary>
    public static int ChunkStart(int chunk, int chunks, int slivers) => (int)((long)chunk * slivers / chunks);
}

/// <summary>
/// One task of a GEMM: a (batch, row chunk, column chunk) block of C, walked panel by panel (column block ×
/// k block, k blocks in order). While the kernels run on one panel, the source lines of the next panel (and
/// of the next block of a packed A) are prefetched a few per kernel call, so the packing that follows finds
/// them in cache instead of stalling on memory: the head's weights (V×C) do not fit in cache.
/// </summary>
internal static unsafe class GemmTask<TKernel> where TKernel : struct, IGemmKernel
{
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Run(in GemmProblem g, in GemmPlan plan, int firstBatch, int task)
    {
        var mr = TKernel.MR;
        var nr = TKernel.NR;
        var columnChunk = task % plan.ColumnChunks;
        var rowChunk = task / plan.ColumnChunks % plan.RowChunks;
        var batch = firstBatch + task / (plan.ColumnChunks * plan.RowChunks);

        var firstRow = GemmPlan.ChunkStart(rowChunk, plan.RowChunks, plan.RowSlivers) * mr;
        var endRow = Math.Min(g.M, GemmPlan.ChunkStart(rowChunk + 1, plan.RowChunks, plan.RowSlivers) * mr);
        var firstColumn = GemmPlan.ChunkStart(columnChunk, plan.ColumnChunks, plan.ColumnSlivers) * nr;
        var endColumn = Math.Min(g.N, GemmPlan.ChunkStart(columnChunk + 1, plan.ColumnChunks, plan.ColumnSlivers) * nr);
        if (firstRow >= endRow || firstColumn >= endColumn) return;

        var a = g.A + (nint)batch * g.StrideA;
        var b = g.B + (nint)batch * g.StrideB;
        var c = g.C + (nint)batch * g.StrideC;

        // A stored m×k is read in place: a 6-row sliver is 6 sequential streams that stay in L1. A stored
        // k×m (transposed) would be one cache line per k step from far-apart rows, so blocks of it are packed.
        var packA = g.TransposeA;
        var blockRows = packA ? GemmCpu.PackedRowBlock / mr * mr : endRow - firstRow;
        var panelColumns = plan.PanelSlivers * nr;
        // Sized for the widest column chunk of the plan, not this one: whichever thread runs whichever task,
        // its scratch is then big enough for every task of this GEMM, so the scratch stops growing once each
        // thread has run any one of them (the pool hands out tasks dynamically).
        var widestChunk = (plan.ColumnSlivers + plan.ColumnChunks - 1) / plan.ColumnChunks * nr;
        var panelFloats = (long)plan.KBlock * Math.Min(panelColumns, widestChunk);
        var packedAFloats = packA ? (long)plan.KBlock * blockRows : 0;
        var scratch = CpuScratch.Floats(panelFloats + packedAFloats + mr * nr);
        var panel = scratch;
        var packedA = scratch + panelFloats;
        var edge = packedA + packedAFloats;
        // A row r, step p lives at aTile + r·rowStep + p·kStep.
        nint rowStep = packA ? 1 : g.Lda;
        nint kStep = packA ? mr : 1;
        var nextPanel = default(LinePrefetcher);
        var nextA = default(LinePrefetcher);

        for (var j0 = firstColumn; j0 < endColumn; j0 += panelColumns)
        {
            var columns = Math.Min(panelColumns, endColumn - j0);
            var slivers = (columns + nr - 1) / nr;
            for (var p0 = 0; p0 < g.K; p0 += plan.KBlock)
            {
                var kc = Math.Min(plan.KBlock, g.K - p0);
                GemmPacking.PackB(g.TransposeB, b, g.Ldb, p0, kc, j0, columns, nr, panel);
                var kernelCalls = (endRow - firstRow + mr - 1) / mr * slivers;
                if (p0 + kc < g.K) nextPanel = LinePrefetcher.ForB(g, b, p0 + kc, Math.Min(plan.KBlock, g.K - p0 - kc), j0, columns, kernelCalls);
                else if (j0 + panelColumns < endColumn) nextPanel = LinePrefetcher.ForB(g, b, 0, Math.Min(plan.KBlock, g.K), j0 + panelColumns, Math.Min(panelColumns, endColumn - j0 - panelColumns), kernelCalls);
                else nextPanel = default;
                // Later k blocks add to what the first one wrote (beta = 1 is exact).
                var beta = p0 == 0 ? g.Beta : 1f;
                for (var i0 = firstRow; i0 < endRow; i0 += blockRows)
                {
                    var i1 = Math.Min(endRow, i0 + blockRows);
                    if (packA)
                    {
                        GemmPacking.PackTransposedA(a, g.Lda, p0, kc, i0, i1 - i0, mr, packedA);
                        // A stored k×m: rows p0..p0+kc hold the next block at columns i1..i1+blockRows.
                        nextA = i1 < endRow
                            ? new LinePrefetcher(a + (nint)p0 * g.Lda + i1, g.Lda, kc, Math.Min(blockRows, endRow - i1), (i1 - i0 + mr - 1) / mr * slivers)
                            : default;
                    }
                    for (var i = i0; i < i1; i += mr)
                    {
                        var rows = Math.Min(mr, i1 - i);
                        var aTile = packA ? packedA + (nint)(i - i0) * kc : a + (nint)i * g.Lda + p0;
                        var cRow = c + (nint)i * g.Ldc + j0;
                        for (var s = 0; s < slivers; s++)
                        {
                            TKernel.Tile(kc, aTile, rowStep, kStep, panel + (nint)s * kc * nr, cRow + s * nr, g.Ldc,
                                rows, Math.Min(nr, columns - s * nr), g.Alpha, beta, edge);
                            nextPanel.Step();
                            nextA.Step();
                        }
                    }
                }
            }
        }
    }
}

/// <summary>
/// Walks the cache lines of a strided block of floats (rows × rowFloats, row stride in floats), issuing a
/// software prefetch (to L2) for a fixed share of them at each <see cref="Step"/>, so that the whole block
/// is requested over <c>steps</c> steps. A default instance does nothing.
/// </summary>
internal unsafe struct LinePrefetcher
{
    private readonly float* start;
    private readonly nint stride;
    private readonly int rows;
    private readonly int rowLines;
    private readonly int perStep;
    private int row;
    private int line;

    public LinePrefetcher(float* start, nint stride, int rows, int rowFloats, int steps)
    {
        this.start = start;
        this.stride = stride;
        this.rows = Sse.IsSupported ? rows : 0;
        // One line more than rowFloats/16: a row need not start on a line boundary.
        rowLines = (rowFloats + 15) / 16 + 1;
        perStep = (int)Math.Min(int.MaxValue, ((long)rows * rowLines + Math.Max(1, steps) - 1) / Math.Max(1, steps));
    }

    /// <summary>The source of the op(B) block (k rows p0.., columns j0..) that <see cref="GemmPacking.PackB"/> will read.</summary>
    public static LinePrefetcher ForB(in GemmProblem g, float* b, int p0, int kc, int j0, int columns, int steps)
        => g.TransposeB
            ? new LinePrefetcher(b + (nint)j0 * g.Ldb + p0, g.Ldb, columns, kc, steps)
            : new LinePrefetcher(b + (nint)p0 * g.Ldb + j0, g.Ldb, kc, columns, steps);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Step()
    {
        for (var n = 0; n < perStep && row < rows; n++)
        {
            Sse.Prefetch1(start + row * stride + line * 16);
            if (++line == rowLines)
            {
                line = 0;
                row++;
            }
        }
    }
}
