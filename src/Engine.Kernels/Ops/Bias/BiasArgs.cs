namespace Engine.Kernels.Ops;

/// <summary>y[r, c] += bias[c].   y (R,C), bias (C).</summary>
public readonly record struct BiasAddArgs<T>(BufferView<T> Y, BufferView<T> Bias, int Rows, int Channels) where T : unmanaged
{
    internal void Validate(OpCheck check) => BiasShapes.Validate(check, Y, nameof(Y), Bias, nameof(Bias), Rows, Channels);
}

/// <summary>dBias[c] += Σ_r dY[r, c].   dY (R,C), dBias (C).</summary>
public readonly record struct BiasBackwardArgs<T>(BufferView<T> DBias, BufferView<T> DY, int Rows, int Channels) where T : unmanaged
{
    internal void Validate(OpCheck check) => BiasShapes.Validate(check, DY, nameof(DY), DBias, nameof(DBias), Rows, Channels);
}

internal static class BiasShapes
{
    public static void Validate<T>(OpCheck check, BufferView<T> matrix, string matrixName, BufferView<T> vector, string vectorName,
        int rows, int channels) where T : unmanaged
    {
        check.NonNegative("Rows", rows);
        check.NonNegative("Channels", channels);
        check.Length(matrixName, matrix, (long)rows * channels);
        check.Length(vectorName, vector, channels);
    }
}
