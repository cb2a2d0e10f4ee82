using Engine.Kernels;
using Engine.Model;
using Engine.Train.Metrics;
using Engine.Train.Probes;
using Engine.Train.World;

namespace Engine.Train.Training;

/// <summary>
/// One probe pass (TASK.md §5): per-type accuracy (argmax over all V), mean CE and mean target
/// probability; attention of the &lt;f&gt; query on the source per layer and head; and the geometry of the
/// embedding and head rows (Dirichlet energy, parallelism family, isometry). Runs without recording
/// gradients, in chunks so the (rows, V) logits stay small.
/// </summary>
public sealed class ProbeRunner : IDisposable
{
    /// <summary>Facts per probe forward pass (also what <see cref="RunMemory"/> assumes).</summary>
    internal const int Chunk = 256;

    private readonly Dataset _dataset;
    private readonly Gpt<float> _model;
    private readonly Tape<float> _tape;
    private readonly GptInputs _inputs;
    private readonly BatchEncoder _encoder = new(Chunk);
    private readonly DeviceBuffer<int> _argmax;
    private readonly DeviceBuffer<int> _entityRowTokens;   // (N+1): the tokens of EntityRows, entities 0…N−1 then <f>
    private readonly float[] _losses = new float[Chunk];
    private readonly int[] _predictions = new int[Chunk];
    private readonly int _functorToken;
    private readonly int _entityCount;
    private readonly (int Source, int Image)[] _functor;
    private readonly (int Source, int Image)[] _idPairs;
    private readonly (int Source, int Image)[] _oodPairs;

    public ProbeRunner(Dataset dataset, Gpt<float> model, Tape<float> tape)
    {
        _dataset = dataset;
        _model = model;
        _tape = tape;
        _inputs = new GptInputs(model.Device, model.Config.VocabSize);
        _argmax = model.Device.Allocate<int>(Chunk);
        _functorToken = dataset.TokenId("<f>");
        _entityCount = dataset.Vocabulary.TakeWhile(t => t.StartsWith("<e_", StringComparison.Ordinal)).Count();
        _entityRowTokens = model.Device.Allocate<int>(_entityCount + 1);
        model.Device.Upload<int>([.. Enumerable.Range(0, _entityCount), _functorToken], _entityRowTokens.View);
        _functor = dataset.CategoryE1.Select(e => (e, dataset.Functor[e])).ToArray();
        _idPairs = Pairs(dataset.Probes[FactType.IdAnalogical]);
        _oodPairs = Pairs(dataset.Probes[FactType.OodAnalogical]);
    }

    private (int, int)[] Pairs(IReadOnlyList<Fact> facts) =>
        facts.Where(IsFunctorQuery).Select(f => (f.Input[0], f.Target)).ToArray();

    /// <summary>
    /// Measures everything; the caller fills epoch, step, loss, time. Every one of the seven types gets a score,
    /// an empty one with n = 0 and undefined (null) accuracy, CE and probability.
    /// </summary>
    public EpochMetrics Measure()
    {
        var probes = new Dictionary<string, ProbeScore>();
        var attnId = new SourceAttention(_model.Config.Depth, _model.Config.Heads);
        var attnOod = new SourceAttention(_model.Config.Depth, _model.Config.Heads);
        foreach (var type in FactTypes.All)
        {
            var attention = type switch
            {
                FactType.IdAnalogical => attnId,
                FactType.OodAnalogical => attnOod,
                _ => null,
            };
            probes[type.Label()] = Score(_dataset.Probes[type], attention);
        }
        var geometry = Geometry();
        return geometry with
        {
            Probes = probes,
            AttnFToSource = SourceAttention.Mean(attnId, attnOod),
            AttnFToSourceId = SourceAttention.Mean(attnId),
            AttnFToSourceOod = SourceAttention.Mean(attnOod),
        };
    }

    private ProbeScore Score(IReadOnlyList<Fact> facts, SourceAttention? attention)
    {
        if (facts.Count == 0) return new ProbeScore(null, null, null, 0);
        double correct = 0, ce = 0, probability = 0;
        var vocab = _model.Config.VocabSize;
        for (var start = 0; start < facts.Count; start += Chunk)
        {
            var count = Math.Min(Chunk, facts.Count - start);
            _tape.Reset();
            using (_tape.NoGrad())
            {
                var batch = _encoder.Encode(_inputs, facts, ReadOnlySpan<int>.Empty, start, count);
                var output = _model.Forward(_tape, batch);
                var argmax = _argmax.Slice(0, count);
                _model.Device.ArgMaxRows(argmax, output.Logits.Data, count, vocab);
                _model.Device.Download(output.Losses!.Data.Slice(0, count), _losses.AsSpan(0, count));
                _model.Device.Download(argmax, _predictions.AsSpan(0, count));
                for (var i = 0; i < count; i++)
                {
                    if (_predictions[i] == facts[start + i].Target) correct++;
                    ce += _losses[i];
                    probability += Math.Exp(-(double)_losses[i]);
                }
                if (attention is not null) AddAttentionToSource(attention, facts, start, count, batch.SequenceLength);
            }
        }
        return new ProbeScore(correct / facts.Count, ce / facts.Count, probability / facts.Count, facts.Count);
    }

