using ILGPU;
using Engine.Kernels.Gpu;
using static Engine.Kernels.Gpu.GpuLaunch;

namespace Engine.Kernels.Ops;

// Legend: n the parameter count (one flat buffer).

/// <summary>
/// GPU kernels of the fused Adam / AdamW step (formula: <see cref="AdamArgs{T}"/>). The bias corrections
/// c1 = 1−β1ᵗ, c2 = 1−β2ᵗ and the flush limits (<see cref="AdamFlush"/>) are computed on the host in float64. Grid-stride loops; naive: one parameter per step, Vec4:
/// four per step with float4 loads of θ, g, m and v (every view aligned to 4 elements).
/// </summary>
internal sealed class AdamGpu
{
    /// <summary>The step's constants: Decay = 1 − ηλ for AdamW (else 1), L2 = λ for coupled Adam (else 0).</summary>
    public readonly record struct AdamKernelArgs(
        ArrayView<float> Parameters, ArrayView<float> Gradients, ArrayView<float> M, ArrayView<float> V, int N, // all (n)
        float LearningRate, float Beta1, float OneMinusBeta1, float Beta2, float OneMinusBeta2, float Epsilon,
        float Decay, float L2, float Correction1, float Correction2, float FirstTerm, float SecondTerm, float ParameterLimit);

    /// <summary>Updates θ, m, v at <paramref name="i"/>: θ ← θ·decay; g = grad + l2·θ; m, v blended; θ ← θ − η·(m/c1)/(√(v/c2) + ε).</summary>
    private static void Step(in AdamKernelArgs a, int i)
    {
        var theta = a.Parameters[i] * a.Decay;
        var g = a.Gradients[i] + a.L2 * theta;
        var m = Flushed(a.Beta1 * a.M[i] + a.OneMinusBeta1 * Term(g, a.FirstTerm), SmallestNormal);
        var g2 = Term(g, a.SecondTerm);
        var v = Flushed(a.Beta2 * a.V[i] + a.OneMinusBeta2 * (g2 * g2), SmallestNormal);
        a.M[i] = m;
        a.V[i] = v;
        a.Parameters[i] = Updated(a, theta, m, v);
    }

    /// <summary>The new θ from the flushed moments, itself flushed below the parameter limit.</summary>
    private static float Updated(in AdamKernelArgs a, float theta, float m, float v)
        => Flushed(theta - a.LearningRate * (m / a.Correction1) / (MathF.Sqrt(v / a.Correction2) + a.Epsilon), a.ParameterLimit);

    /// <summary>g, or 0 where |g| is below the limit of its moment term (<see cref="AdamFlush"/>).</summary>
    private static float Term(float g, float limit) => Math.Abs(g) < limit ? 0f : g;

    /// <summary>x, or +0 where 0 &lt; |x| &lt; limit (<see cref="AdamFlush"/>), as every device stores Adam's results.</summary>
    private static float Flushed(float x, float limit) => x != 0f && Math.Abs(x) < limit ? 0f : x;

    private const float SmallestNormal = AdamFlush.SmallestNormal;

    /// <summary>One thread per parameter.</summary>
    [GpuKernel]
    public static void AdamNaive(AdamKernelArgs a)
    {
        for (var i = Grid.GlobalIndex.X; i < a.N; i += KernelIndex.StrideX()) Step(a, i);
    }

