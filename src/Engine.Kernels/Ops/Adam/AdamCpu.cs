using System.Numerics;
using System.Runtime.CompilerServices;

using Engine.Kernels.Cpu;

namespace Engine.Kernels.Ops;

// Legend: P the parameter count (one flat buffer).

/// <summary>
/// float32 fast path of the fused Adam / AdamW step. Naive loop: <see cref="NaiveOps.AdamStep{T}"/>.
/// The bias corrections are computed once in float64; the per-element update is SIMD float32 over fixed
/// chunks, in parallel for large buffers. The step is memory-bound (7 floats of traffic per parameter), so
/// it avoids traffic it can prove useless: without weight decay, an element whose gradient and first moment
/// are +0 keeps θ and m exactly (m stays +0, θ − η·0/(√v̂ + ε) = θ) and only v decays (β2·v), so a vector of
/// such elements is read (g, m, v) and only v stored (nothing when v is +0 too), its parameter not even loaded.
/// That is the common case of embedding rows of tokens a run never feeds in (most of a 10011-token vocabulary).
/// With weight decay the same holds when θ is +0 as well (g = λ·0 + 0 = +0, θ·(1 − ηλ) = +0 for 1 − ηλ > 0):
/// late in training that is those rows again, once the decay has taken their θ to 0 (see the flush below).
/// The float32 flush of <see cref="AdamArgs{T}"/> (limits: <see cref="AdamFlush"/>) is done with masks: a tiny g is
/// zeroed before it is multiplied, and stored values below their limit become +0, so no subnormal is formed from the
/// rows weight decay drives towards 0 (the late-training slowdown of issue 12).
/// </summary>
internal static unsafe class AdamCpu
{
    private const int WorkPerElement = 16;

