using Engine.Kernels;
using Engine.Model;
using Engine.Train.Probes;
using Engine.Train.Training;
using Engine.Train.World;

namespace Engine.Train.Analysis;

/// <summary>
/// The residual stream of a trained model at the predicting position, layer by layer — layer 0 the token embedding
/// there, layer ℓ the output of block ℓ — read through <see cref="ResidualCapture{T}"/> in chunks, without recording
/// gradients; and for facts, the logit lens at each layer. Legend: n inputs, C channels, L blocks, V vocabulary.
/// </summary>
public sealed class ResidualStreams : IDisposable
{
    /// <summary>Inputs per forward pass.</summary>
    internal const int Chunk = 256;

    private readonly Gpt<float> _model;
    private readonly Tape<float> _tape;
    private readonly GptInputs _inputs;
    private readonly BatchEncoder _encoder = new(Chunk);
    private readonly DeviceBuffer<float>[] _buffers;   // L + 1 of (Chunk, C)
    private readonly ResidualCapture<float> _capture;
    private readonly float[] _logits;                   // (Chunk, V) on the host
    private readonly float[] _rows;                     // (Chunk, C) on the host

    public ResidualStreams(Gpt<float> model, Tape<float> tape)
    {
        _model = model;
        _tape = tape;
        var (width, vocab) = (model.Config.Width, model.Config.VocabSize);
        _inputs = new GptInputs(model.Device, vocab);
        _buffers = [.. Enumerable.Range(0, model.Config.Depth + 1).Select(_ => model.Device.Allocate<float>(Chunk * width))];
        _capture = new ResidualCapture<float>([.. _buffers.Select(b => b.View)]);
        _logits = new float[Chunk * vocab];
        _rows = new float[Chunk * width];
    }

    /// <summary>L + 1.</summary>
    public int LayerCount => _buffers.Length;

    /// <summary>
    /// Per layer, the residual streams of <paramref name="facts"/> at their last input position ((n,C), row i = fact i)
    /// and the logit lens: z = W_head · LN_f(x) with the model's final LayerNorm and head, P(target) = softmax(z)[target]
    /// over all V, rank = 1 + #{v : z_v &gt; z_target} (1 = the top logit; a tie counts for the target).
    /// </summary>
    public FactStreams Facts(IReadOnlyList<Fact> facts)
    {
        int n = facts.Count, width = _model.Config.Width, vocab = _model.Config.VocabSize;
        var residuals = Enumerable.Range(0, LayerCount).Select(_ => new double[n * width]).ToArray();
        var probability = Enumerable.Range(0, LayerCount).Select(_ => new double[n]).ToArray();
        var rank = Enumerable.Range(0, LayerCount).Select(_ => new int[n]).ToArray();
        for (var start = 0; start < n; start += Chunk)
        {
            var count = Math.Min(Chunk, n - start);
            _tape.Reset();
            using (_tape.NoGrad())
                _model.Forward(_tape, _encoder.Encode(_inputs, facts, ReadOnlySpan<int>.Empty, start, count), _capture);
            for (var layer = 0; layer < LayerCount; layer++)
            {
                CopyRows(layer, count, residuals[layer].AsSpan(start * width, count * width));
                Lens(layer, count);
                for (var i = 0; i < count; i++)
                {
                    var z = _logits.AsSpan(i * vocab, vocab);
                    var target = facts[start + i].Target;
                    probability[layer][start + i] = Math.Exp(z[target] - LogSumExp(z));
                    rank[layer][start + i] = 1 + CountAbove(z, z[target]);
                }
            }
        }
        return new FactStreams([.. residuals.Select(r => new RowMatrix(n, width, r))], probability, rank);
    }

    /// <summary>
    /// Per layer, the stream at the only position of the one-token inputs [token] ((n,C), row i = tokens[i]). Attention is
    /// causal, so this is also the stream at position 0 of every fact whose first token is that token.
    /// </summary>
    public RowMatrix[] Tokens(IReadOnlyList<int> tokens)
    {
        int n = tokens.Count, width = _model.Config.Width;
        var residuals = Enumerable.Range(0, LayerCount).Select(_ => new double[n * width]).ToArray();
        var positions = new int[Chunk]; // all 0: the supervised position of a one-token input
        var ids = new int[Chunk];
        for (var start = 0; start < n; start += Chunk)
        {
            var count = Math.Min(Chunk, n - start);
            for (var i = 0; i < count; i++) ids[i] = tokens[start + i];
            _tape.Reset();
            using (_tape.NoGrad())
                _model.Forward(_tape, _inputs.Set(ids.AsSpan(0, count), positions.AsSpan(0, count), ReadOnlySpan<int>.Empty, count, 1), _capture);
            for (var layer = 0; layer < LayerCount; layer++)
                CopyRows(layer, count, residuals[layer].AsSpan(start * width, count * width));
        }
        return [.. residuals.Select(r => new RowMatrix(n, width, r))];
    }

    private void CopyRows(int layer, int count, Span<double> destination)
    {
        var width = _model.Config.Width;
        _model.Device.Download(_buffers[layer].Slice(0, count * width), _rows.AsSpan(0, count * width));
        for (var i = 0; i < count * width; i++) destination[i] = _rows[i];
    }

    /// <summary>The head's logits (count,V) of LN_f(captured layer), into <see cref="_logits"/>.</summary>
    private void Lens(int layer, int count)
    {
        int width = _model.Config.Width, vocab = _model.Config.VocabSize;
        _tape.Reset();
        using (_tape.NoGrad())
        {
            var x = _tape.NewTensor("lens.x", Shape.Of(count, width));             // (n,C)
            _model.Device.Copy(_buffers[layer].Slice(0, count * width), x.Data);
            var logits = _model.Head.Forward(_tape, _model.FinalNorm.Forward(_tape, x)); // (n,V)
            _model.Device.Download(logits.Data.Slice(0, count * vocab), _logits.AsSpan(0, count * vocab));
        }
    }

    private static double LogSumExp(ReadOnlySpan<float> z)
    {
        double max = double.NegativeInfinity, sum = 0;
        foreach (var v in z) max = Math.Max(max, v);
        foreach (var v in z) sum += Math.Exp(v - max);
        return max + Math.Log(sum);
    }

    private static int CountAbove(ReadOnlySpan<float> z, float threshold)
    {
        var count = 0;
        foreach (var v in z) if (v > threshold) count++;
        return count;
    }

    public void Dispose()
    {
        _inputs.Dispose();
        foreach (var buffer in _buffers) buffer.Dispose();
    }
}

/// <summary>What <see cref="ResidualStreams.Facts"/> read: per layer the streams (n,C), P(target) (n) and rank (n).</summary>
public sealed record FactStreams(IReadOnlyList<RowMatrix> Residuals, IReadOnlyList<double[]> Probability, IReadOnlyList<int[]> Rank);
