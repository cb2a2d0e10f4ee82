using Engine.Train.Probes;

namespace Engine.Train.Llm.Analysis;

/// <summary>
/// The per-layer figures of the in-context analogy analysis, on float64 copies of a layer's vectors. Definitions (as
/// the reference study's code, and the toy model's raw energy in <see cref="DirichletEnergy"/>):
/// <list type="bullet">
/// <item>Dirichlet energy over the given functor pairs (asked pair excluded): raw E = Σ_(X,F(X)) ‖x_X − x_F(X)‖²;
/// normalised E / m, m = mean over all T tokens of ‖x_t‖² (the layer's mean squared norm; "raw energy in units of a
/// typical vector's squared length", so layers of different scale compare). Note: the toy model's normalised energy
/// (TASK.md §Dirichlet) is a different quantity, the mean over pairs of ‖x̂ − ŷ‖² of unit vectors.</item>
/// <item>Functor similarity of the n <c>~</c> vectors f_1 … f_n (all of them, the asked one included): the mean over
/// pairs i &lt; j of cos(f_i, f_j); and the spectrum ratio λ_max(C)/tr(C) of C = (1/n) Σ_i f_i f_iᵀ, the uncentred
/// second moment of the stack (not centred: the reference's choice, and with centring n identical vectors would give
/// 0/0; here they give 1, and n orthogonal vectors of one length 1/n). Computed from the n×n Gram matrix (1/n)·F Fᵀ,
/// which has the same nonzero eigenvalues.</item>
/// </list>
/// A figure that is undefined (no pairs, a zero normaliser, fewer than two <c>~</c>) is null.
/// </summary>
public static class LayerFigures
{
    /// <summary>The mean of some rows of a (P,C) array (one row: that row), in float64.</summary>
    public static double[] MeanRow(float[] vectors, int width, IReadOnlyList<int> rows)
    {
        var mean = new double[width];
        foreach (var row in rows)
        {
            var offset = row * width;
            for (var c = 0; c < width; c++) mean[c] += vectors[offset + c];
        }
        for (var c = 0; c < width; c++) mean[c] /= rows.Count;
        return mean;
    }

    /// <summary>Σ over pairs of ‖a − b‖²; null with no pairs.</summary>
    public static double? DirichletRaw(IReadOnlyList<(double[] Source, double[] Image)> pairs) =>
        pairs.Count == 0 ? null : pairs.Sum(p => VectorMath.SquaredDistance(p.Source, p.Image));

    /// <summary>m = mean over the rows of a (P,C) array of ‖x‖².</summary>
    public static double MeanSquaredNorm(float[] vectors, int width)
    {
        var rows = vectors.Length / width;
        var sum = 0.0;
        for (var i = 0; i < vectors.Length; i++) sum += (double)vectors[i] * vectors[i];
        return rows == 0 ? double.NaN : sum / rows;
    }

    /// <summary>E / m; null when E is undefined or m is not a positive number.</summary>
    public static double? Normalised(double? raw, double meanSquaredNorm) =>
        raw is { } e && meanSquaredNorm > 0 && double.IsFinite(meanSquaredNorm) ? e / meanSquaredNorm : null;

    /// <summary>Mean over pairs i &lt; j of cos(f_i, f_j) (0 for a zero vector); null with fewer than two vectors.</summary>
    public static double? MeanPairwiseCosine(IReadOnlyList<double[]> vectors)
    {
        if (vectors.Count < 2) return null;
        double sum = 0;
        var count = 0;
        for (var i = 0; i < vectors.Count; i++)
            for (var j = i + 1; j < vectors.Count; j++, count++) sum += VectorMath.Cosine(vectors[i], vectors[j]);
        return sum / count;
    }

    /// <summary>λ_max(C)/tr(C), C = (1/n) Σ f_i f_iᵀ; null with no vectors or tr(C) = 0.</summary>
    public static double? SpectrumRatio(IReadOnlyList<double[]> vectors)
    {
        var n = vectors.Count;
        if (n == 0) return null;
        var gram = new double[n * n]; // (n,n): (1/n) f_i·f_j
        for (var i = 0; i < n; i++)
            for (var j = i; j < n; j++)
                gram[i * n + j] = gram[j * n + i] = VectorMath.Dot(vectors[i], vectors[j]) / n;
        var trace = 0.0;
        for (var i = 0; i < n; i++) trace += gram[i * n + i];
        if (!(trace > 0)) return null;
        return SymmetricEigen.Eigenvalues(gram, n)[0] / trace;
    }

    /// <summary>Pearson correlation over the layers where both values are defined; null with fewer than 3 such layers or
    /// a constant series.</summary>
    public static double? Pearson(IReadOnlyList<double?> x, IReadOnlyList<double?> y)
    {
        var xs = new List<double>();
        var ys = new List<double>();
        for (var i = 0; i < Math.Min(x.Count, y.Count); i++)
        {
            if (x[i] is { } a && y[i] is { } b && double.IsFinite(a) && double.IsFinite(b))
            {
                xs.Add(a);
                ys.Add(b);
            }
        }
        if (xs.Count < 3) return null;
        var r = VectorMath.Pearson(xs, ys);
        return double.IsFinite(r) ? r : null;
    }
}
