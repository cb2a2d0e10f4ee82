using System.Numerics;

namespace Engine.Kernels.Ops;

// The naive float64 loops of this family (see NaiveOps.cs).
public static partial class NaiveOps
{
    public static void GeluForward<T>(Span<T> output, ReadOnlySpan<T> x) where T : IFloatingPointIeee754<T>
    {
        for (var i = 0; i < x.Length; i++)
        {
            var v = D(x[i]);
            output[i] = F<T>(v * SpecialFunctions.NormalCdf(v));
        }
    }

    public static void GeluBackward<T>(Span<T> dX, ReadOnlySpan<T> x, ReadOnlySpan<T> dOut)
        where T : IFloatingPointIeee754<T>
    {
        for (var i = 0; i < x.Length; i++)
        {
            var v = D(x[i]);
            var local = SpecialFunctions.NormalCdf(v) + v * SpecialFunctions.NormalPdf(v);
            dX[i] = F<T>(D(dX[i]) + D(dOut[i]) * local);
        }
    }
}
