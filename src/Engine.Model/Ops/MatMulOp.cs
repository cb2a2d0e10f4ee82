using System.Numerics;

namespace Engine.Model;

/// <summary>
/// General matrix product C = op(A)·op(B), op = identity or transpose, on 2-D tensors.
/// Legend: M rows of C, N columns of C, K the contracted size.
/// </summary>
public static class MatMulOp
{
    /// <summary>
    /// C (M,N) = op(A)·op(B): A stored (M,K), or (K,M) when <paramref name="transposeA"/>;
    /// B stored (K,N), or (N,K) when <paramref name="transposeB"/>.
    /// </summary>
    /// <exception cref="ArgumentException">Inputs are not 2-D or the contracted sizes differ.</exception>
    public static Tensor<T> Forward<T>(Tape<T> tape, Tensor<T> a, Tensor<T> b, bool transposeA, bool transposeB, string name)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (a.Shape.Rank != 2 || b.Shape.Rank != 2)
            throw new ArgumentException($"matmul '{name}': inputs {a.Shape} and {b.Shape} must both be 2-D");
        var (m, k) = transposeA ? (a.Shape[1], a.Shape[0]) : (a.Shape[0], a.Shape[1]);
        var (kb, n) = transposeB ? (b.Shape[1], b.Shape[0]) : (b.Shape[0], b.Shape[1]);
        if (k != kb) throw new ArgumentException($"matmul '{name}': op(A) is {m}×{k} but op(B) is {kb}×{n}");
        var c = tape.NewTensor(name, Shape.Of(m, n));
        tape.Device.Gemm(transposeA, transposeB, m, n, k,
            T.One, a.Data, a.Shape[1], b.Data, b.Shape[1], T.Zero, c.Data, n);
        if (tape.IsRecording)
        {
            tape.RequireGrad(a);
            tape.RequireGrad(b);
            tape.Record(new MatMulSaved<T>(c, a, b, m, n, k, transposeA, transposeB));
        }
        return c;
    }

    internal static void Backward<T>(Tape<T> tape, in MatMulSaved<T> saved) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var (dC, a, b) = (saved.C.Grad, saved.A, saved.B);
        var (m, n, k, transposeA, transposeB) = (saved.M, saved.N, saved.K, saved.TransposeA, saved.TransposeB);
        var (device, one) = (tape.Device, T.One);
        var (lda, ldb) = (a.Shape[1], b.Shape[1]);
        // forward: C (M,N) = op(A)·op(B);  d op(A) = dC·op(B)ᵀ;  d op(B) = op(A)ᵀ·dC
        if (!transposeA) // dA (M,K) += dC·op(B)ᵀ
            device.Gemm(false, !transposeB, m, k, n, one, dC, n, b.Data, ldb, one, a.Grad, k);
        else             // A stored (K,M): dA (K,M) += (dC·op(B)ᵀ)ᵀ = op(B)·dCᵀ
            device.Gemm(transposeB, true, k, m, n, one, b.Data, ldb, dC, n, one, a.Grad, m);
        if (!transposeB) // dB (K,N) += op(A)ᵀ·dC
            device.Gemm(!transposeA, false, k, n, m, one, a.Data, lda, dC, n, one, b.Grad, n);
        else             // B stored (N,K): dB (N,K) += (op(A)ᵀ·dC)ᵀ = dCᵀ·op(A)
            device.Gemm(true, transposeA, n, k, m, one, dC, n, a.Data, lda, one, b.Grad, k);
    }
}

/// <summary>What <see cref="MatMulOp"/> saves: C (M,N), A and B as stored, the sizes and the transposes.</summary>
internal readonly record struct MatMulSaved<T>(
    Tensor<T> C, Tensor<T> A, Tensor<T> B, int M, int N, int K, bool TransposeA, bool TransposeB) : ISavedForBackward<T>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    public void Backward(Tape<T> tape) => MatMulOp.Backward(tape, this);
}
