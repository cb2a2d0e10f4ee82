using ILGPU;
using ILGPU.Runtime;
using Engine.Kernels.Ops;

namespace Engine.Kernels.Gpu;

/// <summary>
/// Marks a static method as a GPU kernel entry point: explicitly grouped (it reads Grid/Group indices itself) and
/// taking one argument struct of views and scalars. The kernel catalog (the PTX and simulator tests, the benchmark)
/// finds every kernel by this attribute.
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class GpuKernelAttribute : Attribute;

/// <summary>One kernel of a device: loaded (compiled) on its first launch, then one driver launch per call.</summary>
internal sealed class Kernel<TArgs>(GpuDevice device, Action<TArgs> method) where TArgs : struct
{
    private Action<AcceleratorStream, KernelConfig, TArgs>? _launch;

    public void Launch(KernelConfig config, in TArgs args) => (_launch ??= device.Load(method))(device.Stream, config, args);
}

/// <summary>Index arithmetic inside kernels.</summary>
internal static class KernelIndex
{
    /// <summary>The number of threads along x in the whole grid: the step of a grid-stride loop.</summary>
    public static int StrideX() => Grid.DimX * Group.DimX;

    /// <summary>The number of threads along y in the whole grid.</summary>
    public static int StrideY() => Grid.DimY * Group.DimY;
}

/// <summary>Launch-shape arithmetic shared by the op families.</summary>
internal static class GpuLaunch
{
    /// <summary>CUDA's limit on gridDim.y and gridDim.z; larger extents loop (grid-stride).</summary>
    public const int MaxGridYZ = 65535;

    /// <summary>⌈value / divisor⌉ for positive divisors.</summary>
    public static int Ceil(int value, int divisor) => (value + divisor - 1) / divisor;

    /// <summary>A 1-D launch of <paramref name="groups"/> groups of <paramref name="threads"/> threads.</summary>
    public static KernelConfig Groups(int groups, int threads) => new(new Index3D(Math.Max(1, groups), 1, 1), new Index3D(threads, 1, 1));

    /// <summary>A launch of (gridX, gridY, gridZ) groups of (groupX, groupY) threads.</summary>
    public static KernelConfig Groups(int gridX, int groupX, int gridY, int groupY, int gridZ = 1)
        => new(new Index3D(Math.Max(1, gridX), Math.Max(1, gridY), Math.Max(1, gridZ)), new Index3D(groupX, groupY, 1));

    /// <summary>Whether every view starts at a multiple of 4 elements (16 bytes), as float4 access needs.</summary>
    public static bool Aligned4(BufferView<float> a, BufferView<float> b) => ((a.Offset | b.Offset) & 3) == 0;

    /// <inheritdoc cref="Aligned4(BufferView{float}, BufferView{float})"/>
    public static bool Aligned4(BufferView<float> a, BufferView<float> b, BufferView<float> c) => ((a.Offset | b.Offset | c.Offset) & 3) == 0;
}

/// <summary>Four floats, loaded and stored as one 16-byte access through <c>view.Cast&lt;Float4&gt;()</c> (PTX ld/st.v4).</summary>
public struct Float4(float x, float y, float z, float w)
{
    public float X = x;
    public float Y = y;
    public float Z = z;
    public float W = w;

    /// <summary>acc + a·b, lane by lane.</summary>
    public static Float4 MultiplyAdd(Float4 acc, float a, Float4 b) => new(acc.X + a * b.X, acc.Y + a * b.Y, acc.Z + a * b.Z, acc.W + a * b.W);
}
