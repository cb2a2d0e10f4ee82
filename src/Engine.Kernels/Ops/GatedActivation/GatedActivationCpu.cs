using System.Numerics;

using Engine.Kernels.Cpu;

namespace Engine.Kernels.Ops;

// Legend: n the element count ((T,I) for the MLP's hidden layer).

/// <summary>
/// float32 fast path of the gated activation out = a(gate)·up, a(x) = x·σ(z) (<see cref="ActivationMath"/>: z = x for
/// SiLU, z = 2√(2/π)(x + 0.044715x³) for GELU-tanh), in SIMD with the float32 exp of <see cref="CpuExp"/>, also in the
/// scalar tails. Naive loop: <see cref="NaiveOps.GatedActivationForward{T}"/>.
/// </summary>
internal static unsafe class GatedActivationCpu
{
    /// <summary>output[i] = a(gate[i])·up[i].   output, gate, up (n).</summary>
    public static void Forward(CpuDevice device, float* output, float* gate, float* up, int n, GatedActivation activation)
        => CpuParallel.For(device, n, 30, CpuParallel.Grain(30), new ForwardJob(output, gate, up, activation));

    private readonly struct ForwardJob(float* output, float* gate, float* up, GatedActivation activation) : IChunkJob
    {
        public void Run(int start, int end)
        {
            var gelu = activation == GatedActivation.GeluTanh;
            var one = Vector<float>.One;
            var i = start;
            for (; i + Vector<float>.Count <= end; i += Vector<float>.Count)
            {
                var x = Vector.Load(gate + i);
                var z = gelu ? new Vector<float>(ActivationMath.TwoSqrt2OverPi) * (x + new Vector<float>(ActivationMath.GeluCubic) * x * x * x) : x;
                Vector.Store(x / (one + CpuExp.Exp(-z)) * Vector.Load(up + i), output + i);
            }
            for (; i < end; i++)
            {
                var x = gate[i];
                output[i] = x / (1f + CpuExp.Exp(-ActivationMath.GateArgument(x, activation))) * up[i];
            }
        }
    }
}
