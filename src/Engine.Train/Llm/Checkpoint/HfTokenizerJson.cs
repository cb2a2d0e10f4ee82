using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.ML.Tokenizers;

namespace Engine.Train.Llm;

/// <summary>
/// Builds a Microsoft.ML.Tokenizers tokenizer from a Hugging Face <c>tokenizer.json</c>: a byte-level BPE (Llama-3,
/// GPT-2 style: model.type "BPE" with a ByteLevel pre-tokenizer, the Split regex when there is one) becomes a
/// <see cref="BpeTokenizer"/> with ByteLevel on, the vocab, merges and added tokens; a Unigram model goes to
/// <see cref="SentencePieceTokenizer.CreateFromTokenizerJson"/>. Other layouts are refused with one line.
/// Not modelled: BPE <c>ignore_merges</c> (a pre-token found whole in the vocab is then still merged pair by pair;
/// for the analogy prompts' characters the two agree).
/// </summary>
internal static class HfTokenizerJson
{
    /// <summary>GPT-2's pre-tokenizer regex, used by a ByteLevel pre-tokenizer with use_regex and no Split.</summary>
    private const string Gpt2Pattern = @"'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+";

    public static (Tokenizer Tokenizer, int? BosId) Create(string path)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(File.ReadAllBytes(path));
        }
        catch (JsonException e)
        {
            throw new LlmInputException($"{path}: not valid JSON: {e.Message}", e);
        }
        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("model", out var model) || model.ValueKind != JsonValueKind.Object)
                throw new LlmInputException($"{path}: has no 'model' object");
            var type = model.TryGetProperty("type", out var t) && t.ValueKind == JsonValueKind.String ? t.GetString() : null;
            var added = AddedTokens(path, root);
            if (type == "Unigram")
            {
                using var stream = File.OpenRead(path);
                var unigram = SentencePieceTokenizer.CreateFromTokenizerJson(stream, addBeginningOfSentence: false, addEndOfSentence: false);
                return (unigram, BosFromPostProcessor(root, added));
            }
            if (type != "BPE") throw new LlmInputException($"{path}: model.type is '{type ?? "missing"}'; supported: BPE (byte-level), Unigram");
            var (byteLevel, pattern) = PreTokenizer(path, root);
            if (!byteLevel)
                throw new LlmInputException($"{path}: a BPE model without a ByteLevel pre-tokenizer (SentencePiece-style, as Gemma's) is read from tokenizer.model; put that file beside it");
            var options = new BpeOptions(Vocab(path, model))
            {
                Merges = Merges(path, model),
                ByteLevel = true,
                SpecialTokens = added,
                PreTokenizer = new RegexPreTokenizer(new Regex(pattern, RegexOptions.Compiled), added),
            };
            return (BpeTokenizer.Create(options), BosFromPostProcessor(root, added));
        }
    }

    private static Dictionary<string, int> AddedTokens(string path, JsonElement root)
    {
        var added = new Dictionary<string, int>(StringComparer.Ordinal);
        if (!root.TryGetProperty("added_tokens", out var list) || list.ValueKind == JsonValueKind.Null) return added;
        if (list.ValueKind != JsonValueKind.Array) throw new LlmInputException($"{path}: 'added_tokens' is not a list");
        foreach (var token in list.EnumerateArray())
        {
            if (!token.TryGetProperty("content", out var content) || content.ValueKind != JsonValueKind.String
                || !token.TryGetProperty("id", out var id) || !id.TryGetInt32(out var value))
                throw new LlmInputException($"{path}: an 'added_tokens' entry lacks content or id");
            added[content.GetString()!] = value;
        }
        return added;
    }

    private static List<KeyValuePair<string, int>> Vocab(string path, JsonElement model)
    {
        if (!model.TryGetProperty("vocab", out var vocab) || vocab.ValueKind != JsonValueKind.Object)
            throw new LlmInputException($"{path}: model.vocab is not an object of token → id");
        var result = new List<KeyValuePair<string, int>>();
        foreach (var entry in vocab.EnumerateObject())
        {
            if (!entry.Value.TryGetInt32(out var id)) throw new LlmInputException($"{path}: model.vocab entry '{entry.Name}' is not an integer id");
            result.Add(new(entry.Name, id));
        }
        return result;
    }

    /// <summary>Merges as "left right" lines: tokenizers writes either such strings or [left, right] pairs.</summary>
    private static List<string> Merges(string path, JsonElement model)
    {
        var result = new List<string>();
        if (!model.TryGetProperty("merges", out var merges) || merges.ValueKind == JsonValueKind.Null) return result;
        if (merges.ValueKind != JsonValueKind.Array) throw new LlmInputException($"{path}: model.merges is not a list");
        foreach (var merge in merges.EnumerateArray())
        {
            if (merge.ValueKind == JsonValueKind.String) result.Add(merge.GetString()!);
            else if (merge.ValueKind == JsonValueKind.Array && merge.GetArrayLength() == 2
                     && merge[0].ValueKind == JsonValueKind.String && merge[1].ValueKind == JsonValueKind.String)
                result.Add($"{merge[0].GetString()} {merge[1].GetString()}");
            else throw new LlmInputException($"{path}: model.merges entry {merge.GetRawText()} is neither \"a b\" nor [\"a\", \"b\"]");
        }
        return result;
    }

    /// <summary>Whether the pre-tokenizer is byte-level, and the regex that splits the text before BPE.</summary>
    private static (bool ByteLevel, string Pattern) PreTokenizer(string path, JsonElement root)
    {
        if (!root.TryGetProperty("pre_tokenizer", out var pre) || pre.ValueKind != JsonValueKind.Object) return (false, "");
        var steps = new List<JsonElement>();
        if (Type(pre) == "Sequence" && pre.TryGetProperty("pretokenizers", out var list) && list.ValueKind == JsonValueKind.Array)
            steps.AddRange(list.EnumerateArray());
        else steps.Add(pre);
        bool byteLevel = false, byteLevelRegex = false;
        string? split = null;
        foreach (var step in steps)
        {
            switch (Type(step))
            {
                case "ByteLevel":
                    byteLevel = true;
                    byteLevelRegex = !step.TryGetProperty("use_regex", out var useRegex) || useRegex.ValueKind != JsonValueKind.False;
                    if (step.TryGetProperty("add_prefix_space", out var prefix) && prefix.ValueKind == JsonValueKind.True)
                        throw new LlmInputException($"{path}: pre_tokenizer ByteLevel add_prefix_space true is not supported");
                    break;
                case "Split":
                    if (split is not null) throw new LlmInputException($"{path}: pre_tokenizer has more than one Split");
                    if (!step.TryGetProperty("pattern", out var pattern) || !pattern.TryGetProperty("Regex", out var regex) || regex.ValueKind != JsonValueKind.String)
                        throw new LlmInputException($"{path}: pre_tokenizer Split has no pattern.Regex");
                    var behavior = step.TryGetProperty("behavior", out var b) ? b.GetString() : null;
                    if (behavior != "Isolated" || step.TryGetProperty("invert", out var invert) && invert.ValueKind == JsonValueKind.True)
                        throw new LlmInputException($"{path}: pre_tokenizer Split behavior '{behavior}' is not supported (Isolated, not inverted)");
                    split = regex.GetString()!;
                    break;
                default:
                    throw new LlmInputException($"{path}: pre_tokenizer step '{Type(step)}' is not supported (Split, ByteLevel)");
            }
        }
        if (split is not null && byteLevelRegex) throw new LlmInputException($"{path}: pre_tokenizer has both a Split and a ByteLevel regex");
        return (byteLevel, split ?? Gpt2Pattern);
    }

    private static string? Type(JsonElement step) =>
        step.TryGetProperty("type", out var t) && t.ValueKind == JsonValueKind.String ? t.GetString() : null;

    /// <summary>The first SpecialToken of the TemplateProcessing "single" template (Llama-3: &lt;|begin_of_text|&gt;).</summary>
    private static int? BosFromPostProcessor(JsonElement root, Dictionary<string, int> added)
    {
        if (!root.TryGetProperty("post_processor", out var post) || post.ValueKind != JsonValueKind.Object) return null;
        var templates = new List<JsonElement>();
        if (Type(post) == "TemplateProcessing") templates.Add(post);
        else if (Type(post) == "Sequence" && post.TryGetProperty("processors", out var list) && list.ValueKind == JsonValueKind.Array)
            templates.AddRange(list.EnumerateArray().Where(p => Type(p) == "TemplateProcessing"));
        foreach (var template in templates)
        {
            if (!template.TryGetProperty("single", out var single) || single.ValueKind != JsonValueKind.Array || single.GetArrayLength() == 0) continue;
            if (single[0].TryGetProperty("SpecialToken", out var special) && special.TryGetProperty("id", out var id)
                && id.ValueKind == JsonValueKind.String && added.TryGetValue(id.GetString()!, out var bos))
                return bos;
        }
        return null;
    }
}
