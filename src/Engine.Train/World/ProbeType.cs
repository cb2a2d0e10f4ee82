using System.Globalization;

namespace Engine.Train.World;

/// <summary>
/// One probe set: a kind of fact and, for the analogical kinds, the functor its facts use (1 for F_1 = &lt;f&gt;,
/// j ≥ 2 for F_j = &lt;f_j&gt;; 0 for the other kinds). A world with m functors has the seven types of F_1 and,
/// per further functor j, <c>id_analogical_j</c> and <c>ood_analogical_j</c>; with m = 1 exactly the seven of
/// the reference. A <see cref="FactType"/> converts to the type of F_1, so <c>probes[FactType.OodAnalogical]</c>
/// reads as before.
/// </summary>
public readonly record struct ProbeType
{
    /// <summary>Creates the probe type of <paramref name="kind"/> and <paramref name="functor"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">An analogical kind without a functor ≥ 1, or another kind with one.</exception>
    public ProbeType(FactType kind, int functor)
    {
        if (kind.IsAnalogical() ? functor < 1 : functor != 0)
            throw new ArgumentOutOfRangeException(nameof(functor), $"{kind.Label()} cannot belong to functor {functor}");
        Kind = kind;
        Functor = functor;
    }

    /// <summary>The kind of fact.</summary>
    public FactType Kind { get; }

    /// <summary>The functor index j ≥ 1 of an analogical type; 0 otherwise.</summary>
    public int Functor { get; }

    /// <summary>The type of F_1 (or of no functor) for <paramref name="kind"/>.</summary>
    public static implicit operator ProbeType(FactType kind) => new(kind, kind.IsAnalogical() ? 1 : 0);

    /// <summary>The label in <c>test.json</c>, file names and metrics: the kind's, with <c>_j</c> appended for j ≥ 2.</summary>
    public string Label => Functor >= 2 ? $"{Kind.Label()}_{Functor.ToString(CultureInfo.InvariantCulture)}" : Kind.Label();

    /// <summary>Whether its facts are trained on.</summary>
    public bool IsTrained => Kind.IsTrained();

    /// <summary>Input tokens of its facts.</summary>
    public int InputLength => Kind.InputLength();

    /// <summary>The probe types of a world with <paramref name="functors"/> functors: the seven, then per j ≥ 2 ID and OOD analogical.</summary>
    public static IReadOnlyList<ProbeType> For(int functors)
    {
        var types = FactTypes.All.Select(t => (ProbeType)t).ToList();
        for (int j = 2; j <= functors; j++)
        {
            types.Add(new ProbeType(FactType.IdAnalogical, j));
            types.Add(new ProbeType(FactType.OodAnalogical, j));
        }
        return types;
    }

    /// <summary>Parses a label such as <c>id_atomic</c> or <c>ood_analogical_3</c> (exact, case-sensitive).</summary>
    public static bool TryParse(string label, out ProbeType type)
    {
        type = default;
        if (FactTypes.TryParse(label, out FactType kind))
        {
            type = kind;
            return true;
        }
        int underscore = label.LastIndexOf('_');
        if (underscore < 0 || !FactTypes.TryParse(label[..underscore], out kind) || !kind.IsAnalogical()) return false;
        string digits = label[(underscore + 1)..];
        if (digits.Length == 0 || digits[0] == '0' || !digits.All(char.IsAsciiDigit)
            || !int.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out int functor) || functor < 2)
            return false;
        type = new ProbeType(kind, functor);
        return true;
    }

    /// <inheritdoc/>
    public override string ToString() => Label;
}
