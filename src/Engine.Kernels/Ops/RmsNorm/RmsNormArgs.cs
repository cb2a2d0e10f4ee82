namespace Engine.Kernels.Ops;

/// <summary>
/// RMSNorm forward (inference only: there is no backward op). Per row r: rstd = 1/√(mean_c(X[r, c]²) + Epsilon),
/// Output[r, c] = X[r, c]·rstd·(WeightOffset + Weight[c]). WeightOffset is 0 (Llama: y = x̂·w) or 1 (Gemma: y = x̂·(1 + w)).
/// Rstd receives the per-row rstd when it holds R elements; pass an empty view (default) not to save it.
/// X, Output (R,C); Weight (C); Rstd (R) or empty. Output may alias X (each row is read before it is written).
/// </summary>
public readonly record struct RmsNormForwardArgs<T>(
    BufferView<T> Output, BufferView<T> Rstd, BufferView<T> X, BufferView<T> Weight,
    int Rows, int Channels, T Epsilon, T WeightOffset) where T : unmanaged
{
    /// <summary>Whether the per-row rstd is written.</summary>
    public bool SavesRstd => !Rstd.IsEmpty;

    internal void Validate(OpCheck check)
    {
        check.NonNegative(nameof(Rows), Rows);
        check.Positive(nameof(Channels), Channels);
        check.Length(nameof(X), X, (long)Rows * Channels);
        check.Length(nameof(Output), Output, (long)Rows * Channels);
        check.Length(nameof(Weight), Weight, Channels);
        if (SavesRstd) check.Length(nameof(Rstd), Rstd, Rows);
    }
}
