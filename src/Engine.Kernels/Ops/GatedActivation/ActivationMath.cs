namespace Engine.Kernels.Ops;

/// <summary>
/// The float32 scalar formulas of the inference ops, written once for the GPU kernels (and the CPU fast paths' scalar
/// tails). Both gate activations are x·σ(z): SiLU with z = x, GELU-tanh with z = 2·√(2/π)·(x + 0.044715·x³), since
/// ½·(1 + tanh u) = σ(2u) — no 1 − tanh cancellation in the negative tail. tanh itself (soft-capping) is the odd series
/// for |y| &lt; 1/8 (error below 2e-10) and 1 − 2/(e^(2|y|) + 1) above, where that subtraction loses nothing.
/// </summary>
public static class ActivationMath
{
    /// <summary>2·√(2/π), the GELU-tanh argument's factor once the tanh is written as a logistic.</summary>
    public const float TwoSqrt2OverPi = 1.5957691216057308f;

    public const float GeluCubic = 0.044715f;

    /// <summary>The gate's logistic argument z: a(x) = x·σ(z).</summary>
    public static float GateArgument(float x, GatedActivation activation)
        => activation == GatedActivation.Silu ? x : TwoSqrt2OverPi * (x + GeluCubic * x * x * x);

    /// <summary>a(x) = x / (1 + e^(−z)).</summary>
    public static float Gate(float x, GatedActivation activation) => x / (1f + MathF.Exp(-GateArgument(x, activation)));

    /// <summary>tanh(y), accurate in relative terms near 0 and saturating to ±1.</summary>
    public static float Tanh(float y)
    {
        var a = MathF.Abs(y);
        if (a < 0.125f)
        {
            var y2 = y * y;
            return y * (1f + y2 * (-1f / 3f + y2 * (2f / 15f + y2 * (-17f / 315f))));
        }
        var t = 1f - 2f / (MathF.Exp(2f * a) + 1f);
        return y < 0f ? -t : t;
    }

    /// <summary>cap·tanh(x/cap).</summary>
    public static float SoftCap(float x, float cap) => cap * Tanh(x / cap);
}
