using ILGPU;
using Engine.Kernels.Gpu;

namespace Engine.Kernels.Ops;

// Legend: n the element count.

/// <summary>
/// GPU kernel of the gated activation out = a(gate)·up (formula: <see cref="GatedActivationForwardArgs{T}"/>; float32
/// math of <see cref="ActivationMath"/>). One grid-stride element-wise kernel serves both variants: there is nothing
/// to tile or reduce.
/// </summary>
internal sealed class GatedActivationGpu
{
    public const int Threads = 256;

    /// <summary>Activation is the <see cref="GatedActivation"/> value as an int.</summary>
    public readonly record struct GatedKernelArgs(ArrayView<float> Output, ArrayView<float> Gate, ArrayView<float> Up, int N, int Activation); // (n) each

    /// <summary>output[i] = a(gate[i])·up[i].</summary>
    [GpuKernel]
    public static void Forward(GatedKernelArgs a)
    {
        for (var i = Grid.GlobalIndex.X; i < a.N; i += KernelIndex.StrideX())
            a.Output[i] = ActivationMath.Gate(a.Gate[i], (GatedActivation)a.Activation) * a.Up[i];
    }

    private readonly GpuDevice _device;
    private readonly Kernel<GatedKernelArgs> _forward;

    public GatedActivationGpu(GpuDevice device)
    {
        _device = device;
        _forward = new(device, Forward);
    }

    public void Forward(in GatedActivationForwardArgs<float> a)
    {
        var n = a.Output.Length;
        if (n == 0) return;
        var d = _device;
        _forward.Launch(d.Spread(n, Threads), new GatedKernelArgs(d.View(a.Output), d.View(a.Gate), d.View(a.Up), n, (int)a.Activation));
    }
}
