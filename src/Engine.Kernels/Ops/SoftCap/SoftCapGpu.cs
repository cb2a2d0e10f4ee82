using ILGPU;
using Engine.Kernels.Gpu;

namespace Engine.Kernels.Ops;

// Legend: n the element count.

/// <summary>
/// GPU kernel of soft-capping out = cap·tanh(x/cap) (formula: <see cref="SoftCapForwardArgs{T}"/>; the float32 tanh of
/// <see cref="ActivationMath"/>). One grid-stride element-wise kernel serves both variants.
/// </summary>
internal sealed class SoftCapGpu
{
    public const int Threads = 256;

    public readonly record struct SoftCapKernelArgs(ArrayView<float> Output, ArrayView<float> X, int N, float Cap); // (n) each

    /// <summary>output[i] = cap·tanh(x[i]/cap).</summary>
    [GpuKernel]
    public static void Forward(SoftCapKernelArgs a)
    {
        for (var i = Grid.GlobalIndex.X; i < a.N; i += KernelIndex.StrideX()) a.Output[i] = ActivationMath.SoftCap(a.X[i], a.Cap);
    }

    private readonly GpuDevice _device;
    private readonly Kernel<SoftCapKernelArgs> _forward;

    public SoftCapGpu(GpuDevice device)
    {
        _device = device;
        _forward = new(device, Forward);
    }

    public void Forward(in SoftCapForwardArgs<float> a)
    {
        var n = a.Output.Length;
        if (n == 0) return;
        var d = _device;
        _forward.Launch(d.Spread(n, Threads), new SoftCapKernelArgs(d.View(a.Output), d.View(a.X), n, a.Cap));
    }
}
