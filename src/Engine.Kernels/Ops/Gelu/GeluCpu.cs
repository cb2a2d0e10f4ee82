using System.Numerics;
using System.Runtime.CompilerServices;

using Engine.Kernels.Cpu;

namespace Engine.Kernels.Ops;

// Legend: n the element count (B·T·4C for the MLP).

/// <summary>
/// float32 fast paths of the exact (erf) GELU. Naive loops: <see cref="NaiveOps.GeluForward{T}"/>,
/// <see cref="NaiveOps.GeluBackward{T}"/>. Φ comes from the Chebyshev-fitted erfc of Numerical Recipes
/// (fractional error below 1.2e-7 for every argument, so the small negative tail of Φ stays accurate),
/// evaluated with the float32 SIMD exp of <see cref="CpuExp"/>; float rounding, not the approximation, dominates the error.
/// </summary>
internal static unsafe class GeluCpu
{
    private const float InvSqrt2 = 0.70710678118654752f;
    private const float InvSqrt2Pi = 0.3989422804014327f;

    /// <summary>output[i] = x·Φ(x).   output, x (n).</summary>
    public static void Forward(CpuDevice device, float* output, float* x, int n)
        => CpuParallel.For(device, n, 40, CpuParallel.Grain(40), new ForwardJob(output, x));

    /// <summary>dX[i] += dOut[i]·(Φ(x) + x·φ(x)).   dX, x, dOut (n).</summary>
    public static void Backward(CpuDevice device, float* dX, float* x, float* dOut, int n)
        => CpuParallel.For(device, n, 50, CpuParallel.Grain(50), new BackwardJob(dX, x, dOut));

    private readonly struct ForwardJob(float* output, float* x) : IChunkJob
    {
        public void Run(int start, int end)
        {
            var i = start;
            for (; i + Vector<float>.Count <= end; i += Vector<float>.Count)
            {
                var v = Vector.Load(x + i);
                Vector.Store(v * Cdf(v), output + i);
            }
            for (; i < end; i++) output[i] = x[i] * Cdf(x[i]);
        }
    }

    private readonly struct BackwardJob(float* dX, float* x, float* dOut) : IChunkJob
    {
        public void Run(int start, int end)
        {
            var i = start;
            for (; i + Vector<float>.Count <= end; i += Vector<float>.Count)
            {
                var v = Vector.Load(x + i);
                var pdf = CpuExp.Exp(v * v * new Vector<float>(-0.5f)) * new Vector<float>(InvSqrt2Pi);
                var local = Vector.FusedMultiplyAdd(v, pdf, Cdf(v));
                Vector.Store(Vector.FusedMultiplyAdd(Vector.Load(dOut + i), local, Vector.Load(dX + i)), dX + i);
            }
            for (; i < end; i++)
            {
                var v = x[i];
                var local = Cdf(v) + v * CpuExp.Exp(-0.5f * v * v) * InvSqrt2Pi;
                dX[i] += dOut[i] * local;
            }
        }
    }

    /// <summary>Φ(x) = ½·erfc(−x/√2): ½·erfc(z) for x &lt; 0, 1 − ½·erfc(z) otherwise, z = |x|/√2.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector<float> Cdf(Vector<float> x)
    {
        var z = Vector.Abs(x) * new Vector<float>(InvSqrt2);
        var half = HalfErfc(z);
        return Vector.ConditionalSelect(Vector.LessThan(x, Vector<float>.Zero), half, Vector<float>.One - half);
    }

    private static float Cdf(float x)
    {
        var half = HalfErfc(MathF.Abs(x) * InvSqrt2);
        return x < 0 ? half : 1f - half;
    }

    /// <summary>½·erfc(z) for z ≥ 0: t·exp(−z² + P(t)), t = 1/(1 + z/2), P the Numerical Recipes polynomial.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector<float> HalfErfc(Vector<float> z)
    {
        var t = Vector<float>.One / Vector.FusedMultiplyAdd(z, new Vector<float>(0.5f), Vector<float>.One);
        var p = new Vector<float>(0.17087277f);
        p = Vector.FusedMultiplyAdd(p, t, new Vector<float>(-0.82215223f));
        p = Vector.FusedMultiplyAdd(p, t, new Vector<float>(1.48851587f));
        p = Vector.FusedMultiplyAdd(p, t, new Vector<float>(-1.13520398f));
        p = Vector.FusedMultiplyAdd(p, t, new Vector<float>(0.27886807f));
        p = Vector.FusedMultiplyAdd(p, t, new Vector<float>(-0.18628806f));
        p = Vector.FusedMultiplyAdd(p, t, new Vector<float>(0.09678418f));
        p = Vector.FusedMultiplyAdd(p, t, new Vector<float>(0.37409196f));
        p = Vector.FusedMultiplyAdd(p, t, new Vector<float>(1.00002368f));
        p = Vector.FusedMultiplyAdd(p, t, new Vector<float>(-1.26551223f));
        // ½·t·exp(…) folds the ½ into the exponent: ln ½ = −0.69314718.
        return t * CpuExp.Exp(p - z * z + new Vector<float>(-0.69314718f));
    }

    private static float HalfErfc(float z)
    {
        var t = 1f / (1f + 0.5f * z);
        var p = 0.17087277f;
        p = p * t - 0.82215223f;
        p = p * t + 1.48851587f;
        p = p * t - 1.13520398f;
        p = p * t + 0.27886807f;
        p = p * t - 0.18628806f;
        p = p * t + 0.09678418f;
        p = p * t + 0.37409196f;
        p = p * t + 1.00002368f;
        p = p * t - 1.26551223f;
        return t * CpuExp.Exp(p - z * z - 0.69314718f);
    }
}
