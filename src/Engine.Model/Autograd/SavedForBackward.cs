using System.Numerics;

namespace Engine.Model;

/// <summary>
/// What one recorded op saved for its backward pass: a small readonly record struct per op, declared
/// beside the op (e.g. <see cref="LayerNormSaved{T}"/>), whose <see cref="Backward"/> calls the op's
/// Backward, which accumulates into the gradients of the op's inputs.
/// </summary>
internal interface ISavedForBackward<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    void Backward(Tape<T> tape);
}

/// <summary>The records of one op type on one tape, as the tape replays them by index.</summary>
internal interface ISavedList<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>Runs the backward of record <paramref name="index"/>.</summary>
    void Backward(Tape<T> tape, int index);

    /// <summary>Forgets every record (and the tensors they reference).</summary>
    void Clear();
}

/// <summary>
/// The records of op type <typeparamref name="TSaved"/> in an array that grows to a step's high-water
/// mark and is then reused: recording copies a struct in, so a steady-state step allocates nothing,
/// and the backward call on the struct is a constrained call (no boxing).
/// </summary>
internal sealed class SavedList<TSaved, T> : ISavedList<T>
    where TSaved : struct, ISavedForBackward<T>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    private TSaved[] _records = new TSaved[8];
    private int _count;

    /// <summary>Stores <paramref name="saved"/>; returns its index.</summary>
    public int Add(in TSaved saved)
    {
        if (_count == _records.Length) Array.Resize(ref _records, 2 * _records.Length);
        _records[_count] = saved;
        return _count++;
    }

    public void Backward(Tape<T> tape, int index) => _records[index].Backward(tape);

    // Drop tensor references so a long-lived tape does not pin stale objects.
    public void Clear()
    {
        Array.Clear(_records, 0, _count);
        _count = 0;
    }
}
