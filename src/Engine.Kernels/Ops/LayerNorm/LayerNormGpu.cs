using ILGPU;
using Engine.Kernels.Gpu;
using static Engine.Kernels.Gpu.GpuLaunch;

namespace Engine.Kernels.Ops;

/// <summary>
/// GPU kernels of LayerNorm (formulas: <see cref="LayerNormForwardArgs{T}"/>, <see cref="LayerNormBackwardArgs{T}"/>).
/// Legend: R rows, C channels, G row blocks of the backward. Deterministic: fixed-order tree sums per row; dW and dB
/// through per-row-block partials (G, C) that a second kernel adds in block order (no atomics).
/// </summary>
internal sealed class LayerNormGpu
{
    /// <summary>Threads per group of the one-group-per-row kernels.</summary>
    public const int Threads = 128;

    /// <summary>Rows handled (in order) by one group of the fast backward.</summary>
    public const int RowsPerBlock = 16;

    /// <summary>Threads per group of the naive kernels and of the partial reduction.</summary>
    public const int NaiveThreads = 64;

    public readonly record struct ForwardKernelArgs(
        ArrayView<float> Output, ArrayView<float> Mean, ArrayView<float> Rstd, // (R,C), (R), (R)
        ArrayView<float> X, ArrayView<float> Weight, ArrayView<float> Bias,    // (R,C), (C), (C)
        int Rows, int Channels, float Epsilon);

    /// <summary>DWeight and DBias are the (G,C) partials for the fast kernel, the (C) gradients for the naive ones.</summary>
    public readonly record struct BackwardKernelArgs(
        ArrayView<float> DX, ArrayView<float> DWeight, ArrayView<float> DBias,  // (R,C), (C) or (G,C), (C) or (G,C)
        ArrayView<float> DOut, ArrayView<float> X, ArrayView<float> Weight,     // (R,C), (R,C), (C)
        ArrayView<float> Mean, ArrayView<float> Rstd, int Rows, int Channels);  // (R), (R)

    public readonly record struct ParamsReduceArgs(
        ArrayView<float> DWeight, ArrayView<float> DBias, ArrayView<float> PartialWeight, ArrayView<float> PartialBias, // (C), (C), (G,C), (G,C)
        int Blocks, int Channels);

    /// <summary>One thread per row: mean, variance, output.</summary>
    [GpuKernel]
    public static void ForwardNaive(ForwardKernelArgs a)
    {
        for (var r = Grid.GlobalIndex.X; r < a.Rows; r += KernelIndex.StrideX())
        {
            var start = r * a.Channels;
            var sum = 0f;
            for (var c = 0; c < a.Channels; c++) sum += a.X[start + c];
            var mu = sum / a.Channels;
            var squares = 0f;
            for (var c = 0; c < a.Channels; c++)
            {
                var d = a.X[start + c] - mu;
                squares += d * d;
            }
            var s = 1f / MathF.Sqrt(squares / a.Channels + a.Epsilon);
            for (var c = 0; c < a.Channels; c++) a.Output[start + c] = (a.X[start + c] - mu) * s * a.Weight[c] + a.Bias[c];
            a.Mean[r] = mu;
            a.Rstd[r] = s;
        }
    }

    /// <summary>One group per row (of <see cref="Threads"/> threads on a GPU); the two sums are group tree reductions.</summary>
    [GpuKernel]
    public static void ForwardRows(ForwardKernelArgs a)
    {
        var scratch = SharedMemory.Allocate<float>(Threads);
        var r = Grid.IdxX;
        var tid = Group.IdxX;
        var start = r * a.Channels;
        var sum = 0f;
        for (var c = tid; c < a.Channels; c += Group.DimX) sum += a.X[start + c];
        var mu = GroupReduce.Sum(scratch, sum) / a.Channels;
        var squares = 0f;
        for (var c = tid; c < a.Channels; c += Group.DimX)
        {
            var d = a.X[start + c] - mu;
            squares += d * d;
        }
        var s = 1f / MathF.Sqrt(GroupReduce.Sum(scratch, squares) / a.Channels + a.Epsilon);
        for (var c = tid; c < a.Channels; c += Group.DimX) a.Output[start + c] = (a.X[start + c] - mu) * s * a.Weight[c] + a.Bias[c];
        if (tid == 0)
        {
            a.Mean[r] = mu;
            a.Rstd[r] = s;
        }
    }

