using System.Numerics;
using System.Numerics.Tensors;
using System.Runtime.CompilerServices;

using Engine.Kernels.Cpu;

namespace Engine.Kernels.Ops;

// Legend: n the element count of a flat buffer.

/// <summary>
/// float32 fast paths of the flat element-wise ops and reductions, on TensorPrimitives (SIMD up to
/// AVX-512). Naive loops: <see cref="NaiveOps.Axpy{T}"/>, <see cref="NaiveOps.Scale{T}"/>,
/// <see cref="NaiveOps.Add{T}"/>, <see cref="NaiveOps.Sum{T}"/>, <see cref="NaiveOps.Norm{T}"/>.
/// Large buffers are split into fixed chunks over threads; these ops are memory-bound, so the chunks are big.
/// </summary>
internal static unsafe class ElementwiseCpu
{
    /// <summary>Elements per parallel chunk: ~0.5 MB of floats, enough to hide waking the workers.</summary>
    private const int Grain = 1 << 17;

    /// <summary>Reductions sum float blocks of this size with SIMD, then add the block sums in float64.</summary>
    private const int ReductionBlock = 4096;

    /// <summary>y[i] += alpha·x[i].   x, y (n).</summary>
    public static void Axpy(CpuDevice device, float alpha, float* x, float* y, int n)
        => CpuParallel.For(device, n, 1, Grain, new AxpyJob(alpha, x, y));

    /// <summary>x[i] *= alpha.   x (n).</summary>
    public static void Scale(CpuDevice device, float alpha, float* x, int n)
        => CpuParallel.For(device, n, 1, Grain, new ScaleJob(alpha, x));

    /// <summary>output[i] = a[i] + b[i]; output may be a or b (same start), as TensorPrimitives allows.   a, b, output (n).</summary>
    public static void Add(CpuDevice device, float* a, float* b, float* output, int n)
        => CpuParallel.For(device, n, 1, Grain, new AddJob(a, b, output));

    /// <summary>
    /// x[i] = value; big buffers (the gradients zeroed every step) on all threads. 4-byte elements skip the
    /// stores to vectors that already hold the value bit for bit: a store costs a read for ownership plus a
    /// write-back, a load only the read, and a gradient buffer is mostly rows nothing touched (unused tokens'
    /// embedding rows), still zero from the last fill.   x (n).
    /// </summary>
    public static void Fill<T>(CpuDevice device, T* x, T value, int n) where T : unmanaged
    {
        if (sizeof(T) == sizeof(uint))
            CpuParallel.For(device, n, 1, Grain, new FillChangedJob((uint*)x, Unsafe.As<T, uint>(ref value)));
        else
            CpuParallel.For(device, n, 1, Grain, new FillJob<T>(x, value));
    }

    private readonly struct FillJob<T>(T* x, T value) : IChunkJob where T : unmanaged
    {
        public void Run(int start, int end) => new Span<T>(x + start, end - start).Fill(value);
    }

    private readonly struct FillChangedJob(uint* x, uint bits) : IChunkJob
    {
        public void Run(int start, int end)
        {
            var value = new Vector<uint>(bits);
            var i = start;
            for (; i + Vector<uint>.Count <= end; i += Vector<uint>.Count)
                if (Vector.Load(x + i) != value) Vector.Store(value, x + i);
            for (; i < end; i++) x[i] = bits;
        }
    }

    private readonly struct AxpyJob(float alpha, float* x, float* y) : IChunkJob
    {
        public void Run(int start, int end)
        {
            var ys = new Span<float>(y + start, end - start);
            TensorPrimitives.MultiplyAdd(new ReadOnlySpan<float>(x + start, end - start), alpha, ys, ys);
        }
    }

    private readonly struct ScaleJob(float alpha, float* x) : IChunkJob
    {
        public void Run(int start, int end)
        {
            var xs = new Span<float>(x + start, end - start);
            TensorPrimitives.Multiply(xs, alpha, xs);
        }
    }

    private readonly struct AddJob(float* a, float* b, float* output) : IChunkJob
    {
        public void Run(int start, int end)
            => TensorPrimitives.Add(new ReadOnlySpan<float>(a + start, end - start),
                new ReadOnlySpan<float>(b + start, end - start), new Span<float>(output + start, end - start));
    }

    /// <summary>Σ x[i], SIMD float sums of fixed blocks added in float64 (keeps the error near the naive loop's).   x (n).</summary>
    public static float Sum(float* x, int n)
    {
        var sum = 0.0;
        for (var start = 0; start < n; start += ReductionBlock)
            sum += TensorPrimitives.Sum(new ReadOnlySpan<float>(x + start, Math.Min(ReductionBlock, n - start)));
        return (float)sum;
    }

    /// <summary>√(Σ x[i]²), blocked as <see cref="Sum"/>.   x (n).</summary>
    public static float Norm(float* x, int n)
    {
        var sum = 0.0;
        for (var start = 0; start < n; start += ReductionBlock)
            sum += TensorPrimitives.SumOfSquares(new ReadOnlySpan<float>(x + start, Math.Min(ReductionBlock, n - start)));
        return (float)Math.Sqrt(sum);
    }
}
