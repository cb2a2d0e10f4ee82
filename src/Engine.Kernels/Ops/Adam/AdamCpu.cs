using System.Numerics;
using System.Runtime.CompilerServices;

using Engine.Kernels.Cpu;

namespace Engine.Kernels.Ops;

// Legend: P the parameter count (one flat buffer).

/// <summary>
/// float32 fast path of the fused Adam / AdamW step. Naive loop: <see cref="NaiveOps.AdamStep{T}"/>.
/// The bias corrections are computed once in float64; the per-element update is SIMD float32 over fixed
/// chunks, in parallel for large buffers. The step is memory-bound (7 floats of traffic per parameter), so
/// it avoids traffic it can prove useless: without weight decay, an element whose gradient and both moments
/// are +0 keeps all three and its parameter exactly (m, v stay +0, θ − η·0/ε = θ), so a vector of such
/// elements is read (g, m, v) but neither its parameter loaded nor anything stored. That is the common case
/// of embedding rows of tokens a run never feeds in (most of a 10011-token vocabulary).
/// </summary>
internal static unsafe class AdamCpu
{
    private const int WorkPerElement = 16;

    /// <summary>
    /// coupled: g = grad + λθ; decoupled: θ ← θ(1 − ηλ), g = grad. m ← β1·m + (1−β1)·g; v ← β2·v + (1−β2)·g²;
    /// θ ← θ − η·(m/(1−β1ᵗ)) / (√(v/(1−β2ᵗ)) + ε).   parameters, gradients, m, v (P).
    /// With λ = 0 the coupled form takes g = grad (not grad + 0·θ): the two differ only for an infinite or NaN
    /// parameter, where the naive loop turns θ into NaN.
    /// </summary>
    public static void Step(CpuDevice device, float* parameters, float* gradients, float* m, float* v,
        int count, AdamSettings settings, int step)
    {
        var job = new StepJob
        {
            Parameters = parameters,
            Gradients = gradients,
            M = m,
            V = v,
            Mode = settings.WeightDecay == 0 ? DecayMode.None : settings.Decoupled ? DecayMode.Decoupled : DecayMode.Coupled,
            Decay = (float)settings.WeightDecay,
            Shrink = (float)(1.0 - settings.LearningRate * settings.WeightDecay),
            Beta1 = (float)settings.Beta1,
            Beta2 = (float)settings.Beta2,
            OneMinusBeta1 = (float)(1.0 - settings.Beta1),
            OneMinusBeta2 = (float)(1.0 - settings.Beta2),
            InverseCorrection1 = (float)(1.0 / (1.0 - Math.Pow(settings.Beta1, step))),
            InverseCorrection2 = (float)(1.0 / (1.0 - Math.Pow(settings.Beta2, step))),
            Rate = (float)settings.LearningRate,
            Epsilon = (float)settings.Epsilon,
        };
        CpuParallel.For(device, count, WorkPerElement, CpuParallel.Grain(WorkPerElement, 1L << 18), job);
    }

    private enum DecayMode { None, Coupled, Decoupled }

    /// <summary>The step's constants and buffers; Run picks the loop for the decay mode once per chunk.</summary>
    private struct StepJob : IChunkJob
    {
        public float* Parameters, Gradients, M, V;
        public DecayMode Mode;
        public float Decay, Shrink, Beta1, Beta2, OneMinusBeta1, OneMinusBeta2;
        public float InverseCorrection1, InverseCorrection2, Rate, Epsilon;

        public readonly void Run(int start, int end)
        {
            switch (Mode)
            {
                case DecayMode.None: Update<NoDecay>(start, end); break;
                case DecayMode.Coupled: Update<CoupledDecay>(start, end); break;
                default: Update<DecoupledDecay>(start, end); break;
            }
        }

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private readonly void Update<TDecay>(int start, int end) where TDecay : struct, IDecay
        {
            var i = start;
            for (; i + Vector<float>.Count <= end; i += Vector<float>.Count)
            {
                var g = Vector.Load(Gradients + i);
                var mOld = Vector.Load(M + i);
                var vOld = Vector.Load(V + i);
                // Bitwise: only +0 qualifies (−0 takes the full update, which can turn a −0 parameter into +0).
                if (TDecay.SkipsZeros && (g.As<float, uint>() | mOld.As<float, uint>() | vOld.As<float, uint>()) == Vector<uint>.Zero)
                    continue;
                var theta = Vector.Load(Parameters + i);
                TDecay.Apply(ref theta, ref g, new Vector<float>(Decay), new Vector<float>(Shrink));
                var mi = Vector.FusedMultiplyAdd(new Vector<float>(Beta1), mOld, new Vector<float>(OneMinusBeta1) * g);
                var vi = Vector.FusedMultiplyAdd(new Vector<float>(Beta2), vOld, new Vector<float>(OneMinusBeta2) * g * g);
                Vector.Store(mi, M + i);
                Vector.Store(vi, V + i);
                var denominator = Vector.SquareRoot(vi * new Vector<float>(InverseCorrection2)) + new Vector<float>(Epsilon);
                Vector.Store(theta - new Vector<float>(Rate) * (mi * new Vector<float>(InverseCorrection1)) / denominator, Parameters + i);
            }
            // The tail mirrors the vector expressions operation for operation, so an element's result does not
            // depend on whether it falls in a vector or in the tail.
            for (; i < end; i++)
            {
                var theta = Parameters[i];
                var g = Gradients[i];
                TDecay.Apply(ref theta, ref g, Decay, Shrink);
                var mi = MathF.FusedMultiplyAdd(Beta1, M[i], OneMinusBeta1 * g);
                var vi = MathF.FusedMultiplyAdd(Beta2, V[i], OneMinusBeta2 * g * g);
                M[i] = mi;
                V[i] = vi;
                Parameters[i] = theta - Rate * (mi * InverseCorrection1) / (MathF.Sqrt(vi * InverseCorrection2) + Epsilon);
            }
        }
    }

    /// <summary>How weight decay enters: on the gradient (coupled), on the parameter (decoupled), or not at all.</summary>
    private interface IDecay
    {
        /// <summary>Whether an all-+0 (g, m, v) element is a no-op (true only without decay).</summary>
        static abstract bool SkipsZeros { get; }

        static abstract void Apply(ref Vector<float> theta, ref Vector<float> g, Vector<float> decay, Vector<float> shrink);

        static abstract void Apply(ref float theta, ref float g, float decay, float shrink);
    }

    private struct NoDecay : IDecay
    {
        public static bool SkipsZeros => true;

        public static void Apply(ref Vector<float> theta, ref Vector<float> g, Vector<float> decay, Vector<float> shrink) { }

        public static void Apply(ref float theta, ref float g, float decay, float shrink) { }
    }

    private struct CoupledDecay : IDecay
    {
        public static bool SkipsZeros => false;

        /// <summary>g = grad + λθ.</summary>
        public static void Apply(ref Vector<float> theta, ref Vector<float> g, Vector<float> decay, Vector<float> shrink)
            => g = Vector.FusedMultiplyAdd(decay, theta, g);

        public static void Apply(ref float theta, ref float g, float decay, float shrink)
            => g = MathF.FusedMultiplyAdd(decay, theta, g);
    }

    private struct DecoupledDecay : IDecay
    {
        public static bool SkipsZeros => false;

        /// <summary>θ ← θ(1 − ηλ).</summary>
        public static void Apply(ref Vector<float> theta, ref Vector<float> g, Vector<float> decay, Vector<float> shrink)
            => theta *= shrink;

        public static void Apply(ref float theta, ref float g, float decay, float shrink) => theta *= shrink;
    }
}
