using ILGPU;
using ILGPU.Runtime;
using Engine.Kernels.Gpu;
using static Engine.Kernels.Gpu.GpuLaunch;

namespace Engine.Kernels.Ops;

// Legend: n the element count, (n) a view of n floats, G reduction groups.

/// <summary>
/// GPU kernels of the element-wise family: Axpy, Scale, Add, Fill, and the Sum/Norm reductions. Every kernel is a
/// grid-stride loop, so the launch picks the grid. Naive: one element per step (a reduction: one thread adds everything
/// in index order). Vec4: four consecutive elements per step through float4 loads and stores when every view starts at
/// a multiple of 4 elements, scalar code for the ragged tail. Reductions are deterministic: pass 1 gives each of G groups (G fixed by n alone) a grid-stride slice
/// and a fixed-order tree, pass 2 reduces the G partials in one group the same way.
/// </summary>
internal sealed class ElementwiseGpu
{
    /// <summary>Threads per group of every element-wise kernel.</summary>
    public const int Threads = 256;

    /// <summary>At most this many reduction partials (so pass 2 is a single group).</summary>
    public const int MaxPartials = 256;

    public readonly record struct AxpyKernelArgs(ArrayView<float> X, ArrayView<float> Y, float Alpha, int N); // (n), (n)

    public readonly record struct ScaleKernelArgs(ArrayView<float> X, float Alpha, int N); // (n)

    public readonly record struct AddKernelArgs(ArrayView<float> A, ArrayView<float> B, ArrayView<float> Output, int N); // (n) each

    public readonly record struct FillKernelArgs(ArrayView<uint> X, uint Bits, int N); // (n) of any 4-byte type

    public readonly record struct ReduceKernelArgs(ArrayView<float> X, ArrayView<float> Result, int N, int Square, int Root); // (n), (G) or (1)

    /// <summary>y[i] += alpha·x[i].</summary>
    [GpuKernel]
    public static void AxpyNaive(AxpyKernelArgs a)
    {
        for (var i = Grid.GlobalIndex.X; i < a.N; i += KernelIndex.StrideX()) a.Y[i] += a.Alpha * a.X[i];
    }

    /// <inheritdoc cref="AxpyNaive"/>
    [GpuKernel]
    public static void AxpyVec4(AxpyKernelArgs a)
    {
        for (var quad = Grid.GlobalIndex.X; 4 * quad < a.N; quad += KernelIndex.StrideX())
        {
            var first = 4 * quad;
            if (first + 3 >= a.N)
            {
                for (var i = first; i < a.N; i++) a.Y[i] += a.Alpha * a.X[i];
                break;
            }
            var x = a.X.Cast<Float4>()[quad];
            var y = a.Y.Cast<Float4>()[quad];
            a.Y.Cast<Float4>()[quad] = new Float4(y.X + a.Alpha * x.X, y.Y + a.Alpha * x.Y, y.Z + a.Alpha * x.Z, y.W + a.Alpha * x.W);
        }
    }

    /// <summary>x[i] *= alpha.</summary>
    [GpuKernel]
    public static void ScaleNaive(ScaleKernelArgs a)
    {
        for (var i = Grid.GlobalIndex.X; i < a.N; i += KernelIndex.StrideX()) a.X[i] *= a.Alpha;
    }

    /// <inheritdoc cref="ScaleNaive"/>
    [GpuKernel]
    public static void ScaleVec4(ScaleKernelArgs a)
    {
        for (var quad = Grid.GlobalIndex.X; 4 * quad < a.N; quad += KernelIndex.StrideX())
        {
            var first = 4 * quad;
            if (first + 3 >= a.N)
            {
                for (var i = first; i < a.N; i++) a.X[i] *= a.Alpha;
                break;
            }
            var x = a.X.Cast<Float4>()[quad];
            a.X.Cast<Float4>()[quad] = new Float4(a.Alpha * x.X, a.Alpha * x.Y, a.Alpha * x.Z, a.Alpha * x.W);
        }
    }

