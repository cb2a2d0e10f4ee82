using System.Text.Json.Nodes;
using Engine.Train.Llm;
using Engine.Train.Tests.Llm.Fixtures;
using NUnit.Framework;

namespace Engine.Train.Tests.Llm.Checkpoint;

/// <summary>Both tokenizer files of HF folders through Microsoft.ML.Tokenizers: ids, character spans, BOS, decoding, errors.</summary>
[TestFixture]
[Category("Llm")]
public sealed class LlmTokenizerTests
{
    private const string Prompt = "<e1>a<e2>, <e1>b<e3>. <e6>a<e4>, <e6>b<e7>. <e1>~<e6>, <e3>~<e";

    private string _root = "";

    [SetUp]
    public void SetUp() => _root = Directory.CreateTempSubdirectory("engine-llm-tokenizer-").FullName;

    [TearDown]
    public void TearDown() => Directory.Delete(_root, recursive: true);

    private string NewDir() => Directory.CreateDirectory(Path.Combine(_root, Guid.NewGuid().ToString("N")[..8])).FullName;

    private (LlmTokenizer Tokenizer, TinyVocabulary Vocabulary, string Dir) Open(TinyTokenizerKind kind, bool dummyPrefix = false)
    {
        var dir = NewDir();
        var vocabulary = kind == TinyTokenizerKind.SentencePieceModel
            ? TinyTokenizerFiles.WriteSentencePieceModel(dir, dummyPrefix)
            : TinyTokenizerFiles.WriteByteLevelBpeJson(dir);
        return (LlmTokenizer.Open(dir), vocabulary, dir);
    }

    private static string Error(string dir) => Assert.Throws<LlmInputException>(() => LlmTokenizer.Open(dir))!.Message;

    [Test]
    public void SentencePieceSplitsAsItsMergesSay()
    {
        var (tokenizer, vocabulary, _) = Open(TinyTokenizerKind.SentencePieceModel);
        var tokens = tokenizer.Encode("<e1>a<e2>, <e3>~<e", addBos: false);
        Assert.That(tokens.Ids.Select(id => vocabulary.Pieces[id]), Is.EqualTo(new[] { "<e", "1", ">", "a", "<e", "2", ">,", "▁<e", "3", ">", "~", "<e" }));
    }

    [Test]
    public void ByteLevelBpeSplitsAsLlama3sRegexAndMergesSay()
    {
        var (tokenizer, vocabulary, _) = Open(TinyTokenizerKind.ByteLevelBpeJson);
        var tokens = tokenizer.Encode("<e1>a<e2>, <e3>~<e", addBos: false);
        // Regex pieces: "<e" "1" ">a" "<e" "2" ">," " <" "e" "3" ">~<" "e"; merges then join only within a piece.
        Assert.That(tokens.Ids.Select(id => vocabulary.Pieces[id]), Is.EqualTo(new[] { "<e", "1", ">", "a", "<e", "2", ">,", "Ġ<", "e", "3", ">", "~", "<", "e" }));
    }

    [TestCase(TinyTokenizerKind.SentencePieceModel, false, TestName = "SpansMapEveryTokenBackToThePrompt(Gemma tokenizer.model)")]
    [TestCase(TinyTokenizerKind.SentencePieceModel, true, TestName = "SpansMapEveryTokenBackToThePrompt(Llama-2 tokenizer.model, dummy prefix)")]
    [TestCase(TinyTokenizerKind.ByteLevelBpeJson, false, TestName = "SpansMapEveryTokenBackToThePrompt(Llama-3 tokenizer.json)")]
    public void SpansMapEveryTokenBackToThePrompt(TinyTokenizerKind kind, bool dummyPrefix)
    {
        var (tokenizer, vocabulary, _) = Open(kind, dummyPrefix);
        var tokens = tokenizer.Encode(Prompt, addBos: true);
        Assert.That(tokens.Ids[0], Is.EqualTo(vocabulary.BosId));
        Assert.That(tokens.Spans[0].Length, Is.Zero, "BOS holds no text");
        var rebuilt = string.Concat(tokens.Spans.Skip(1).Select(s => Prompt.Substring(s.Start, s.Length)));
        Assert.That(rebuilt, Is.EqualTo(Prompt), "the spans tile the text");
        for (var i = 2; i < tokens.Count; i++) Assert.That(tokens.Spans[i].Start, Is.EqualTo(tokens.Spans[i - 1].End), $"token {i} follows token {i - 1}");
        for (var i = 1; i < tokens.Count; i++)
        {
            var text = Prompt.Substring(tokens.Spans[i].Start, tokens.Spans[i].Length);
            var decoded = tokenizer.Decode(tokens.Ids[i]);
            // With the dummy prefix the first token's "▁" decodes to nothing; it covers no character of the text.
            Assert.That(decoded.TrimStart(), Is.EqualTo(text.TrimStart()), $"token {i}");
        }
        Assert.That(tokenizer.Decode(tokens.Ids.Skip(1)).TrimStart(), Is.EqualTo(Prompt));
    }

