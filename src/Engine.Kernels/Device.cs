using System.Numerics;
using Engine.Kernels.Ops;

namespace Engine.Kernels;

/// <summary>
/// The one seam between math and hardware. A device owns buffers, a queue and its loaded kernels, and runs every op
/// the transformer needs, each in a forward and a backward form (the llm.c way: no generic element-wise graph).
/// </summary>
/// <remarks>
/// <para>Every public op is written once, here: it checks the element type and its shapes with the one shared
/// checker (<see cref="OpCheck"/>: the same rule and the same message on every backend) and then calls the
/// backend's <c>Run</c> hook with a typed record of its arguments (e.g. <see cref="GemmArgs{T}"/>, whose summary
/// states the formula). Backends implement the hooks and nothing else, so they never check and never disagree.</para>
/// <list type="bullet">
/// <item>Row-major layouts; shapes are given in comments as (B batch, T tokens, C channels, V vocabulary,
/// NH heads, HS head size = C/NH, R selected rows).</item>
/// <item>Forward ops overwrite their outputs. Backward ops <b>accumulate</b> (+=) into the gradients of their
/// inputs, so a tensor used twice gets the sum of both contributions; the caller zeroes gradients once per step.</item>
/// <item>Ops are enqueued on the device's queue; only <see cref="Upload{T}"/> (which returns once the host data
/// may be reused), <see cref="Download{T}"/> and <see cref="Synchronize"/> make the host wait.</item>
/// <item>Element types: every device supports <see cref="float"/>; the CPU devices also support <see cref="double"/>
/// (used by gradient checks). Others are refused with <see cref="NotSupportedException"/>.</item>
/// <item>Shape errors are <see cref="ArgumentException"/>s (a bug in the caller); a failing backend throws a
/// <see cref="DeviceException"/>.</item>
/// </list>
/// </remarks>
public abstract partial class Device : IDisposable
{
    /// <summary>Short name such as "cpu", "opencl:0" or "cuda:0".</summary>
    public abstract string Name { get; }

    /// <summary>A human description (hardware, driver, threads).</summary>
    public abstract string Description { get; }

    /// <summary>Whether math ops on <typeparamref name="T"/> buffers are supported.</summary>
    public abstract bool Supports<T>() where T : unmanaged;

    /// <summary>The element types math ops compute in, for messages ("float32 only").</summary>
    protected virtual string ComputeTypes => "float32 only; the cpu device also computes in float64";

    // ---------------------------------------------------------------- memory

    /// <summary>Allocates a zero-filled buffer of <paramref name="length"/> elements.</summary>
    /// <exception cref="OutOfMemoryException">The device cannot hold the buffer (message names the size).</exception>
    public abstract DeviceBuffer<T> Allocate<T>(int length) where T : unmanaged;

    /// <summary>Copies host data into <paramref name="destination"/> (lengths must match); returns once the source may be reused.</summary>
    public void Upload<T>(ReadOnlySpan<T> source, BufferView<T> destination) where T : unmanaged
    {
        if (source.Length != destination.Length)
            throw new ArgumentException(Check(nameof(Upload)).Message($"{source.Length} host elements into a view of {destination.Length}"));
        Write(source, destination);
    }

    /// <summary>Waits for queued work, then copies <paramref name="source"/> to the host (lengths must match).</summary>
    public void Download<T>(BufferView<T> source, Span<T> destination) where T : unmanaged
    {
        if (source.Length != destination.Length)
            throw new ArgumentException(Check(nameof(Download)).Message($"a view of {source.Length} elements into {destination.Length} host elements"));
        Read(source, destination);
    }

    /// <summary>Blocks until every queued op has finished.</summary>
    public abstract void Synchronize();

    /// <summary>Copies host data into a view of the same length; returns once the source may be reused.</summary>
    protected abstract void Write<T>(ReadOnlySpan<T> source, BufferView<T> destination) where T : unmanaged;

    /// <summary>Copies a view to host memory of the same length after every queued op.</summary>
    protected abstract void Read<T>(BufferView<T> source, Span<T> destination) where T : unmanaged;

    // ---------------------------------------------------------------- element-wise

    /// <inheritdoc cref="FillArgs{T}"/>
    public void Fill<T>(BufferView<T> x, T value) where T : unmanaged, IFloatingPointIeee754<T>
        => RunFill(Checked(nameof(Fill), new FillArgs<T>(x, value)));

