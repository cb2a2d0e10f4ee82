using Engine.Kernels.Kernels.Ops;
using Engine.Kernels.Ops;

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
    /// How many times the host has waited for this device since it opened: one per <see cref="Device.Upload{T}"/>,
    /// <see cref="Device.Download{T}"/> and <see cref="Synchronize"/> (each returns only when the queue has reached it).
    /// A training step should add none.
    /// </summary>
    public long HostWaits => Interlocked.Read(ref _hostWaits);

    protected sealed override void Write<T>(ReadOnlySpan<T> source, BufferView<T> destination)
    {
        Interlocked.Increment(ref _hostWaits);
        WriteQueued(source, destination);
    }

    protected sealed override void Read<T>(BufferView<T> source, Span<T> destination)
    {
        Interlocked.Increment(ref _hostWaits);
        ReadQueued(source, destination);
    }

    public sealed override void Synchronize()
    {
        Interlocked.Increment(ref _hostWaits);
        Wait();
    }

    /// <summary>Copies host data into <paramref name="destination"/> (same length) and returns once the source may be reused.</summary>
    protected abstract void WriteQueued<T>(ReadOnlySpan<T> source, BufferView<T> destination) where T : unmanaged;

    /// <summary>Copies <paramref name="source"/> (same length) to the host after every queued op.</summary>
    protected abstract void ReadQueued<T>(BufferView<T> source, Span<T> destination) where T : unmanaged;

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

    protected override void Run<T>(in AxpyArgs<T> a) => Ops.Axpy(a.Alpha, a.X, a.Y);

    protected override void Run<T>(in ScaleArgs<T> a) => Ops.Scale(a.Alpha, a.X);

    protected override void Run<T>(in AddArgs<T> a) => Ops.Add(a.A, a.B, a.Output);

    protected override void Run<T>(in ReduceArgs<T> a)
    {
        if (a.Kind == Reduction.Sum) Ops.Sum(a.X, a.Result);
        else Ops.Norm(a.X, a.Result);
    }

    protected override void Run<T>(in GemmArgs<T> a)
        => Ops.Gemm(a.TransposeA, a.TransposeB, a.M, a.N, a.K, a.Alpha, a.A, a.Lda, a.B, a.Ldb, a.Beta, a.C, a.Ldc,
            a.BatchCount, a.StrideA, a.StrideB, a.StrideC);

    protected override void Run<T>(in BiasAddArgs<T> a) => Ops.BiasAdd(a.Y, a.Bias, a.Rows, a.Channels);

    protected override void Run<T>(in BiasBackwardArgs<T> a) => Ops.BiasBackward(a.DBias, a.DY, a.Rows, a.Channels);

    protected override void Run<T>(in LayerNormForwardArgs<T> a)
        => Ops.LayerNormForward(a.Output, a.Mean, a.Rstd, a.X, a.Weight, a.Bias, a.Rows, a.Channels, a.Epsilon);

    protected override void Run<T>(in LayerNormBackwardArgs<T> a)
        => Ops.LayerNormBackward(a.DX, a.DWeight, a.DBias, a.DOut, a.X, a.Weight, a.Mean, a.Rstd, a.Rows, a.Channels);

    protected override void Run<T>(in GeluForwardArgs<T> a) => Ops.GeluForward(a.Output, a.X);

    protected override void Run<T>(in GeluBackwardArgs<T> a) => Ops.GeluBackward(a.DX, a.X, a.DOut);

    protected override void Run<T>(in RopeForwardArgs<T> a)
        => Ops.RopeForward(a.Output, a.Qkv, a.Batch, a.Tokens, a.Channels, a.Heads, a.RopeBase);

    protected override void Run<T>(in RopeBackwardArgs<T> a)
        => Ops.RopeBackward(a.DQkv, a.DOut, a.Batch, a.Tokens, a.Channels, a.Heads, a.RopeBase);

    protected override void Run<T>(in AttentionForwardArgs<T> a)
        => Ops.AttentionForward(a.Output, a.Probabilities, a.Qkv, a.Batch, a.Tokens, a.Channels, a.Heads);

    protected override void Run<T>(in AttentionBackwardArgs<T> a)
        => Ops.AttentionBackward(a.DQkv, a.DOut, a.Qkv, a.Probabilities, a.Batch, a.Tokens, a.Channels, a.Heads);

    protected override void Run<T>(in GatherRowsArgs<T> a) => Ops.GatherRows(a.Output, a.Table, a.Indices, a.Rows, a.Channels);

    protected override void Run<T>(in ScatterAddRowsArgs<T> a) => Ops.ScatterAddRows(a.DTable, a.DOut, a.Indices, a.Rows, a.Channels);

    protected override void Run<T>(in ArgMaxRowsArgs<T> a) => Ops.ArgMaxRows(a.Indices, a.X, a.Rows, a.Columns);

    protected override void Run<T>(in CrossEntropyArgs<T> a)
    {
        if (a.WithGradient) Ops.CrossEntropyForwardBackward(a.Losses, a.DLogits, a.Logits, a.Targets, a.Rows, a.Vocab, a.GradScale);
        else Ops.CrossEntropyForward(a.Losses, a.Logits, a.Targets, a.Rows, a.Vocab);
    }

    protected override void Run<T>(in AdamArgs<T> a)
        => Ops.AdamStep(a.Parameters, a.Gradients, a.FirstMoment, a.SecondMoment, a.Settings, a.Step);
}
