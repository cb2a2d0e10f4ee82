using Engine.Train.Llm.Prompts;
using Microsoft.ML.Tokenizers;

namespace Engine.Train.Llm;

/// <summary>
/// The tokenizer of a Hugging Face model folder, by Microsoft.ML.Tokenizers: <c>tokenizer.model</c> (SentencePiece,
/// Gemma and Llama-2) when present, else <c>tokenizer.json</c> (byte-level BPE as Llama-3's, or Unigram). Encoding
/// returns each token's characters in the caller's text, so a prompt's parts can be found among its tokens.
/// </summary>
public sealed class LlmTokenizer
{
    /// <summary>SentencePiece model file name.</summary>
    public const string SentencePieceFileName = "tokenizer.model";

    /// <summary>Hugging Face tokenizers file name.</summary>
    public const string JsonFileName = "tokenizer.json";

    private readonly Tokenizer _tokenizer;
    private readonly IReadOnlyDictionary<string, int> _vocabulary;
    private readonly Dictionary<int, string> _pieces;

    private LlmTokenizer(Tokenizer tokenizer, string path, int? bosTokenId)
    {
        _tokenizer = tokenizer;
        Path = path;
        BosTokenId = bosTokenId;
        _vocabulary = tokenizer switch
        {
            SentencePieceTokenizer sp => sp.Vocabulary,
            BpeTokenizer bpe => bpe.Vocabulary,
            _ => new Dictionary<string, int>(),
        };
        var specials = tokenizer switch
        {
            SentencePieceTokenizer sp => sp.SpecialTokens,
            BpeTokenizer bpe => bpe.SpecialTokens,
            _ => null,
        } ?? new Dictionary<string, int>();
        _pieces = [];
        foreach (var (piece, id) in _vocabulary.Concat(specials)) _pieces.TryAdd(id, piece);
    }

    /// <summary>The tokenizer file read.</summary>
    public string Path { get; }

    /// <summary>The id <see cref="Encode"/> puts first when asked for BOS, or null when the folder names none.</summary>
    public int? BosTokenId { get; }

    /// <summary>
    /// Opens the tokenizer of <paramref name="modelDir"/>. BOS: <paramref name="bosTokenId"/> (config.json's
    /// bos_token_id) when given, else the SentencePiece model's bos_id or tokenizer.json's post-processor template.
    /// </summary>
    /// <exception cref="LlmInputException">Neither file is there, or the file is malformed or of an unsupported kind (one line naming it).</exception>
    public static LlmTokenizer Open(string modelDir, int? bosTokenId = null)
    {
        ArgumentNullException.ThrowIfNull(modelDir);
        if (!Directory.Exists(modelDir)) throw new LlmInputException($"{modelDir}: no such model folder");
        var model = System.IO.Path.Combine(modelDir, SentencePieceFileName);
        var json = System.IO.Path.Combine(modelDir, JsonFileName);
        if (File.Exists(model))
        {
            SentencePieceTokenizer tokenizer;
            try
            {
                using var stream = File.OpenRead(model);
                tokenizer = SentencePieceTokenizer.Create(stream, addBeginningOfSentence: false, addEndOfSentence: false);
            }
            catch (Exception e) when (e is not IOException and not UnauthorizedAccessException)
            {
                // The library throws ArgumentException / InvalidOperationException / protobuf errors on a bad model.
                throw new LlmInputException($"{model}: not a SentencePiece model: {OneLine(e.Message)}", e);
            }
            return new LlmTokenizer(tokenizer, model, bosTokenId ?? (tokenizer.BeginningOfSentenceId >= 0 ? tokenizer.BeginningOfSentenceId : null));
        }
        if (File.Exists(json))
        {
            try
            {
                var (tokenizer, bos) = HfTokenizerJson.Create(json);
                return new LlmTokenizer(tokenizer, json, bosTokenId ?? bos);
            }
            catch (Exception e) when (e is not LlmInputException and not IOException and not UnauthorizedAccessException)
            {
                throw new LlmInputException($"{json}: cannot build the tokenizer: {OneLine(e.Message)}", e);
            }
        }
        throw new LlmInputException($"{modelDir}: no {SentencePieceFileName} or {JsonFileName}");
    }

