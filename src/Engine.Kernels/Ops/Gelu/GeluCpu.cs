using System.Numerics;
using System.Runtime.CompilerServices;

using Engine.Kernels.Cpu;

namespace Engine.Kernels.Ops;

// Legend: n the element count (B·T·4C for the MLP).

/// <summary>
/// float32 fast paths of the exact (erf) GELU. Naive loops: <see cref="NaiveOps.GeluForward{T}"/>,
/// <see cref="NaiveOps.GeluBackward{T}"/>. Φ is <see cref="GeluMath"/>'s formula in SIMD, evaluated with the float32
/// exp of <see cref="CpuExp"/> (also in the scalar tails, so a result never depends on where a chunk ends); float
/// rounding, not the approximation, dominates the error.
/// </summary>
internal static unsafe class GeluCpu
{
    private const float InvSqrt2 = GeluMath.InvSqrt2;
    private const float InvSqrt2Pi = GeluMath.InvSqrt2Pi;

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
        var p = new Vector<float>(GeluMath.P9);
        p = Vector.FusedMultiplyAdd(p, t, new Vector<float>(GeluMath.P8));
        p = Vector.FusedMultiplyAdd(p, t, new Vector<float>(GeluMath.P7));
        p = Vector.FusedMultiplyAdd(p, t, new Vector<float>(GeluMath.P6));
        p = Vector.FusedMultiplyAdd(p, t, new Vector<float>(GeluMath.P5));
        p = Vector.FusedMultiplyAdd(p, t, new Vector<float>(GeluMath.P4));
        p = Vector.FusedMultiplyAdd(p, t, new Vector<float>(GeluMath.P3));
        p = Vector.FusedMultiplyAdd(p, t, new Vector<float>(GeluMath.P2));
        p = Vector.FusedMultiplyAdd(p, t, new Vector<float>(GeluMath.P1));
        p = Vector.FusedMultiplyAdd(p, t, new Vector<float>(GeluMath.P0));
        // ½·t·exp(…) folds the ½ into the exponent: ln ½ = −0.69314718.
        return t * CpuExp.Exp(p - z * z + new Vector<float>(GeluMath.LnHalf));
    }

    private static float HalfErfc(float z)
    {
        var t = 1f / (1f + 0.5f * z);
        var p = GeluMath.P9;
        p = p * t + GeluMath.P8;
        p = p * t + GeluMath.P7;
        p = p * t + GeluMath.P6;
        p = p * t + GeluMath.P5;
        p = p * t + GeluMath.P4;
        p = p * t + GeluMath.P3;
        p = p * t + GeluMath.P2;
        p = p * t + GeluMath.P1;
        p = p * t + GeluMath.P0;
        return t * CpuExp.Exp(p - z * z + GeluMath.LnHalf);
    }
}