    /// <summary>dX for one row per thread (forward: out = x̂·w + b).</summary>
    [GpuKernel]
    public static void BackwardInputsNaive(BackwardKernelArgs a)
    {
        for (var r = Grid.GlobalIndex.X; r < a.Rows; r += KernelIndex.StrideX())
        {
            var start = r * a.Channels;
            var mu = a.Mean[r];
            var s = a.Rstd[r];
            var sumG = 0f;
            var sumGx = 0f;
            for (var c = 0; c < a.Channels; c++)
            {
                var g = a.DOut[start + c] * a.Weight[c];
                sumG += g;
                sumGx += g * (a.X[start + c] - mu) * s;
            }
            var meanG = sumG / a.Channels;
            var meanGx = sumGx / a.Channels;
            for (var c = 0; c < a.Channels; c++)
            {
                var xhat = (a.X[start + c] - mu) * s;
                var g = a.DOut[start + c] * a.Weight[c];
                a.DX[start + c] += s * (g - meanG - xhat * meanGx);
            }
        }
    }

    /// <summary>dW[c] += Σ_r dOut·x̂ and dB[c] += Σ_r dOut, one thread per column, rows in order.</summary>
    [GpuKernel]
    public static void BackwardParamsNaive(BackwardKernelArgs a)
    {
        for (var c = Grid.GlobalIndex.X; c < a.Channels; c += KernelIndex.StrideX())
        {
            var sumW = 0f;
            var sumB = 0f;
            for (var r = 0; r < a.Rows; r++)
            {
                var i = r * a.Channels + c;
                sumW += a.DOut[i] * (a.X[i] - a.Mean[r]) * a.Rstd[r];
                sumB += a.DOut[i];
            }
            a.DWeight[c] += sumW;
            a.DBias[c] += sumB;
        }
    }

    /// <summary>
    /// Group g takes rows [g·16, g·16 + 16) in order: per row, two group sums give mean_c(g) and mean_c(g·x̂), then each
    /// thread updates dX for its columns and adds dOut·x̂ and dOut to its own columns of the partial rows
    /// DWeight[g, :] and DBias[g, :] (no two threads share an element).
    /// </summary>
    [GpuKernel]
    public static void BackwardRows(BackwardKernelArgs a)
    {
        var scratch = SharedMemory.Allocate<float>(Threads);
        var g = Grid.IdxX;
        var tid = Group.IdxX;
        var partialStart = g * a.Channels;
        for (var c = tid; c < a.Channels; c += Group.DimX)
        {
            a.DWeight[partialStart + c] = 0f;
            a.DBias[partialStart + c] = 0f;
        }
        var rowEnd = Math.Min(a.Rows, (g + 1) * RowsPerBlock);
        for (var r = g * RowsPerBlock; r < rowEnd; r++)
        {
            var start = r * a.Channels;
            var mu = a.Mean[r];
            var s = a.Rstd[r];
            var sumG = 0f;
            var sumGx = 0f;
            for (var c = tid; c < a.Channels; c += Group.DimX)
            {
                var gc = a.DOut[start + c] * a.Weight[c];
                sumG += gc;
                sumGx += gc * (a.X[start + c] - mu) * s;
            }
            var meanG = GroupReduce.Sum(scratch, sumG) / a.Channels;
            var meanGx = GroupReduce.Sum(scratch, sumGx) / a.Channels;
            for (var c = tid; c < a.Channels; c += Group.DimX)
            {
                var xhat = (a.X[start + c] - mu) * s;
                var d = a.DOut[start + c];
                var gc = d * a.Weight[c]; // its own statement: the same rounding as in the sums above (no contraction into an FMA)
                a.DX[start + c] += s * (gc - meanG - xhat * meanGx);
                a.DWeight[partialStart + c] += d * xhat;
                a.DBias[partialStart + c] += d;
            }
        }
    }

