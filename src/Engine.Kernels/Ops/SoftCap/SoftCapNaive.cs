using System.Numerics;

namespace Engine.Kernels.Ops;

// The naive float64 loops of this family (see NaiveOps.cs).
public static partial class NaiveOps
{
    /// <summary>out[i] = cap·tanh(x[i]/cap).   output, x (n).</summary>
    public static void SoftCapForward<T>(Span<T> output, ReadOnlySpan<T> x, T cap) where T : IFloatingPointIeee754<T>
    {
        for (var i = 0; i < output.Length; i++) output[i] = F<T>(D(cap) * Math.Tanh(D(x[i]) / D(cap)));
    }
}
