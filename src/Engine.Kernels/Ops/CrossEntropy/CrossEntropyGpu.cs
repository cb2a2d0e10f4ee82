using ILGPU;
using Engine.Kernels.Gpu;
using static Engine.Kernels.Gpu.GpuLaunch;

namespace Engine.Kernels.Ops;

/// <summary>
/// GPU kernels of softmax cross-entropy on selected rows, fused with its gradient (formula:
/// <see cref="CrossEntropyArgs{T}"/>). Legend: R rows, V vocabulary (≈ 10011 wide). A target outside [0, V) gives a
/// NaN loss and no gradient for its row (reading it would fault the device; the host devices refuse it).
/// </summary>
internal sealed class CrossEntropyGpu
{
    /// <summary>Threads per group of the one-group-per-row kernel and of the naive one.</summary>
    public const int Threads = 256, NaiveThreads = 64;

    public readonly record struct CrossEntropyKernelArgs(
        ArrayView<float> Losses, ArrayView<float> DLogits, ArrayView<float> Logits, ArrayView<int> Targets, // (R), (R,V), (R,V), (R)
        int Rows, int Vocab, float GradScale, int WithGradient);

    /// <summary>One thread per row: max, Σ exp, loss and (when WithGradient ≠ 0) the gradient, in index order.</summary>
    [GpuKernel]
    public static void Naive(CrossEntropyKernelArgs a)
    {
        for (var r = Grid.GlobalIndex.X; r < a.Rows; r += KernelIndex.StrideX()) NaiveRow(a, r);
    }

    private static void NaiveRow(in CrossEntropyKernelArgs a, int r)
    {
        var start = r * a.Vocab;
        var target = a.Targets[r];
        if ((uint)target >= (uint)a.Vocab)
        {
            a.Losses[r] = float.NaN;
            return;
        }
        var targetLogit = a.Logits[start + target];
        var rowMax = float.NegativeInfinity;
        for (var v = 0; v < a.Vocab; v++) rowMax = MathF.Max(rowMax, a.Logits[start + v]);
        var sum = 0f;
        for (var v = 0; v < a.Vocab; v++) sum += MathF.Exp(a.Logits[start + v] - rowMax);
        var logSumExp = rowMax + MathF.Log(sum);
        a.Losses[r] = logSumExp - targetLogit;
        if (a.WithGradient == 0) return;
        for (var v = 0; v < a.Vocab; v++)
        {
            var p = MathF.Exp(a.Logits[start + v] - logSumExp);
            a.DLogits[start + v] = a.GradScale * (v == target ? p - 1f : p);
        }
    }

    /// <summary>
    /// One group per row: group max, group Σ exp (fixed-order trees), then each thread writes the gradient of its strided
    /// columns. Every thread reads the target logit before the first barrier, so writing the gradient over the logits
    /// (in place) cannot change the loss.
    /// </summary>
    [GpuKernel]
    public static void Rows(CrossEntropyKernelArgs a)
    {
        var scratch = SharedMemory.Allocate<float>(Threads);
        var r = Grid.IdxX;
        var tid = Group.IdxX;
        var start = r * a.Vocab;
        var target = a.Targets[r];
        var valid = (uint)target < (uint)a.Vocab;
        var targetLogit = valid ? a.Logits[start + target] : float.NaN;
        var localMax = float.NegativeInfinity;
        for (var v = tid; v < a.Vocab; v += Group.DimX) localMax = MathF.Max(localMax, a.Logits[start + v]);
        var rowMax = GroupReduce.Max(scratch, localMax);
        var localSum = 0f;
        for (var v = tid; v < a.Vocab; v += Group.DimX) localSum += MathF.Exp(a.Logits[start + v] - rowMax);
        var logSumExp = rowMax + MathF.Log(GroupReduce.Sum(scratch, localSum));
        if (tid == 0) a.Losses[r] = logSumExp - targetLogit;
        if (a.WithGradient == 0 || !valid) return;
        for (var v = tid; v < a.Vocab; v += Group.DimX)
        {
            var p = MathF.Exp(a.Logits[start + v] - logSumExp);
            a.DLogits[start + v] = a.GradScale * (v == target ? p - 1f : p);
        }
    }

    private readonly GpuDevice _device;
    private readonly Kernel<CrossEntropyKernelArgs> _naive, _rows;

    public CrossEntropyGpu(GpuDevice device)
    {
        _device = device;
        (_naive, _rows) = (new(device, Naive), new(device, Rows));
    }

    public void Run(in CrossEntropyArgs<float> a)
    {
        if (a.Rows == 0) return;
        var logits = _device.View(a.Logits);
        var dLogits = a.WithGradient ? _device.View(a.DLogits) : logits; // not written without the gradient
        var args = new CrossEntropyKernelArgs(_device.View(a.Losses), dLogits, logits, _device.View(a.Targets),
            a.Rows, a.Vocab, a.GradScale, a.WithGradient ? 1 : 0);
        if (_device.Naive) _naive.Launch(_device.Spread(a.Rows, NaiveThreads), args);
        else _rows.Launch(_device.PerGroup(a.Rows, Threads), args);
    }
}
