using System.Numerics;

using Engine.Kernels.Cpu;

namespace Engine.Kernels.Ops;

// Legend: n the element count (V for the final logits).

/// <summary>
/// float32 fast path of soft-capping out = cap·tanh(x/cap), in SIMD: <see cref="ActivationMath.Tanh"/>'s formula (the odd
/// series below |y| = 1/8, 1 − 2/(e^(2|y|) + 1) above, with the float32 exp of <see cref="CpuExp"/>), also in the scalar
/// tails. (<c>TensorPrimitives.Tanh</c> is not used: it returns −0 for tanh(2e-8).) Naive loop:
/// <see cref="NaiveOps.SoftCapForward{T}"/>.
/// </summary>
internal static unsafe class SoftCapCpu
{
    /// <summary>output[i] = cap·tanh(x[i]/cap).   output, x (n).</summary>
    public static void Forward(CpuDevice device, float* output, float* x, int n, float cap)
        => CpuParallel.For(device, n, 25, CpuParallel.Grain(25), new ForwardJob(output, x, cap));

    private readonly struct ForwardJob(float* output, float* x, float cap) : IChunkJob
    {
        public void Run(int start, int end)
        {
            var inverse = new Vector<float>(1f / cap);
            var capV = new Vector<float>(cap);
            var i = start;
            for (; i + Vector<float>.Count <= end; i += Vector<float>.Count)
                Vector.Store(capV * Tanh(Vector.Load(x + i) * inverse), output + i);
            for (; i < end; i++) output[i] = cap * ScalarTanh(x[i] * (1f / cap));
        }
    }

    private static Vector<float> Tanh(Vector<float> y)
    {
        var a = Vector.Abs(y);
        var y2 = y * y;
        var series = y * (Vector<float>.One + y2 * (new Vector<float>(-1f / 3f) + y2 * (new Vector<float>(2f / 15f) + y2 * new Vector<float>(-17f / 315f))));
        var two = new Vector<float>(2f);
        var saturating = Vector<float>.One - two / (CpuExp.Exp(two * a) + Vector<float>.One);
        saturating = Vector.ConditionalSelect(Vector.LessThan(y, Vector<float>.Zero), -saturating, saturating);
        return Vector.ConditionalSelect(Vector.LessThan(a, new Vector<float>(0.125f)), series, saturating);
    }

    /// <summary><see cref="ActivationMath.Tanh"/> with the CPU's exp (bit for bit a vector lane).</summary>
    private static float ScalarTanh(float y)
    {
        var a = MathF.Abs(y);
        if (a < 0.125f)
        {
            var y2 = y * y;
            return y * (1f + y2 * (-1f / 3f + y2 * (2f / 15f + y2 * (-17f / 315f))));
        }
        var t = 1f - 2f / (CpuExp.Exp(2f * a) + 1f);
        return y < 0f ? -t : t;
    }
}
