namespace Engine.Train.Probes;

/// <summary>
/// The weights the "functor direction" probes read, copied to the host (d = width):
/// the token embedding (V×d), the output head (V×d; the embedding when tied), the embedding rows after
/// layer 1's LN1 (computed by the model's own LayerNorm, rows as in <see cref="Embedding"/>), its value
/// projection W_V (rows 2d…3d of the fused qkv weight, d×d, [out, in]) and its attention output projection
/// W_O (d×d, [out, in]).
/// </summary>
public sealed record FunctorWeights(
    RowMatrix Embedding,
    RowMatrix Head,
    RowMatrix NormalisedEmbedding,
    RowMatrix ValueWeight,
    RowMatrix OutWeight,
    int FunctorToken);

/// <summary>
/// The parallelism family of TASK.md §5, each averaged over a set of analogical pairs (e, F(e)).
/// Notation: x_t embedding row, u_t head row, e_f = x_&lt;f&gt;, h_e = W_O W_V LN1(x_e) (no biases).
/// </summary>
public static class FunctorGeometry
{
    /// <summary>h_e = W_O · W_V · LN1(x_e): the attention value/output image of the source, layer 1, no biases.</summary>
    public static double[] ValueImage(FunctorWeights w, int entity)
        => w.OutWeight.Multiply(w.ValueWeight.Multiply(w.NormalisedEmbedding.Row(entity)));

    /// <summary>P = mean cos(u_F(e) − h_e, e_f).</summary>
    public static double Parallelism(FunctorWeights w, IReadOnlyList<(int Source, int Image)> pairs)
        => Mean(pairs, p => VectorMath.Cosine(
            VectorMath.Subtract(w.Head.Row(p.Image), ValueImage(w, p.Source)), w.Embedding.Row(w.FunctorToken)));

    /// <summary>Parallelogram: mean cos(u_F(e) − x_e, e_f).</summary>
    public static double Parallelogram(FunctorWeights w, IReadOnlyList<(int Source, int Image)> pairs)
        => Mean(pairs, p => VectorMath.Cosine(
            VectorMath.Subtract(w.Head.Row(p.Image), w.Embedding.Row(p.Source)), w.Embedding.Row(w.FunctorToken)));

    /// <summary>Analogy addition: mean cos(x_e + e_f, u_F(e)).</summary>
    public static double AnalogyAddition(FunctorWeights w, IReadOnlyList<(int Source, int Image)> pairs)
        => Mean(pairs, p => VectorMath.Cosine(
            VectorMath.Add(w.Embedding.Row(p.Source), w.Embedding.Row(w.FunctorToken)), w.Head.Row(p.Image)));

    /// <summary>
    /// Isometry: Pearson correlation between the pairwise embedding distances ‖x_a − x_b‖ in E1 and those of
    /// their images ‖x_F(a) − x_F(b)‖ in E2, over all unordered pairs a &lt; b (NaN with fewer than 3 pairs
    /// or constant distances).
    /// </summary>
    public static double Isometry(RowMatrix rows, IReadOnlyList<(int Source, int Image)> functor)
    {
        var source = new List<double>();
        var image = new List<double>();
        for (var i = 0; i < functor.Count; i++)
        {
            for (var j = i + 1; j < functor.Count; j++)
            {
                source.Add(Math.Sqrt(VectorMath.SquaredDistance(rows.Row(functor[i].Source), rows.Row(functor[j].Source))));
                image.Add(Math.Sqrt(VectorMath.SquaredDistance(rows.Row(functor[i].Image), rows.Row(functor[j].Image))));
            }
        }
        return source.Count < 3 ? double.NaN : VectorMath.Pearson(source, image);
    }

    private static double Mean(IReadOnlyList<(int Source, int Image)> pairs, Func<(int Source, int Image), double> value)
    {
        if (pairs.Count == 0) return double.NaN;
        var sum = 0.0;
        foreach (var pair in pairs) sum += value(pair);
        return sum / pairs.Count;
    }
}
