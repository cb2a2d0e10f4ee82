using System.Numerics;
using Engine.Kernels;

namespace Engine.Model;

/// <summary>
/// The explicit autograd tape: each op records a small typed record of what its backward needs (e.g.
/// <see cref="LayerNormSaved{T}"/>) as it runs forward, and <see cref="Backward(Tensor{T})"/> replays the
/// records in reverse, calling each op's Backward, which accumulates into the gradients of its inputs.
/// No global state: every op takes its tape.
/// </summary>
/// <remarks>
/// One step: <see cref="Reset"/> (releases the previous step's activations and zeroes their gradients),
/// forward, <see cref="Backward(Tensor{T})"/>. Activations come from <see cref="Arena"/> and the records
/// of each op type from a reused array (<see cref="SavedList{TSaved, T}"/>); after the first step of a
/// given shape nothing is allocated. Under <see cref="NoGrad"/> nothing is recorded and
/// activations carry no gradient (evaluation).
/// </remarks>
public sealed class Tape<T> : IDisposable where T : unmanaged, IFloatingPointIeee754<T>
{
    private Entry[] _entries = new Entry[64];   // the recorded ops in order
    private int _count;
    private ISavedList<T>?[] _lists = [];       // one per record type, at SlotOf<TSaved>.Index
    private int _noGradDepth;
    private bool _backwardDone;

    /// <summary>Creates a tape with its own activation arena on <paramref name="device"/>.</summary>
    public Tape(Device device, int initialArenaCapacity = 0)
    {
        ArgumentNullException.ThrowIfNull(device);
        if (!device.Supports<T>()) throw new NotSupportedException($"device '{device.Name}' does not support {typeof(T).Name}");
        Device = device;
        Arena = new Arena<T>(device, initialArenaCapacity);
    }

    public Device Device { get; }

    /// <summary>The per-step activation storage.</summary>
    public Arena<T> Arena { get; }

    /// <summary>Whether ops are being recorded (false inside a <see cref="NoGrad"/> scope).</summary>
    public bool IsRecording => _noGradDepth == 0;

    /// <summary>Number of entries recorded since the last reset.</summary>
    public int Count => _count;

    /// <summary>The tensor <see cref="Backward(Tensor{T})"/> started from, while it runs (ops that need it check it).</summary>
    internal Tensor<T>? BackwardRoot { get; private set; }

    /// <summary>Whether the running backward was seeded with ∂L/∂root = 1 (a scalar loss).</summary>
    internal bool RootIsUnitLoss { get; private set; }

    /// <summary>Starts a step: forgets the entries and releases every activation.</summary>
    public void Reset()
    {
        foreach (var list in _lists) list?.Clear();
        _count = 0;
        _backwardDone = false;
        Arena.Reset();
    }

    /// <summary>Suspends recording until the returned scope is disposed: <c>using (tape.NoGrad()) { ... }</c>.</summary>
    public NoGradScope NoGrad()
    {
        _noGradDepth++;
        return new NoGradScope(this);
    }

    /// <summary>A fresh activation of <paramref name="shape"/> (with a gradient when recording).</summary>
    public Tensor<T> NewTensor(string name, Shape shape) => Arena.Allocate(name, shape, IsRecording);

    /// <summary>
    /// The same storage (values and gradient) under another shape with the same element count; records
    /// nothing, since gradients written through either tensor land in the same memory.
    /// </summary>
    /// <exception cref="ArgumentException">The element counts differ.</exception>
    public Tensor<T> Reshape(Tensor<T> x, Shape shape)
    {
        if (shape.Count != x.Count) throw new ArgumentException($"cannot reshape '{x.Name}' {x.Shape} to {shape}");
        return Arena.Alias(x, shape);
    }

    /// <summary>A fresh activation filled from host values: a leaf input of the step (with a gradient when recording).</summary>
    public Tensor<T> Input(string name, Shape shape, ReadOnlySpan<T> values)
    {
        var tensor = NewTensor(name, shape);
        Device.Upload(values, tensor.Data);
        return tensor;
    }

