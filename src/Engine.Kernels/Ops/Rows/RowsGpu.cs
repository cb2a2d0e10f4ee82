using ILGPU;
using Engine.Kernels.Gpu;
using static Engine.Kernels.Gpu.GpuLaunch;

namespace Engine.Kernels.Ops;

/// <summary>
/// GPU kernels of the row family: gather (token embedding, selection of supervised positions), its gradient — a
/// deterministic scatter-add — and the row arg-max the probes use (formulas: <see cref="GatherRowsArgs{T}"/>,
/// <see cref="ScatterAddRowsArgs{T}"/>, <see cref="ArgMaxRowsArgs{T}"/>). Legend: R gathered rows, C channels,
/// V table rows. The scatter never races: each destination element is written by exactly one thread, which adds the
/// contributions in increasing r, the naive order (so the float result matches it bit for bit). An index outside
/// [0, V) is skipped (reading it would fault the device; the host devices refuse such an index outright).
/// </summary>
internal sealed class RowsGpu
{
    /// <summary>Threads per group (x).</summary>
    public const int Threads = 128;

    /// <summary>Threads per group of the one-group-per-row arg-max, and of its naive form.</summary>
    public const int ArgMaxThreads = 256, NaiveThreads = 64;

    /// <summary>Above this many rows the owner scatter's O(R) scans cost more than the naive column loop.</summary>
    public const int MaxOwnerRows = 4096;

    /// <summary>Rows is the gathered (R,C) matrix (output of a gather, dOut of a scatter); Table the (V,C) table or its gradient.</summary>
    public readonly record struct RowsKernelArgs(ArrayView<float> Rows, ArrayView<float> Table, ArrayView<int> Indices, int RowCount, int Channels, int TableRows);

    public readonly record struct ArgMaxKernelArgs(ArrayView<int> Indices, ArrayView<float> X, int Rows, int Columns); // (R), (R,V)

    /// <summary>output[r, c] = table[indices[r], c], one thread per output element (flat index).</summary>
    [GpuKernel]
    public static void GatherNaive(RowsKernelArgs a)
    {
        for (var i = Grid.GlobalIndex.X; i < a.RowCount * a.Channels; i += KernelIndex.StrideX())
        {
            var r = i / a.Channels;
            var index = a.Indices[r];
            if ((uint)index < (uint)a.TableRows) a.Rows[i] = a.Table[index * a.Channels + i - r * a.Channels];
        }
    }

    /// <summary>output[r, c] = table[indices[r], c] on a grid of x over channels, y over rows (grid-stride).</summary>
    [GpuKernel]
    public static void Gather2D(RowsKernelArgs a)
    {
        var c = Grid.GlobalIndex.X;
        for (var r = Grid.GlobalIndex.Y; c < a.Channels && r < a.RowCount; r += KernelIndex.StrideY())
        {
            var index = a.Indices[r];
            if ((uint)index < (uint)a.TableRows) a.Rows[r * a.Channels + c] = a.Table[index * a.Channels + c];
        }
    }

    /// <summary>dTable[indices[r], c] += dOut[r, c] (forward: a gather): one thread per channel, rows in order.</summary>
    [GpuKernel]
    public static void ScatterAddNaive(RowsKernelArgs a)
    {
        for (var c = Grid.GlobalIndex.X; c < a.Channels; c += KernelIndex.StrideX())
        {
            for (var r = 0; r < a.RowCount; r++)
            {
                var index = a.Indices[r];
                if ((uint)index < (uint)a.TableRows) a.Table[index * a.Channels + c] += a.Rows[r * a.Channels + c];
            }
        }
    }

    /// <summary>
    /// One thread per (r, c): the thread of the first row r with a given index owns that destination row and adds every
    /// dOut[r', c] with the same index, r' ≥ r in order; later duplicates do nothing. Grid: x over channels, y over rows.
    /// </summary>
    [GpuKernel]
    public static void ScatterAddOwner(RowsKernelArgs a)
    {
        var c = Grid.GlobalIndex.X;
        for (var r = Grid.GlobalIndex.Y; c < a.Channels && r < a.RowCount; r += KernelIndex.StrideY())
        {
            var index = a.Indices[r];
            if ((uint)index >= (uint)a.TableRows) continue;
            var owner = true;
            for (var earlier = 0; earlier < r; earlier++)
            {
                if (a.Indices[earlier] == index)
                {
                    owner = false;
                    break;
                }
            }
            if (!owner) continue;
            var destination = index * a.Channels + c;
            var acc = a.Table[destination];
            for (var later = r; later < a.RowCount; later++)
            {
                if (a.Indices[later] == index) acc += a.Rows[later * a.Channels + c];
            }
            a.Table[destination] = acc;
        }
    }

