using Engine.Kernels.Kernels.Ops;

namespace Engine.Kernels;

/// <summary>
/// A device that runs the math ops as the generated kernels of Kernels/Ops through an
/// <see cref="Launch.IKernelRunner"/> (CUDA or OpenCL): each op forwards to <see cref="KernelOps"/>, written once
/// for every such backend. Float32 only; other element types throw <see cref="NotSupportedException"/>. Ops
/// enqueue and return; only Upload, Download and Synchronize make the host wait, and <see cref="HostWaits"/>
/// counts them. Subclasses own the memory operations.
/// </summary>
public abstract class KernelDevice : Device
{
    private KernelOps? _ops;
    private long _hostWaits;

    /// <summary>
    /// How many times the host has waited for this device since it opened: one per <see cref="Upload{T}"/>,
    /// <see cref="Download{T}"/> and <see cref="Synchronize"/> (each returns only when the queue has reached it).
    /// A training step should add none.
    /// </summary>
    public long HostWaits => Interlocked.Read(ref _hostWaits);

    public sealed override void Upload<T>(ReadOnlySpan<T> source, BufferView<T> destination)
    {
        if (source.Length != destination.Length)
            throw new ArgumentException($"upload of {source.Length} elements into a view of {destination.Length}");
        Interlocked.Increment(ref _hostWaits);
        Write(source, destination);
    }

    public sealed override void Download<T>(BufferView<T> source, Span<T> destination)
    {
        if (source.Length != destination.Length)
            throw new ArgumentException($"download of a view of {source.Length} elements into {destination.Length}");
        Interlocked.Increment(ref _hostWaits);
        Read(source, destination);
    }

    public sealed override void Synchronize()
    {
        Interlocked.Increment(ref _hostWaits);
        Wait();
    }

    /// <summary>Copies host data into <paramref name="destination"/> (same length) and returns once the source may be reused.</summary>
    protected abstract void Write<T>(ReadOnlySpan<T> source, BufferView<T> destination) where T : unmanaged;

    /// <summary>Copies <paramref name="source"/> (same length) to the host after every queued op.</summary>
    protected abstract void Read<T>(BufferView<T> source, Span<T> destination) where T : unmanaged;

    /// <summary>Blocks until every queued op has finished.</summary>
    protected abstract void Wait();

    /// <summary>The runtime that compiles and launches the kernels.</summary>
    protected abstract Launch.IKernelRunner Runner { get; }

    /// <summary>Multiprocessors / compute units: sizes the split-K and reduction grids.</summary>
    protected abstract int ParallelUnits { get; }

    /// <summary>The kernel launcher behind the math ops (created on first use; owns the scratch buffers).</summary>
    public KernelOps Ops => _ops ??= new KernelOps(this, Runner, ParallelUnits);

    /// <summary>Frees the kernel scratch buffers; call before the runtime's context goes.</summary>
    protected void DisposeOps()
    {
        _ops?.Dispose();
        _ops = null;
    }

    /// <summary>Which kernels the math ops launch: <see cref="KernelVariant.Fast"/> (default) or the naive references.</summary>
    public KernelVariant Variant
    {
        get => Ops.Variant;
        set => Ops.Variant = value;
    }

    public override void Axpy<T>(T alpha, BufferView<T> x, BufferView<T> y) => Ops.Axpy(alpha, x, y);

    public override void Scale<T>(T alpha, BufferView<T> x) => Ops.Scale(alpha, x);

    public override void Add<T>(BufferView<T> a, BufferView<T> b, BufferView<T> output) => Ops.Add(a, b, output);

    public override void Sum<T>(BufferView<T> x, BufferView<T> result) => Ops.Sum(x, result);

    public override void Norm<T>(BufferView<T> x, BufferView<T> result) => Ops.Norm(x, result);

    public override void Gemm<T>(bool transposeA, bool transposeB, int m, int n, int k,
        T alpha, BufferView<T> a, int lda, BufferView<T> b, int ldb, T beta, BufferView<T> c, int ldc,
        int batchCount = 1, int strideA = 0, int strideB = 0, int strideC = 0)
        => Ops.Gemm(transposeA, transposeB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc, batchCount, strideA, strideB, strideC);

