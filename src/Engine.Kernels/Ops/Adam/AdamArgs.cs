namespace Engine.Kernels.Ops;

/// <summary>
/// One fused Adam step over a flat parameter buffer, t = Step (from 1): coupled (Adam + L2): g = grad + λθ; decoupled
/// (AdamW): θ ← θ·(1 − ηλ), g = grad. Then m ← β1·m + (1−β1)·g; v ← β2·v + (1−β2)·g²;
/// θ ← θ − η·(m/(1−β1ᵗ)) / (√(v/(1−β2ᵗ)) + ε).   Parameters, Gradients, FirstMoment, SecondMoment (n).
/// float32 flushes what would be subnormal (below 2⁻¹²⁶ ≈ 1.18·10⁻³⁸), the same on every device (limits:
/// <see cref="AdamFlush"/>): the terms (1−β1)·g and (1−β2)·g² are taken as 0 where they would be below 2⁻¹²⁶ (decided
/// from |g| before multiplying, so no subnormal is formed); m and v below 2⁻¹²⁶ are stored as +0 and θ's update uses
/// them as stored; θ below its limit is stored as +0: 2⁻¹²⁶, or with coupled decay 2⁻¹²⁶/((1−β1)·λ) (≈ 1.2·10⁻³⁵ at
/// λ = 0.01), under which its own decay term would be flushed and θ would stop decaying instead of going on towards 0.
/// Zeros keep their sign; larger numbers, infinities and NaN are untouched. Numerical effect per step: m and v move
/// by less than 2⁻¹²⁶, θ by less than its limit plus η·2⁻¹²⁶/((1−β1ᵗ)·ε) (≈ 1.2·10⁻³³ at η = 10⁻³, ε = 10⁻⁸): below
/// half a unit in the last place of any |θ| ≥ 10⁻²⁵, and a flushed θ is one whose every product with an activation of
/// normal size is below float32's resolution of the sum it enters. In practice only rows no step feeds are touched:
/// coupled decay drives their θ and m geometrically towards 0, and without the flush they stayed for hundreds of
/// epochs at sizes whose products are subnormal, which x86 arithmetic runs in microcode, tens of times slower (the
/// late-training slowdown of issue 12: the Adam step, and the attention and GEMMs reading decayed q/k weights).
/// float64 is not flushed: it keeps the exact semantics (the gradient checks run in float64).
/// </summary>
public readonly record struct AdamArgs<T>(
    BufferView<T> Parameters, BufferView<T> Gradients, BufferView<T> FirstMoment, BufferView<T> SecondMoment,
    AdamSettings Settings, int Step) where T : unmanaged
{
    internal void Validate(OpCheck check)
    {
        check.SameLength(nameof(Gradients), Gradients, nameof(Parameters), Parameters);
        check.SameLength(nameof(FirstMoment), FirstMoment, nameof(Parameters), Parameters);
        check.SameLength(nameof(SecondMoment), SecondMoment, nameof(Parameters), Parameters);
        check.Positive(nameof(Step), Step);
    }
}
