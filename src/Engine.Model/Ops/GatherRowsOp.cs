using System.Numerics;
using Engine.Kernels;

namespace Engine.Model;

/// <summary>
/// Row gather: the token embedding lookup and the selection of supervised positions.
/// Legend: N table rows, C channels, R gathered rows.
/// </summary>
public static class GatherRowsOp
{
    /// <summary>
    /// out[r, :] = table[indices[r], :]; out has shape (R, C) for table (N, C) (a table of higher rank is
    /// read as (rows, last)). <paramref name="indices"/> (R) must stay unchanged until the backward pass.
    /// </summary>
    /// <exception cref="ArgumentException">indices holds fewer than <paramref name="rows"/> entries.</exception>
    public static Tensor<T> Forward<T>(Tape<T> tape, Tensor<T> table, BufferView<int> indices, int rows, string name)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (rows < 0 || indices.Length < rows)
            throw new ArgumentException($"gather '{name}': {rows} rows requested from {indices.Length} indices");
        var channels = table.Shape.Last;
        var output = tape.NewTensor(name, Shape.Of(rows, channels));
        tape.Device.GatherRows(output.Data, table.Data, indices, rows, channels);
        if (tape.IsRecording)
        {
            tape.RequireGrad(table);
            tape.Record(new GatherRowsSaved<T>(output, table, indices, rows, channels));
        }
        return output;
    }

    internal static void Backward<T>(Tape<T> tape, in GatherRowsSaved<T> saved) where T : unmanaged, IFloatingPointIeee754<T>
    {
        // forward: out[r] = table[idx[r]];  dTable[idx[r]] += dOut[r], in increasing r (deterministic)
        tape.Device.ScatterAddRows(saved.Table.Grad, saved.Output.Grad, saved.Indices, saved.Rows, saved.Channels);
    }
}

/// <summary>What <see cref="GatherRowsOp"/> saves: out (R,C), the table (N,C) and the indices (R).</summary>
internal readonly record struct GatherRowsSaved<T>(Tensor<T> Output, Tensor<T> Table, BufferView<int> Indices, int Rows, int Channels)
    : ISavedForBackward<T>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    public void Backward(Tape<T> tape) => GatherRowsOp.Backward(tape, this);
}
