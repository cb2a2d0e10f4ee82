using Engine.Kernels;
using Engine.Model;
using Engine.Train.World;

namespace Engine.Train.Training;

/// <summary>
/// The batches of each epoch (TASK.md §4): the training facts reshuffled by the batch-order RNG, cut into
/// batches of B (the last partial batch kept), and staged on the device in one upload. The RNG state is
/// part of a checkpoint, so a resumed run sees the same batches as an uninterrupted one.
/// </summary>
internal sealed class EpochBatches : IDisposable
{
    private readonly IReadOnlyList<Fact> _facts;
    private readonly int _batchSize;
    private readonly int[] _order;
    private readonly BatchEncoder _encoder;
    private readonly GptInputs _inputs;
    private WorldRandom _random;

    public EpochBatches(IReadOnlyList<Fact> facts, int batchSize, Device device, int vocabSize, ulong seed)
    {
        _facts = facts;
        _batchSize = batchSize;
        _order = new int[facts.Count];
        _encoder = new BatchEncoder(batchSize);
        _inputs = new GptInputs(device, vocabSize);
        _random = new WorldRandom(seed);
    }

    /// <summary>Steps in every epoch: ⌈facts / B⌉.</summary>
    public int StepsPerEpoch => (_facts.Count + _batchSize - 1) / _batchSize;

    /// <summary>The batches staged by the last <see cref="Shuffle"/>.</summary>
    public int Count => _inputs.Count;

    public GptBatch this[int index] => _inputs[index];

    /// <summary>The batch-order RNG, for a checkpoint (see <see cref="Restore"/>).</summary>
    public string RngState => _random.State;

    /// <summary>Continues the batch order from <paramref name="rngState"/>, read from the file <paramref name="source"/>.</summary>
    /// <exception cref="InvalidDataException">The text is not an RNG state (the message names the file).</exception>
    public void Restore(string rngState, string source)
    {
        try
        {
            _random = WorldRandom.FromState(rngState);
        }
        catch (FormatException e)
        {
            throw new InvalidDataException($"{source}: {e.Message}");
        }
    }

    /// <summary>Draws the next epoch's order and stages its batches on the device.</summary>
    public void Shuffle()
    {
        // Shuffle from the identity each epoch, so the order depends on the RNG state alone (resumable).
        for (var i = 0; i < _order.Length; i++) _order[i] = i;
        _random.Shuffle(_order);
        _inputs.Clear();
        for (var start = 0; start < _facts.Count; start += _batchSize)
            _encoder.Stage(_inputs, _facts, _order, start, Math.Min(_batchSize, _facts.Count - start));
        _inputs.Upload();
    }

    public void Dispose() => _inputs.Dispose();
}