    [Test]
    public void EveryDigitIsOneTokenAndTheAskedDigitIsFound([Values] TinyTokenizerKind kind)
    {
        var (tokenizer, vocabulary, _) = Open(kind);
        foreach (var digit in "0123456789")
            Assert.That(tokenizer.SingleTokenId(digit.ToString()), Is.EqualTo(vocabulary.IdOf(digit.ToString())), $"digit {digit}");
        var tokens = tokenizer.Encode(Prompt + "7", addBos: false);
        Assert.That(tokens.Ids[^1], Is.EqualTo(tokenizer.SingleTokenId("7")), "the answer continues the prompt as the single token");
        Assert.That(tokenizer.SingleTokenId("<e1>"), Is.Null, "several tokens");
        var spaceLess = kind == TinyTokenizerKind.SentencePieceModel ? "▁<e" : "Ġ<";
        Assert.That(tokenizer.SingleTokenId(spaceLess.Replace('▁', ' ').Replace('Ġ', ' ')), Is.EqualTo(vocabulary.IdOf(spaceLess)), "a space is spelled as the model spells it");
    }

    [Test]
    public void BosComesFromTheModelOrTheConfig([Values] TinyTokenizerKind kind)
    {
        var (tokenizer, vocabulary, dir) = Open(kind);
        Assert.That(tokenizer.BosTokenId, Is.EqualTo(vocabulary.BosId));
        Assert.That(tokenizer.Decode(vocabulary.BosId), Is.EqualTo(vocabulary.Pieces[vocabulary.BosId]));
        var overridden = LlmTokenizer.Open(dir, bosTokenId: vocabulary.EosId);
        Assert.That(overridden.Encode("a", addBos: true).Ids, Is.EqualTo(new[] { vocabulary.EosId, vocabulary.IdOf("a") }));
        Assert.That(tokenizer.Encode("a", addBos: false).Ids, Is.EqualTo(new[] { vocabulary.IdOf("a") }));
    }

    [Test]
    public void SpecialTokenInTheTextIsOneToken()
    {
        var (tokenizer, vocabulary, _) = Open(TinyTokenizerKind.ByteLevelBpeJson);
        var text = "a<|end_of_text|>b";
        var tokens = tokenizer.Encode(text, addBos: false);
        Assert.That(tokens.Ids, Is.EqualTo(new[] { vocabulary.IdOf("a"), vocabulary.EosId, vocabulary.IdOf("b") }));
        Assert.That(text.Substring(tokens.Spans[1].Start, tokens.Spans[1].Length), Is.EqualTo("<|end_of_text|>"));
    }

    [Test]
    public void MergesWrittenAsStringsReadTheSame()
    {
        var (tokenizer, _, dir) = Open(TinyTokenizerKind.ByteLevelBpeJson);
        var path = Path.Combine(dir, "tokenizer.json");
        var json = JsonNode.Parse(File.ReadAllText(path))!;
        var merges = json["model"]!["merges"]!.AsArray().Select(m => (JsonNode)JsonValue.Create($"{m![0]} {m[1]}")!).ToArray();
        json["model"]!["merges"] = new JsonArray(merges);
        File.WriteAllText(path, json.ToJsonString());
        Assert.That(LlmTokenizer.Open(dir).Encode(Prompt, addBos: true).Ids, Is.EqualTo(tokenizer.Encode(Prompt, addBos: true).Ids));
    }

    [Test]
    public void SentencePieceModelIsPreferredWhenBothFilesAreThere()
    {
        var dir = NewDir();
        TinyTokenizerFiles.WriteByteLevelBpeJson(dir);
        var vocabulary = TinyTokenizerFiles.WriteSentencePieceModel(dir);
        var tokenizer = LlmTokenizer.Open(dir);
        Assert.That(tokenizer.Path, Is.EqualTo(Path.Combine(dir, "tokenizer.model")));
        Assert.That(tokenizer.Encode(" <e", addBos: false).Ids, Is.EqualTo(new[] { vocabulary.IdOf("▁<e") }));
    }

    [Test]
    public void BadTokenizerFilesAreOneLineNamingTheFile()
    {
        var empty = NewDir();
        Assert.That(Error(empty), Is.EqualTo($"{empty}: no tokenizer.model or tokenizer.json"));

        var garbage = NewDir();
        File.WriteAllBytes(Path.Combine(garbage, "tokenizer.model"), [0xFF, 0xFF, 0xFF, 0x07, 0x01]);
        Assert.That(Error(garbage), Does.StartWith($"{Path.Combine(garbage, "tokenizer.model")}: not a SentencePiece model"));

        var notJson = NewDir();
        File.WriteAllText(Path.Combine(notJson, "tokenizer.json"), "{\"model\": ");
        Assert.That(Error(notJson), Does.StartWith($"{Path.Combine(notJson, "tokenizer.json")}: not valid JSON"));

        var (_, _, dir) = Open(TinyTokenizerKind.ByteLevelBpeJson);
        var path = Path.Combine(dir, "tokenizer.json");
        var original = File.ReadAllText(path);
        var wordPiece = JsonNode.Parse(original)!;
        wordPiece["model"]!["type"] = "WordPiece";
        File.WriteAllText(path, wordPiece.ToJsonString());
        Assert.That(Error(dir), Is.EqualTo($"{path}: model.type is 'WordPiece'; supported: BPE (byte-level), Unigram"));

        var sentencePieceStyle = JsonNode.Parse(original)!;
        sentencePieceStyle["pre_tokenizer"] = null;
        File.WriteAllText(path, sentencePieceStyle.ToJsonString());
        Assert.That(Error(dir), Does.StartWith($"{path}: a BPE model without a ByteLevel pre-tokenizer"));

        foreach (var message in new[] { Error(empty), Error(garbage), Error(notJson), Error(dir) })
            Assert.That(message, Does.Not.Contain("\n"));
    }
}
