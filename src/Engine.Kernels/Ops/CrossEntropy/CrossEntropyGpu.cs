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

    /// <summary>ln(1 + x) for x ≥ 0 without losing a small x to the rounding of 1 + x (a series below 1e-4).</summary>
    private static float Log1P(float x) => x < 1e-4f ? x * (1f - x * (0.5f - x * (1f / 3f))) : MathF.Log(1f + x);

    /// <summary>
    /// The row's loss from its max, the count of elements equal to it and rest = (count − 1) + Σ_{x &lt; max} e^(x − max):
    /// logsumexp − x_t = (max − x_t) + ln(1 + rest). The max term (exactly 1) stays out of the float sum, so a confident,
    /// correct row keeps its tiny loss (as the CPU path does).
    /// </summary>
    private static float Loss(float max, float targetLogit, float rest) => max - targetLogit + Log1P(rest);

    /// <summary>
    /// dLogits[v] = scale·(e^(x_v − max)/(1 + rest) − [v = t]); for the target at the max, p − 1 = −rest/(1 + rest)
    /// directly, which does not cancel.
    /// </summary>
    private static float Gradient(float x, float max, float rest, bool isTarget, float scale)
    {
        if (isTarget && x == max) return -scale * (rest / (1f + rest));
        var p = MathF.Exp(x - max) / (1f + rest);
        return scale * (isTarget ? p - 1f : p);
    }

    /// <summary>One row per thread: max, rest, loss and (when WithGradient ≠ 0) the gradient, in index order.</summary>
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
        var max = float.NegativeInfinity;
        for (var v = 0; v < a.Vocab; v++) max = MathF.Max(max, a.Logits[start + v]);
        var rest = -1f;
        for (var v = 0; v < a.Vocab; v++)
        {
            var x = a.Logits[start + v];
            rest += x == max ? 1f : MathF.Exp(x - max);
        }
        a.Losses[r] = Loss(max, targetLogit, rest);
        if (a.WithGradient == 0) return;
        for (var v = 0; v < a.Vocab; v++) a.DLogits[start + v] = Gradient(a.Logits[start + v], max, rest, v == target, a.GradScale);
    }

    /// <summary>
    /// One group per row: group max, then group sums of the count at the max and of e^(x − max) below it (fixed-order
    /// trees), then each thread writes the gradient of its strided columns. Every thread reads the target logit before
    /// the first barrier, so writing the gradient over the logits (in place) cannot change the loss.
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
        var max = GroupReduce.Max(scratch, localMax);
        var localCount = 0f;
        var localSum = 0f;
        for (var v = tid; v < a.Vocab; v += Group.DimX)
        {
            var x = a.Logits[start + v];
            if (x == max) localCount += 1f;
            else localSum += MathF.Exp(x - max);
        }
        var rest = GroupReduce.Sum(scratch, localCount) - 1f + GroupReduce.Sum(scratch, localSum);
        if (tid == 0) a.Losses[r] = Loss(max, targetLogit, rest);
        if (a.WithGradient == 0 || !valid) return;
        for (var v = tid; v < a.Vocab; v += Group.DimX) a.DLogits[start + v] = Gradient(a.Logits[start + v], max, rest, v == target, a.GradScale);
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
