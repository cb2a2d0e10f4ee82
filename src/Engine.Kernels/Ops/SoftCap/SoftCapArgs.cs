namespace Engine.Kernels.Ops;

/// <summary>
/// Soft-capping forward (inference only): Output[i] = Cap·tanh(X[i] / Cap), Cap &gt; 0 (Gemma-2's final logits, cap 30).
/// X, Output (n); Output may alias X.
/// </summary>
public readonly record struct SoftCapForwardArgs<T>(BufferView<T> Output, BufferView<T> X, T Cap) where T : unmanaged
{
    internal void Validate(OpCheck check, double cap)
    {
        check.SameLength(nameof(X), X, nameof(Output), Output);
        if (!(cap > 0) || double.IsInfinity(cap)) throw new ArgumentOutOfRangeException(nameof(Cap), cap, check.Message($"Cap must be finite and > 0, got {cap}"));
    }
}
