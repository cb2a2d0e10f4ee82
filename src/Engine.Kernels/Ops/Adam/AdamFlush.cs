namespace Engine.Kernels.Ops;

/// <summary>
/// The float32 flush limits of one Adam step (semantics: <see cref="AdamArgs{T}"/>), computed once per step on the host
/// in float64 and rounded to float32, the same for every device. A term or result below its limit is taken as 0;
/// each limit sits where the value would otherwise be subnormal (below 2⁻¹²⁶), or be computed through a subnormal
/// intermediate, which x86 arithmetic runs in microcode.
/// </summary>
/// <param name="FirstTerm">|g| below it: (1−β1)·g is taken as 0 (it would be below 2⁻¹²⁶): 2⁻¹²⁶/(1−β1).</param>
/// <param name="SecondTerm">|g| below it: (1−β2)·g² is taken as 0 (it would be below 2⁻¹²⁶): √(2⁻¹²⁶/(1−β2)).</param>
/// <param name="Parameter">|θ| below it is stored as +0: 2⁻¹²⁶, and with coupled decay max(2⁻¹²⁶, 2⁻¹²⁶/((1−β1)·λ)),
/// the size under which θ's own decay term (1−β1)·λθ would be taken as 0 and θ would stop decaying.</param>
public readonly record struct AdamFlush(float FirstTerm, float SecondTerm, float Parameter)
{
    /// <summary>2⁻¹²⁶, the smallest normal float32: m and v below it are stored as +0.</summary>
    public const float SmallestNormal = 1.17549435e-38f;

    public static AdamFlush For(AdamSettings s)
    {
        const double smallest = SmallestNormal;
        var oneMinusBeta1 = 1.0 - s.Beta1;
        var oneMinusBeta2 = 1.0 - s.Beta2;
        var parameter = !s.Decoupled && s.WeightDecay > 0 ? Math.Max(smallest, smallest / (oneMinusBeta1 * s.WeightDecay)) : smallest;
        return new AdamFlush(
            (float)(smallest / oneMinusBeta1),
            (float)Math.Sqrt(smallest / oneMinusBeta2),
            (float)Math.Min(parameter, float.MaxValue));
    }
}
