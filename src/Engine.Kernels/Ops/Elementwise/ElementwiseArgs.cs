namespace Engine.Kernels.Ops;

// Element-wise ops: every view has the same length n (the op's size).

/// <summary>x[i] = value.   x (n). Any 4-byte or smaller element type on every device.</summary>
public readonly record struct FillArgs<T>(BufferView<T> X, T Value) where T : unmanaged
{
    internal void Validate(OpCheck check) { }
}

/// <summary>destination[i] = source[i].   source, destination (n), not overlapping.</summary>
public readonly record struct CopyArgs<T>(BufferView<T> Source, BufferView<T> Destination) where T : unmanaged
{
    internal void Validate(OpCheck check) => check.SameLength(nameof(Destination), Destination, nameof(Source), Source);
}

/// <summary>y[i] += alpha · x[i].   x, y (n).</summary>
public readonly record struct AxpyArgs<T>(T Alpha, BufferView<T> X, BufferView<T> Y) where T : unmanaged
{
    internal void Validate(OpCheck check) => check.SameLength(nameof(X), X, nameof(Y), Y);
}

/// <summary>x[i] *= alpha.   x (n).</summary>
public readonly record struct ScaleArgs<T>(T Alpha, BufferView<T> X) where T : unmanaged
{
    internal void Validate(OpCheck check) { }
}

/// <summary>output[i] = a[i] + b[i].   a, b, output (n); output may alias a or b (the residual connection).</summary>
public readonly record struct AddArgs<T>(BufferView<T> A, BufferView<T> B, BufferView<T> Output) where T : unmanaged
{
    internal void Validate(OpCheck check)
    {
        check.SameLength(nameof(A), A, nameof(Output), Output);
        check.SameLength(nameof(B), B, nameof(Output), Output);
    }
}
