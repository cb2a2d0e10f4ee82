using System.Numerics;

namespace Engine.Kernels.Ops;

// The naive float64 loops of this family (see NaiveOps.cs).
public static partial class NaiveOps
{
    /// <summary>out[i] = a(gate[i])·up[i]: SiLU x/(1 + e^−x) or GELU-tanh ½x(1 + tanh(√(2/π)(x + 0.044715x³))).   (n) each.</summary>
    public static void GatedActivationForward<T>(Span<T> output, ReadOnlySpan<T> gate, ReadOnlySpan<T> up, GatedActivation activation)
        where T : IFloatingPointIeee754<T>
    {
        for (var i = 0; i < output.Length; i++)
        {
            var g = D(gate[i]);
            var a = activation == GatedActivation.Silu
                ? g / (1 + Math.Exp(-g))
                : 0.5 * g * (1 + Math.Tanh(Math.Sqrt(2 / Math.PI) * (g + 0.044715 * g * g * g)));
            output[i] = F<T>(a * D(up[i]));
        }
    }
}
