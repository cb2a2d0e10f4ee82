using Engine.Train.Llm;

namespace Engine.Train.Tests.Llm.Fixtures;

/// <summary>How the test writes a tokenizer: a SentencePiece <c>tokenizer.model</c> (Gemma, Llama-2) or a byte-level BPE <c>tokenizer.json</c> (Llama-3).</summary>
public enum TinyTokenizerKind
{
    SentencePieceModel,
    ByteLevelBpeJson,
}

/// <summary>
/// A small random decoder to be written in the real Hugging Face layout. The vocabulary size comes from the tokenizer
/// (<see cref="TinyTokenizerFiles"/>). <see cref="DType"/> is the on-disk dtype ("BF16", "F16", "F32");
/// <see cref="Shards"/> &gt; 1 writes model-0000i-of-0000n.safetensors with model.safetensors.index.json.
/// </summary>
public sealed record TinyLlmSpec(
    LlmArchitecture Architecture,
    int Hidden = 16,
    int Intermediate = 24,
    int Layers = 2,
    int Heads = 4,
    int KvHeads = 2,
    int HeadDim = 4,
    string DType = "BF16",
    int Shards = 1,
    bool Tied = false,
    bool Llama3RopeScaling = false,
    int? SlidingWindow = 4,
    double AttentionSoftcap = 50,
    double FinalLogitSoftcap = 30,
    double QueryPreAttnScalar = 4,
    double RopeTheta = 10000,
    double RmsNormEps = 1e-6,
    TinyTokenizerKind? Tokenizer = null,
    int Seed = 1)
{
    /// <summary>Gemma-2 style: tied, sliding window on even layers, soft-caps, tokenizer.model.</summary>
    public static TinyLlmSpec Gemma2(int seed = 1) => new(LlmArchitecture.Gemma2, Tied: true, Seed: seed);

    /// <summary>Llama-3 style: untied, llama3 rope scaling, byte-level BPE tokenizer.json.</summary>
    public static TinyLlmSpec Llama(int seed = 1) => new(LlmArchitecture.Llama, Llama3RopeScaling: true, SlidingWindow: null, Seed: seed);

    /// <summary>The tokenizer written: <see cref="Tokenizer"/>, else SentencePiece for Gemma-2 and byte-level BPE for Llama.</summary>
    public TinyTokenizerKind TokenizerKind => Tokenizer ?? (Architecture == LlmArchitecture.Gemma2 ? TinyTokenizerKind.SentencePieceModel : TinyTokenizerKind.ByteLevelBpeJson);
}
