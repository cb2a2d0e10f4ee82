using System.Numerics;

namespace Engine.Kernels;

/// <summary>
/// The one seam between math and hardware. A device owns buffers, a queue and compiled kernels,
/// and runs every op the transformer needs, each in a forward and a backward form (the llm.c way:
/// no generic element-wise graph).
/// </summary>
/// <remarks>
/// Conventions for every op:
/// <list type="bullet">
/// <item>Row-major layouts; shapes are given in comments as (B batch, T tokens, C channels,
/// V vocabulary, NH heads, HS head size = C/NH, R selected rows).</item>
/// <item>Forward ops overwrite their outputs. Backward ops <b>accumulate</b> (+=) into the
/// gradients of their inputs, so a tensor used twice gets the sum of both contributions;
/// the caller zeroes gradients once per step.</item>
/// <item>Ops are enqueued on the device's queue; only <see cref="Upload{T}"/> (which returns once the
/// host data may be reused), <see cref="Download{T}"/> and <see cref="Synchronize"/> make the host wait.</item>
/// <item>Element types: every device supports <see cref="float"/>; the CPU also supports
/// <see cref="double"/> (used by gradient checks). Others throw <see cref="NotSupportedException"/>.</item>
/// </list>
/// </remarks>
public abstract partial class Device : IDisposable
{
    /// <summary>Short name such as "cpu", "opencl:0" or "cuda:0".</summary>
    public abstract string Name { get; }

    /// <summary>A human description (hardware, driver, threads).</summary>
    public abstract string Description { get; }

    /// <summary>Whether ops on <typeparamref name="T"/> buffers are supported.</summary>
    public abstract bool Supports<T>() where T : unmanaged;

    // ---------------------------------------------------------------- memory

    /// <summary>Allocates a zero-filled buffer of <paramref name="length"/> elements.</summary>
    /// <exception cref="OutOfMemoryException">The device cannot hold the buffer (message names the size).</exception>
    public abstract DeviceBuffer<T> Allocate<T>(int length) where T : unmanaged;

    /// <summary>Copies host data into <paramref name="destination"/> (lengths must match).</summary>
    public abstract void Upload<T>(ReadOnlySpan<T> source, BufferView<T> destination) where T : unmanaged;

    /// <summary>Waits for queued work, then copies <paramref name="source"/> to the host.</summary>
    public abstract void Download<T>(BufferView<T> source, Span<T> destination) where T : unmanaged;

    /// <summary>Blocks until every queued op has finished.</summary>
    public abstract void Synchronize();

    // ---------------------------------------------------------------- element-wise

    /// <summary>x[i] = value.</summary>
    public abstract void Fill<T>(BufferView<T> x, T value) where T : unmanaged, IFloatingPointIeee754<T>;

    /// <summary>Fills an index buffer: x[i] = value.</summary>
    public abstract void Fill(BufferView<int> x, int value);

    /// <summary>destination[i] = source[i] (same length, no overlap).</summary>
    public abstract void Copy<T>(BufferView<T> source, BufferView<T> destination) where T : unmanaged;

    /// <summary>y[i] += alpha · x[i].</summary>
    public abstract void Axpy<T>(T alpha, BufferView<T> x, BufferView<T> y) where T : unmanaged, IFloatingPointIeee754<T>;

    /// <summary>x[i] *= alpha.</summary>
    public abstract void Scale<T>(T alpha, BufferView<T> x) where T : unmanaged, IFloatingPointIeee754<T>;

    /// <summary>output[i] = a[i] + b[i] (the residual connection; output may alias a or b).</summary>
    public abstract void Add<T>(BufferView<T> a, BufferView<T> b, BufferView<T> output) where T : unmanaged, IFloatingPointIeee754<T>;

    // ---------------------------------------------------------------- reductions

    /// <summary>result[0] = Σ x[i].</summary>
    public abstract void Sum<T>(BufferView<T> x, BufferView<T> result) where T : unmanaged, IFloatingPointIeee754<T>;

    /// <summary>result[0] = √(Σ x[i]²).</summary>
    public abstract void Norm<T>(BufferView<T> x, BufferView<T> result) where T : unmanaged, IFloatingPointIeee754<T>;

    // ---------------------------------------------------------------- matrix multiply

