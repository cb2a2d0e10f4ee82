using ILGPU;
using Engine.Kernels.Gpu;

namespace Engine.Kernels.Ops;

/// <summary>
/// GPU kernels of RMSNorm forward (formula: <see cref="RmsNormForwardArgs{T}"/>). Legend: R rows, C channels. Naive: one
/// thread per row. Fast: one group per row, the sum of squares a fixed-order group tree reduction (deterministic).
/// </summary>
internal sealed class RmsNormGpu
{
    /// <summary>Threads per group of the one-group-per-row kernel.</summary>
    public const int Threads = 128;

    /// <summary>Threads per group of the naive kernel.</summary>
    public const int NaiveThreads = 64;

    /// <summary>Rstd is written only when SaveRstd is 1 (otherwise it is any valid view and is not touched).</summary>
    public readonly record struct RmsNormKernelArgs(
        ArrayView<float> Output, ArrayView<float> Rstd, ArrayView<float> X, ArrayView<float> Weight, // (R,C), (R), (R,C), (C)
        int Rows, int Channels, float Epsilon, float WeightOffset, int SaveRstd);

    /// <summary>One thread per row: the sum of squares, then the scaled row.</summary>
    [GpuKernel]
    public static void ForwardNaive(RmsNormKernelArgs a)
    {
        for (var r = Grid.GlobalIndex.X; r < a.Rows; r += KernelIndex.StrideX())
        {
            var start = r * a.Channels;
            var squares = 0f;
            for (var c = 0; c < a.Channels; c++) squares += a.X[start + c] * a.X[start + c];
            var s = 1f / MathF.Sqrt(squares / a.Channels + a.Epsilon);
            for (var c = 0; c < a.Channels; c++) a.Output[start + c] = a.X[start + c] * s * (a.WeightOffset + a.Weight[c]);
            if (a.SaveRstd != 0) a.Rstd[r] = s;
        }
    }

    /// <summary>One group per row; each thread reads and writes its own columns (so Output may alias X).</summary>
    [GpuKernel]
    public static void ForwardRows(RmsNormKernelArgs a)
    {
        var scratch = SharedMemory.Allocate<float>(Threads);
        var r = Grid.IdxX;
        var tid = Group.IdxX;
        var start = r * a.Channels;
        var squares = 0f;
        for (var c = tid; c < a.Channels; c += Group.DimX) squares += a.X[start + c] * a.X[start + c];
        var s = 1f / MathF.Sqrt(GroupReduce.Sum(scratch, squares) / a.Channels + a.Epsilon);
        for (var c = tid; c < a.Channels; c += Group.DimX) a.Output[start + c] = a.X[start + c] * s * (a.WeightOffset + a.Weight[c]);
        if (tid == 0 && a.SaveRstd != 0) a.Rstd[r] = s;
    }

    private readonly GpuDevice _device;
    private readonly Kernel<RmsNormKernelArgs> _naive, _rows;

    public RmsNormGpu(GpuDevice device)
    {
        _device = device;
        (_naive, _rows) = (new(device, ForwardNaive), new(device, ForwardRows));
    }

    public void Forward(in RmsNormForwardArgs<float> a)
    {
        if (a.Rows == 0) return;
        var d = _device;
        var output = d.View(a.Output);
        var args = new RmsNormKernelArgs(output, a.SavesRstd ? d.View(a.Rstd) : output, d.View(a.X), d.View(a.Weight),
            a.Rows, a.Channels, a.Epsilon, a.WeightOffset, a.SavesRstd ? 1 : 0);
        if (d.Naive) _naive.Launch(d.Spread(a.Rows, NaiveThreads), args);
        else _rows.Launch(d.PerGroup(a.Rows, Threads), args);
    }
}