    /// <summary>
    /// Tokenises <paramref name="text"/> (BOS first when <paramref name="addBos"/>), with each token's character span in
    /// <paramref name="text"/>.
    /// </summary>
    /// <exception cref="InvalidOperationException">BOS asked for but the folder names no BOS token.</exception>
    public LlmTokens Encode(string text, bool addBos)
    {
        ArgumentNullException.ThrowIfNull(text);
        var ids = new List<int>();
        var spans = new List<TextSpan>();
        if (addBos)
        {
            ids.Add(BosTokenId ?? throw new InvalidOperationException($"{Path}: the model names no BOS token"));
            spans.Add(new TextSpan(0, 0));
        }
        var tokens = _tokenizer is SentencePieceTokenizer sp
            ? sp.EncodeToTokens(text, out var normalized, addBeginningOfSentence: false, addEndOfSentence: false)
            : _tokenizer.EncodeToTokens(text, out normalized);
        // Offsets are into the normalised text; SentencePiece's dummy prefix adds one "▁" before the text.
        var shift = normalized is { } n && n.Length == text.Length + 1 && n[0] == '▁' && (text.Length == 0 || text[0] != '▁') ? 1 : 0;
        foreach (var token in tokens)
        {
            var (start, length) = token.Offset.GetOffsetAndLength((normalized ?? text).Length);
            var from = Math.Clamp(start - shift, 0, text.Length);
            var to = Math.Clamp(start + length - shift, from, text.Length);
            ids.Add(token.Id);
            spans.Add(new TextSpan(from, to - from));
        }
        return new LlmTokens([.. ids], [.. spans]);
    }

    /// <summary>The text of one token (specials as their piece, e.g. "&lt;bos&gt;").</summary>
    public string Decode(int id)
    {
        if (id == BosTokenId && _pieces.TryGetValue(id, out var bos)) return bos;
        var text = _tokenizer.Decode([id]);
        return text.Length == 0 && _pieces.TryGetValue(id, out var piece) ? piece : text;
    }

    /// <summary>The text of a token sequence.</summary>
    public string Decode(IEnumerable<int> ids) => _tokenizer.Decode(ids);

    /// <summary>
    /// The id of the token that is exactly <paramref name="text"/> (e.g. the digit "7" an analogy prompt asks for):
    /// the vocabulary entry spelling it (with spaces as the model's ▁ or Ġ), else the single token <paramref name="text"/>
    /// encodes to; null when it takes more than one token.
    /// </summary>
    public int? SingleTokenId(string text)
    {
        ArgumentException.ThrowIfNullOrEmpty(text);
        var spelled = _tokenizer switch
        {
            SentencePieceTokenizer => text.Replace(' ', '▁'),
            BpeTokenizer { ByteLevel: true } => ByteLevelSpelling(text),
            _ => text,
        };
        if (_vocabulary.TryGetValue(spelled, out var id)) return id;
        var encoded = Encode(text, addBos: false);
        return encoded.Count == 1 ? encoded.Ids[0] : null;
    }

    /// <summary>GPT-2's byte-to-unicode alphabet for ASCII: printable characters stand for themselves, the others shift by 256 (space → Ġ).</summary>
    private static string ByteLevelSpelling(string text)
    {
        var bytes = System.Text.Encoding.UTF8.GetBytes(text);
        var chars = new char[bytes.Length];
        for (var i = 0; i < bytes.Length; i++)
        {
            var b = bytes[i];
            chars[i] = b is >= (byte)'!' and <= (byte)'~' or >= 0xA1 and <= 0xAC or >= 0xAE ? (char)b : (char)(256 + ByteLevelRank(b));
        }
        return new string(chars);
    }

    /// <summary>The rank of a byte among those GPT-2 remaps (0x00–0x20, 0x7F–0xA0, 0xAD), in byte order.</summary>
    private static int ByteLevelRank(byte b) => b <= 0x20 ? b : b <= 0xA0 ? b - 0x7F + 0x21 : 0x21 + 0x22;

    private static string OneLine(string message) => message.ReplaceLineEndings(" ").Trim();
}
