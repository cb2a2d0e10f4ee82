namespace Engine.Kernels.Ops;

/// <summary>
/// Per row r: Mean[r] = μ, Rstd[r] = 1/√(σ² + Epsilon) (biased variance), Output[r, c] = (X[r, c] − μ)·rstd·Weight[c] + Bias[c].
/// X, Output (R,C); Weight, Bias (C); Mean, Rstd (R).
/// </summary>
public readonly record struct LayerNormForwardArgs<T>(
    BufferView<T> Output, BufferView<T> Mean, BufferView<T> Rstd,
    BufferView<T> X, BufferView<T> Weight, BufferView<T> Bias,
    int Rows, int Channels, T Epsilon) where T : unmanaged
{
    internal void Validate(OpCheck check)
    {
        LayerNormShapes.Validate(check, Rows, Channels, X, Weight, Mean, Rstd);
        check.Length(nameof(Output), Output, (long)Rows * Channels);
        check.Length(nameof(Bias), Bias, Channels);
    }
}

/// <summary>
/// With x̂ = (x − μ)·rstd and g = dOut·weight: DX += rstd·(g − mean_c(g) − x̂·mean_c(g·x̂)); DWeight += Σ_r dOut·x̂;
/// DBias += Σ_r dOut.   DX, DOut, X (R,C); DWeight, DBias, Weight (C); Mean, Rstd (R) from the forward pass.
/// </summary>
public readonly record struct LayerNormBackwardArgs<T>(
    BufferView<T> DX, BufferView<T> DWeight, BufferView<T> DBias,
    BufferView<T> DOut, BufferView<T> X, BufferView<T> Weight,
    BufferView<T> Mean, BufferView<T> Rstd, int Rows, int Channels) where T : unmanaged
{
    internal void Validate(OpCheck check)
    {
        LayerNormShapes.Validate(check, Rows, Channels, X, Weight, Mean, Rstd);
        check.Length(nameof(DX), DX, (long)Rows * Channels);
        check.Length(nameof(DOut), DOut, (long)Rows * Channels);
        check.Length(nameof(DWeight), DWeight, Channels);
        check.Length(nameof(DBias), DBias, Channels);
    }
}

internal static class LayerNormShapes
{
    public static void Validate<T>(OpCheck check, int rows, int channels, BufferView<T> x, BufferView<T> weight,
        BufferView<T> mean, BufferView<T> rstd) where T : unmanaged
    {
        check.NonNegative("Rows", rows);
        check.Positive("Channels", channels);
        check.Length("X", x, (long)rows * channels);
        check.Length("Weight", weight, channels);
        check.Length("Mean", mean, rows);
        check.Length("Rstd", rstd, rows);
    }
}
