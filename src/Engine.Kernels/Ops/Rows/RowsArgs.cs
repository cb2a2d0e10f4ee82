namespace Engine.Kernels.Ops;

/// <summary>
/// Output[r, :] = Table[Indices[r], :].   Table (V,C), Output (R,C), Indices (R) in [0, V). Serves the token embedding
/// and the selection of supervised positions.
/// </summary>
public readonly record struct GatherRowsArgs<T>(
    BufferView<T> Output, BufferView<T> Table, BufferView<int> Indices, int Rows, int Channels) where T : unmanaged
{
    /// <summary>V, the table's row count.</summary>
    public int TableRows => Channels == 0 ? 0 : Table.Length / Channels;

    internal void Validate(OpCheck check) => RowShapes.Validate(check, Output, nameof(Output), Table, nameof(Table), Indices, Rows, Channels);
}

/// <summary>DTable[Indices[r], :] += DOut[r, :], summed in increasing r (deterministic).   DTable (V,C), DOut (R,C), Indices (R).</summary>
public readonly record struct ScatterAddRowsArgs<T>(
    BufferView<T> DTable, BufferView<T> DOut, BufferView<int> Indices, int Rows, int Channels) where T : unmanaged
{
    /// <summary>V, the table's row count.</summary>
    public int TableRows => Channels == 0 ? 0 : DTable.Length / Channels;

    internal void Validate(OpCheck check) => RowShapes.Validate(check, DOut, nameof(DOut), DTable, nameof(DTable), Indices, Rows, Channels);
}

/// <summary>Indices[r] = the first index of the largest value in X[r, :].   X (R, Columns), Indices (R).</summary>
public readonly record struct ArgMaxRowsArgs<T>(BufferView<int> Indices, BufferView<T> X, int Rows, int Columns) where T : unmanaged
{
    internal void Validate(OpCheck check)
    {
        check.NonNegative(nameof(Rows), Rows);
        check.Positive(nameof(Columns), Columns);
        check.Length(nameof(Indices), Indices, Rows);
        check.Length(nameof(X), X, (long)Rows * Columns);
    }
}

internal static class RowShapes
{
    public static void Validate<T>(OpCheck check, BufferView<T> selected, string selectedName, BufferView<T> table, string tableName,
        BufferView<int> indices, int rows, int channels) where T : unmanaged
    {
        check.NonNegative("Rows", rows);
        check.NonNegative("Channels", channels);
        check.Length(selectedName, selected, (long)rows * channels);
        check.Length("Indices", indices, rows);
        if (channels > 0 && table.Length % channels != 0)
            throw new ArgumentException(check.Message($"{tableName} has {table.Length} elements, not a whole number of rows of {channels}"), tableName);
    }
}
