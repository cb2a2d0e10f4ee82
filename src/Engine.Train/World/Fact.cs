namespace Engine.Train.World;

/// <summary>
/// One fact as token ids: the input the model reads (2 tokens, or 3 for compositional facts) and
/// the target entity it must predict at the last input position; an analogical fact also names its functor
/// (1 for &lt;f&gt;, j for &lt;f_j&gt;). Equality compares the type, the functor and the token sequences element by element.
/// </summary>
public sealed record Fact
{
    private readonly int[] _input;

    /// <summary>Creates a fact of probe type <paramref name="probe"/> (a <see cref="FactType"/> means functor 1 for
    /// an analogical fact); <paramref name="input"/> is copied.</summary>
    /// <exception cref="ArgumentException">The input does not have 2 or 3 tokens.</exception>
    public Fact(ProbeType probe, IReadOnlyList<int> input, int target)
    {
        if (input.Count is not (2 or 3))
            throw new ArgumentException($"a fact has 2 or 3 input tokens, not {input.Count}", nameof(input));
        Type = probe.Kind;
        Functor = probe.Functor;
        _input = [.. input];
        Target = target;
    }

    /// <summary>Which of the seven kinds the fact is.</summary>
    public FactType Type { get; }

    /// <summary>The functor index j ≥ 1 of an analogical fact; 0 for the other kinds.</summary>
    public int Functor { get; }

    /// <summary>The probe set the fact belongs to: its kind and functor.</summary>
    public ProbeType Probe => new(Type, Functor);

    /// <summary>Input token ids: [h, r], [h, r1, r2] or [e, &lt;f&gt;].</summary>
    public IReadOnlyList<int> Input => _input;

    /// <summary>The target token id (an entity).</summary>
    public int Target { get; }

    /// <summary>Input followed by target: the full token sequence.</summary>
    public int[] Tokens() => [.. _input, Target];

    /// <inheritdoc/>
    public bool Equals(Fact? other) =>
        other is not null && Type == other.Type && Functor == other.Functor && Target == other.Target && _input.AsSpan().SequenceEqual(other._input);

    /// <inheritdoc/>
    public override int GetHashCode()
    {
        var hash = new HashCode();
        hash.Add(Type);
        hash.Add(Functor);
        foreach (int token in _input) hash.Add(token);
        hash.Add(Target);
        return hash.ToHashCode();
    }

    /// <inheritdoc/>
    public override string ToString() => $"{Probe.Label} [{string.Join(", ", _input)}] → {Target}";
}
