namespace Engine.Train.World;

/// <summary>The seven kinds of fact of TASK.md §1, in the reference's order.</summary>
public enum FactType
{
    IdAtomic,
    OodAtomic,
    IdCompositional,
    NearOodCompositional,
    FarOodCompositional,
    IdAnalogical,
    OodAnalogical,
}

/// <summary>The snake_case labels of <see cref="FactType"/> used in <c>test.json</c> and file names.</summary>
public static class FactTypes
{
    private static readonly string[] Labels =
    [
        "id_atomic", "ood_atomic", "id_compositional", "near_ood_compositional",
        "far_ood_compositional", "id_analogical", "ood_analogical",
    ];

    /// <summary>All seven types in the reference's order.</summary>
    public static IReadOnlyList<FactType> All { get; } = Enum.GetValues<FactType>();

    /// <summary>The snake_case label, e.g. <c>near_ood_compositional</c>.</summary>
    public static string Label(this FactType type) => Labels[(int)type];

    /// <summary>Parses a snake_case label (exact, case-sensitive).</summary>
    /// <returns>False when the label names no type.</returns>
    public static bool TryParse(string label, out FactType type)
    {
        int i = Array.IndexOf(Labels, label);
        type = i < 0 ? default : (FactType)i;
        return i >= 0;
    }

    /// <summary>True for the three types that make up the training set.</summary>
    public static bool IsTrained(this FactType type) =>
        type is FactType.IdAtomic or FactType.IdCompositional or FactType.IdAnalogical;

    /// <summary>True for the two analogical types (e, &lt;f&gt;, F(e)), whose facts belong to one functor.</summary>
    public static bool IsAnalogical(this FactType type) => type is FactType.IdAnalogical or FactType.OodAnalogical;

    /// <summary>Number of input tokens of this type: 3 for compositional (h, r1, r2), else 2.</summary>
    public static int InputLength(this FactType type) =>
        type is FactType.IdCompositional or FactType.NearOodCompositional or FactType.FarOodCompositional ? 3 : 2;
}
