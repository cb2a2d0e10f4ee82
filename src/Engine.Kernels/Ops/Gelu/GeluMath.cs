namespace Engine.Kernels.Ops;

/// <summary>
/// The float32 GELU formula, written once for the fast paths: Φ(x) = ½·erfc(−x/√2) from the Chebyshev-fitted erfc of
/// Numerical Recipes, ½·erfc(z) = t·exp(−z² + P(t) + ln ½), t = 1/(1 + z/2) (fractional error below 1.2e-7 for every
/// argument, so the small negative tail of Φ stays accurate; .NET and ILGPU have no erf). The GPU kernels call these
/// scalar functions (their exp is the device's: <c>ex2.approx</c> on CUDA, about 2 ulp); the CPU fast path evaluates the
/// same coefficients in SIMD with its own 1-ulp exp. The naive loops use the float64 erf of <see cref="SpecialFunctions"/>.
/// </summary>
public static class GeluMath
{
    public const float InvSqrt2 = 0.70710678118654752f;
    public const float InvSqrt2Pi = 0.3989422804014327f;

    /// <summary>P(t)'s coefficients, highest power first (Horner order).</summary>
    public const float P9 = 0.17087277f, P8 = -0.82215223f, P7 = 1.48851587f, P6 = -1.13520398f, P5 = 0.27886807f,
        P4 = -0.18628806f, P3 = 0.09678418f, P2 = 0.37409196f, P1 = 1.00002368f, P0 = -1.26551223f;

    /// <summary>ln ½, folded into the exponent so that ½·t·exp(…) costs no multiply.</summary>
    public const float LnHalf = -0.69314718f;

    /// <summary>½·erfc(z) for z ≥ 0.</summary>
    public static float HalfErfc(float z)
    {
        var t = 1f / (1f + 0.5f * z);
        var p = P9;
        p = p * t + P8;
        p = p * t + P7;
        p = p * t + P6;
        p = p * t + P5;
        p = p * t + P4;
        p = p * t + P3;
        p = p * t + P2;
        p = p * t + P1;
        p = p * t + P0;
        return t * MathF.Exp(p - z * z + LnHalf);
    }

    /// <summary>Φ(x), the standard normal CDF.</summary>
    public static float Cdf(float x)
    {
        var half = HalfErfc(MathF.Abs(x) * InvSqrt2);
        return x < 0f ? half : 1f - half;
    }

    /// <summary>GELU(x) = x·Φ(x).</summary>
    public static float Value(float x) => x * Cdf(x);

    /// <summary>GELU'(x) = Φ(x) + x·φ(x), φ(x) = e^(−x²/2)/√(2π).</summary>
    public static float Slope(float x) => Cdf(x) + x * MathF.Exp(-0.5f * x * x) * InvSqrt2Pi;
}
