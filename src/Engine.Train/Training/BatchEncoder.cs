using Engine.Model;
using Engine.Train.World;

namespace Engine.Train.Training;

/// <summary>
/// Packs facts into the model's integer inputs: tokens (B,T) right-padded with id 0 (never attended:
/// padding sits after the supervised position and attention is causal), the supervised position of
/// each sequence (its last input token) and the target. Reuses its host arrays: no allocation per batch.
/// </summary>
public sealed class BatchEncoder
{
    private readonly int[] _tokens;
    private readonly int[] _last;
    private readonly int[] _targets;

    public BatchEncoder(int maxBatch, int maxInputLength = 3)
    {
        MaxBatch = maxBatch;
        MaxInputLength = maxInputLength;
        _tokens = new int[maxBatch * maxInputLength];
        _last = new int[maxBatch];
        _targets = new int[maxBatch];
    }

    public int MaxBatch { get; }
    public int MaxInputLength { get; }

    /// <summary>Stages facts[order[start..start+count]] (or facts[start..] when order is empty) as one batch; returns its index.</summary>
    public int Stage(GptInputs inputs, IReadOnlyList<Fact> facts, ReadOnlySpan<int> order, int start, int count)
    {
        if (count > MaxBatch) throw new ArgumentOutOfRangeException(nameof(count), $"batch of {count} exceeds {MaxBatch}");
        var length = 1;
        for (var i = 0; i < count; i++)
            length = Math.Max(length, Pick(facts, order, start + i).Input.Count);
        for (var i = 0; i < count; i++)
        {
            var fact = Pick(facts, order, start + i);
            var input = fact.Input;
            for (var t = 0; t < length; t++) _tokens[i * length + t] = t < input.Count ? input[t] : 0;
            _last[i] = input.Count - 1;
            _targets[i] = fact.Target;
        }
        return inputs.Stage(_tokens.AsSpan(0, count * length), _last.AsSpan(0, count), _targets.AsSpan(0, count), count, length);
    }

    /// <summary>Uploads facts[order[start..start+count]] (or facts[start..] when order is empty) as the only batch.</summary>
    public GptBatch Encode(GptInputs inputs, IReadOnlyList<Fact> facts, ReadOnlySpan<int> order, int start, int count)
    {
        inputs.Clear();
        var index = Stage(inputs, facts, order, start, count);
        inputs.Upload();
        return inputs[index];
    }

    private static Fact Pick(IReadOnlyList<Fact> facts, ReadOnlySpan<int> order, int index) =>
        facts[order.IsEmpty ? index : order[index]];
}