    /// <summary>output[i] = a[i] + b[i] (output may alias a or b: each thread reads its elements before writing them).</summary>
    [GpuKernel]
    public static void AddNaive(AddKernelArgs a)
    {
        for (var i = Grid.GlobalIndex.X; i < a.N; i += KernelIndex.StrideX()) a.Output[i] = a.A[i] + a.B[i];
    }

    /// <inheritdoc cref="AddNaive"/>
    [GpuKernel]
    public static void AddVec4(AddKernelArgs a)
    {
        for (var quad = Grid.GlobalIndex.X; 4 * quad < a.N; quad += KernelIndex.StrideX())
        {
            var first = 4 * quad;
            if (first + 3 >= a.N)
            {
                for (var i = first; i < a.N; i++) a.Output[i] = a.A[i] + a.B[i];
                break;
            }
            var x = a.A.Cast<Float4>()[quad];
            var y = a.B.Cast<Float4>()[quad];
            a.Output.Cast<Float4>()[quad] = new Float4(x.X + y.X, x.Y + y.Y, x.Z + y.Z, x.W + y.W);
        }
    }

    /// <summary>x[i] = bits (any 4-byte element type, as its bit pattern).</summary>
    [GpuKernel]
    public static void Fill32(FillKernelArgs a)
    {
        for (var i = Grid.GlobalIndex.X; i < a.N; i += KernelIndex.StrideX()) a.X[i] = a.Bits;
    }

    /// <summary>result[0] = Σ x[i] (or Σ x[i]² when Square ≠ 0), then √ when Root ≠ 0; a single thread, in index order.</summary>
    [GpuKernel]
    public static void ReduceNaive(ReduceKernelArgs a)
    {
        if (Grid.GlobalIndex.X != 0) return; // one thread, whatever the launch
        var sum = 0f;
        for (var i = 0; i < a.N; i++)
        {
            var value = a.X[i];
            sum += a.Square != 0 ? value * value : value;
        }
        a.Result[0] = a.Root != 0 ? MathF.Sqrt(sum) : sum;
    }

    /// <summary>result[g] = Σ over group g's grid-stride slice of x (or x²), a fixed-order tree per group.</summary>
    [GpuKernel]
    public static void ReducePartials(ReduceKernelArgs a)
    {
        var scratch = SharedMemory.Allocate<float>(Threads);
        var sum = 0f;
        for (var i = Grid.GlobalIndex.X; i < a.N; i += KernelIndex.StrideX())
        {
            var value = a.X[i];
            sum += a.Square != 0 ? value * value : value;
        }
        var total = GroupReduce.Sum(scratch, sum);
        if (Group.IdxX == 0) a.Result[Grid.IdxX] = total;
    }

    /// <summary>result[0] = Σ_g x[g] over the N partials, then √ when Root ≠ 0; one group.</summary>
    [GpuKernel]
    public static void ReduceFinal(ReduceKernelArgs a)
    {
        var scratch = SharedMemory.Allocate<float>(Threads);
        var sum = 0f;
        for (var i = Group.IdxX; i < a.N; i += Group.DimX) sum += a.X[i];
        var total = GroupReduce.Sum(scratch, sum);
        if (Group.IdxX == 0) a.Result[0] = a.Root != 0 ? MathF.Sqrt(total) : total;
    }

    private readonly GpuDevice _device;
    private readonly Kernel<AxpyKernelArgs> _axpyNaive, _axpyVec4;
    private readonly Kernel<ScaleKernelArgs> _scaleNaive, _scaleVec4;
    private readonly Kernel<AddKernelArgs> _addNaive, _addVec4;
    private readonly Kernel<FillKernelArgs> _fill;
    private readonly Kernel<ReduceKernelArgs> _reduceNaive, _reducePartials, _reduceFinal;

