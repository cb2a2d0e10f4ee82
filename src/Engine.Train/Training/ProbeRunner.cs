using Engine.Kernels;
using Engine.Model;
using Engine.Train.Metrics;
using Engine.Train.Probes;
using Engine.Train.World;

namespace Engine.Train.Training;

/// <summary>
/// One probe pass (TASK.md §5): per-type accuracy (argmax over all V), mean CE and mean target
/// probability; attention of the &lt;f&gt; query on the source per layer and head; and the geometry of the
/// embedding and head rows (Dirichlet energy, parallelism family, isometry). With m ≥ 2 functors the
/// attention and geometry are measured per functor F_j (its token &lt;f_j&gt;, its pairs e ↔ F_j(e)).
/// Runs without recording gradients, in chunks so the (rows, V) logits stay small.
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
    private readonly DeviceBuffer<int> _entityRowTokens;   // (N+m): the tokens of EntityRows, entities 0…N−1 then <f>, <f_2>, …
    private readonly float[] _losses = new float[Chunk];
    private readonly int[] _predictions = new int[Chunk];
    private readonly int _entityCount;
    private readonly FunctorProbe[] _functors;

    /// <summary>
    /// What the probes need of functor F_j: its token id, the row of &lt;f_j&gt; among the host entity rows (N + j − 1),
    /// its pairs (e, F_j(e)) over E1, and those of its (e, &lt;f_j&gt;) ID and OOD analogical probes.
    /// </summary>
    private sealed record FunctorProbe(int Index, string Token, int TokenId, int Row,
        (int Source, int Image)[] Pairs, (int Source, int Image)[] IdPairs, (int Source, int Image)[] OodPairs);

    public ProbeRunner(Dataset dataset, Gpt<float> model, Tape<float> tape)
    {
        _dataset = dataset;
        _model = model;
        _tape = tape;
        _inputs = new GptInputs(model.Device, model.Config.VocabSize);
        _argmax = model.Device.Allocate<int>(Chunk);
        _entityCount = dataset.Vocabulary.TakeWhile(t => t.StartsWith("<e_", StringComparison.Ordinal)).Count();
        _functors = [.. dataset.Functors.Select(f =>
        {
            var token = dataset.FunctorTokenId(f.Index);
            (int, int)[] Pairs(FactType kind) => dataset.Probes[new ProbeType(kind, f.Index)]
                .Where(fact => fact.Input[1] == token).Select(fact => (fact.Input[0], fact.Target)).ToArray();
            return new FunctorProbe(f.Index, f.Token, token, _entityCount + f.Index - 1,
                [.. dataset.CategoryE1.Select(e => (e, f.Map[e]))], Pairs(FactType.IdAnalogical), Pairs(FactType.OodAnalogical));
        })];
        _entityRowTokens = model.Device.Allocate<int>(_entityCount + _functors.Length);
        model.Device.Upload<int>([.. Enumerable.Range(0, _entityCount), .. _functors.Select(f => f.TokenId)], _entityRowTokens.View);
    }

    /// <summary>
    /// Measures everything; the caller fills epoch, step, loss, time. Every probe type of the world gets a score,
    /// an empty one with n = 0 and undefined (null) accuracy, CE and probability.
    /// </summary>
    public EpochMetrics Measure()
    {
        var probes = new Dictionary<string, ProbeScore>();
        var attnId = _functors.Select(_ => new SourceAttention(_model.Config.Depth, _model.Config.Heads)).ToArray();
        var attnOod = _functors.Select(_ => new SourceAttention(_model.Config.Depth, _model.Config.Heads)).ToArray();
        foreach (var type in _dataset.ProbeTypes)
        {
            var attention = type.Kind switch
            {
                FactType.IdAnalogical => attnId[type.Functor - 1],
                FactType.OodAnalogical => attnOod[type.Functor - 1],
                _ => null,
            };
            probes[type.Label] = Score(_dataset.Probes[type], attention, type.Functor);
        }
        var weights = Weights();
        var functors = _functors.Select((f, i) => Geometry(weights, f) with
        {
            AttnFToSource = SourceAttention.Mean(attnId[i], attnOod[i]),
            AttnFToSourceId = SourceAttention.Mean(attnId[i]),
            AttnFToSourceOod = SourceAttention.Mean(attnOod[i]),
        }).ToList();
        var first = functors[0];
        return new EpochMetrics
        {
            Probes = probes,
            DirichletRaw = first.DirichletRaw,
            DirichletNorm = first.DirichletNorm,
            DirichletHeadRaw = first.DirichletHeadRaw,
            DirichletHeadNorm = first.DirichletHeadNorm,
            ParallelismId = first.ParallelismId,
            ParallelismOod = first.ParallelismOod,
            Parallelogram = first.Parallelogram,
            AnalogyAddition = first.AnalogyAddition,
            Isometry = first.Isometry,
            AttnFToSource = first.AttnFToSource,
            AttnFToSourceId = first.AttnFToSourceId,
            AttnFToSourceOod = first.AttnFToSourceOod,
            Functors = functors.Count > 1 ? functors : null,
        };
    }

    private ProbeScore Score(IReadOnlyList<Fact> facts, SourceAttention? attention, int functor)
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
                if (attention is not null) AddAttentionToSource(attention, facts, start, count, batch.SequenceLength, _functors[functor - 1].TokenId);
            }
        }
        return new ProbeScore(correct / facts.Count, ce / facts.Count, probability / facts.Count, facts.Count);
    }

    /// <summary>
    /// Adds, per layer and head, the weight of the query at the &lt;f&gt; position (1) on the source key (0), for
    /// the (e, &lt;f&gt;) facts of the chunk only (&lt;f&gt; being <paramref name="functorToken"/>): &lt;f_inv&gt; facts are
    /// neither summed nor counted.
    /// </summary>
    private void AddAttentionToSource(SourceAttention attention, IReadOnlyList<Fact> facts, int start, int count, int tokens, int functorToken)
    {
        bool IsFunctorQuery(Fact fact) => fact.Input.Count == 2 && fact.Input[1] == functorToken;
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

    /// <summary>Entity rows 0…N−1 and the rows of &lt;f&gt;, &lt;f_2&gt;, … (as rows N, N + 1, …) of a V×d matrix, in float64.</summary>
    private RowMatrix EntityRows(Tensor<float> matrix)
    {
        var width = _model.Config.Width;
        var rows = _entityCount + _functors.Length;
        var host = new float[rows * width];
        _model.Device.Download(matrix.Data.Slice(0, _entityCount * width), host.AsSpan(0, _entityCount * width));
        foreach (var f in _functors)
            _model.Device.Download(matrix.Data.Slice(f.TokenId * width, width), host.AsSpan(f.Row * width, width));
        return RowMatrix.FromFloats(rows, width, host);
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
            var count = _entityCount + _functors.Length;
            var rows = _model.TokenEmbedding.Forward(_tape, _entityRowTokens.View, count); // (N+m,C)
            var normalised = block.Ln1.Forward(_tape, rows);                               // (N+m,C)
            return Matrix(normalised.Data, count, _model.Config.Width);
        }
    }

    private RowMatrix Matrix(BufferView<float> view, int rows, int columns)
    {
        var host = new float[rows * columns];
        _model.Device.Download(view.Slice(0, rows * columns), host);
        return RowMatrix.FromFloats(rows, columns, host);
    }

    /// <summary>The functor-geometry weights of layer 1, with &lt;f&gt; at row N of the embedding matrix (&lt;f_j&gt; at N + j − 1).</summary>
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

    private static FunctorMetrics Geometry(FunctorWeights weights, FunctorProbe f)
    {
        var w = weights with { FunctorToken = f.Row };
        var embedding = DirichletEnergy.Compute(w.Embedding, f.Pairs);
        var head = DirichletEnergy.Compute(w.Head, f.Pairs);
        var all = f.IdPairs.Concat(f.OodPairs).ToArray();
        return new FunctorMetrics
        {
            Functor = f.Index,
            Token = f.Token,
            DirichletRaw = EpochMetrics.Defined(embedding.Raw),
            DirichletNorm = EpochMetrics.Defined(embedding.Normalised),
            DirichletHeadRaw = EpochMetrics.Defined(head.Raw),
            DirichletHeadNorm = EpochMetrics.Defined(head.Normalised),
            ParallelismId = EpochMetrics.Defined(FunctorGeometry.Parallelism(w, f.IdPairs)),
            ParallelismOod = EpochMetrics.Defined(FunctorGeometry.Parallelism(w, f.OodPairs)),
            Parallelogram = EpochMetrics.Defined(FunctorGeometry.Parallelogram(w, all)),
            AnalogyAddition = EpochMetrics.Defined(FunctorGeometry.AnalogyAddition(w, all)),
            Isometry = EpochMetrics.Defined(FunctorGeometry.Isometry(w.Embedding, f.Pairs)),
        };
    }

    /// <summary>PCA of every entity's embedding row, with categories (E1, E2, … E_{m+1}, other) and every functor's arrows.</summary>
    public PcaSnapshot Pca(int epoch)
    {
        var rows = Weights().Embedding;
        var entities = Enumerable.Range(0, _entityCount).ToArray();
        var (scores, ratio) = Probes.Pca.Project(rows, entities);
        var category = new Dictionary<int, string>();
        foreach (var e in _dataset.CategoryE1) category[e] = "E1";
        foreach (var f in _dataset.Functors)
            foreach (var e in f.Category) category[e] = f.CategoryName;
        var points = entities.Select(e => new PcaPoint(e, _dataset.Vocabulary[e],
            category.GetValueOrDefault(e, "other"), scores[e, 0], scores[e, 1])).ToList();
        var arrows = _functors.SelectMany(f => f.Pairs).Select(p => (IReadOnlyList<int>)[p.Source, p.Image]).ToList();
        return new PcaSnapshot(epoch, ratio, points, arrows);
    }

    public void Dispose()
    {
        _inputs.Dispose();
        _argmax.Dispose();
        _entityRowTokens.Dispose();
    }
}
