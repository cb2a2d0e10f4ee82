using Engine.Train.Config;

namespace Engine.Train.Llm.Prompts;

/// <summary>
/// The knobs of the in-context analogy prompts, the same as the world's (TASK.md §1): <see cref="EntitiesPerCategory"/>
/// entities in each of the two categories, <see cref="Relations"/> relation letters (a, b, …), and
/// <see cref="GivenCorrespondences"/> correspondences <c>&lt;eX&gt;~&lt;eF(X)&gt;</c> written out before the asked one
/// (null: all but the asked one, K − 1). Prompt i of a seed is the same text on every machine (see
/// <see cref="AnalogyPromptGenerator"/>).
/// </summary>
public sealed record AnalogyPromptSettings(int EntitiesPerCategory = 3, int Relations = 2, int? GivenCorrespondences = null, ulong Seed = 0)
{
    /// <summary>Image-category numbers are single digits 1 … 9 (the asked target must be one digit token), so K ≤ 9.</summary>
    public const int MaxEntitiesPerCategory = 9;

    /// <summary>Relation letters a … z.</summary>
    public const int MaxRelations = 26;

    /// <summary>G: the given correspondences (K − 1 unless set).</summary>
    public int Given => GivenCorrespondences ?? EntitiesPerCategory - 1;

    /// <summary>Checks every knob.</summary>
    /// <exception cref="SettingsException">K outside 2 … 9, R outside 1 … 26, or G outside 0 … K − 1.</exception>
    public AnalogyPromptSettings Validated()
    {
        if (EntitiesPerCategory is < 2 or > MaxEntitiesPerCategory)
            throw new SettingsException("entities-per-category", $"must be 2 … {MaxEntitiesPerCategory} (the image category's numbers are single digits), got {EntitiesPerCategory}");
        if (Relations is < 1 or > MaxRelations)
            throw new SettingsException("relations", $"must be 1 … {MaxRelations} (letters a … z), got {Relations}");
        if (Given < 0 || Given > EntitiesPerCategory - 1)
            throw new SettingsException("given-correspondences", $"must be 0 … {EntitiesPerCategory - 1} (K − 1: one correspondence is asked), got {Given}");
        return this;
    }
}
