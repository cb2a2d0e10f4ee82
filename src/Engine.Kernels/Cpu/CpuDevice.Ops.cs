using System.Runtime.CompilerServices;
using Engine.Kernels.Ops;

namespace Engine.Kernels.Cpu;

// Legend: B batch, T tokens, C channels, NH heads, V vocabulary, R rows.

/// <summary>
/// The op table of <see cref="CpuDevice"/>: float32 goes to its fast path (Ops/&lt;family&gt;/*Cpu.cs), every other
/// element type to the naive loop of <see cref="HostDevice"/>. The arguments were checked by <see cref="Device"/>.
/// The JIT specialises each generic method per value type, so the typeof tests cost nothing.
/// </summary>
public sealed unsafe partial class CpuDevice
{
    private static bool IsFloat<T>() => typeof(T) == typeof(float);

    /// <summary>
    /// For a float32 op, the calling thread's flush-to-zero and denormals-are-zero modes until the op returns
    /// (<see cref="SubnormalFlush"/>: operands and results below 2⁻¹²⁶ are 0); other types run in IEEE mode.
    /// </summary>
    private SubnormalFlush.Scope FlushSubnormals<T>() => IsFloat<T>() && FlushesSubnormals ? SubnormalFlush.Enter() : default;

    private static float* F<T>(BufferView<T> view) where T : unmanaged => (float*)view.Pointer();

    private static float F<T>(T value) where T : unmanaged => Unsafe.As<T, float>(ref value);

    // ---------------------------------------------------------------- element-wise

    protected override void RunFill<T>(in FillArgs<T> a) => ElementwiseCpu.Fill(this, a.X.Pointer(), a.Value, a.X.Length);

    protected override void Run<T>(in AxpyArgs<T> a)
    {
        using var flush = FlushSubnormals<T>();
        if (IsFloat<T>()) ElementwiseCpu.Axpy(this, F(a.Alpha), F(a.X), F(a.Y), a.Y.Length);
        else base.Run(in a);
    }

    protected override void Run<T>(in ScaleArgs<T> a)
    {
        using var flush = FlushSubnormals<T>();
        if (IsFloat<T>()) ElementwiseCpu.Scale(this, F(a.Alpha), F(a.X), a.X.Length);
        else base.Run(in a);
    }

    protected override void Run<T>(in AddArgs<T> a)
    {
        using var flush = FlushSubnormals<T>();
        if (IsFloat<T>()) ElementwiseCpu.Add(this, F(a.A), F(a.B), F(a.Output), a.Output.Length);
        else base.Run(in a);
    }

    protected override void Run<T>(in ReduceArgs<T> a)
    {
        using var flush = FlushSubnormals<T>();
        if (!IsFloat<T>()) base.Run(in a);
        else *F(a.Result) = a.Kind == Reduction.Sum ? ElementwiseCpu.Sum(F(a.X), a.X.Length) : ElementwiseCpu.Norm(F(a.X), a.X.Length);
    }

    // ---------------------------------------------------------------- matrix multiply

    protected override void Run<T>(in GemmArgs<T> a)
    {
        using var flush = FlushSubnormals<T>();
        if (IsFloat<T>())
            GemmCpu.Run(this, a.TransposeA, a.TransposeB, a.M, a.N, a.K, F(a.Alpha), F(a.A), a.Lda, F(a.B), a.Ldb,
                F(a.Beta), F(a.C), a.Ldc, a.BatchCount, a.StrideA, a.StrideB, a.StrideC);
        else base.Run(in a);
    }

    // ---------------------------------------------------------------- bias

    protected override void Run<T>(in BiasAddArgs<T> a)
    {
        using var flush = FlushSubnormals<T>();
        if (IsFloat<T>()) BiasCpu.Add(this, F(a.Y), F(a.Bias), a.Rows, a.Channels);
        else base.Run(in a);
    }

    protected override void Run<T>(in BiasBackwardArgs<T> a)
    {
        using var flush = FlushSubnormals<T>();
        if (IsFloat<T>()) BiasCpu.Backward(this, F(a.DBias), F(a.DY), a.Rows, a.Channels);
        else base.Run(in a);
    }

    // ---------------------------------------------------------------- layer norm

    protected override void Run<T>(in LayerNormForwardArgs<T> a)
    {
        using var flush = FlushSubnormals<T>();
        if (IsFloat<T>())
            LayerNormCpu.Forward(this, F(a.Output), F(a.Mean), F(a.Rstd), F(a.X), F(a.Weight), F(a.Bias), a.Rows, a.Channels, F(a.Epsilon));
        else base.Run(in a);
    }

    protected override void Run<T>(in LayerNormBackwardArgs<T> a)
    {
        using var flush = FlushSubnormals<T>();
        if (IsFloat<T>())
            LayerNormCpu.Backward(this, F(a.DX), F(a.DWeight), F(a.DBias), F(a.DOut), F(a.X), F(a.Weight), F(a.Mean), F(a.Rstd),
                a.Rows, a.Channels);
        else base.Run(in a);
    }

    // ---------------------------------------------------------------- GELU

    protected override void Run<T>(in GeluForwardArgs<T> a)
    {
        using var flush = FlushSubnormals<T>();
        if (IsFloat<T>()) GeluCpu.Forward(this, F(a.Output), F(a.X), a.X.Length);
        else base.Run(in a);
    }

    protected override void Run<T>(in GeluBackwardArgs<T> a)
    {
        using var flush = FlushSubnormals<T>();
        if (IsFloat<T>()) GeluCpu.Backward(this, F(a.DX), F(a.X), F(a.DOut), a.X.Length);
        else base.Run(in a);
    }

    // ---------------------------------------------------------------- rotary position embedding

