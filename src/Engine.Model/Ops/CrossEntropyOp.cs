using System.Numerics;
using Engine.Kernels;

namespace Engine.Model;

/// <summary>
/// Mean softmax cross-entropy over rows of logits. Legend: R rows, V vocabulary.
/// </summary>
public static class CrossEntropyOp
{
    /// <summary>
    /// losses[r] = logsumexp(logits[r, :]) − logits[r, targets[r]]; loss = (1/R)·Σ_r losses[r].
    /// When recording, the fused kernel also writes ∂loss/∂logits = (softmax − onehot)/R into the logits'
    /// gradient during the forward pass; this assumes the returned loss is the root of
    /// <see cref="Tape{T}.Backward(Tensor{T})"/> (∂L/∂loss = 1), which the backward checks
    /// (<see cref="InvalidOperationException"/> otherwise).
    /// Returns loss (1); <paramref name="losses"/> (R) carries no gradient.
    /// </summary>
    /// <exception cref="ArgumentException">logits is not 2-D or targets holds fewer than R entries.</exception>
    public static Tensor<T> Forward<T>(Tape<T> tape, Tensor<T> logits, BufferView<int> targets, string name, out Tensor<T> losses)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (logits.Shape.Rank != 2) throw new ArgumentException($"cross-entropy '{name}': logits {logits.Shape} must be (R,V)");
        var (rows, vocab) = (logits.Shape[0], logits.Shape[1]);
        if (rows == 0 || targets.Length < rows)
            throw new ArgumentException($"cross-entropy '{name}': {rows} rows need as many targets; got {targets.Length}");
        losses = tape.Arena.Allocate(name, Shape.Of(rows), withGrad: false);
        var loss = tape.NewTensor(name, Shape.Of(1));
        var inverseRows = T.One / T.CreateTruncating(rows);
        if (tape.IsRecording)
        {
            tape.RequireGrad(logits);
            // dLogits (R,V) overwritten: (softmax − onehot)/R
            tape.Device.CrossEntropyForwardBackward(losses.Data, logits.Grad, logits.Data, targets, rows, vocab, inverseRows);
            tape.Record(new CrossEntropySaved<T>(loss));
        }
        else
        {
            tape.Device.CrossEntropyForward(losses.Data, logits.Data, targets, rows, vocab);
        }
        tape.Device.Sum(losses.Data, loss.Data);
        tape.Device.Scale(inverseRows, loss.Data);
        return loss;
    }

    internal static void Backward<T>(Tape<T> tape, in CrossEntropySaved<T> saved) where T : unmanaged, IFloatingPointIeee754<T>
    {
        // The gradient was written by the fused forward; it is only right when ∂L/∂loss = 1.
        if (!ReferenceEquals(tape.BackwardRoot, saved.Loss) || !tape.RootIsUnitLoss)
            throw new InvalidOperationException(
                $"cross-entropy '{saved.Loss.Name}': its fused gradient assumes the loss is the root of Backward(loss)");
    }
}

/// <summary>
/// What <see cref="CrossEntropyOp"/> saves: only the loss (1), to check that it is the root of the backward
/// pass; ∂loss/∂logits was already written by the fused forward.
/// </summary>
internal readonly record struct CrossEntropySaved<T>(Tensor<T> Loss) : ISavedForBackward<T>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    public void Backward(Tape<T> tape) => CrossEntropyOp.Backward(tape, this);
}
