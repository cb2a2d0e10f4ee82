namespace Engine.Kernels.Ops;

/// <summary>
/// The one argument checker of every <see cref="Device"/> op, so every backend refuses the same calls with the
/// same words: "cpu: LayerNormForward: mean has 3 elements, expected 4". Rules, the same for every op:
/// sizes are ≥ 0; a view holds exactly the elements its shape names, except the operands of a GEMM, which hold
/// at least the extent their strides address. Index values (gather rows, targets) are data, not shapes: a
/// backend that reads host memory checks them, GPU kernels skip an index out of range.
/// </summary>
public readonly ref struct OpCheck
{
    private readonly Device _device;
    private readonly string _op;

    internal OpCheck(Device device, string op)
    {
        _device = device;
        _op = op;
    }

    /// <summary>"device: op: detail" (the device's name is read only here, when a message is made).</summary>
    public string Message(string detail) => $"{_device.Name}: {_op}: {detail}";

    /// <exception cref="ArgumentOutOfRangeException">A size is negative.</exception>
    public void NonNegative(string name, long value)
    {
        if (value < 0) throw new ArgumentOutOfRangeException(name, value, Message($"{name} must be ≥ 0, got {value}"));
    }

    /// <exception cref="ArgumentOutOfRangeException">A size is below 1.</exception>
    public void Positive(string name, long value)
    {
        if (value < 1) throw new ArgumentOutOfRangeException(name, value, Message($"{name} must be ≥ 1, got {value}"));
    }

    /// <summary>The view holds exactly <paramref name="expected"/> elements.</summary>
    /// <exception cref="ArgumentException">It holds another number.</exception>
    public void Length<T>(string name, BufferView<T> view, long expected) where T : unmanaged
    {
        if (view.Length != expected) throw new ArgumentException(Message($"{name} has {view.Length} elements, expected {expected}"), name);
    }

    /// <summary>The view holds at least <paramref name="needed"/> elements.</summary>
    /// <exception cref="ArgumentException">It holds fewer.</exception>
    public void AtLeast<T>(string name, BufferView<T> view, long needed) where T : unmanaged
    {
        if (view.Length < needed) throw new ArgumentException(Message($"{name} has {view.Length} elements, needs at least {needed}"), name);
    }

    /// <summary>A row stride covers the row: <paramref name="ld"/> ≥ max(1, columns).</summary>
    /// <exception cref="ArgumentException">It does not.</exception>
    public void LeadingDimension(string name, int ld, int columns)
    {
        if (ld < Math.Max(1, columns)) throw new ArgumentException(Message($"{name} = {ld} is less than the {columns} columns it strides"), name);
    }

    /// <summary>heads ≥ 1 divides channels (and, when <paramref name="evenHeadSize"/>, into an even head size: RoPE rotates halves).</summary>
    /// <exception cref="ArgumentException">It does not.</exception>
    public void Heads(int channels, int heads, bool evenHeadSize)
    {
        if (heads < 1 || channels % heads != 0)
            throw new ArgumentException(Message($"{channels} channels do not split into {heads} heads"), nameof(heads));
        if (evenHeadSize && channels / heads % 2 != 0)
            throw new ArgumentException(Message($"head size {channels / heads} must be even"), nameof(heads));
    }

    /// <summary>Two views of one op hold the same number of elements.</summary>
    /// <exception cref="ArgumentException">They do not.</exception>
    public void SameLength<TA, TB>(string name, BufferView<TA> view, string otherName, BufferView<TB> other)
        where TA : unmanaged where TB : unmanaged
    {
        if (view.Length != other.Length)
            throw new ArgumentException(Message($"{name} has {view.Length} elements but {otherName} has {other.Length}"), name);
    }

    /// <summary>Every index lies in [0, <paramref name="limit"/>) (for backends that can read the indices without waiting).</summary>
    /// <exception cref="ArgumentOutOfRangeException">An index is out of range (its row and value are named).</exception>
    public void Indices(string name, ReadOnlySpan<int> indices, int limit)
    {
        for (var r = 0; r < indices.Length; r++)
        {
            if ((uint)indices[r] >= (uint)limit)
                throw new ArgumentOutOfRangeException(name, indices[r], Message($"{name}[{r}] = {indices[r]} is outside [0, {limit})"));
        }
    }

    /// <summary>
    /// The number of elements a strided matrix operand spans: (batch−1)·stride + (rows−1)·ld + columns,
    /// or 0 when it is empty.
    /// </summary>
    public static long MatrixExtent(int batch, int stride, int rows, int columns, int ld)
        => batch == 0 || rows == 0 || columns == 0 ? 0 : (long)(batch - 1) * stride + (long)(rows - 1) * ld + columns;
}
