namespace Engine.Kernels.Ops;

/// <summary>Which reduction: Σ x[i], or the Euclidean norm √(Σ x[i]²).</summary>
public enum Reduction
{
    Sum,
    Norm,
}

/// <summary>result[0] = Σ x[i] (<see cref="Reduction.Sum"/>) or √(Σ x[i]²) (<see cref="Reduction.Norm"/>).   x (n), result (1).</summary>
public readonly record struct ReduceArgs<T>(BufferView<T> X, BufferView<T> Result, Reduction Kind) where T : unmanaged
{
    internal void Validate(OpCheck check) => check.Length(nameof(Result), Result, 1);
}