    /// <summary>
    /// coupled: g = grad + λθ; decoupled: θ ← θ(1 − ηλ), g = grad. m ← β1·m + (1−β1)·g; v ← β2·v + (1−β2)·g²;
    /// θ ← θ − η·(m/(1−β1ᵗ)) / (√(v/(1−β2ᵗ)) + ε).   parameters, gradients, m, v (P).
    /// With λ = 0 the coupled form takes g = grad (not grad + 0·θ): the two differ only for an infinite or NaN
    /// parameter, where the naive loop turns θ into NaN. Tiny terms and stored values are flushed (<see cref="AdamFlush"/>).
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
            // A decoupled shrink ≤ 0 (ηλ ≥ 1) would turn a +0 parameter into −0: no skipping there.
            SkipZeroParameters = settings.WeightDecay == 0 || !settings.Decoupled || 1.0 - settings.LearningRate * settings.WeightDecay > 0,
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
            Flush = AdamFlush.For(settings),
        };
        // Chunks of whole SIMD vectors: every chunk starts on a vector boundary (64-byte aligned for the parameter
        // store's views) and only the buffer's last elements take the scalar tail.
        job.Count = count;
        var vectors = (count + Vector<float>.Count - 1) / Vector<float>.Count;
        var work = (long)WorkPerElement * Vector<float>.Count;
        CpuParallel.For(device, vectors, work, CpuParallel.Grain(work, 1L << 18), job);
    }

    private enum DecayMode { None, Coupled, Decoupled }

    /// <summary>The step's constants and buffers; Run picks the loop for the decay mode once per chunk.</summary>
    private struct StepJob : IChunkJob
    {
        public float* Parameters, Gradients, M, V;
        public DecayMode Mode;
        public bool SkipZeroParameters;
        public int Count;
        public float Decay, Shrink, Beta1, Beta2, OneMinusBeta1, OneMinusBeta2;
        public float InverseCorrection1, InverseCorrection2, Rate, Epsilon;
        public AdamFlush Flush;

        /// <summary>Vectors [firstVector, endVector) of the buffer, the last one cut at Count.</summary>
        public readonly void Run(int firstVector, int endVector)
        {
            var start = firstVector * Vector<float>.Count;
            var end = (int)Math.Min((long)endVector * Vector<float>.Count, Count);
            switch (Mode)
            {
                case DecayMode.None: Update<NoDecay>(start, end); break;
                case DecayMode.Coupled: Update<CoupledDecay>(start, end); break;
                default:
                    if (SkipZeroParameters) Update<DecoupledDecay>(start, end);
                    else Update<DecoupledDecayNoSkip>(start, end);
                    break;
            }
        }

        /// <summary>v of vector i when g, m (and with decay θ) are +0: the full update's expression with g = +0, stored
        /// unless v is +0 (then it stays +0).</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private readonly void DecayOnly(Vector<float> vOld, int i)
        {
            if (vOld.As<float, uint>() == Vector<uint>.Zero) return;
            var zero = Vector<float>.Zero;
            Vector.Store(Flushed(Vector.FusedMultiplyAdd(new Vector<float>(Beta2), vOld, new Vector<float>(OneMinusBeta2) * zero * zero), SmallestNormalBits), V + i);
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
                // With g and m +0 (and with decay θ +0) the full update leaves θ and m as they are and v ← β2·v:
                // only v is stored, and nothing when it is +0 as well.
                var zeros = g.As<float, uint>() | mOld.As<float, uint>();
                if (TDecay.Skip == SkipKind.ZeroMoments && zeros == Vector<uint>.Zero)
                {
                    DecayOnly(vOld, i);
                    continue;
                }
                var theta = Vector.Load(Parameters + i);
                if (TDecay.Skip == SkipKind.ZeroMomentsAndParameter && (zeros | theta.As<float, uint>()) == Vector<uint>.Zero)
                {
                    DecayOnly(vOld, i);
                    continue;
                }
                TDecay.Apply(ref theta, ref g, new Vector<float>(Decay), new Vector<float>(Shrink));
                // The moments' terms of a tiny g are 0 (taken before multiplying: no subnormal is ever formed).
                var absG = Vector.Abs(g);
                var g1 = Vector.ConditionalSelect(Vector.LessThan(absG, new Vector<float>(Flush.FirstTerm)), Vector<float>.Zero, g);
                var g2 = Vector.ConditionalSelect(Vector.LessThan(absG, new Vector<float>(Flush.SecondTerm)), Vector<float>.Zero, g);
                var mi = Flushed(Vector.FusedMultiplyAdd(new Vector<float>(Beta1), mOld, new Vector<float>(OneMinusBeta1) * g1), SmallestNormalBits);
                var vi = Flushed(Vector.FusedMultiplyAdd(new Vector<float>(Beta2), vOld, new Vector<float>(OneMinusBeta2) * g2 * g2), SmallestNormalBits);
                Vector.Store(mi, M + i);
                Vector.Store(vi, V + i);
                var denominator = Vector.SquareRoot(vi * new Vector<float>(InverseCorrection2)) + new Vector<float>(Epsilon);
                var updated = theta - new Vector<float>(Rate) * (mi * new Vector<float>(InverseCorrection1)) / denominator;
                Vector.Store(Flushed(updated, BitConverter.SingleToUInt32Bits(Flush.Parameter)), Parameters + i);
            }
            // The tail mirrors the vector expressions operation for operation, so an element's result does not
            // depend on whether it falls in a vector or in the tail.
            for (; i < end; i++)
            {
                var theta = Parameters[i];
                var g = Gradients[i];
                TDecay.Apply(ref theta, ref g, Decay, Shrink);
                var g1 = MathF.Abs(g) < Flush.FirstTerm ? 0f : g;
                var g2 = MathF.Abs(g) < Flush.SecondTerm ? 0f : g;
                var mi = Flushed(MathF.FusedMultiplyAdd(Beta1, M[i], OneMinusBeta1 * g1), AdamFlush.SmallestNormal);
                var vi = Flushed(MathF.FusedMultiplyAdd(Beta2, V[i], OneMinusBeta2 * g2 * g2), AdamFlush.SmallestNormal);
                M[i] = mi;
                V[i] = vi;
                Parameters[i] = Flushed(theta - Rate * (mi * InverseCorrection1) / (MathF.Sqrt(vi * InverseCorrection2) + Epsilon), Flush.Parameter);
            }
        }
    }

    private const uint SmallestNormalBits = 0x0080_0000;

    /// <summary>x, or +0 where 0 &lt; |x| &lt; the float whose bits are <paramref name="limitBits"/>; zeros (either sign),
    /// larger numbers, infinities and NaN pass.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector<float> Flushed(Vector<float> x, uint limitBits)
    {
        // |x| as bits, minus 1, is below limitBits − 1 (unsigned) exactly for |x| bits in [1, limitBits − 1].
        var magnitude = x.As<float, uint>() & new Vector<uint>(0x7FFF_FFFF);
        var tiny = Vector.LessThan(magnitude - Vector<uint>.One, new Vector<uint>(limitBits - 1));
        return Vector.AndNot(x.As<float, uint>(), tiny).As<uint, float>();
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static float Flushed(float x, float limit) => x != 0f && MathF.Abs(x) < limit ? 0f : x;

    /// <summary>Which all-zero vectors an update may skip because the full update leaves them bit for bit as they are.</summary>
    private enum SkipKind
    {
        /// <summary>g, m and v all +0 (no decay: θ − η·0/ε = θ for any θ).</summary>
        ZeroMoments,

        /// <summary>g, m, v and θ all +0 (with decay: g = λ·(+0) + (+0) = +0, (+0)·(1 − ηλ) = +0 when 1 − ηλ > 0).</summary>
        ZeroMomentsAndParameter,

        /// <summary>Nothing is skipped.</summary>
        None,
    }

    /// <summary>How weight decay enters: on the gradient (coupled), on the parameter (decoupled), or not at all.</summary>
    private interface IDecay
    {
        /// <summary>Which all-+0 vectors are a no-op for this decay.</summary>
        static abstract SkipKind Skip { get; }

        static abstract void Apply(ref Vector<float> theta, ref Vector<float> g, Vector<float> decay, Vector<float> shrink);

        static abstract void Apply(ref float theta, ref float g, float decay, float shrink);
    }

    private struct NoDecay : IDecay
    {
        public static SkipKind Skip => SkipKind.ZeroMoments;

        public static void Apply(ref Vector<float> theta, ref Vector<float> g, Vector<float> decay, Vector<float> shrink) { }

        public static void Apply(ref float theta, ref float g, float decay, float shrink) { }
    }

    private struct CoupledDecay : IDecay
    {
        public static SkipKind Skip => SkipKind.ZeroMomentsAndParameter;

        /// <summary>g = grad + λθ.</summary>
        public static void Apply(ref Vector<float> theta, ref Vector<float> g, Vector<float> decay, Vector<float> shrink)
            => g = Vector.FusedMultiplyAdd(decay, theta, g);

        public static void Apply(ref float theta, ref float g, float decay, float shrink)
            => g = MathF.FusedMultiplyAdd(decay, theta, g);
    }

    private struct DecoupledDecay : IDecay
    {
        public static SkipKind Skip => SkipKind.ZeroMomentsAndParameter;

        /// <summary>θ ← θ(1 − ηλ).</summary>
        public static void Apply(ref Vector<float> theta, ref Vector<float> g, Vector<float> decay, Vector<float> shrink)
            => theta *= shrink;

        public static void Apply(ref float theta, ref float g, float decay, float shrink) => theta *= shrink;
    }

    /// <summary>Decoupled decay with 1 − ηλ ≤ 0, where (+0)·(1 − ηλ) is not +0: nothing is skipped.</summary>
    private struct DecoupledDecayNoSkip : IDecay
    {
        public static SkipKind Skip => SkipKind.None;

        public static void Apply(ref Vector<float> theta, ref Vector<float> g, Vector<float> decay, Vector<float> shrink)
            => theta *= shrink;

        public static void Apply(ref float theta, ref float g, float decay, float shrink) => theta *= shrink;
    }
}
