using System.Text;
using Engine.Model;
using Engine.Train.World;

namespace Engine.Train.Llm.Prompts;

/// <summary>
/// Generates in-context analogy prompts (issue 14), e.g. with K = 3, R = 2, G = 1:
/// <c>&lt;e1&gt;a&lt;e2&gt;, &lt;e1&gt;b&lt;e3&gt;. &lt;e6&gt;a&lt;e4&gt;, &lt;e6&gt;b&lt;e7&gt;. &lt;e1&gt;~&lt;e6&gt;, &lt;e3&gt;~&lt;e</c> → <c>7</c>.
/// <list type="number">
/// <item>Seeds: prompt i of seed S draws from <see cref="WorldRandom"/>(s_i), s_i the (i+1)-th output of
/// <see cref="SplitMix64"/>(S), so a prompt depends on (S, i) only.</item>
/// <item>Numbers: category 2 (the images, where the asked target lives) gets K distinct numbers from 1 … 9, so the
/// target is one digit: one token for tokenizers that split digits (Gemma) and for those that group digit runs
/// (Llama 3: up to three digits; the asked marker's digits are followed by nothing). Category 1 gets K distinct
/// numbers from the rest of 1 … max(9, 2K), so for K ≤ 4 every number is a digit and from K = 5 on some category-1
/// numbers have two digits (10 … 2K).</item>
/// <item>Facts of category 1: a random tree over its K entities, so every entity occurs: entity i = 1 … K−1 hangs
/// under a parent drawn uniformly among the entities j &lt; i that still have a free letter, with a letter drawn
/// uniformly among its parent's unused ones (the out-edges of one head carry distinct relations, as the world's
/// <c>duplicate_relation = false</c>); written in that order, <c>&lt;eH&gt;r&lt;eT&gt;</c>, separated by ", ".</item>
/// <item>F: a uniformly random bijection of the indices; category 2's facts are the images (F(H), r, F(T)) in the same
/// order.</item>
/// <item>Correspondences: a random order of category 1; the first G are written <c>&lt;eX&gt;~&lt;eF(X)&gt;</c>
/// (", " between), then the asked one <c>&lt;eY&gt;~&lt;e</c> ends the text.</item>
/// </list>
/// </summary>
public static class AnalogyPromptGenerator
{
    /// <summary>Prompts 0 … count−1 of the settings' seed.</summary>
    /// <exception cref="Config.SettingsException">A knob is out of range (see <see cref="AnalogyPromptSettings.Validated"/>).</exception>
    public static IReadOnlyList<AnalogyPrompt> Generate(AnalogyPromptSettings settings, int count)
    {
        settings.Validated();
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        var seeds = new SplitMix64(settings.Seed);
        var prompts = new List<AnalogyPrompt>(count);
        for (var i = 0; i < count; i++) prompts.Add(Build(settings, seeds.NextUInt64()));
        return prompts;
    }

    /// <summary>Prompt <paramref name="index"/> of the settings' seed (the same as <c>Generate(settings, index + 1)[index]</c>).</summary>
    public static AnalogyPrompt Generate(AnalogyPromptSettings settings, long index)
    {
        settings.Validated();
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        var seeds = new SplitMix64(settings.Seed);
        for (var i = 0L; i < index; i++) seeds.NextUInt64();
        return Build(settings, seeds.NextUInt64());
    }

    private static AnalogyPrompt Build(AnalogyPromptSettings settings, ulong seed)
    {
        var random = new WorldRandom(seed);
        var k = settings.EntitiesPerCategory;
        var (numbers1, numbers2) = DrawNumbers(random, k);
        var category1 = numbers1.Select((n, i) => new PromptEntity(1, i, n)).ToList();
        var category2 = numbers2.Select((n, i) => new PromptEntity(2, i, n)).ToList();
        var tree = DrawTree(random, k, settings.Relations);
        var functor = random.Permutation(k);
        var order = random.Permutation(k);

        var facts = tree.Select(f => f with { Category = 1 })
            .Concat(tree.Select(f => new PromptFact(2, functor[f.Head], f.Relation, functor[f.Tail]))).ToList();
        var text = new PromptText();
        for (var category = 1; category <= 2; category++)
        {
            var ofCategory = facts.Where(f => f.Category == category).ToList();
            var entities = category == 1 ? category1 : category2;
            for (var i = 0; i < ofCategory.Count; i++)
            {
                if (i > 0) text.Append(", ");
                text.Entity(entities[ofCategory[i].Head]);
                text.Append(ofCategory[i].Relation.ToString());
                text.Entity(entities[ofCategory[i].Tail]);
            }
            text.Append(". ");
        }
        var given = order.Take(settings.Given).Select(x => new FunctorPair(x, functor[x])).ToList();
        foreach (var pair in given)
        {
            text.Entity(category1[pair.Source]);
            text.Tilde();
            text.Entity(category2[pair.Image]);
            text.Append(", ");
        }
        var asked = new FunctorPair(order[settings.Given], functor[order[settings.Given]]);
        text.Entity(category1[asked.Source]);
        text.Tilde();
        text.Append("<e");
        return new AnalogyPrompt(text.ToString(), settings, seed, category1, category2, functor, facts,
            text.Occurrences, text.Tildes, given, asked);
    }

    /// <summary>Category 2: K of 1 … 9; category 1: K of the rest of 1 … max(9, 2K); each in drawing order.</summary>
    private static (int[] Category1, int[] Category2) DrawNumbers(WorldRandom random, int k)
    {
        var category2 = random.PermutationPrefix(9, k).Select(n => n + 1).ToArray();
        var rest = Enumerable.Range(1, Math.Max(9, 2 * k)).Except(category2).ToList();
        random.Shuffle(rest);
        return ([.. rest.Take(k)], category2);
    }

    /// <summary>K − 1 edges (parent, letter, child) of a random tree rooted at index 0, distinct letters per parent.</summary>
    private static List<PromptFact> DrawTree(WorldRandom random, int k, int relations)
    {
        var letters = Enumerable.Range(0, k).Select(_ => Enumerable.Range(0, relations).Select(r => (char)('a' + r)).ToList()).ToList();
        var edges = new List<PromptFact>(k - 1);
        for (var child = 1; child < k; child++)
        {
            var open = Enumerable.Range(0, child).Where(j => letters[j].Count > 0).ToList();
            var parent = open[random.NextInt(open.Count)];
            var free = letters[parent];
            var letter = free[random.NextInt(free.Count)];
            free.Remove(letter);
            edges.Add(new PromptFact(1, parent, letter, child));
        }
        return edges;
    }

    /// <summary>The text under construction with the spans of what it writes.</summary>
    private sealed class PromptText
    {
        private readonly StringBuilder _text = new();
        public List<EntityOccurrence> Occurrences { get; } = [];
        public List<TextSpan> Tildes { get; } = [];

        public void Append(string part) => _text.Append(part);

        public void Entity(PromptEntity entity)
        {
            var start = _text.Length;
            var digits = entity.Number.ToString(System.Globalization.CultureInfo.InvariantCulture);
            _text.Append("<e").Append(digits).Append('>');
            Occurrences.Add(new EntityOccurrence(entity, new TextSpan(start, digits.Length + 3), new TextSpan(start + 2, digits.Length)));
        }

        public void Tilde()
        {
            Tildes.Add(new TextSpan(_text.Length, 1));
            _text.Append('~');
        }

        public override string ToString() => _text.ToString();
    }
}
