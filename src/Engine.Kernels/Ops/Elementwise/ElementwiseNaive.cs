using System.Numerics;

namespace Engine.Kernels.Ops;

// The naive float64 loops of this family (see NaiveOps.cs).
public static partial class NaiveOps
{
    public static void Axpy<T>(T alpha, ReadOnlySpan<T> x, Span<T> y) where T : IFloatingPointIeee754<T>
    {
        for (var i = 0; i < y.Length; i++) y[i] += alpha * x[i];
    }

    public static void Scale<T>(T alpha, Span<T> x) where T : IFloatingPointIeee754<T>
    {
        for (var i = 0; i < x.Length; i++) x[i] *= alpha;
    }

    public static void Add<T>(ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<T> output) where T : IFloatingPointIeee754<T>
    {
        for (var i = 0; i < output.Length; i++) output[i] = a[i] + b[i];
    }

    public static T Sum<T>(ReadOnlySpan<T> x) where T : IFloatingPointIeee754<T>
    {
        var sum = 0.0;
        foreach (var v in x) sum += D(v);
        return F<T>(sum);
    }

    public static T Norm<T>(ReadOnlySpan<T> x) where T : IFloatingPointIeee754<T>
    {
        var sum = 0.0;
        foreach (var v in x) sum += D(v) * D(v);
        return F<T>(Math.Sqrt(sum));
    }
}