    /// <summary>
    /// Adds, per layer and head, the weight of the query at the &lt;f&gt; position (1) on the source key (0), for
    /// the (e, &lt;f&gt;) facts of the chunk only: &lt;f_inv&gt; facts are neither summed nor counted.
    /// </summary>
    private void AddAttentionToSource(SourceAttention attention, IReadOnlyList<Fact> facts, int start, int count, int tokens)
    {
        var heads = _model.Config.Heads;
        var host = new float[count * heads * tokens * tokens];
        for (var layer = 0; layer < _model.Config.Depth; layer++)
        {
            var probabilities = _model.AttentionProbabilities[layer];  // (B,NH,T,T)
            _model.Device.Download(probabilities.Data.Slice(0, host.Length), host);
            for (var b = 0; b < count; b++)
            {
                if (!IsFunctorQuery(facts[start + b])) continue;
                for (var h = 0; h < heads; h++) attention.Sum[layer, h] += host[((b * heads + h) * tokens + 1) * tokens + 0];
            }
        }
        for (var b = 0; b < count; b++)
            if (IsFunctorQuery(facts[start + b])) attention.Count++;
    }

    private bool IsFunctorQuery(Fact fact) => fact.Input.Count == 2 && fact.Input[1] == _functorToken;

    /// <summary>Entity rows 0…N−1 and the &lt;f&gt; row (as row N) of a V×d matrix, in float64.</summary>
    private RowMatrix EntityRows(Tensor<float> matrix)
    {
        var width = _model.Config.Width;
        var host = new float[(_entityCount + 1) * width];
        _model.Device.Download(matrix.Data.Slice(0, _entityCount * width), host.AsSpan(0, _entityCount * width));
        _model.Device.Download(matrix.Data.Slice(_functorToken * width, width), host.AsSpan(_entityCount * width, width));
        return RowMatrix.FromFloats(_entityCount + 1, width, host);
    }

    /// <summary>
    /// LN1(x_t) of <paramref name="block"/> for the rows of <see cref="EntityRows"/>, run by the model's own
    /// embedding and LayerNorm (so the probes normalise exactly as the forward pass does).
    /// </summary>
    private RowMatrix NormalisedEntityRows(Block<float> block)
    {
        _tape.Reset();
        using (_tape.NoGrad())
        {
            var rows = _model.TokenEmbedding.Forward(_tape, _entityRowTokens.View, _entityCount + 1); // (N+1,C)
            var normalised = block.Ln1.Forward(_tape, rows);                                          // (N+1,C)
            return Matrix(normalised.Data, _entityCount + 1, _model.Config.Width);
        }
    }

    private RowMatrix Matrix(BufferView<float> view, int rows, int columns)
    {
        var host = new float[rows * columns];
        _model.Device.Download(view.Slice(0, rows * columns), host);
        return RowMatrix.FromFloats(rows, columns, host);
    }

    /// <summary>The functor-geometry weights of layer 1, with &lt;f&gt; at row N of the embedding matrix.</summary>
    public FunctorWeights Weights()
    {
        var width = _model.Config.Width;
        var block = _model.Blocks[0];
        var qkv = block.Attention.Qkv.Weight;  // (3C, C): rows q, k, v
        return new FunctorWeights(
            EntityRows(_model.TokenEmbedding.Weight),
            EntityRows(_model.Head.Weight),
            NormalisedEntityRows(block),
            Matrix(qkv.Data.Slice(2 * width * width, width * width), width, width),
            Matrix(block.Attention.Out.Weight.Data, width, width),
            FunctorToken: _entityCount);
    }

    private EpochMetrics Geometry()
    {
        var w = Weights();
        var embedding = DirichletEnergy.Compute(w.Embedding, _functor);
        var head = DirichletEnergy.Compute(w.Head, _functor);
        var all = _idPairs.Concat(_oodPairs).ToArray();
        return new EpochMetrics
        {
            DirichletRaw = EpochMetrics.Defined(embedding.Raw),
            DirichletNorm = EpochMetrics.Defined(embedding.Normalised),
            DirichletHeadRaw = EpochMetrics.Defined(head.Raw),
            DirichletHeadNorm = EpochMetrics.Defined(head.Normalised),
            ParallelismId = EpochMetrics.Defined(FunctorGeometry.Parallelism(w, _idPairs)),
            ParallelismOod = EpochMetrics.Defined(FunctorGeometry.Parallelism(w, _oodPairs)),
            Parallelogram = EpochMetrics.Defined(FunctorGeometry.Parallelogram(w, all)),
            AnalogyAddition = EpochMetrics.Defined(FunctorGeometry.AnalogyAddition(w, all)),
            Isometry = EpochMetrics.Defined(FunctorGeometry.Isometry(w.Embedding, _functor)),
        };
    }

    /// <summary>PCA of every entity's embedding row, with categories and the functor arrows.</summary>
    public PcaSnapshot Pca(int epoch)
    {
        var rows = Weights().Embedding;
        var entities = Enumerable.Range(0, _entityCount).ToArray();
        var (scores, ratio) = Probes.Pca.Project(rows, entities);
        var e1 = _dataset.CategoryE1.ToHashSet();
        var e2 = _dataset.CategoryE2.ToHashSet();
        var points = entities.Select(e => new PcaPoint(e, _dataset.Vocabulary[e],
            e1.Contains(e) ? "E1" : e2.Contains(e) ? "E2" : "other", scores[e, 0], scores[e, 1])).ToList();
        return new PcaSnapshot(epoch, ratio, points, _functor.Select(p => (IReadOnlyList<int>)[p.Source, p.Image]).ToList());
    }

    public void Dispose()
    {
        _inputs.Dispose();
        _argmax.Dispose();
        _entityRowTokens.Dispose();
    }
}
