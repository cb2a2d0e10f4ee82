using Engine.Kernels;

namespace Engine.Model;

/// <summary>
/// Reusable device buffers for a model's integer inputs. Batches are checked and staged on the host
/// (<see cref="Stage"/>), sent to the device in one copy (<see cref="Upload"/>) and handed out as
/// <see cref="GptBatch"/> views (<see cref="this[int]"/>): a trainer stages a whole epoch and uploads it once,
/// so its steps never wait for a host copy. Grows when more is staged than ever before; allocates nothing
/// afterwards. Legend: B sequences, T tokens.
/// </summary>
public sealed class GptInputs : IDisposable
{
    private readonly Device _device;
    private readonly int _vocabSize;
    private int[] _host = [];              // for each staged batch: tokens (B·T), selected rows (B), targets (B or none)
    private int _length;                   // staged ints
    private Slot[] _slots = new Slot[1];
    private int _count;                    // staged batches
    private DeviceBuffer<int>? _buffer;
    private bool _uploaded;

    /// <summary>Inputs for a model of <paramref name="vocabSize"/> token ids on <paramref name="device"/>.</summary>
    public GptInputs(Device device, int vocabSize)
    {
        ArgumentNullException.ThrowIfNull(device);
        ArgumentOutOfRangeException.ThrowIfLessThan(vocabSize, 1);
        _device = device;
        _vocabSize = vocabSize;
    }

    /// <summary>How many batches are staged.</summary>
    public int Count => _count;

    /// <summary>Forgets the staged batches (their views stay valid until the next <see cref="Upload"/>).</summary>
    public void Clear()
    {
        _length = 0;
        _count = 0;
        _uploaded = false;
    }

    /// <summary>
    /// Checks and stages a batch: <paramref name="tokens"/> (B·T), <paramref name="lastPositions"/> (B) the
    /// supervised position of each sequence in [0, T), and <paramref name="targets"/> (B) or empty for logits
    /// only. Returns its index for <see cref="this[int]"/> after the next <see cref="Upload"/>.
    /// </summary>
    /// <exception cref="ArgumentException">Lengths disagree, or an id or position is out of range (the message says which).</exception>
    public int Stage(ReadOnlySpan<int> tokens, ReadOnlySpan<int> lastPositions, ReadOnlySpan<int> targets, int batchSize, int sequenceLength)
    {
        Check(tokens, lastPositions, targets, batchSize, sequenceLength);
        var start = _length;
        var needed = start + tokens.Length + batchSize + targets.Length;
        if (_host.Length < needed) Array.Resize(ref _host, Math.Max(needed, 2 * _host.Length));
        tokens.CopyTo(_host.AsSpan(start));
        var rows = _host.AsSpan(start + tokens.Length, batchSize);
        for (var b = 0; b < batchSize; b++) rows[b] = b * sequenceLength + lastPositions[b];
        targets.CopyTo(_host.AsSpan(start + tokens.Length + batchSize));
        _length = needed;

        if (_count == _slots.Length) Array.Resize(ref _slots, 2 * _slots.Length);
        _slots[_count] = new Slot(start, batchSize, sequenceLength, !targets.IsEmpty);
        _uploaded = false;
        return _count++;
    }

    /// <summary>Copies every staged batch to the device in one upload (the host waits once).</summary>
    public void Upload()
    {
        if (_buffer is null || _buffer.Length < _length)
        {
            _buffer?.Dispose();
            _buffer = null;
            _buffer = _device.Allocate<int>(Math.Max(_length, 1));
        }
        _device.Upload<int>(_host.AsSpan(0, _length), _buffer.Slice(0, _length));
        _uploaded = true;
    }

    /// <summary>The device views of staged batch <paramref name="index"/>.</summary>
    /// <exception cref="InvalidOperationException">Batches were staged since the last <see cref="Upload"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException">No such batch.</exception>
    public GptBatch this[int index]
    {
        get
        {
            if (!_uploaded) throw new InvalidOperationException("the staged batches have not been uploaded; call Upload first");
            ArgumentOutOfRangeException.ThrowIfNegative(index);
            ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, _count);
            var slot = _slots[index];
            var tokenCount = slot.BatchSize * slot.SequenceLength;
            var tokens = _buffer!.Slice(slot.Start, tokenCount);
            var rows = _buffer.Slice(slot.Start + tokenCount, slot.BatchSize);
            var targets = slot.HasTargets ? _buffer.Slice(slot.Start + tokenCount + slot.BatchSize, slot.BatchSize) : default;
            return new GptBatch(tokens, rows, targets, slot.BatchSize, slot.SequenceLength);
        }
    }

    /// <summary>Stages, uploads and returns one batch (the arguments of <see cref="Stage"/>), replacing what was staged.</summary>
    /// <exception cref="ArgumentException">As for <see cref="Stage"/>.</exception>
    public GptBatch Set(ReadOnlySpan<int> tokens, ReadOnlySpan<int> lastPositions, ReadOnlySpan<int> targets, int batchSize, int sequenceLength)
    {
        Clear();
        var index = Stage(tokens, lastPositions, targets, batchSize, sequenceLength);
        Upload();
        return this[index];
    }

    private void Check(ReadOnlySpan<int> tokens, ReadOnlySpan<int> lastPositions, ReadOnlySpan<int> targets, int batchSize, int sequenceLength)
    {
        if (batchSize < 1 || sequenceLength < 1)
            throw new ArgumentException($"batch {batchSize}×{sequenceLength}: both sizes must be ≥ 1");
        if (tokens.Length != batchSize * sequenceLength)
            throw new ArgumentException($"{tokens.Length} tokens for a batch of {batchSize}×{sequenceLength}", nameof(tokens));
        if (lastPositions.Length != batchSize)
            throw new ArgumentException($"{lastPositions.Length} supervised positions for {batchSize} sequences", nameof(lastPositions));
        if (!targets.IsEmpty && targets.Length != batchSize)
            throw new ArgumentException($"{targets.Length} targets for {batchSize} sequences", nameof(targets));
        for (var i = 0; i < tokens.Length; i++)
        {
            if ((uint)tokens[i] >= (uint)_vocabSize)
                throw new ArgumentException($"token {tokens[i]} at index {i} is outside the vocabulary [0, {_vocabSize})", nameof(tokens));
        }
        for (var i = 0; i < targets.Length; i++)
        {
            if ((uint)targets[i] >= (uint)_vocabSize)
                throw new ArgumentException($"target {targets[i]} of sequence {i} is outside the vocabulary [0, {_vocabSize})", nameof(targets));
        }
        for (var b = 0; b < batchSize; b++)
        {
            if ((uint)lastPositions[b] >= (uint)sequenceLength)
                throw new ArgumentException($"supervised position {lastPositions[b]} of sequence {b} is outside [0, {sequenceLength})", nameof(lastPositions));
        }
    }

    /// <summary>Where a staged batch sits in the host and device arrays.</summary>
    private readonly record struct Slot(int Start, int BatchSize, int SequenceLength, bool HasTargets);

    public void Dispose() => _buffer?.Dispose();
}
