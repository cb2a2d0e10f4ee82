namespace Engine.Kernels.Ops;

/// <summary>Output[i] = x·Φ(x) = ½·x·(1 + erf(x/√2)) (the exact erf form).   X, Output (n).</summary>
public readonly record struct GeluForwardArgs<T>(BufferView<T> Output, BufferView<T> X) where T : unmanaged
{
    internal void Validate(OpCheck check) => check.SameLength(nameof(Output), Output, nameof(X), X);
}

/// <summary>DX[i] += DOut[i]·(Φ(x) + x·φ(x)), φ the standard normal density.   DX, X, DOut (n).</summary>
public readonly record struct GeluBackwardArgs<T>(BufferView<T> DX, BufferView<T> X, BufferView<T> DOut) where T : unmanaged
{
    internal void Validate(OpCheck check)
    {
        check.SameLength(nameof(DX), DX, nameof(X), X);
        check.SameLength(nameof(DOut), DOut, nameof(X), X);
    }
}
