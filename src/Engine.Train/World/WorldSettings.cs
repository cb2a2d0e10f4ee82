using System.Globalization;
using System.Text.Json.Serialization;
using Engine.Train.Config;

namespace Engine.Train.World;

/// <summary>
/// Every knob of the analogy world (TASK.md §1) with the reference defaults. JSON names are the
/// keys of the reference config's <c>data:</c> section, so a setting is named the same way in
/// config files, in <c>world.json</c> and in validation messages.
/// </summary>
/// <param name="Entities">N, the number of entity tokens e_0 … e_{N−1}.</param>
/// <param name="Relations">R, the number of relation tokens r_0 … r_{R−1}; all stay in the vocabulary.</param>
/// <param name="CategorySize">k = |E1| = |E2| (= |E_j|); null means derived as ⌊N/(m + 1)⌋, ⌊N/2⌋ with one functor.</param>
/// <param name="AtomicOodRatio">Share of E1 atomic edges held out (no E2 copy, their paths far-OOD).</param>
/// <param name="CompositionalOodRatio">Probability that a two-hop fact over trained edges is held out (near-OOD).</param>
/// <param name="AnalogicalOodRatio">Share of analogical facts held out.</param>
/// <param name="IncludeFInverse">Adds the token &lt;f_inv&gt; and the facts (F(e), &lt;f_inv&gt;, e).</param>
/// <param name="DuplicateRelation">When false, the out-edges of one head carry distinct relations.</param>
/// <param name="Seed">The data seed (separate from the training seed).</param>
/// <param name="EdgeProbability">ρ: each ordered pair (h, t), h ≠ t, of E1 is an atomic edge with this probability
/// (1: the complete graph of the reference).</param>
/// <param name="IsomorphismNoise">η: the share of each target category's copied edges whose tail is replaced by
/// another entity of that category (0: every E_j is an exact image of E1).</param>
/// <param name="Functors">m: the number of functors F_j: E1 → E_{j+1}, each with its own category, token and
/// analogical facts (1: the reference's single F: E1 → E2).</param>
/// <remarks>The three settings after <see cref="Seed"/> are not in the reference; each is left out of JSON at its
/// default, so a default world's <c>world.json</c> is as it was before they existed.</remarks>
public sealed record WorldSettings(
    [property: JsonPropertyName("num_entities")] int Entities = 10,
    [property: JsonPropertyName("num_relations")] int Relations = 10000,
    [property: JsonPropertyName("sub_size")] int? CategorySize = null,
    [property: JsonPropertyName("atomic_ood_ratio")] double AtomicOodRatio = 0.0,
    [property: JsonPropertyName("compositional_ood_ratio")] double CompositionalOodRatio = 0.1,
    [property: JsonPropertyName("analogical_ood_ratio")] double AnalogicalOodRatio = 0.4,
    [property: JsonPropertyName("include_f_inverse")] bool IncludeFInverse = false,
    [property: JsonPropertyName("duplicate_relation")] bool DuplicateRelation = false,
    [property: JsonPropertyName("seed")] ulong Seed = 42,
    [property: JsonPropertyName("edge_probability"), OmittedWhen(1.0)] double EdgeProbability = 1.0,
    [property: JsonPropertyName("isomorphism_noise"), OmittedWhen(0.0)] double IsomorphismNoise = 0.0,
    [property: JsonPropertyName("num_functors"), OmittedWhen(1)] int Functors = 1)
{
    /// <summary>Config-file names of the settings, used in validation messages.</summary>
    public static class Names
    {
        public const string Entities = "num_entities";
        public const string Relations = "num_relations";
        public const string CategorySize = "sub_size";
        public const string AtomicOodRatio = "atomic_ood_ratio";
        public const string CompositionalOodRatio = "compositional_ood_ratio";
        public const string AnalogicalOodRatio = "analogical_ood_ratio";
        public const string EdgeProbability = "edge_probability";
        public const string IsomorphismNoise = "isomorphism_noise";
        public const string Functors = "num_functors";
    }

    /// <summary>The smallest category: with k = 2 every two-hop path h→b→t returns to h (t = h is
    /// excluded), so the world would have no compositional facts at all; k = 3 is the least k with
    /// k(k−1)(k−2) &gt; 0 paths per category.</summary>
    public const int MinCategorySize = 3;

    /// <summary>k as used by the generator: <see cref="CategorySize"/>, or ⌊N/(m + 1)⌋ when null.</summary>
    [JsonIgnore]
    public int ResolvedCategorySize => CategorySize ?? Entities / CategoryCount;

    /// <summary>The number of categories, m + 1: E1 and one image category per functor.</summary>
    [JsonIgnore]
    public int CategoryCount => Functors + 1;

    /// <summary>Vocabulary size V = N + R + m, plus m more with <see cref="IncludeFInverse"/>.</summary>
    /// <exception cref="WorldSettingsException">V does not fit in an int.</exception>
    [JsonIgnore]
    public int VocabularySize
    {
        get
        {
            long functorTokens = (long)Functors * (IncludeFInverse ? 2 : 1);
            long v = (long)Entities + Relations + functorTokens;
            if (v > int.MaxValue)
                throw new WorldSettingsException(Names.Relations,
                    $"vocabulary N + R + {functorTokens} = {v} exceeds {int.MaxValue}");
            return (int)v;
        }
    }

    /// <summary>
    /// Checks every setting, in the order m, N, k, R, ratios, ρ, η: m ≥ 1; N ≥ (m + 1)·3; 3 ≤ k and (m + 1)·k ≤ N;
    /// R ≥ 1; R ≥ k − 1 when relations must be distinct per head (each head has up to k − 1 out-edges);
    /// the vocabulary fits in an int; each ratio finite and in [0, 1]; ρ in (0, 1]; η in [0, 1].
    /// </summary>
    /// <returns>This instance, for chaining.</returns>
    /// <exception cref="WorldSettingsException">A setting is out of range; the message names it.</exception>
    public WorldSettings Validate()
    {
        if (Functors < 1)
            throw new WorldSettingsException(Names.Functors, $"m = {Functors} must be at least 1");
        int categories = CategoryCount;
        long needed = (long)categories * MinCategorySize;
        if (Entities < needed)
            throw new WorldSettingsException(Names.Entities, Functors == 1
                ? $"N = {Entities} is too small: two disjoint categories of at least {MinCategorySize} entities need N ≥ {needed}"
                : $"N = {Entities} is too small: {categories} disjoint categories (num_functors = {Functors}) of at least {MinCategorySize} entities need N ≥ {needed}");

        int k = ResolvedCategorySize;
        if (k < MinCategorySize)
            throw new WorldSettingsException(Names.CategorySize,
                $"k = {k} is below {MinCategorySize}: a category needs 3 entities for any two-hop path h→b→t with t ≠ h");
        if ((long)categories * k > Entities)
            throw new WorldSettingsException(Names.CategorySize, Functors == 1
                ? $"2·k = {2L * k} exceeds num_entities = {Entities} (E1 and E2 must be disjoint)"
                : $"{categories}·k = {(long)categories * k} exceeds num_entities = {Entities} (E1 … E{categories} of num_functors = {Functors} must be disjoint)");

        if (Relations < 1)
            throw new WorldSettingsException(Names.Relations, $"R = {Relations} must be at least 1");
        if (!DuplicateRelation && Relations < k - 1)
            throw new WorldSettingsException(Names.Relations,
                $"R = {Relations} is below k − 1 = {k - 1}, the out-degree of a head, so its out-edges cannot carry distinct relations (set duplicate_relation: true or raise R)");
        _ = VocabularySize;

        CheckRatio(Names.AtomicOodRatio, AtomicOodRatio);
        CheckRatio(Names.CompositionalOodRatio, CompositionalOodRatio);
        CheckRatio(Names.AnalogicalOodRatio, AnalogicalOodRatio);
        if (!double.IsFinite(EdgeProbability) || EdgeProbability <= 0.0 || EdgeProbability > 1.0)
            throw new WorldSettingsException(Names.EdgeProbability,
                $"{EdgeProbability.ToString("R", CultureInfo.InvariantCulture)} is not a probability in (0, 1] (1 keeps every E1 edge)");
        CheckRatio(Names.IsomorphismNoise, IsomorphismNoise);
        return this;
    }

    private static void CheckRatio(string name, double value)
    {
        if (!double.IsFinite(value) || value < 0.0 || value > 1.0)
            throw new WorldSettingsException(name,
                $"{value.ToString("R", CultureInfo.InvariantCulture)} is not a ratio in [0, 1]");
    }
}
