using System.Numerics;
using Engine.Kernels.Ops;

namespace Engine.Kernels.Cpu;

/// <summary>
/// A device whose buffers live in host memory (<see cref="CpuBuffer{T}"/>): every op defaults to its naive
/// float64 loop (<see cref="NaiveOps"/>, one thread), in float32 and float64. <see cref="NaiveDevice"/> is exactly
/// that; <see cref="CpuDevice"/> overrides the float32 ops with its fast paths. Index values (gathered rows,
/// targets) are checked here, before any loop reads memory through them.
/// </summary>
public abstract class HostDevice : Device
{
    public override bool Supports<T>() => typeof(T) == typeof(float) || typeof(T) == typeof(double) || typeof(T) == typeof(int);

    protected override string ComputeTypes => "float32 and float64";

    public override DeviceBuffer<T> Allocate<T>(int length) => new CpuBuffer<T>(this, length);

    public override void Synchronize() { }

    protected override void Write<T>(ReadOnlySpan<T> source, BufferView<T> destination) => source.CopyTo(destination.Span());

    protected override void Read<T>(BufferView<T> source, Span<T> destination) => source.Span().CopyTo(destination);

    protected override void RunFill<T>(in FillArgs<T> a) => a.X.Span().Fill(a.Value);

    protected override void RunCopy<T>(in CopyArgs<T> a) => a.Source.Span().CopyTo(a.Destination.Span());

    protected override void Run<T>(in AxpyArgs<T> a) => NaiveOps.Axpy(a.Alpha, a.X.Span(), a.Y.Span());

    protected override void Run<T>(in ScaleArgs<T> a) => NaiveOps.Scale(a.Alpha, a.X.Span());

    protected override void Run<T>(in AddArgs<T> a) => NaiveOps.Add(a.A.Span(), a.B.Span(), a.Output.Span());

    protected override void Run<T>(in ReduceArgs<T> a)
        => a.Result.Span()[0] = a.Kind == Reduction.Sum ? NaiveOps.Sum<T>(a.X.Span()) : NaiveOps.Norm<T>(a.X.Span());

    protected override void Run<T>(in GemmArgs<T> a)
        => NaiveOps.Gemm(a.TransposeA, a.TransposeB, a.M, a.N, a.K, a.Alpha, a.A.Span(), a.Lda, a.B.Span(), a.Ldb,
            a.Beta, a.C.Span(), a.Ldc, a.BatchCount, a.StrideA, a.StrideB, a.StrideC);

    protected override void Run<T>(in BiasAddArgs<T> a) => NaiveOps.BiasAdd(a.Y.Span(), a.Bias.Span(), a.Rows, a.Channels);

    protected override void Run<T>(in BiasBackwardArgs<T> a) => NaiveOps.BiasBackward(a.DBias.Span(), a.DY.Span(), a.Rows, a.Channels);

    protected override void Run<T>(in LayerNormForwardArgs<T> a)
        => NaiveOps.LayerNormForward(a.Output.Span(), a.Mean.Span(), a.Rstd.Span(), a.X.Span(), a.Weight.Span(), a.Bias.Span(),
            a.Rows, a.Channels, a.Epsilon);

    protected override void Run<T>(in LayerNormBackwardArgs<T> a)
        => NaiveOps.LayerNormBackward(a.DX.Span(), a.DWeight.Span(), a.DBias.Span(), a.DOut.Span(), a.X.Span(), a.Weight.Span(),
            a.Mean.Span(), a.Rstd.Span(), a.Rows, a.Channels);

    protected override void Run<T>(in GeluForwardArgs<T> a) => NaiveOps.GeluForward(a.Output.Span(), a.X.Span());

    protected override void Run<T>(in GeluBackwardArgs<T> a) => NaiveOps.GeluBackward(a.DX.Span(), a.X.Span(), a.DOut.Span());

    protected override void Run<T>(in RopeForwardArgs<T> a)
        => NaiveOps.RopeForward(a.Output.Span(), a.Qkv.Span(), a.Batch, a.Tokens, a.Channels, a.Heads, a.RopeBase);

    protected override void Run<T>(in RopeBackwardArgs<T> a)
        => NaiveOps.RopeBackward(a.DQkv.Span(), a.DOut.Span(), a.Batch, a.Tokens, a.Channels, a.Heads, a.RopeBase);