    /// <summary>dW[c] += Σ_g partialWeight[g, c]; dB[c] += Σ_g partialBias[g, c], blocks in order.</summary>
    [GpuKernel]
    public static void ParamsReduce(ParamsReduceArgs a)
    {
        for (var c = Grid.GlobalIndex.X; c < a.Channels; c += KernelIndex.StrideX())
        {
            var sumW = 0f;
            var sumB = 0f;
            for (var g = 0; g < a.Blocks; g++)
            {
                sumW += a.PartialWeight[g * a.Channels + c];
                sumB += a.PartialBias[g * a.Channels + c];
            }
            a.DWeight[c] += sumW;
            a.DBias[c] += sumB;
        }
    }

    private readonly GpuDevice _device;
    private readonly Kernel<ForwardKernelArgs> _forwardNaive, _forwardRows;
    private readonly Kernel<BackwardKernelArgs> _inputsNaive, _paramsNaive, _backwardRows;
    private readonly Kernel<ParamsReduceArgs> _paramsReduce;

    public LayerNormGpu(GpuDevice device)
    {
        _device = device;
        (_forwardNaive, _forwardRows) = (new(device, ForwardNaive), new(device, ForwardRows));
        (_inputsNaive, _paramsNaive, _backwardRows) = (new(device, BackwardInputsNaive), new(device, BackwardParamsNaive), new(device, BackwardRows));
        _paramsReduce = new(device, ParamsReduce);
    }

    public void Forward(in LayerNormForwardArgs<float> a)
    {
        if (a.Rows == 0) return;
        var d = _device;
        var args = new ForwardKernelArgs(d.View(a.Output), d.View(a.Mean), d.View(a.Rstd), d.View(a.X), d.View(a.Weight), d.View(a.Bias),
            a.Rows, a.Channels, a.Epsilon);
        if (d.Naive) _forwardNaive.Launch(d.Spread(a.Rows, NaiveThreads), args);
        else _forwardRows.Launch(d.PerGroup(a.Rows, Threads), args);
    }

    public void Backward(in LayerNormBackwardArgs<float> a)
    {
        if (a.Rows == 0) return;
        var d = _device;
        var (dWeight, dBias) = (d.View(a.DWeight), d.View(a.DBias));
        var args = new BackwardKernelArgs(d.View(a.DX), dWeight, dBias, d.View(a.DOut), d.View(a.X), d.View(a.Weight),
            d.View(a.Mean), d.View(a.Rstd), a.Rows, a.Channels);
        var columnGroups = d.Spread(a.Channels, NaiveThreads);
        if (d.Naive)
        {
            _inputsNaive.Launch(d.Spread(a.Rows, NaiveThreads), args);
            _paramsNaive.Launch(columnGroups, args);
            return;
        }
        var blocks = Ceil(a.Rows, RowsPerBlock);
        var partialWeight = d.View(d.Scratch(ScratchSlot.LayerNormWeightPartials, blocks * a.Channels));
        var partialBias = d.View(d.Scratch(ScratchSlot.LayerNormBiasPartials, blocks * a.Channels));
        _backwardRows.Launch(d.PerGroup(blocks, Threads), args with { DWeight = partialWeight, DBias = partialBias });
        _paramsReduce.Launch(columnGroups, new ParamsReduceArgs(dWeight, dBias, partialWeight, partialBias, blocks, a.Channels));
    }
}