    /// <summary>Four parameters per thread through float4 accesses; scalar steps for the ragged tail.</summary>
    [GpuKernel]
    public static void AdamVec4(AdamKernelArgs a)
    {
        for (var quad = Grid.GlobalIndex.X; 4 * quad < a.N; quad += KernelIndex.StrideX())
        {
            var first = 4 * quad;
            if (first + 3 >= a.N)
            {
                for (var i = first; i < a.N; i++) Step(a, i);
                break;
            }
            var p4 = a.Parameters.Cast<Float4>()[quad];
            var g4 = a.Gradients.Cast<Float4>()[quad];
            var m4 = a.M.Cast<Float4>()[quad];
            var v4 = a.V.Cast<Float4>()[quad];
            var theta = new Float4(p4.X * a.Decay, p4.Y * a.Decay, p4.Z * a.Decay, p4.W * a.Decay);
            var g = new Float4(g4.X + a.L2 * theta.X, g4.Y + a.L2 * theta.Y, g4.Z + a.L2 * theta.Z, g4.W + a.L2 * theta.W);
            var (b1, c1) = (a.Beta1, a.OneMinusBeta1);
            var (b2, c2) = (a.Beta2, a.OneMinusBeta2);
            var (t1, t2) = (a.FirstTerm, a.SecondTerm);
            var m = new Float4(Moment(b1, m4.X, c1, Term(g.X, t1)), Moment(b1, m4.Y, c1, Term(g.Y, t1)),
                Moment(b1, m4.Z, c1, Term(g.Z, t1)), Moment(b1, m4.W, c1, Term(g.W, t1)));
            var v = new Float4(Square(b2, v4.X, c2, Term(g.X, t2)), Square(b2, v4.Y, c2, Term(g.Y, t2)),
                Square(b2, v4.Z, c2, Term(g.Z, t2)), Square(b2, v4.W, c2, Term(g.W, t2)));
            a.M.Cast<Float4>()[quad] = m;
            a.V.Cast<Float4>()[quad] = v;
            a.Parameters.Cast<Float4>()[quad] = new Float4(
                Updated(a, theta.X, m.X, v.X), Updated(a, theta.Y, m.Y, v.Y), Updated(a, theta.Z, m.Z, v.Z), Updated(a, theta.W, m.W, v.W));
        }
    }

    /// <summary>m ← β1·m + (1−β1)·g, flushed.</summary>
    private static float Moment(float beta, float old, float oneMinusBeta, float g) => Flushed(beta * old + oneMinusBeta * g, SmallestNormal);

    /// <summary>v ← β2·v + (1−β2)·g², flushed.</summary>
    private static float Square(float beta, float old, float oneMinusBeta, float g) => Flushed(beta * old + oneMinusBeta * (g * g), SmallestNormal);

    private readonly GpuDevice _device;
    private readonly Kernel<AdamKernelArgs> _naive, _vec4;

    public AdamGpu(GpuDevice device)
    {
        _device = device;
        (_naive, _vec4) = (new(device, AdamNaive), new(device, AdamVec4));
    }

    public void Step(in AdamArgs<float> a)
    {
        var n = a.Parameters.Length;
        if (n == 0) return;
        var s = a.Settings;
        var flush = AdamFlush.For(s);
        var args = new AdamKernelArgs(_device.View(a.Parameters), _device.View(a.Gradients), _device.View(a.FirstMoment), _device.View(a.SecondMoment), n,
            LearningRate: (float)s.LearningRate, Beta1: (float)s.Beta1, OneMinusBeta1: (float)(1.0 - s.Beta1),
            Beta2: (float)s.Beta2, OneMinusBeta2: (float)(1.0 - s.Beta2), Epsilon: (float)s.Epsilon,
            Decay: s.Decoupled ? (float)(1.0 - s.LearningRate * s.WeightDecay) : 1f, L2: s.Decoupled ? 0f : (float)s.WeightDecay,
            Correction1: (float)(1.0 - Math.Pow(s.Beta1, a.Step)), Correction2: (float)(1.0 - Math.Pow(s.Beta2, a.Step)),
            FirstTerm: flush.FirstTerm, SecondTerm: flush.SecondTerm, ParameterLimit: flush.Parameter);
        var vec4 = !_device.Naive && Aligned4(a.Parameters, a.Gradients) && Aligned4(a.FirstMoment, a.SecondMoment);
        (vec4 ? _vec4 : _naive).Launch(ElementwiseGpu.Dims(_device, n, vec4), args);
    }
}