    protected override void Run<T>(in RopeForwardArgs<T> a)
    {
        using var flush = FlushSubnormals<T>();
        if (IsFloat<T>()) RopeCpu.Forward(this, F(a.Output), F(a.Qkv), a.Batch, a.Tokens, a.Channels, a.Heads, F(a.RopeBase));
        else base.Run(in a);
    }

    protected override void Run<T>(in RopeBackwardArgs<T> a)
    {
        using var flush = FlushSubnormals<T>();
        if (IsFloat<T>()) RopeCpu.Backward(this, F(a.DQkv), F(a.DOut), a.Batch, a.Tokens, a.Channels, a.Heads, F(a.RopeBase));
        else base.Run(in a);
    }

    // ---------------------------------------------------------------- attention

    protected override void Run<T>(in AttentionForwardArgs<T> a)
    {
        using var flush = FlushSubnormals<T>();
        if (IsFloat<T>()) AttentionCpu.Forward(this, F(a.Output), F(a.Probabilities), F(a.Qkv), a.Batch, a.Tokens, a.Channels, a.Heads);
        else base.Run(in a);
    }

    protected override void Run<T>(in AttentionBackwardArgs<T> a)
    {
        using var flush = FlushSubnormals<T>();
        if (IsFloat<T>())
            AttentionCpu.Backward(this, F(a.DQkv), F(a.DOut), F(a.Qkv), F(a.Probabilities), a.Batch, a.Tokens, a.Channels, a.Heads);
        else base.Run(in a);
    }

    // ---------------------------------------------------------------- rows

    protected override void Run<T>(in GatherRowsArgs<T> a)
    {
        using var flush = FlushSubnormals<T>();
        if (!IsFloat<T>())
        {
            base.Run(in a);
            return;
        }
        CheckIndices(nameof(GatherRows), a.Indices, a.TableRows);
        RowsCpu.Gather(this, F(a.Output), F(a.Table), a.Indices.Pointer(), a.Rows, a.Channels);
    }

    protected override void Run<T>(in ScatterAddRowsArgs<T> a)
    {
        using var flush = FlushSubnormals<T>();
        if (!IsFloat<T>())
        {
            base.Run(in a);
            return;
        }
        CheckIndices(nameof(ScatterAddRows), a.Indices, a.TableRows);
        RowsCpu.ScatterAdd(this, F(a.DTable), F(a.DOut), a.Indices.Pointer(), a.Rows, a.Channels);
    }

    protected override void Run<T>(in ArgMaxRowsArgs<T> a)
    {
        using var flush = FlushSubnormals<T>();
        if (IsFloat<T>()) RowsCpu.ArgMax(this, a.Indices.Pointer(), F(a.X), a.Rows, a.Columns);
        else base.Run(in a);
    }

    // ---------------------------------------------------------------- softmax + cross-entropy

    protected override void Run<T>(in CrossEntropyArgs<T> a)
    {
        using var flush = FlushSubnormals<T>();
        if (!IsFloat<T>())
        {
            base.Run(in a);
            return;
        }
        CheckTargets(a);
        if (a.WithGradient)
            CrossEntropyCpu.ForwardBackward(this, F(a.Losses), F(a.DLogits), F(a.Logits), a.Targets.Pointer(), a.Rows, a.Vocab, F(a.GradScale));
        else
            CrossEntropyCpu.Forward(this, F(a.Losses), F(a.Logits), a.Targets.Pointer(), a.Rows, a.Vocab);
    }

    // ---------------------------------------------------------------- optimiser

    protected override void Run<T>(in AdamArgs<T> a)
    {
        using var flush = FlushSubnormals<T>();
        if (IsFloat<T>())
            AdamCpu.Step(this, F(a.Parameters), F(a.Gradients), F(a.FirstMoment), F(a.SecondMoment), a.Parameters.Length, a.Settings, a.Step);
        else base.Run(in a);
    }

    // ---------------------------------------------------------------- inference ops

    protected override void Run<T>(in RmsNormForwardArgs<T> a)
    {
        using var flush = FlushSubnormals<T>();
        if (IsFloat<T>())
            RmsNormCpu.Forward(this, F(a.Output), a.SavesRstd ? F(a.Rstd) : null, F(a.X), F(a.Weight), a.Rows, a.Channels, F(a.Epsilon), F(a.WeightOffset));
        else base.Run(in a);
    }

    protected override void Run<T>(in GatedActivationForwardArgs<T> a)
    {
        using var flush = FlushSubnormals<T>();
        if (IsFloat<T>()) GatedActivationCpu.Forward(this, F(a.Output), F(a.Gate), F(a.Up), a.Output.Length, a.Activation);
        else base.Run(in a);
    }

    protected override void Run<T>(in SoftCapForwardArgs<T> a)
    {
        using var flush = FlushSubnormals<T>();
        if (IsFloat<T>()) SoftCapCpu.Forward(this, F(a.Output), F(a.X), a.Output.Length, F(a.Cap));
        else base.Run(in a);
    }

    protected override void Run<T>(in RotaryForwardArgs<T> a)
    {
        using var flush = FlushSubnormals<T>();
        if (IsFloat<T>()) RotaryCpu.Forward(this, F(a.X), F(a.InverseFrequencies), a.Tokens, a.Heads, a.HeadDim);
        else base.Run(in a);
    }

    protected override void Run<T>(in GroupedAttentionForwardArgs<T> a)
    {
        using var flush = FlushSubnormals<T>();
        if (IsFloat<T>())
            GroupedAttentionCpu.Forward(this, F(a.Output), F(a.Q), F(a.K), F(a.V), a.Tokens, a.Heads, a.KvHeads, a.HeadDim,
                F(a.Scale), F(a.SoftCap), a.SlidingWindow);
        else base.Run(in a);
    }
}