    /// <summary>Fills an index buffer: x[i] = value.</summary>
    public void Fill(BufferView<int> x, int value) => RunFill(Checked(nameof(Fill), new FillArgs<int>(x, value)));

    /// <inheritdoc cref="CopyArgs{T}"/>
    public void Copy<T>(BufferView<T> source, BufferView<T> destination) where T : unmanaged
        => RunCopy(Checked(nameof(Copy), new CopyArgs<T>(source, destination)));

    /// <inheritdoc cref="AxpyArgs{T}"/>
    public void Axpy<T>(T alpha, BufferView<T> x, BufferView<T> y) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var args = new AxpyArgs<T>(alpha, x, y);
        args.Validate(Math<T>(nameof(Axpy)));
        Run(in args);
    }

    /// <inheritdoc cref="ScaleArgs{T}"/>
    public void Scale<T>(T alpha, BufferView<T> x) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var args = new ScaleArgs<T>(alpha, x);
        args.Validate(Math<T>(nameof(Scale)));
        Run(in args);
    }

    /// <inheritdoc cref="AddArgs{T}"/>
    public void Add<T>(BufferView<T> a, BufferView<T> b, BufferView<T> output) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var args = new AddArgs<T>(a, b, output);
        args.Validate(Math<T>(nameof(Add)));
        Run(in args);
    }

    // ---------------------------------------------------------------- reductions

    /// <summary>result[0] = Σ x[i].   x (n), result (1).</summary>
    public void Sum<T>(BufferView<T> x, BufferView<T> result) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var args = new ReduceArgs<T>(x, result, Reduction.Sum);
        args.Validate(Math<T>(nameof(Sum)));
        Run(in args);
    }

    /// <summary>result[0] = √(Σ x[i]²).   x (n), result (1).</summary>
    public void Norm<T>(BufferView<T> x, BufferView<T> result) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var args = new ReduceArgs<T>(x, result, Reduction.Norm);
        args.Validate(Math<T>(nameof(Norm)));
        Run(in args);
    }

    // ---------------------------------------------------------------- matrix multiply

    /// <inheritdoc cref="GemmArgs{T}"/>
    public void Gemm<T>(
        bool transposeA, bool transposeB, int m, int n, int k,
        T alpha, BufferView<T> a, int lda, BufferView<T> b, int ldb,
        T beta, BufferView<T> c, int ldc,
        int batchCount = 1, int strideA = 0, int strideB = 0, int strideC = 0)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var args = new GemmArgs<T>(transposeA, transposeB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc,
            batchCount, strideA, strideB, strideC);
        args.Validate(Math<T>(nameof(Gemm)));
        if (!args.IsEmpty) Run(in args);
    }

    // ---------------------------------------------------------------- bias

    /// <inheritdoc cref="BiasAddArgs{T}"/>
    public void BiasAdd<T>(BufferView<T> y, BufferView<T> bias, int rows, int channels) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var args = new BiasAddArgs<T>(y, bias, rows, channels);
        args.Validate(Math<T>(nameof(BiasAdd)));
        Run(in args);
    }

    /// <inheritdoc cref="BiasBackwardArgs{T}"/>
    public void BiasBackward<T>(BufferView<T> dBias, BufferView<T> dY, int rows, int channels) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var args = new BiasBackwardArgs<T>(dBias, dY, rows, channels);
        args.Validate(Math<T>(nameof(BiasBackward)));
        Run(in args);
    }

    // ---------------------------------------------------------------- layer norm

    /// <inheritdoc cref="LayerNormForwardArgs{T}"/>
    public void LayerNormForward<T>(
        BufferView<T> output, BufferView<T> mean, BufferView<T> rstd,
        BufferView<T> x, BufferView<T> weight, BufferView<T> bias,
        int rows, int channels, T epsilon)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var args = new LayerNormForwardArgs<T>(output, mean, rstd, x, weight, bias, rows, channels, epsilon);
        args.Validate(Math<T>(nameof(LayerNormForward)));
        Run(in args);
    }

    /// <inheritdoc cref="LayerNormBackwardArgs{T}"/>
    public void LayerNormBackward<T>(
        BufferView<T> dX, BufferView<T> dWeight, BufferView<T> dBias,
        BufferView<T> dOut, BufferView<T> x, BufferView<T> weight,
        BufferView<T> mean, BufferView<T> rstd, int rows, int channels)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var args = new LayerNormBackwardArgs<T>(dX, dWeight, dBias, dOut, x, weight, mean, rstd, rows, channels);
        args.Validate(Math<T>(nameof(LayerNormBackward)));
        Run(in args);
    }

    // ---------------------------------------------------------------- GELU (exact erf form)

    /// <inheritdoc cref="GeluForwardArgs{T}"/>
    public void GeluForward<T>(BufferView<T> output, BufferView<T> x) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var args = new GeluForwardArgs<T>(output, x);
        args.Validate(Math<T>(nameof(GeluForward)));
        Run(in args);
    }

    /// <inheritdoc cref="GeluBackwardArgs{T}"/>
    public void GeluBackward<T>(BufferView<T> dX, BufferView<T> x, BufferView<T> dOut) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var args = new GeluBackwardArgs<T>(dX, x, dOut);
        args.Validate(Math<T>(nameof(GeluBackward)));
        Run(in args);
    }

    // ---------------------------------------------------------------- rotary position embedding

    /// <inheritdoc cref="RopeForwardArgs{T}"/>
    public void RopeForward<T>(BufferView<T> output, BufferView<T> qkv, int batch, int tokens, int channels, int heads, T ropeBase)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var args = new RopeForwardArgs<T>(output, qkv, batch, tokens, channels, heads, ropeBase);
        args.Validate(Math<T>(nameof(RopeForward)));
        Run(in args);
    }

    /// <inheritdoc cref="RopeBackwardArgs{T}"/>
    public void RopeBackward<T>(BufferView<T> dQkv, BufferView<T> dOut, int batch, int tokens, int channels, int heads, T ropeBase)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var args = new RopeBackwardArgs<T>(dQkv, dOut, batch, tokens, channels, heads, ropeBase);
        args.Validate(Math<T>(nameof(RopeBackward)));
        Run(in args);
    }

    // ---------------------------------------------------------------- causal self-attention

    /// <inheritdoc cref="AttentionForwardArgs{T}"/>
    public void AttentionForward<T>(BufferView<T> output, BufferView<T> probabilities, BufferView<T> qkv,
        int batch, int tokens, int channels, int heads)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var args = new AttentionForwardArgs<T>(output, probabilities, qkv, batch, tokens, channels, heads);
        args.Validate(Math<T>(nameof(AttentionForward)));
        if (batch > 0) Run(in args);
    }

    /// <inheritdoc cref="AttentionBackwardArgs{T}"/>
    public void AttentionBackward<T>(BufferView<T> dQkv, BufferView<T> dOut, BufferView<T> qkv, BufferView<T> probabilities,
        int batch, int tokens, int channels, int heads)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var args = new AttentionBackwardArgs<T>(dQkv, dOut, qkv, probabilities, batch, tokens, channels, heads);
        args.Validate(Math<T>(nameof(AttentionBackward)));
        if (batch > 0) Run(in args);
    }

    // ---------------------------------------------------------------- embedding / row gather

    /// <inheritdoc cref="GatherRowsArgs{T}"/>
    public void GatherRows<T>(BufferView<T> output, BufferView<T> table, BufferView<int> indices, int rows, int channels)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var args = new GatherRowsArgs<T>(output, table, indices, rows, channels);
        args.Validate(Math<T>(nameof(GatherRows)));
        Run(in args);
    }

    /// <inheritdoc cref="ScatterAddRowsArgs{T}"/>
    public void ScatterAddRows<T>(BufferView<T> dTable, BufferView<T> dOut, BufferView<int> indices, int rows, int channels)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var args = new ScatterAddRowsArgs<T>(dTable, dOut, indices, rows, channels);
        args.Validate(Math<T>(nameof(ScatterAddRows)));
        Run(in args);
    }

    /// <inheritdoc cref="ArgMaxRowsArgs{T}"/>
    public void ArgMaxRows<T>(BufferView<int> indices, BufferView<T> x, int rows, int columns)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var args = new ArgMaxRowsArgs<T>(indices, x, rows, columns);
        args.Validate(Math<T>(nameof(ArgMaxRows)));
        Run(in args);
    }

    // ---------------------------------------------------------------- softmax + cross-entropy

    /// <summary>losses[r] = logsumexp(logits[r, :]) − logits[r, targets[r]].   logits (R,V), losses, targets (R).</summary>
    public void CrossEntropyForward<T>(BufferView<T> losses, BufferView<T> logits, BufferView<int> targets, int rows, int vocab)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var args = new CrossEntropyArgs<T>(losses, default, logits, targets, rows, vocab, T.Zero, WithGradient: false);
        args.Validate(Math<T>(nameof(CrossEntropyForward)));
        Run(in args);
    }

    /// <summary>
    /// Fused softmax + cross-entropy + gradient: losses as in <see cref="CrossEntropyForward{T}"/> and
    /// dLogits[r, v] = gradScale·(softmax(logits[r])[v] − [v = targets[r]]) (overwritten; may be the same view as logits).
    /// </summary>
    public void CrossEntropyForwardBackward<T>(BufferView<T> losses, BufferView<T> dLogits, BufferView<T> logits,
        BufferView<int> targets, int rows, int vocab, T gradScale)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var args = new CrossEntropyArgs<T>(losses, dLogits, logits, targets, rows, vocab, gradScale, WithGradient: true);
        args.Validate(Math<T>(nameof(CrossEntropyForwardBackward)));
        Run(in args);
    }

    // ---------------------------------------------------------------- optimiser

    /// <inheritdoc cref="AdamArgs{T}"/>
    public void AdamStep<T>(BufferView<T> parameters, BufferView<T> gradients, BufferView<T> firstMoment, BufferView<T> secondMoment,
        AdamSettings settings, int step)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var args = new AdamArgs<T>(parameters, gradients, firstMoment, secondMoment, settings, step);
        args.Validate(Math<T>(nameof(AdamStep)));
        Run(in args);
    }

    // ---------------------------------------------------------------- inference ops (pretrained LLMs; forward only)

    /// <inheritdoc cref="RmsNormForwardArgs{T}"/>
    public void RmsNormForward<T>(BufferView<T> output, BufferView<T> rstd, BufferView<T> x, BufferView<T> weight,
        int rows, int channels, T epsilon, T weightOffset)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var args = new RmsNormForwardArgs<T>(output, rstd, x, weight, rows, channels, epsilon, weightOffset);
        args.Validate(Math<T>(nameof(RmsNormForward)));
        Run(in args);
    }

    /// <inheritdoc cref="GatedActivationForwardArgs{T}"/>
    public void GatedActivationForward<T>(BufferView<T> output, BufferView<T> gate, BufferView<T> up, GatedActivation activation)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var args = new GatedActivationForwardArgs<T>(output, gate, up, activation);
        args.Validate(Math<T>(nameof(GatedActivationForward)));
        Run(in args);
    }

    /// <inheritdoc cref="SoftCapForwardArgs{T}"/>
    public void SoftCapForward<T>(BufferView<T> output, BufferView<T> x, T cap) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var args = new SoftCapForwardArgs<T>(output, x, cap);
        args.Validate(Math<T>(nameof(SoftCapForward)), double.CreateTruncating(cap));
        Run(in args);
    }

    /// <inheritdoc cref="RotaryForwardArgs{T}"/>
    public void RotaryForward<T>(BufferView<T> x, BufferView<T> inverseFrequencies, int tokens, int heads, int headDim)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var args = new RotaryForwardArgs<T>(x, inverseFrequencies, tokens, heads, headDim);
        args.Validate(Math<T>(nameof(RotaryForward)));
        Run(in args);
    }

    /// <inheritdoc cref="GroupedAttentionForwardArgs{T}"/>
    public void GroupedAttentionForward<T>(BufferView<T> output, BufferView<T> q, BufferView<T> k, BufferView<T> v,
        int tokens, int heads, int kvHeads, int headDim, T scale, T softCap = default, int slidingWindow = 0)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var args = new GroupedAttentionForwardArgs<T>(output, q, k, v, tokens, heads, kvHeads, headDim, scale, softCap, slidingWindow);
        args.Validate(Math<T>(nameof(GroupedAttentionForward)), double.CreateTruncating(softCap));
        if (tokens > 0) Run(in args);
    }

    // ---------------------------------------------------------------- checking

    /// <summary>The checker for <paramref name="op"/> on this device (no element-type rule: memory ops take any type).</summary>
    private OpCheck Check(string op) => new(this, op);

    /// <summary>The checker of a math op, after refusing element types this device does not compute in.</summary>
    /// <exception cref="NotSupportedException"><typeparamref name="T"/> is not supported here.</exception>
    private OpCheck Math<T>(string op) where T : unmanaged
    {
        if (!Supports<T>())
            throw new NotSupportedException($"{Name}: {op}: {typeof(T).Name} buffers are not supported (this device computes in {ComputeTypes})");
        return new OpCheck(this, op);
    }

    private FillArgs<T> Checked<T>(string op, FillArgs<T> args) where T : unmanaged
    {
        args.Validate(Check(op));
        return args;
    }

    private CopyArgs<T> Checked<T>(string op, CopyArgs<T> args) where T : unmanaged
    {
        args.Validate(Check(op));
        return args;
    }

    // ---------------------------------------------------------------- backend hooks (arguments already checked)

    protected abstract void RunFill<T>(in FillArgs<T> args) where T : unmanaged;

    protected abstract void RunCopy<T>(in CopyArgs<T> args) where T : unmanaged;

    protected abstract void Run<T>(in AxpyArgs<T> args) where T : unmanaged, IFloatingPointIeee754<T>;

    protected abstract void Run<T>(in ScaleArgs<T> args) where T : unmanaged, IFloatingPointIeee754<T>;

    protected abstract void Run<T>(in AddArgs<T> args) where T : unmanaged, IFloatingPointIeee754<T>;

    protected abstract void Run<T>(in ReduceArgs<T> args) where T : unmanaged, IFloatingPointIeee754<T>;

    /// <summary>Never called with an empty C (<see cref="GemmArgs{T}.IsEmpty"/>).</summary>
    protected abstract void Run<T>(in GemmArgs<T> args) where T : unmanaged, IFloatingPointIeee754<T>;

    protected abstract void Run<T>(in BiasAddArgs<T> args) where T : unmanaged, IFloatingPointIeee754<T>;

    protected abstract void Run<T>(in BiasBackwardArgs<T> args) where T : unmanaged, IFloatingPointIeee754<T>;

    protected abstract void Run<T>(in LayerNormForwardArgs<T> args) where T : unmanaged, IFloatingPointIeee754<T>;

    protected abstract void Run<T>(in LayerNormBackwardArgs<T> args) where T : unmanaged, IFloatingPointIeee754<T>;

    protected abstract void Run<T>(in GeluForwardArgs<T> args) where T : unmanaged, IFloatingPointIeee754<T>;

    protected abstract void Run<T>(in GeluBackwardArgs<T> args) where T : unmanaged, IFloatingPointIeee754<T>;

    protected abstract void Run<T>(in RopeForwardArgs<T> args) where T : unmanaged, IFloatingPointIeee754<T>;

    protected abstract void Run<T>(in RopeBackwardArgs<T> args) where T : unmanaged, IFloatingPointIeee754<T>;

    /// <summary>Never called with batch 0.</summary>
    protected abstract void Run<T>(in AttentionForwardArgs<T> args) where T : unmanaged, IFloatingPointIeee754<T>;

    /// <summary>Never called with batch 0.</summary>
    protected abstract void Run<T>(in AttentionBackwardArgs<T> args) where T : unmanaged, IFloatingPointIeee754<T>;

    protected abstract void Run<T>(in GatherRowsArgs<T> args) where T : unmanaged, IFloatingPointIeee754<T>;

    protected abstract void Run<T>(in ScatterAddRowsArgs<T> args) where T : unmanaged, IFloatingPointIeee754<T>;

    protected abstract void Run<T>(in ArgMaxRowsArgs<T> args) where T : unmanaged, IFloatingPointIeee754<T>;

    protected abstract void Run<T>(in CrossEntropyArgs<T> args) where T : unmanaged, IFloatingPointIeee754<T>;

    protected abstract void Run<T>(in AdamArgs<T> args) where T : unmanaged, IFloatingPointIeee754<T>;

    protected abstract void Run<T>(in RmsNormForwardArgs<T> args) where T : unmanaged, IFloatingPointIeee754<T>;

    protected abstract void Run<T>(in GatedActivationForwardArgs<T> args) where T : unmanaged, IFloatingPointIeee754<T>;

    protected abstract void Run<T>(in SoftCapForwardArgs<T> args) where T : unmanaged, IFloatingPointIeee754<T>;

    protected abstract void Run<T>(in RotaryForwardArgs<T> args) where T : unmanaged, IFloatingPointIeee754<T>;

    /// <summary>Never called with 0 tokens.</summary>
    protected abstract void Run<T>(in GroupedAttentionForwardArgs<T> args) where T : unmanaged, IFloatingPointIeee754<T>;

    public virtual void Dispose() => GC.SuppressFinalize(this);
}
