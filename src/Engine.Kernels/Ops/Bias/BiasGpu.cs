using ILGPU;
using Engine.Kernels.Gpu;
using static Engine.Kernels.Gpu.GpuLaunch;

namespace Engine.Kernels.Ops;

/// <summary>
/// GPU kernels of the bias family (formulas: <see cref="BiasAddArgs{T}"/>, <see cref="BiasBackwardArgs{T}"/>).
/// Legend: R rows, C channels. The gradient is deterministic: every column is summed by a fixed set of threads in a
/// fixed order, no atomics.
/// </summary>
internal sealed class BiasGpu
{
    /// <summary>Columns per group of the fast kernels (a warp's width) and row lanes per group.</summary>
    public const int Columns = 32, Lanes = 8;

    /// <summary>Threads per group of the naive kernels.</summary>
    public const int Threads = 256;

    public readonly record struct BiasKernelArgs(ArrayView<float> Matrix, ArrayView<float> Bias, int Rows, int Channels); // (R,C), (C)

    /// <summary>y[r, c] += bias[c], one thread per element of y (flat index).</summary>
    [GpuKernel]
    public static void BiasAddNaive(BiasKernelArgs a)
    {
        for (var i = Grid.GlobalIndex.X; i < a.Rows * a.Channels; i += KernelIndex.StrideX()) a.Matrix[i] += a.Bias[i % a.Channels];
    }

    /// <summary>y[r, c] += bias[c] on a 2-D grid: x over channels, y over rows (grid-stride; no division per element).</summary>
    [GpuKernel]
    public static void BiasAdd2D(BiasKernelArgs a)
    {
        var c = Grid.GlobalIndex.X;
        for (var r = Grid.GlobalIndex.Y; c < a.Channels && r < a.Rows; r += KernelIndex.StrideY()) a.Matrix[r * a.Channels + c] += a.Bias[c];
    }

    /// <summary>dBias[c] += Σ_r dY[r, c] (forward: y[r, c] += bias[c]): one thread per column, rows in order.</summary>
    [GpuKernel]
    public static void BiasBackwardNaive(BiasKernelArgs a)
    {
        for (var c = Grid.GlobalIndex.X; c < a.Channels; c += KernelIndex.StrideX())
        {
            var sum = 0f;
            for (var r = 0; r < a.Rows; r++) sum += a.Matrix[r * a.Channels + c];
            a.Bias[c] += sum;
        }
    }

    /// <summary>
    /// dBias[c] += Σ_r dY[r, c]: a group of X columns × Y row lanes (32×8 on a GPU); lane l sums rows l, l + Y, …
    /// (reads coalesced along the columns), then lane 0 adds the Y lane sums in order. Launch groups X×Y, grid ⌈C/X⌉.
    /// </summary>
    [GpuKernel]
    public static void BiasBackwardColumns(BiasKernelArgs a)
    {
        var laneSums = SharedMemory.Allocate<float>(Lanes * Columns);
        var (columns, lanes) = (Group.DimX, Group.DimY);
        var tx = Group.IdxX;
        var lane = Group.IdxY;
        var c = Grid.IdxX * columns + tx;
        var sum = 0f;
        if (c < a.Channels)
        {
            for (var r = lane; r < a.Rows; r += lanes) sum += a.Matrix[r * a.Channels + c];
        }
        laneSums[lane * columns + tx] = sum;
        Group.Barrier();
        if (lane == 0 && c < a.Channels)
        {
            var total = 0f;
            for (var l = 0; l < lanes; l++) total += laneSums[l * columns + tx];
            a.Bias[c] += total;
        }
    }

    private readonly GpuDevice _device;
    private readonly Kernel<BiasKernelArgs> _addNaive, _add2D, _backwardNaive, _backwardColumns;

    public BiasGpu(GpuDevice device)
    {
        _device = device;
        (_addNaive, _add2D) = (new(device, BiasAddNaive), new(device, BiasAdd2D));
        (_backwardNaive, _backwardColumns) = (new(device, BiasBackwardNaive), new(device, BiasBackwardColumns));
    }

    public void Add(in BiasAddArgs<float> a)
    {
        if (a.Rows == 0 || a.Channels == 0) return;
        var args = new BiasKernelArgs(_device.View(a.Y), _device.View(a.Bias), a.Rows, a.Channels);
        if (_device.Naive)
        {
            _addNaive.Launch(_device.Spread((long)a.Rows * a.Channels, Threads), args);
            return;
        }
        var (columns, lanes) = ColumnsAndLanes();
        _add2D.Launch(Groups(Ceil(a.Channels, columns), columns, Math.Min(Ceil(a.Rows, lanes), Math.Min(MaxGridYZ, _device.MaxSpreadGroups)), lanes), args);
    }

    public void Backward(in BiasBackwardArgs<float> a)
    {
        if (a.Channels == 0) return;
        var args = new BiasKernelArgs(_device.View(a.DY), _device.View(a.DBias), a.Rows, a.Channels);
        if (_device.Naive)
        {
            _backwardNaive.Launch(_device.Spread(a.Channels, Threads), args);
            return;
        }
        var (columns, lanes) = ColumnsAndLanes();
        _backwardColumns.Launch(Groups(Ceil(a.Channels, columns), columns, 1, lanes), args);
    }

    /// <summary>32 columns × 8 lanes, or what fits the device's groups (columns first).</summary>
    private (int Columns, int Lanes) ColumnsAndLanes()
    {
        var columns = _device.GroupThreads(Columns);
        return (columns, Math.Max(1, _device.GroupThreads(Columns * Lanes) / columns));
    }
}