    /// <summary>
    /// Strided batched GEMM, row-major: for each batch p,
    /// C_p (m×n) = alpha · op(A_p) · op(B_p) + beta · C_p, where op(A) is m×k and op(B) is k×n.
    /// A is stored m×k (row stride <paramref name="lda"/> ≥ k) or, when <paramref name="transposeA"/>,
    /// k×m (lda ≥ m); likewise B is k×n or n×k. A_p starts at p·<paramref name="strideA"/>.
    /// When beta is 0, C is overwritten without being read.
    /// </summary>
    public abstract void Gemm<T>(
        bool transposeA, bool transposeB, int m, int n, int k,
        T alpha, BufferView<T> a, int lda, BufferView<T> b, int ldb,
        T beta, BufferView<T> c, int ldc,
        int batchCount = 1, int strideA = 0, int strideB = 0, int strideC = 0)
        where T : unmanaged, IFloatingPointIeee754<T>;

    // ---------------------------------------------------------------- bias

    /// <summary>y[r, c] += bias[c].   y (rows, channels), bias (channels).</summary>
    public abstract void BiasAdd<T>(BufferView<T> y, BufferView<T> bias, int rows, int channels)
        where T : unmanaged, IFloatingPointIeee754<T>;

    /// <summary>dBias[c] += Σ_r dY[r, c].   dY (rows, channels), dBias (channels).</summary>
    public abstract void BiasBackward<T>(BufferView<T> dBias, BufferView<T> dY, int rows, int channels)
        where T : unmanaged, IFloatingPointIeee754<T>;

    // ---------------------------------------------------------------- layer norm

    /// <summary>
    /// Per row r: mean[r] = μ, rstd[r] = 1/√(σ² + eps) (biased variance),
    /// output[r, c] = (x[r, c] − μ) · rstd · weight[c] + bias[c].
    /// x, output (rows, channels); weight, bias (channels); mean, rstd (rows).
    /// </summary>
    public abstract void LayerNormForward<T>(
        BufferView<T> output, BufferView<T> mean, BufferView<T> rstd,
        BufferView<T> x, BufferView<T> weight, BufferView<T> bias,
        int rows, int channels, T epsilon)
        where T : unmanaged, IFloatingPointIeee754<T>;

    /// <summary>
    /// With x̂ = (x − μ)·rstd and g = dOut·weight:
    /// dX += rstd · (g − mean_c(g) − x̂ · mean_c(g·x̂)); dWeight += Σ_r dOut·x̂; dBias += Σ_r dOut.
    /// </summary>
    public abstract void LayerNormBackward<T>(
        BufferView<T> dX, BufferView<T> dWeight, BufferView<T> dBias,
        BufferView<T> dOut, BufferView<T> x, BufferView<T> weight,
        BufferView<T> mean, BufferView<T> rstd, int rows, int channels)
        where T : unmanaged, IFloatingPointIeee754<T>;

    // ---------------------------------------------------------------- GELU (exact erf form)

    /// <summary>output[i] = x·Φ(x) = ½·x·(1 + erf(x/√2)).</summary>
    public abstract void GeluForward<T>(BufferView<T> output, BufferView<T> x)
        where T : unmanaged, IFloatingPointIeee754<T>;

    /// <summary>dX[i] += dOut[i] · (Φ(x) + x·φ(x)), φ the standard normal density.</summary>
    public abstract void GeluBackward<T>(BufferView<T> dX, BufferView<T> x, BufferView<T> dOut)
        where T : unmanaged, IFloatingPointIeee754<T>;

    // ---------------------------------------------------------------- rotary position embedding

    /// <summary>
    /// Rotary embedding on the q and k thirds of a fused qkv tensor (B,T,3C), rotate-half layout:
    /// in each head (size HS = C/NH, half h = HS/2), for i &lt; h, with θ_i = ropeBase^(−2i/HS) and
    /// angle a = t·θ_i (t the position from 0):
    /// out[i] = x[i]·cos a − x[i+h]·sin a; out[i+h] = x[i+h]·cos a + x[i]·sin a.
    /// The v third is copied unchanged. output may not alias qkv.
    /// </summary>
    public abstract void RopeForward<T>(
        BufferView<T> output, BufferView<T> qkv,
        int batch, int tokens, int channels, int heads, T ropeBase)
        where T : unmanaged, IFloatingPointIeee754<T>;

    /// <summary>The transpose of <see cref="RopeForward{T}"/> (rotation by −a): dQkv += R(−a)·dOut; v passes through.</summary>
    public abstract void RopeBackward<T>(
        BufferView<T> dQkv, BufferView<T> dOut,
        int batch, int tokens, int channels, int heads, T ropeBase)
        where T : unmanaged, IFloatingPointIeee754<T>;