    /// <summary>indices[r] = the first index of the largest value in row r; one thread per row.</summary>
    [GpuKernel]
    public static void ArgMaxNaive(ArgMaxKernelArgs a)
    {
        for (var r = Grid.GlobalIndex.X; r < a.Rows; r += KernelIndex.StrideX())
        {
            var start = r * a.Columns;
            var best = 0;
            for (var c = 1; c < a.Columns; c++)
            {
                if (a.X[start + c] > a.X[start + best]) best = c;
            }
            a.Indices[r] = best;
        }
    }

    /// <summary>
    /// One group per row: each thread keeps the first maximum of its strided columns, then a tree keeps the larger
    /// value, or on a tie the smaller index (so the result is the first maximum).
    /// </summary>
    [GpuKernel]
    public static void ArgMaxTree(ArgMaxKernelArgs a)
    {
        var bestValues = SharedMemory.Allocate<float>(ArgMaxThreads);
        var bestIndices = SharedMemory.Allocate<int>(ArgMaxThreads);
        var r = Grid.IdxX;
        var tid = Group.IdxX;
        var start = r * a.Columns;
        var best = tid < a.Columns ? tid : 0;
        for (var c = tid + Group.DimX; c < a.Columns; c += Group.DimX)
        {
            if (a.X[start + c] > a.X[start + best]) best = c;
        }
        bestValues[tid] = a.X[start + best];
        bestIndices[tid] = best;
        Group.Barrier();
        for (var stride = Group.DimX / 2; stride > 0; stride >>= 1)
        {
            if (tid < stride)
            {
                var otherValue = bestValues[tid + stride];
                var otherIndex = bestIndices[tid + stride];
                var mine = bestValues[tid];
                if (otherValue > mine || (otherValue == mine && otherIndex < bestIndices[tid]))
                {
                    bestValues[tid] = otherValue;
                    bestIndices[tid] = otherIndex;
                }
            }
            Group.Barrier();
        }
        if (tid == 0) a.Indices[r] = bestIndices[0];
    }

    private readonly GpuDevice _device;
    private readonly Kernel<RowsKernelArgs> _gatherNaive, _gather2D, _scatterNaive, _scatterOwner;
    private readonly Kernel<ArgMaxKernelArgs> _argMaxNaive, _argMaxTree;

    public RowsGpu(GpuDevice device)
    {
        _device = device;
        (_gatherNaive, _gather2D) = (new(device, GatherNaive), new(device, Gather2D));
        (_scatterNaive, _scatterOwner) = (new(device, ScatterAddNaive), new(device, ScatterAddOwner));
        (_argMaxNaive, _argMaxTree) = (new(device, ArgMaxNaive), new(device, ArgMaxTree));
    }


    public void Gather(in GatherRowsArgs<float> a)
    {
        if (a.Rows == 0 || a.Channels == 0) return;
        var args = new RowsKernelArgs(_device.View(a.Output), _device.View(a.Table), _device.View(a.Indices), a.Rows, a.Channels, a.TableRows);
        if (_device.Naive) _gatherNaive.Launch(_device.Spread((long)a.Rows * a.Channels, Threads), args);
        else _gather2D.Launch(_device.Rows2D(a.Channels, a.Rows, Threads), args);
    }

    public void ScatterAdd(in ScatterAddRowsArgs<float> a)
    {
        if (a.Rows == 0 || a.Channels == 0) return;
        var args = new RowsKernelArgs(_device.View(a.DOut), _device.View(a.DTable), _device.View(a.Indices), a.Rows, a.Channels, a.TableRows);
        if (_device.Naive || a.Rows > MaxOwnerRows) _scatterNaive.Launch(_device.Spread(a.Channels, Threads), args);
        else _scatterOwner.Launch(_device.Rows2D(a.Channels, a.Rows, Threads), args);
    }

    public void ArgMax(in ArgMaxRowsArgs<float> a)
    {
        if (a.Rows == 0) return;
        var args = new ArgMaxKernelArgs(_device.View(a.Indices), _device.View(a.X), a.Rows, a.Columns);
        if (_device.Naive) _argMaxNaive.Launch(_device.Spread(a.Rows, NaiveThreads), args);
        else _argMaxTree.Launch(_device.PerGroup(a.Rows, ArgMaxThreads), args);
    }
}