    protected override void Run<T>(in AttentionForwardArgs<T> a)
        => NaiveOps.AttentionForward(a.Output.Span(), a.Probabilities.Span(), a.Qkv.Span(), a.Batch, a.Tokens, a.Channels, a.Heads);

    protected override void Run<T>(in AttentionBackwardArgs<T> a)
        => NaiveOps.AttentionBackward(a.DQkv.Span(), a.DOut.Span(), a.Qkv.Span(), a.Probabilities.Span(),
            a.Batch, a.Tokens, a.Channels, a.Heads);

    protected override void Run<T>(in GatherRowsArgs<T> a)
    {
        CheckIndices(nameof(GatherRows), a.Indices, a.TableRows);
        NaiveOps.GatherRows(a.Output.Span(), a.Table.Span(), a.Indices.Span(), a.Rows, a.Channels);
    }

    protected override void Run<T>(in ScatterAddRowsArgs<T> a)
    {
        CheckIndices(nameof(ScatterAddRows), a.Indices, a.TableRows);
        NaiveOps.ScatterAddRows(a.DTable.Span(), a.DOut.Span(), a.Indices.Span(), a.Rows, a.Channels);
    }

    protected override void Run<T>(in ArgMaxRowsArgs<T> a) => NaiveOps.ArgMaxRows(a.Indices.Span(), a.X.Span(), a.Rows, a.Columns);

    protected override void Run<T>(in CrossEntropyArgs<T> a)
    {
        CheckTargets(a);
        NaiveOps.CrossEntropyForwardBackward(a.Losses.Span(), a.WithGradient ? a.DLogits.Span() : Span<T>.Empty, a.Logits.Span(),
            a.Targets.Span(), a.Rows, a.Vocab, a.GradScale, a.WithGradient);
    }

    protected override void Run<T>(in AdamArgs<T> a)
        => NaiveOps.AdamStep(a.Parameters.Span(), a.Gradients.Span(), a.FirstMoment.Span(), a.SecondMoment.Span(), a.Settings, a.Step);

    protected override void Run<T>(in RmsNormForwardArgs<T> a)
        => NaiveOps.RmsNormForward(a.Output.Span(), a.SavesRstd ? a.Rstd.Span() : Span<T>.Empty, a.X.Span(), a.Weight.Span(),
            a.Rows, a.Channels, a.Epsilon, a.WeightOffset);

    protected override void Run<T>(in GatedActivationForwardArgs<T> a)
        => NaiveOps.GatedActivationForward(a.Output.Span(), a.Gate.Span(), a.Up.Span(), a.Activation);

    protected override void Run<T>(in SoftCapForwardArgs<T> a) => NaiveOps.SoftCapForward(a.Output.Span(), a.X.Span(), a.Cap);

    protected override void Run<T>(in RotaryForwardArgs<T> a)
        => NaiveOps.RotaryForward(a.X.Span(), a.InverseFrequencies.Span(), a.Tokens, a.Heads, a.HeadDim);

    protected override void Run<T>(in GroupedAttentionForwardArgs<T> a)
        => NaiveOps.GroupedAttentionForward(a.Output.Span(), a.Q.Span(), a.K.Span(), a.V.Span(),
            a.Tokens, a.Heads, a.KvHeads, a.HeadDim, a.Scale, a.SoftCap, a.SlidingWindow);

    /// <summary>Every index of a gather or scatter lies in the table (host memory: checking costs no wait).</summary>
    /// <exception cref="ArgumentOutOfRangeException">One does not.</exception>
    protected void CheckIndices(string op, BufferView<int> indices, int tableRows)
        => new OpCheck(this, op).Indices("Indices", indices.Span(), tableRows);

    /// <summary>Every target of a cross-entropy lies in [0, V).</summary>
    /// <exception cref="ArgumentOutOfRangeException">One does not.</exception>
    protected void CheckTargets<T>(in CrossEntropyArgs<T> a) where T : unmanaged
        => new OpCheck(this, a.WithGradient ? nameof(CrossEntropyForwardBackward) : nameof(CrossEntropyForward))
            .Indices("Targets", a.Targets.Span(), a.Vocab);
}