    public ElementwiseGpu(GpuDevice device)
    {
        _device = device;
        (_axpyNaive, _axpyVec4) = (new(device, AxpyNaive), new(device, AxpyVec4));
        (_scaleNaive, _scaleVec4) = (new(device, ScaleNaive), new(device, ScaleVec4));
        (_addNaive, _addVec4) = (new(device, AddNaive), new(device, AddVec4));
        _fill = new(device, Fill32);
        (_reduceNaive, _reducePartials, _reduceFinal) = (new(device, ReduceNaive), new(device, ReducePartials), new(device, ReduceFinal));
    }

    /// <summary>A grid-stride launch over n elements (naive) or over their ⌈n/4⌉ quads (vec4).</summary>
    public static KernelConfig Dims(GpuDevice device, int n, bool vec4) => device.Spread(vec4 ? Ceil(n, 4) : n, Threads);

    public void Axpy(in AxpyArgs<float> a)
    {
        var n = a.Y.Length;
        if (n == 0) return;
        var vec4 = !_device.Naive && Aligned4(a.X, a.Y);
        (vec4 ? _axpyVec4 : _axpyNaive).Launch(Dims(_device, n, vec4), new AxpyKernelArgs(_device.View(a.X), _device.View(a.Y), a.Alpha, n));
    }

    public void Scale(in ScaleArgs<float> a)
    {
        var n = a.X.Length;
        if (n == 0) return;
        var vec4 = !_device.Naive && (a.X.Offset & 3) == 0;
        (vec4 ? _scaleVec4 : _scaleNaive).Launch(Dims(_device, n, vec4), new ScaleKernelArgs(_device.View(a.X), a.Alpha, n));
    }

    public void Add(in AddArgs<float> a)
    {
        var n = a.Output.Length;
        if (n == 0) return;
        var vec4 = !_device.Naive && Aligned4(a.A, a.B, a.Output);
        (vec4 ? _addVec4 : _addNaive).Launch(Dims(_device, n, vec4),
            new AddKernelArgs(_device.View(a.A), _device.View(a.B), _device.View(a.Output), n));
    }

    /// <summary>A memset for zero, else the bit pattern of a 4-byte value by kernel.</summary>
    /// <exception cref="NotSupportedException">An element type wider than 4 bytes (no such device buffers are computed on).</exception>
    public unsafe void Fill<T>(in FillArgs<T> a) where T : unmanaged
    {
        var n = a.X.Length;
        if (n == 0) return;
        var view = _device.View(a.X);
        var value = a.Value;
        if (sizeof(T) != 4)
            throw new NotSupportedException($"{_device.Name}: Fill: {typeof(T).Name} elements ({sizeof(T)} bytes) are not supported (4-byte types only)");
        var bits = *(uint*)&value;
        if (bits == 0) view.MemSetToZero(_device.Stream);
        else _fill.Launch(Dims(_device, n, false), new FillKernelArgs(view.Cast<uint>(), bits, n));
    }

    public void Reduce(in ReduceArgs<float> a)
    {
        var (square, root) = a.Kind == Reduction.Norm ? (1, 1) : (0, 0);
        var n = a.X.Length;
        var x = _device.View(a.X);
        var result = _device.View(a.Result);
        if (_device.Naive)
        {
            _reduceNaive.Launch(Groups(1, 1), new ReduceKernelArgs(x, result, n, square, root));
            return;
        }
        var threads = _device.GroupThreads(Threads);
        var groups = Math.Clamp(Ceil(n, threads), 1, Math.Min(MaxPartials, _device.MaxSpreadGroups));
        var partials = _device.View(_device.Scratch(ScratchSlot.ReducePartials, groups));
        _reducePartials.Launch(Groups(groups, threads), new ReduceKernelArgs(x, partials, n, square, 0));
        _reduceFinal.Launch(Groups(1, threads), new ReduceKernelArgs(partials, result, groups, 0, root));
    }
}
