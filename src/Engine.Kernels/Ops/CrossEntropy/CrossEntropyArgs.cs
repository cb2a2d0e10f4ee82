namespace Engine.Kernels.Ops;

/// <summary>
/// Softmax cross-entropy over rows of logits: Losses[r] = logsumexp(Logits[r, :]) − Logits[r, Targets[r]]; with
/// <see cref="WithGradient"/> also DLogits[r, v] = GradScale·(softmax(Logits[r])[v] − [v = Targets[r]]) (overwritten,
/// not accumulated; DLogits may be the same view as Logits). Logits, DLogits (R,V); Losses, Targets (R), targets in [0, V).
/// </summary>
public readonly record struct CrossEntropyArgs<T>(
    BufferView<T> Losses, BufferView<T> DLogits, BufferView<T> Logits, BufferView<int> Targets,
    int Rows, int Vocab, T GradScale, bool WithGradient) where T : unmanaged
{
    internal void Validate(OpCheck check)
    {
        check.NonNegative(nameof(Rows), Rows);
        check.Positive(nameof(Vocab), Vocab);
        check.Length(nameof(Losses), Losses, Rows);
        check.Length(nameof(Logits), Logits, (long)Rows * Vocab);
        check.Length(nameof(Targets), Targets, Rows);
        if (WithGradient) check.Length(nameof(DLogits), DLogits, (long)Rows * Vocab);
    }
}
