using System.Text.Json;
using System.Text.Json.Nodes;

namespace Engine.Train.Tests.Llm.Fixtures;

/// <summary>The pieces of a test tokenizer by id, and its special ids.</summary>
public sealed record TinyVocabulary(IReadOnlyList<string> Pieces, int BosId, int EosId)
{
    public int Size => Pieces.Count;

    public int IdOf(string piece)
    {
        var id = Pieces.ToList().IndexOf(piece);
        return id >= 0 ? id : throw new ArgumentException($"no piece '{piece}'", nameof(piece));
    }
}

/// <summary>
/// Writes small tokenizers in the two on-disk forms Hugging Face folders carry. Both cover the analogy prompts'
/// alphabet — <c>&lt; &gt; ~ , .</c>, space, digits 0–9 and letters a–z — with every digit a token of its own (so the
/// expected next token "7" is one token), plus a few merges (<c>&lt;e</c>, <c>&gt;,</c>, <c>&gt;.</c>, space-<c>&lt;</c>) so
/// that tokens longer than one character occur.
/// </summary>
public static class TinyTokenizerFiles
{
    /// <summary>The characters every test tokenizer has a piece for (space aside).</summary>
    public const string Alphabet = "<>~,.0123456789abcdefghijklmnopqrstuvwxyz";

    /// <summary>
    /// A SentencePiece BPE <c>tokenizer.model</c> in Gemma's layout: &lt;pad&gt; 0, &lt;eos&gt; 1, &lt;bos&gt; 2, &lt;unk&gt; 3, then
    /// the pieces; spaces become ▁ (escape_whitespaces), no dummy prefix, no whitespace folding. Merged pieces score
    /// higher (merge earlier) than single characters. Protobuf fields per sentencepiece_model.proto: ModelProto.pieces 1
    /// (piece 1, score 2, type 3: NORMAL 1, UNKNOWN 2, CONTROL 3), trainer_spec 2 (model_type 3 = BPE 2, vocab_size 4,
    /// unk_id 40, bos_id 41, eos_id 42, pad_id 43), normalizer_spec 3 (name 1, add_dummy_prefix 3,
    /// remove_extra_whitespaces 4, escape_whitespaces 5). <paramref name="addDummyPrefix"/>: Llama-2's "▁" before the text.
    /// </summary>
    public static TinyVocabulary WriteSentencePieceModel(string dir, bool addDummyPrefix = false)
    {
        const int normal = 1, unknown = 2, control = 3;
        var pieces = new List<(string Piece, float Score, int Type)>
        {
            ("<pad>", 0, control), ("<eos>", 0, control), ("<bos>", 0, control), ("<unk>", 0, unknown),
        };
        string[] merges = ["<e", "▁<", "▁<e", ">,", ">."];
        for (var i = 0; i < merges.Length; i++) pieces.Add((merges[i], -i, normal));
        var singles = "▁" + Alphabet;
        for (var i = 0; i < singles.Length; i++) pieces.Add((singles[i].ToString(), -100 - i, normal));

        var model = new ProtobufWriter();
        foreach (var (piece, score, type) in pieces)
            model.Message(1, new ProtobufWriter().String(1, piece).Float(2, score).Varint(3, type));
        model.Message(2, new ProtobufWriter().Varint(3, 2).Varint(4, pieces.Count)
            .Varint(40, 3).Varint(41, 2).Varint(42, 1).Varint(43, 0));
        model.Message(3, new ProtobufWriter().String(1, "identity").Bool(3, addDummyPrefix).Bool(4, false).Bool(5, true));
        File.WriteAllBytes(Path.Combine(dir, "tokenizer.model"), model.ToArray());
        return new TinyVocabulary([.. pieces.Select(p => p.Piece)], BosId: 2, EosId: 1);
    }

    /// <summary>The pre-tokenizer regex of Llama-3's tokenizer.json (Split, behavior Isolated).</summary>
    public const string Llama3Pattern =
        @"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+";

    /// <summary>
    /// A Llama-3 style byte-level BPE <c>tokenizer.json</c>: model.type "BPE" with vocab and merges in GPT-2's byte-to-
    /// unicode alphabet (space is "Ġ"), the Split regex + ByteLevel pre-tokenizer, and the specials
    /// &lt;|begin_of_text|&gt; / &lt;|end_of_text|&gt; after the ordinary vocabulary (added_tokens, special: true).
    /// </summary>
    public static TinyVocabulary WriteByteLevelBpeJson(string dir)
    {
        var pieces = new List<string>();
        pieces.AddRange(Alphabet.Select(c => c.ToString()));
        pieces.Add("Ġ");
        string[][] merges = [["<", "e"], ["Ġ", "<"], [">", ","], [">", "."]];
        pieces.AddRange(merges.Select(m => m[0] + m[1]));
        var bos = pieces.Count;
        pieces.Add("<|begin_of_text|>");
        var eos = pieces.Count;
        pieces.Add("<|end_of_text|>");

        var vocab = new JsonObject();
        for (var i = 0; i < bos; i++) vocab[pieces[i]] = i;
        var json = new JsonObject
        {
            ["version"] = "1.0",
            ["truncation"] = null,
            ["padding"] = null,
            ["added_tokens"] = new JsonArray(AddedToken(bos, pieces[bos]), AddedToken(eos, pieces[eos])),
            ["normalizer"] = null,
            ["pre_tokenizer"] = new JsonObject
            {
                ["type"] = "Sequence",
                ["pretokenizers"] = new JsonArray(
                    new JsonObject
                    {
                        ["type"] = "Split",
                        ["pattern"] = new JsonObject { ["Regex"] = Llama3Pattern },
                        ["behavior"] = "Isolated",
                        ["invert"] = false,
                    },
                    new JsonObject { ["type"] = "ByteLevel", ["add_prefix_space"] = false, ["trim_offsets"] = true, ["use_regex"] = false }),
            },
            ["post_processor"] = new JsonObject
            {
                ["type"] = "TemplateProcessing",
                ["single"] = new JsonArray(
                    new JsonObject { ["SpecialToken"] = new JsonObject { ["id"] = pieces[bos], ["type_id"] = 0 } },
                    new JsonObject { ["Sequence"] = new JsonObject { ["id"] = "A", ["type_id"] = 0 } }),
                ["special_tokens"] = new JsonObject
                {
                    [pieces[bos]] = new JsonObject { ["id"] = pieces[bos], ["ids"] = new JsonArray(bos), ["tokens"] = new JsonArray(pieces[bos]) },
                },
            },
            ["decoder"] = new JsonObject { ["type"] = "ByteLevel", ["add_prefix_space"] = true, ["trim_offsets"] = true, ["use_regex"] = true },
            ["model"] = new JsonObject
            {
                ["type"] = "BPE",
                ["dropout"] = null,
                ["unk_token"] = null,
                ["continuing_subword_prefix"] = null,
                ["end_of_word_suffix"] = null,
                ["fuse_unk"] = false,
                ["byte_fallback"] = false,
                ["ignore_merges"] = true,
                ["vocab"] = vocab,
                ["merges"] = new JsonArray([.. merges.Select(m => (JsonNode)new JsonArray(m[0], m[1]))]),
            },
        };
        File.WriteAllText(Path.Combine(dir, "tokenizer.json"), json.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
        return new TinyVocabulary(pieces, bos, eos);
    }

    private static JsonObject AddedToken(int id, string content) => new()
    {
        ["id"] = id,
        ["content"] = content,
        ["single_word"] = false,
        ["lstrip"] = false,
        ["rstrip"] = false,
        ["normalized"] = false,
        ["special"] = true,
    };
}