    /// <summary>
    /// Back-propagates from a scalar <paramref name="loss"/>: sets ∂loss/∂loss = 1 and runs every
    /// recorded op's backward in reverse order. Gradients accumulate into parameters and activations.
    /// </summary>
    /// <exception cref="ArgumentException">The loss is not a one-element tensor with a gradient.</exception>
    /// <exception cref="InvalidOperationException">Backward already ran since the last reset.</exception>
    public void Backward(Tensor<T> loss)
    {
        ArgumentNullException.ThrowIfNull(loss);
        if (loss.Count != 1) throw new ArgumentException($"loss '{loss.Name}' has shape {loss.Shape}; backward needs one element", nameof(loss));
        CheckRoot(loss);
        Device.Fill(loss.Grad, T.One);
        Run(loss, unitLoss: true);
    }

    /// <summary>
    /// Back-propagates a given output gradient: ∂L/∂output = <paramref name="outputGradient"/>
    /// (copied into the output's gradient), then runs every backward in reverse order.
    /// </summary>
    public void Backward(Tensor<T> output, BufferView<T> outputGradient)
    {
        ArgumentNullException.ThrowIfNull(output);
        CheckRoot(output);
        Device.Copy(outputGradient, output.Grad);
        Run(output, unitLoss: false);
    }

    /// <summary>As <see cref="Backward(Tensor{T}, BufferView{T})"/> with the gradient uploaded from the host.</summary>
    public void Backward(Tensor<T> output, ReadOnlySpan<T> outputGradient)
    {
        ArgumentNullException.ThrowIfNull(output);
        CheckRoot(output);
        Device.Upload(outputGradient, output.Grad);
        Run(output, unitLoss: false);
    }

    /// <summary>Appends an op's saved record; its Backward runs when <see cref="Backward(Tensor{T})"/> reaches it.</summary>
    internal void Record<TSaved>(in TSaved saved) where TSaved : struct, ISavedForBackward<T>
    {
        var slot = SlotOf<TSaved>.Index;
        if (slot >= _lists.Length) Array.Resize(ref _lists, slot + 8);
        var list = (SavedList<TSaved, T>)(_lists[slot] ??= new SavedList<TSaved, T>());
        if (_count == _entries.Length) Array.Resize(ref _entries, 2 * _entries.Length);
        _entries[_count++] = new Entry(list, list.Add(saved));
    }

    /// <summary>Throws unless <paramref name="tensor"/> can take part in a recorded op.</summary>
    internal void RequireGrad(Tensor<T> tensor)
    {
        if (!tensor.HasGrad)
            throw new ArgumentException($"tensor '{tensor.Name}' has no gradient: it was made outside recording and cannot feed a recorded op");
    }

    private void CheckRoot(Tensor<T> root)
    {
        if (_backwardDone) throw new InvalidOperationException("backward already ran on this tape since its last reset");
        if (!root.HasGrad) throw new ArgumentException($"tensor '{root.Name}' has no gradient (recorded under NoGrad?)");
    }

    private void Run(Tensor<T> root, bool unitLoss)
    {
        _backwardDone = true;
        BackwardRoot = root;
        RootIsUnitLoss = unitLoss;
        try
        {
            for (var i = _count - 1; i >= 0; i--) _entries[i].List.Backward(this, _entries[i].Index);
        }
        finally
        {
            BackwardRoot = null;
            RootIsUnitLoss = false;
        }
    }

    public void Dispose() => Arena.Dispose();

    /// <summary>One recorded op: the list that holds its saved record, and where in it.</summary>
    private readonly record struct Entry(ISavedList<T> List, int Index);

    private static int s_recordTypes;

    /// <summary>A small number per record type, so a tape finds its list of that type by index (no lookup, no allocation).</summary>
    private static class SlotOf<TSaved>
    {
        public static readonly int Index = Interlocked.Increment(ref s_recordTypes) - 1;
    }

    /// <summary>Ends a <see cref="NoGrad"/> scope when disposed.</summary>
    public readonly struct NoGradScope : IDisposable
    {
        private readonly Tape<T>? _tape;

        internal NoGradScope(Tape<T> tape) => _tape = tape;

        public void Dispose()
        {
            if (_tape is not null) _tape._noGradDepth--;
        }
    }
}
