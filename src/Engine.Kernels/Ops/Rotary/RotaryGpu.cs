using ILGPU;
using Engine.Kernels.Gpu;

namespace Engine.Kernels.Ops;

// Legend: T tokens, NH heads, D head size, half = D/2; a pair is (token, head, i < half).

/// <summary>
/// GPU kernel of the Hugging Face rotary embedding, in place (formula: <see cref="RotaryForwardArgs{T}"/>): one thread per
/// rotation pair, grid-stride over T·NH·half pairs; the thread reads both elements of its pair before writing them, and
/// no two threads share an element. The angle is the float32 product t·f_i. One kernel serves both variants.
/// </summary>
internal sealed class RotaryGpu
{
    public const int Threads = 128;

    public readonly record struct RotaryKernelArgs(ArrayView<float> X, ArrayView<float> InverseFrequencies, // (T, NH·D), (half)
        int Tokens, int Heads, int HeadDim);

    /// <summary>Pair p = ((t·NH + h)·half + i).</summary>
    [GpuKernel]
    public static void Forward(RotaryKernelArgs a)
    {
        var half = a.HeadDim / 2;
        var pairs = a.Tokens * a.Heads * half;
        for (var p = Grid.GlobalIndex.X; p < pairs; p += KernelIndex.StrideX())
        {
            var i = p % half;
            var row = p / half; // t·NH + h
            var t = row / a.Heads;
            var angle = t * a.InverseFrequencies[i];
            var cos = MathF.Cos(angle);
            var sin = MathF.Sin(angle);
            var first = row * a.HeadDim + i;
            var x1 = a.X[first];
            var x2 = a.X[first + half];
            a.X[first] = x1 * cos - x2 * sin;
            a.X[first + half] = x2 * cos + x1 * sin;
        }
    }

    private readonly GpuDevice _device;
    private readonly Kernel<RotaryKernelArgs> _forward;

    public RotaryGpu(GpuDevice device)
    {
        _device = device;
        _forward = new(device, Forward);
    }

    public void Forward(in RotaryForwardArgs<float> a)
    {
        var pairs = (long)a.Tokens * a.Heads * (a.HeadDim / 2);
        if (pairs == 0) return;
        var d = _device;
        _forward.Launch(d.Spread(pairs, Threads), new RotaryKernelArgs(d.View(a.X), d.View(a.InverseFrequencies), a.Tokens, a.Heads, a.HeadDim));
    }
}