    // ---------------------------------------------------------------- causal self-attention

    /// <summary>
    /// Causal multi-head attention over a fused qkv (B,T,3C) (q, k, v thirds; head h uses channels
    /// [h·HS, (h+1)·HS) of each third): probabilities[b,h,t,s] = softmax_s≤t(q_t·k_s / √HS) (zero for s &gt; t),
    /// output[b,t,h·HS + j] = Σ_s probabilities[b,h,t,s] · v_s[j]. probabilities (B,NH,T,T) are kept for the
    /// backward pass and for attention probes.
    /// </summary>
    public abstract void AttentionForward<T>(
        BufferView<T> output, BufferView<T> probabilities, BufferView<T> qkv,
        int batch, int tokens, int channels, int heads)
        where T : unmanaged, IFloatingPointIeee754<T>;

    /// <summary>Gradient of <see cref="AttentionForward{T}"/>: dQkv (B,T,3C) += ∂L/∂qkv given dOut (B,T,C).</summary>
    public abstract void AttentionBackward<T>(
        BufferView<T> dQkv, BufferView<T> dOut, BufferView<T> qkv, BufferView<T> probabilities,
        int batch, int tokens, int channels, int heads)
        where T : unmanaged, IFloatingPointIeee754<T>;

    // ---------------------------------------------------------------- embedding / row gather

    /// <summary>output[r, :] = table[indices[r], :].   table (V, channels), output (rows, channels).
    /// Serves the token embedding and the selection of supervised positions.</summary>
    public abstract void GatherRows<T>(
        BufferView<T> output, BufferView<T> table, BufferView<int> indices, int rows, int channels)
        where T : unmanaged, IFloatingPointIeee754<T>;

    /// <summary>dTable[indices[r], :] += dOut[r, :], summed in increasing r (deterministic).</summary>
    public abstract void ScatterAddRows<T>(
        BufferView<T> dTable, BufferView<T> dOut, BufferView<int> indices, int rows, int channels)
        where T : unmanaged, IFloatingPointIeee754<T>;

    // ---------------------------------------------------------------- softmax + cross-entropy

    /// <summary>losses[r] = logsumexp(logits[r, :]) − logits[r, targets[r]].   logits (rows, vocab).</summary>
    public abstract void CrossEntropyForward<T>(
        BufferView<T> losses, BufferView<T> logits, BufferView<int> targets, int rows, int vocab)
        where T : unmanaged, IFloatingPointIeee754<T>;

    /// <summary>
    /// Fused softmax + cross-entropy + gradient: losses[r] as in <see cref="CrossEntropyForward{T}"/> and
    /// dLogits[r, v] = gradScale · (softmax(logits[r])[v] − [v = targets[r]]) (overwritten, not accumulated).
    /// dLogits may be the same view as logits (in place).
    /// </summary>
    public abstract void CrossEntropyForwardBackward<T>(
        BufferView<T> losses, BufferView<T> dLogits, BufferView<T> logits, BufferView<int> targets,
        int rows, int vocab, T gradScale)
        where T : unmanaged, IFloatingPointIeee754<T>;

    /// <summary>indices[r] = the first index of the largest value in x[r, :].   x (rows, columns).</summary>
    public abstract void ArgMaxRows<T>(BufferView<int> indices, BufferView<T> x, int rows, int columns)
        where T : unmanaged, IFloatingPointIeee754<T>;

    // ---------------------------------------------------------------- optimiser

    /// <summary>
    /// One fused Adam step over a flat parameter buffer, t = <paramref name="step"/> (from 1):
    /// coupled (Adam + L2): g = grad + λθ; decoupled (AdamW): θ ← θ·(1 − ηλ), g = grad. Then
    /// m ← β1·m + (1−β1)·g; v ← β2·v + (1−β2)·g²; θ ← θ − η·(m/(1−β1ᵗ)) / (√(v/(1−β2ᵗ)) + ε).
    /// </summary>
    public abstract void AdamStep<T>(
        BufferView<T> parameters, BufferView<T> gradients, BufferView<T> firstMoment, BufferView<T> secondMoment,
        AdamSettings settings, int step)
        where T : unmanaged, IFloatingPointIeee754<T>;

    public virtual void Dispose() => GC.SuppressFinalize(this);
}
