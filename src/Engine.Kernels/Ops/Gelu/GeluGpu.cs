using ILGPU;
using Engine.Kernels.Gpu;
using static Engine.Kernels.Gpu.GpuLaunch;

namespace Engine.Kernels.Ops;

// Legend: n the element count, (n) a view of n floats.

/// <summary>
/// GPU kernels of the exact (erf) GELU (formulas: <see cref="GeluForwardArgs{T}"/>, <see cref="GeluBackwardArgs{T}"/>;
/// the float32 math of <see cref="GeluMath"/>). Grid-stride loops; naive: one element per step, Vec4: four consecutive
/// elements per step through float4 loads (views aligned to 4 elements).
/// </summary>
internal sealed class GeluGpu
{
    /// <summary>Output is dX for the backward kernels; DOut is unused forward.</summary>
    public readonly record struct GeluKernelArgs(ArrayView<float> Output, ArrayView<float> X, ArrayView<float> DOut, int N); // (n) each

    /// <summary>output[i] = GELU(x[i]).</summary>
    [GpuKernel]
    public static void ForwardNaive(GeluKernelArgs a)
    {
        for (var i = Grid.GlobalIndex.X; i < a.N; i += KernelIndex.StrideX()) a.Output[i] = GeluMath.Value(a.X[i]);
    }

    /// <inheritdoc cref="ForwardNaive"/>
    [GpuKernel]
    public static void ForwardVec4(GeluKernelArgs a)
    {
        for (var quad = Grid.GlobalIndex.X; 4 * quad < a.N; quad += KernelIndex.StrideX())
        {
            var first = 4 * quad;
            if (first + 3 >= a.N)
            {
                for (var i = first; i < a.N; i++) a.Output[i] = GeluMath.Value(a.X[i]);
                break;
            }
            var x = a.X.Cast<Float4>()[quad];
            a.Output.Cast<Float4>()[quad] = new Float4(GeluMath.Value(x.X), GeluMath.Value(x.Y), GeluMath.Value(x.Z), GeluMath.Value(x.W));
        }
    }

    /// <summary>dX[i] += dOut[i]·GELU'(x[i]) (forward: out = x·Φ(x)).</summary>
    [GpuKernel]
    public static void BackwardNaive(GeluKernelArgs a)
    {
        for (var i = Grid.GlobalIndex.X; i < a.N; i += KernelIndex.StrideX()) a.Output[i] += a.DOut[i] * GeluMath.Slope(a.X[i]);
    }

    /// <inheritdoc cref="BackwardNaive"/>
    [GpuKernel]
    public static void BackwardVec4(GeluKernelArgs a)
    {
        for (var quad = Grid.GlobalIndex.X; 4 * quad < a.N; quad += KernelIndex.StrideX())
        {
            var first = 4 * quad;
            if (first + 3 >= a.N)
            {
                for (var i = first; i < a.N; i++) a.Output[i] += a.DOut[i] * GeluMath.Slope(a.X[i]);
                break;
            }
            var x = a.X.Cast<Float4>()[quad];
            var g = a.DOut.Cast<Float4>()[quad];
            var d = a.Output.Cast<Float4>()[quad];
            a.Output.Cast<Float4>()[quad] = new Float4(
                d.X + g.X * GeluMath.Slope(x.X), d.Y + g.Y * GeluMath.Slope(x.Y), d.Z + g.Z * GeluMath.Slope(x.Z), d.W + g.W * GeluMath.Slope(x.W));
        }
    }

    private readonly GpuDevice _device;
    private readonly Kernel<GeluKernelArgs> _forwardNaive, _forwardVec4, _backwardNaive, _backwardVec4;

    public GeluGpu(GpuDevice device)
    {
        _device = device;
        (_forwardNaive, _forwardVec4) = (new(device, ForwardNaive), new(device, ForwardVec4));
        (_backwardNaive, _backwardVec4) = (new(device, BackwardNaive), new(device, BackwardVec4));
    }

    public void Forward(in GeluForwardArgs<float> a)
    {
        var n = a.X.Length;
        if (n == 0) return;
        var x = _device.View(a.X);
        var vec4 = !_device.Naive && Aligned4(a.Output, a.X);
        (vec4 ? _forwardVec4 : _forwardNaive).Launch(ElementwiseGpu.Dims(_device, n, vec4), new GeluKernelArgs(_device.View(a.Output), x, x, n));
    }

    public void Backward(in GeluBackwardArgs<float> a)
    {
        var n = a.X.Length;
        if (n == 0) return;
        var vec4 = !_device.Naive && Aligned4(a.DX, a.X, a.DOut);
        (vec4 ? _backwardVec4 : _backwardNaive).Launch(ElementwiseGpu.Dims(_device, n, vec4),
            new GeluKernelArgs(_device.View(a.DX), _device.View(a.X), _device.View(a.DOut), n));
    }
}
