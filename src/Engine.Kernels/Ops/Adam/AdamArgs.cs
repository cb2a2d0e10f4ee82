namespace Engine.Kernels.Ops;

/// <summary>
/// One fused Adam step over a flat parameter buffer, t = Step (from 1): coupled (Adam + L2): g = grad + λθ; decoupled
/// (AdamW): θ ← θ·(1 − ηλ), g = grad. Then m ← β1·m + (1−β1)·g; v ← β2·v + (1−β2)·g²;
/// θ ← θ − η·(m/(1−β1ᵗ)) / (√(v/(1−β2ᵗ)) + ε).   Parameters, Gradients, FirstMoment, SecondMoment (n).
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
