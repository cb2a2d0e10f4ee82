namespace Engine.Train.Llm.Prompts;

/// <summary>A run of characters in a prompt's text: [Start, Start + Length).</summary>
public readonly record struct TextSpan(int Start, int Length)
{
    public int End => Start + Length;

    /// <summary>True when the two spans share at least one character.</summary>
    public bool Overlaps(TextSpan other) => Start < other.End && other.Start < End;
}

/// <summary>An entity of the prompt: its category (1 or 2), its index within the category (0 … K−1) and its made-up
/// number (the N of <c>&lt;eN&gt;</c>).</summary>
public readonly record struct PromptEntity(int Category, int Index, int Number)
{
    public string Marker => $"<e{Number}>";
}

/// <summary>One written <c>&lt;eN&gt;</c>: the whole marker's span and the span of its number's digits. The asked
/// correspondence's open <c>&lt;e</c> is no occurrence (its number is what the model must write).</summary>
public readonly record struct EntityOccurrence(PromptEntity Entity, TextSpan Marker, TextSpan Digits);

/// <summary>A fact <c>&lt;eHead&gt;r&lt;eTail&gt;</c> of one category, by entity index.</summary>
public readonly record struct PromptFact(int Category, int Head, char Relation, int Tail);

/// <summary>A correspondence X ~ F(X): category-1 index → category-2 index.</summary>
public readonly record struct FunctorPair(int Source, int Image);

/// <summary>
/// One in-context analogy prompt and everything the analysis needs to find its parts among the tokens: the text,
/// the two categories' entities, every entity occurrence (marker and digit spans), every <c>~</c>, the facts, the
/// bijection F, which correspondences are written out (<see cref="GivenPairs"/>, in order) and the asked one.
/// The text ends at <c>&lt;eY&gt;~&lt;e</c>; the expected continuation is <see cref="Target"/>, the number of F(Y),
/// a single digit (see <see cref="AnalogyPromptGenerator"/>).
/// </summary>
public sealed record AnalogyPrompt(
    string Text,
    AnalogyPromptSettings Settings,
    ulong Seed,
    IReadOnlyList<PromptEntity> Category1,
    IReadOnlyList<PromptEntity> Category2,
    IReadOnlyList<int> Functor,
    IReadOnlyList<PromptFact> Facts,
    IReadOnlyList<EntityOccurrence> Occurrences,
    IReadOnlyList<TextSpan> Tildes,
    IReadOnlyList<FunctorPair> GivenPairs,
    FunctorPair AskedPair)
{
    /// <summary>The expected next text: F(Y)'s number, one digit.</summary>
    public string Target => Category2[AskedPair.Image].Number.ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>The entity of (category, index).</summary>
    public PromptEntity Entity(int category, int index) => category == 1 ? Category1[index] : Category2[index];

    /// <summary>The last written occurrence of an entity (every entity occurs at least once: in a fact).</summary>
    public EntityOccurrence LastOccurrence(PromptEntity entity) => Occurrences.Last(o => o.Entity == entity);
}
