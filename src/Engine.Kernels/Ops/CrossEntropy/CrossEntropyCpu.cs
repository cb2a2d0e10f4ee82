using System.Numerics.Tensors;

using Engine.Kernels.Cpu;

namespace Engine.Kernels.Ops;

// Legend: R rows (selected positions), V vocabulary (10011 wide rows).

/// <summary>
/// float32 fast paths of softmax cross-entropy, forward and fused forward + gradient. Naive loop:
/// <see cref="NaiveOps.CrossEntropyForwardBackward{T}"/>. Each row is a SIMD max, exp and sum;
/// rows are independent and run in parallel. Targets are validated by the device.
/// </summary>
internal static unsafe class CrossEntropyCpu
{
    /// <summary>Work per element of a row (max, subtract, exp, sum, scale) for the parallel threshold.</summary>
    private const int WorkPerElement = 16;

    /// <summary>losses[r] = logsumexp(logits[r, :]) − logits[r, targets[r]].   losses (R), logits (R,V), targets (R).</summary>
    public static void Forward(CpuDevice device, float* losses, float* logits, int* targets, int rows, int vocab)
        => CpuParallel.For(device, rows, (long)WorkPerElement * vocab, 1, new ForwardJob(losses, logits, targets, vocab));

    /// <summary>
    /// losses[r] as <see cref="Forward"/>; dLogits[r, v] = gradScale·(softmax(logits[r])[v] − [v = targets[r]])
    /// (overwritten). dLogits may be the logits view itself: the row is read before it is overwritten.
    /// losses (R), dLogits, logits (R,V), targets (R).
    /// </summary>
    public static void ForwardBackward(CpuDevice device, float* losses, float* dLogits, float* logits, int* targets,
        int rows, int vocab, float gradScale)
        => CpuParallel.For(device, rows, (long)WorkPerElement * vocab, 1,
            new ForwardBackwardJob(losses, dLogits, logits, targets, vocab, gradScale));

    private readonly struct ForwardJob(float* losses, float* logits, int* targets, int vocab) : IChunkJob
    {
        public void Run(int start, int end)
        {
            // exp(x − max) needs a row of scratch; this thread's buffer is reused across calls.
            var exps = new Span<float>(CpuScratch.Floats(vocab), vocab);
            for (var r = start; r < end; r++)
            {
                var row = new ReadOnlySpan<float>(logits + (nint)r * vocab, vocab);
                losses[r] = (float)RowLoss(row, targets[r], exps, out _, out _);
            }
        }
    }

    private readonly struct ForwardBackwardJob(float* losses, float* dLogits, float* logits, int* targets,
        int vocab, float gradScale) : IChunkJob
    {
        public void Run(int start, int end)
        {
            for (var r = start; r < end; r++)
            {
                var row = new ReadOnlySpan<float>(logits + (nint)r * vocab, vocab);
                var gradient = new Span<float>(dLogits + (nint)r * vocab, vocab);
                var target = targets[r];
                losses[r] = (float)RowLoss(row, target, gradient, out var top, out var rest);
                // gradient holds exp(x − max) now; softmax = that / (1 + rest).
                TensorPrimitives.Multiply(gradient, (float)(gradScale / (1.0 + rest)), gradient);
                // At a confident target p ≈ 1 and p − 1 would cancel in float: use p − 1 = −rest/(1 + rest).
                if (target == top) gradient[target] = (float)(-gradScale * (rest / (1.0 + rest)));
                else gradient[target] -= gradScale;
            }
        }
    }

    /// <summary>
    /// Fills <paramref name="exps"/> with exp(x − max) and returns the row's loss. The max term (exactly 1) is
    /// kept out of the float sum: with rest = Σ of the others, logsumexp − x_t = (max − x_t) + ln(1 + rest)
    /// taken in float64, so a near-zero loss (confident, correct prediction) keeps its digits. Three passes
    /// over the row: max and its first index, the shifted exp (<see cref="CpuExp"/>), the sum.
    /// </summary>
    private static double RowLoss(ReadOnlySpan<float> row, int target, Span<float> exps, out int top, out double rest)
    {
        top = RowsCpu.FirstMax(row);
        var max = row[top];
        var targetLogit = row[target];
        fixed (float* x = row, e = exps) CpuExp.ExpShifted(x, max, e, row.Length);
        exps[top] = 0f;
        rest = TensorPrimitives.Sum((ReadOnlySpan<float>)exps);
        exps[top] = 1f;
        return (double)max - targetLogit + Math.Log(1.0 + rest);
    }
}
