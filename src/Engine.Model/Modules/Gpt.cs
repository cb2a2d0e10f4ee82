using System.Numerics;
using Engine.Kernels;

namespace Engine.Model;

/// <summary>
/// The GPT-2-like decoder of TASK.md section 3: token embedding, pre-LN blocks with rotary causal
/// attention, a final LayerNorm, and an output head (untied, or tied to the embedding). Logits are
/// computed only at each sequence's supervised position. Legend: B sequences, T tokens, C channels,
/// V vocabulary, NH heads.
/// </summary>
public sealed class Gpt<T> : IDisposable where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly Tensor<T>[] _attentionProbabilities;
    private readonly List<KeyValuePair<string, Tensor<T>>> _stateDict = [];

    /// <summary>
    /// Builds the model on <paramref name="device"/> and initialises every parameter from <paramref name="seed"/>:
    /// Linear/Embedding weights N(0, InitStd²), biases 0, LayerNorm γ 1 and β 0.
    /// </summary>
    /// <exception cref="ArgumentException">The config is invalid (see <see cref="GptConfig.Validate"/>).</exception>
    public Gpt(GptConfig config, Device device, ulong seed)
    {
        ArgumentNullException.ThrowIfNull(config);
        config.Validate();
        Config = config;
        Parameters = new ParameterStore<T>(device);
        // Declaration order = the reference state_dict order, so initialisation consumes the seed in that order.
        TokenEmbedding = new Embedding<T>(Parameters, "tok_emb", config.VocabSize, config.Width, config.InitStd);
        var blocks = new Block<T>[config.Depth];
        for (var i = 0; i < blocks.Length; i++) blocks[i] = new Block<T>(Parameters, $"blocks.{i}", config);
        Blocks = blocks;
        FinalNorm = new LayerNorm<T>(Parameters, "ln_f", config.Width, config.LayerNormEps);
        Head = config.Tied
            ? new Linear<T>("head", TokenEmbedding.Weight, bias: null)
            : new Linear<T>(Parameters, "head", config.Width, config.VocabSize, withBias: false, config.InitStd);
        Parameters.Materialize(seed);

        foreach (var p in Parameters.Parameters) _stateDict.Add(new(p.Name, p));
        if (config.Tied) _stateDict.Add(new("head.weight", TokenEmbedding.Weight));
        _attentionProbabilities = new Tensor<T>[config.Depth];
    }

    public GptConfig Config { get; }

    public Device Device => Parameters.Device;

    /// <summary>Every parameter, in one flat value buffer and one flat gradient buffer.</summary>
    public ParameterStore<T> Parameters { get; }

    public Embedding<T> TokenEmbedding { get; }

    public IReadOnlyList<Block<T>> Blocks { get; }

    public LayerNorm<T> FinalNorm { get; }

    /// <summary>The output head; its weight is <c>TokenEmbedding.Weight</c> when tied.</summary>
    public Linear<T> Head { get; }

    /// <summary>
    /// The checkpoint view: (name, tensor) in the reference state_dict order, names as TASK.md section 7.
    /// With tying, "head.weight" is listed last and is the embedding tensor itself.
    /// </summary>
    public IReadOnlyList<KeyValuePair<string, Tensor<T>>> StateDict => _stateDict;

    /// <summary>
    /// Per layer, the attention probabilities (B,NH,T,T) of the last forward pass (valid until the tape is reset).
    /// </summary>
    public IReadOnlyList<Tensor<T>> AttentionProbabilities => _attentionProbabilities;

    /// <summary>Sets every parameter gradient to zero (one fill).</summary>
    public void ZeroGrad() => Parameters.ZeroGrad();

    /// <summary>
    /// The forward pass: reads all B·T tokens, runs the blocks (the last one only at the selected rows),
    /// and returns logits (B,V) at each sequence's supervised position plus, with targets, the mean
    /// cross-entropy. Records on <paramref name="tape"/> unless it is in a no-grad scope. With
    /// <paramref name="residuals"/>, also copies the residual stream at the supervised positions after the
    /// embedding and after every block into its buffers (for layer-wise analyses).
    /// </summary>
    /// <exception cref="ArgumentException">The batch sizes are not positive, views are too short, or the capture's buffers do not fit.</exception>
    public GptOutput<T> Forward(Tape<T> tape, GptBatch batch, ResidualCapture<T>? residuals = null)
    {
        ArgumentNullException.ThrowIfNull(tape);
        var (b, t, c) = (batch.BatchSize, batch.SequenceLength, Config.Width);
        if (b < 1 || t < 1 || batch.Tokens.Length < b * t || batch.SelectedRows.Length < b)
            throw new ArgumentException($"batch {b}×{t} with {batch.Tokens.Length} tokens and {batch.SelectedRows.Length} rows is inconsistent", nameof(batch));
        residuals?.Check(Config.Depth, b, c);

        var x = TokenEmbedding.Forward(tape, batch.Tokens.Slice(0, b * t), b * t); // (B·T,C)
        residuals?.Gather(Device, 0, x, batch.SelectedRows, b, c);
        x = tape.Reshape(x, Shape.Of(b, t, c));                                     // (B,T,C)
        for (var i = 0; i < Blocks.Count - 1; i++)
        {
            x = Blocks[i].Forward(tape, x, out _attentionProbabilities[i]);
            residuals?.Gather(Device, i + 1, x, batch.SelectedRows, b, c);
        }
        var last = Blocks.Count - 1;
        var selected = Blocks[last].ForwardSelected(tape, x, batch.SelectedRows, b, out _attentionProbabilities[last]); // (B,C)
        residuals?.Copy(Device, last + 1, selected, b, c);
        var hidden = FinalNorm.Forward(tape, selected);                             // (B,C)
        var logits = Head.Forward(tape, hidden);                                    // (B,V)
        if (!batch.HasTargets) return new GptOutput<T>(hidden, logits, null, null);
        var loss = CrossEntropyOp.Forward(tape, logits, batch.Targets, "loss", out var losses);
        return new GptOutput<T>(hidden, logits, loss, losses);
    }

    public void Dispose() => Parameters.Dispose();
}
