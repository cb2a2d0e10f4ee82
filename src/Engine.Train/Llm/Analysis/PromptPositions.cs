using Engine.Train.Llm.Prompts;

namespace Engine.Train.Llm.Analysis;

/// <summary>
/// Where a prompt's parts sit among its tokens, found from each token's character span (a token with an empty span,
/// such as BOS, holds no text): per entity, the token positions its vector averages (one position in
/// <see cref="EntityVectorMode.LastDigit"/> mode), and the position of every <c>~</c>.
/// </summary>
public sealed class PromptPositions
{
    private readonly Dictionary<PromptEntity, int[]> _entities = [];

    /// <summary>The token holding each <c>~</c>, in text order (the last is the asked correspondence's).</summary>
    public IReadOnlyList<int> Tildes { get; }

    /// <summary>The token positions whose mean is the entity's vector.</summary>
    public IReadOnlyList<int> Entity(PromptEntity entity) => _entities[entity];

    /// <summary>Finds the parts of <paramref name="prompt"/> among tokens whose characters in its text are <paramref name="tokenSpans"/>,
    /// entity vectors taken as <paramref name="mode"/> says.</summary>
    /// <exception cref="ArgumentException">No token covers an entity's digits or a <c>~</c> (the spans are not of this text).</exception>
    public PromptPositions(AnalogyPrompt prompt, IReadOnlyList<TextSpan> tokenSpans, EntityVectorMode mode)
    {
        foreach (var entity in prompt.Category1.Concat(prompt.Category2))
        {
            var occurrence = prompt.LastOccurrence(entity);
            int[] positions = mode == EntityVectorMode.LastDigit
                ? [Covering(tokenSpans, occurrence.Digits, entity.Marker).Max()]
                : [.. Covering(tokenSpans, occurrence.Marker, entity.Marker)];
            _entities[entity] = positions;
        }
        Tildes = [.. prompt.Tildes.Select(t => Covering(tokenSpans, t, "~").Single())];
    }

    /// <summary>Every position the forward pass must read: all of them (0 … T−1; the normaliser is a mean over all).</summary>
    public static int[] All(int tokenCount) => [.. Enumerable.Range(0, tokenCount)];

    private static List<int> Covering(IReadOnlyList<TextSpan> tokenSpans, TextSpan span, string what)
    {
        var found = new List<int>();
        for (var t = 0; t < tokenSpans.Count; t++)
        {
            if (tokenSpans[t].Length > 0 && tokenSpans[t].Overlaps(span)) found.Add(t);
        }
        if (found.Count == 0)
            throw new ArgumentException($"no token covers characters {span.Start}…{span.End - 1} ({what}) of the prompt");
        return found;
    }
}
