namespace Engine.Kernels.Ops;

/// <summary>The activation of a gated MLP's gate branch.</summary>
public enum GatedActivation
{
    /// <summary>SiLU (swish): a(x) = x·σ(x) = x / (1 + e^(−x)) (Llama's SwiGLU).</summary>
    Silu,

    /// <summary>GELU, tanh form: a(x) = ½·x·(1 + tanh(√(2/π)·(x + 0.044715·x³))) (Gemma's GeGLU, "gelu_pytorch_tanh").</summary>
    GeluTanh,
}

/// <summary>
/// Gated activation forward (inference only): Output[i] = a(Gate[i])·Up[i], a = <see cref="Activation"/>.
/// Gate, Up, Output (n) (e.g. (T,I) for the MLP's hidden layer); Output may alias Gate or Up.
/// </summary>
public readonly record struct GatedActivationForwardArgs<T>(
    BufferView<T> Output, BufferView<T> Gate, BufferView<T> Up, GatedActivation Activation) where T : unmanaged
{
    internal void Validate(OpCheck check)
    {
        check.SameLength(nameof(Gate), Gate, nameof(Output), Output);
        check.SameLength(nameof(Up), Up, nameof(Output), Output);
        if (!Enum.IsDefined(Activation)) throw new ArgumentOutOfRangeException(nameof(Activation), Activation, check.Message($"unknown activation {(int)Activation}"));
    }
}
