using Engine.Train.Llm.Prompts;

namespace Engine.Train.Llm;

/// <summary>
/// A tokenised text: token ids and, per token, the characters of the text it stands for (BOS and other added
/// specials have an empty span at 0). Spans are in the caller's text, in order and non-overlapping.
/// </summary>
public sealed record LlmTokens(int[] Ids, TextSpan[] Spans)
{
    public int Count => Ids.Length;
}