    public override void BiasAdd<T>(BufferView<T> y, BufferView<T> bias, int rows, int channels)
        => Ops.BiasAdd(y, bias, rows, channels);

    public override void BiasBackward<T>(BufferView<T> dBias, BufferView<T> dY, int rows, int channels)
        => Ops.BiasBackward(dBias, dY, rows, channels);

    public override void LayerNormForward<T>(BufferView<T> output, BufferView<T> mean, BufferView<T> rstd,
        BufferView<T> x, BufferView<T> weight, BufferView<T> bias, int rows, int channels, T epsilon)
        => Ops.LayerNormForward(output, mean, rstd, x, weight, bias, rows, channels, epsilon);

    public override void LayerNormBackward<T>(BufferView<T> dX, BufferView<T> dWeight, BufferView<T> dBias,
        BufferView<T> dOut, BufferView<T> x, BufferView<T> weight, BufferView<T> mean, BufferView<T> rstd,
        int rows, int channels)
        => Ops.LayerNormBackward(dX, dWeight, dBias, dOut, x, weight, mean, rstd, rows, channels);

    public override void GeluForward<T>(BufferView<T> output, BufferView<T> x) => Ops.GeluForward(output, x);

    public override void GeluBackward<T>(BufferView<T> dX, BufferView<T> x, BufferView<T> dOut) => Ops.GeluBackward(dX, x, dOut);

    public override void RopeForward<T>(BufferView<T> output, BufferView<T> qkv,
        int batch, int tokens, int channels, int heads, T ropeBase)
        => Ops.RopeForward(output, qkv, batch, tokens, channels, heads, ropeBase);

    public override void RopeBackward<T>(BufferView<T> dQkv, BufferView<T> dOut,
        int batch, int tokens, int channels, int heads, T ropeBase)
        => Ops.RopeBackward(dQkv, dOut, batch, tokens, channels, heads, ropeBase);

    public override void AttentionForward<T>(BufferView<T> output, BufferView<T> probabilities, BufferView<T> qkv,
        int batch, int tokens, int channels, int heads)
        => Ops.AttentionForward(output, probabilities, qkv, batch, tokens, channels, heads);

    public override void AttentionBackward<T>(BufferView<T> dQkv, BufferView<T> dOut, BufferView<T> qkv,
        BufferView<T> probabilities, int batch, int tokens, int channels, int heads)
        => Ops.AttentionBackward(dQkv, dOut, qkv, probabilities, batch, tokens, channels, heads);

    public override void GatherRows<T>(BufferView<T> output, BufferView<T> table, BufferView<int> indices,
        int rows, int channels)
        => Ops.GatherRows(output, table, indices, rows, channels);

    public override void ScatterAddRows<T>(BufferView<T> dTable, BufferView<T> dOut, BufferView<int> indices,
        int rows, int channels)
        => Ops.ScatterAddRows(dTable, dOut, indices, rows, channels);

    public override void CrossEntropyForward<T>(BufferView<T> losses, BufferView<T> logits, BufferView<int> targets,
        int rows, int vocab)
        => Ops.CrossEntropyForward(losses, logits, targets, rows, vocab);

    public override void CrossEntropyForwardBackward<T>(BufferView<T> losses, BufferView<T> dLogits,
        BufferView<T> logits, BufferView<int> targets, int rows, int vocab, T gradScale)
        => Ops.CrossEntropyForwardBackward(losses, dLogits, logits, targets, rows, vocab, gradScale);

    public override void ArgMaxRows<T>(BufferView<int> indices, BufferView<T> x, int rows, int columns)
        => Ops.ArgMaxRows(indices, x, rows, columns);

    public override void AdamStep<T>(BufferView<T> parameters, BufferView<T> gradients, BufferView<T> firstMoment,
        BufferView<T> secondMoment, AdamSettings settings, int step)
        => Ops.AdamStep(parameters, gradients, firstMoment, secondMoment, settings, step);
}
