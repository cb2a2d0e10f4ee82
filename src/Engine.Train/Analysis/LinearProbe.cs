using Engine.Train.Probes;

namespace Engine.Train.Analysis;

/// <summary>
/// A least-squares linear read-out from a residual vector φ (C) to the entity it should predict. Fitted on n vectors
/// with targets t_i: W (C×K), b (K) minimise Σ_i ‖Wᵀφ_i + b − y_i‖² + λ‖W‖²_F, y_i the one-hot of t_i among the K
/// classes (the entity ids 0 … K−1), b unpenalised (solved on centred φ and y: W = (ΦcᵀΦc + λI)⁻¹ ΦcᵀYc,
/// b = ȳ − Wᵀφ̄), λ = α·tr(ΦcᵀΦc)/C, α the ridge (α times the mean eigenvalue of the centred scatter, so it does not
/// depend on the stream's scale). Scored on a vector by its K outputs Wᵀφ + b: the prediction is their argmax, the rank
/// of the target 1 + #{classes scoring higher}.
/// </summary>
public sealed class LinearProbe
{
    private readonly double[] _weight; // (C,K)
    private readonly double[] _bias;   // (K)

    private LinearProbe(int channels, int classes, double[] weight, double[] bias, double lambda)
    {
        Channels = channels;
        Classes = classes;
        _weight = weight;
        _bias = bias;
        Lambda = lambda;
    }

    public int Channels { get; }
    public int Classes { get; }

    /// <summary>λ as used: α·tr(ΦcᵀΦc)/C.</summary>
    public double Lambda { get; }

    /// <summary>Fits the probe on rows <paramref name="rows"/> of <paramref name="features"/> with targets <paramref name="targets"/>.</summary>
    /// <exception cref="ArgumentException">No rows, a target outside [0, K), a negative ridge, or a singular system (α = 0 on rank-deficient features).</exception>
    public static LinearProbe Fit(RowMatrix features, IReadOnlyList<int> rows, IReadOnlyList<int> targets, int classes, double ridge)
    {
        int n = rows.Count, c = features.Columns;
        if (n == 0 || targets.Count != n) throw new ArgumentException($"a probe needs as many targets as rows ({n} rows, {targets.Count} targets), at least one");
        if (!double.IsFinite(ridge) || ridge < 0) throw new ArgumentException($"ridge {ridge} must be a finite number ≥ 0");
        if (targets.Any(t => (uint)t >= (uint)classes)) throw new ArgumentException($"a target lies outside the {classes} classes");

        var mean = new double[c];
        foreach (var r in rows)
        {
            var x = features.Row(r);
            for (var j = 0; j < c; j++) mean[j] += x[j] / n;
        }
        var classMean = new double[classes];
        foreach (var t in targets) classMean[t] += 1.0 / n;

        var scatter = new double[c * c];      // ΦcᵀΦc (C,C)
        var cross = new double[c * classes];  // ΦcᵀYc (C,K)
        var centred = new double[c];
        for (var i = 0; i < n; i++)
        {
            var x = features.Row(rows[i]);
            for (var j = 0; j < c; j++) centred[j] = x[j] - mean[j];
            for (var j = 0; j < c; j++)
            {
                var xj = centred[j];
                for (var l = j; l < c; l++) scatter[j * c + l] += xj * centred[l];
                for (var k = 0; k < classes; k++) cross[j * classes + k] += xj * ((targets[i] == k ? 1.0 : 0.0) - classMean[k]);
            }
        }
        var trace = 0.0;
        for (var j = 0; j < c; j++)
        {
            trace += scatter[j * c + j];
            for (var l = 0; l < j; l++) scatter[j * c + l] = scatter[l * c + j];
        }
        var lambda = ridge * trace / c;
        for (var j = 0; j < c; j++) scatter[j * c + j] += lambda;

        var weight = Cholesky.Solve(scatter, c, cross, classes);
        var bias = new double[classes];
        for (var k = 0; k < classes; k++)
        {
            bias[k] = classMean[k];
            for (var j = 0; j < c; j++) bias[k] -= mean[j] * weight[j * classes + k];
        }
        return new LinearProbe(c, classes, weight, bias, lambda);
    }

    /// <summary>The K outputs Wᵀφ + b.</summary>
    public double[] Outputs(ReadOnlySpan<double> x)
    {
        var output = (double[])_bias.Clone();
        for (var j = 0; j < Channels; j++)
            for (var k = 0; k < Classes; k++) output[k] += x[j] * _weight[j * Classes + k];
        return output;
    }

    /// <summary>Whether the argmax is the target, and the target's rank (1 = best; a tie counts for the target).</summary>
    public (bool Correct, int Rank) Score(ReadOnlySpan<double> x, int target)
    {
        var output = Outputs(x);
        var above = output.Count(v => v > output[target]);
        return (above == 0 && Array.IndexOf(output, output.Max()) == target, 1 + above);
    }
}

/// <summary>Solves A X = B for a symmetric positive definite A (n,n) and B (n,m), both row-major, in float64.</summary>
internal static class Cholesky
{
    /// <exception cref="ArgumentException">A is not positive definite.</exception>
    public static double[] Solve(double[] a, int n, double[] b, int m)
    {
        var l = new double[n * n]; // A = L Lᵀ
        for (var i = 0; i < n; i++)
        {
            for (var j = 0; j <= i; j++)
            {
                var sum = a[i * n + j];
                for (var k = 0; k < j; k++) sum -= l[i * n + k] * l[j * n + k];
                if (i == j)
                {
                    if (!(sum > 0)) throw new ArgumentException("the probe's normal equations are singular: raise the ridge");
                    l[i * n + i] = Math.Sqrt(sum);
                }
                else
                {
                    l[i * n + j] = sum / l[j * n + j];
                }
            }
        }
        var x = (double[])b.Clone();
        for (var col = 0; col < m; col++)
        {
            for (var i = 0; i < n; i++) // L y = b
            {
                var sum = x[i * m + col];
                for (var k = 0; k < i; k++) sum -= l[i * n + k] * x[k * m + col];
                x[i * m + col] = sum / l[i * n + i];
            }
            for (var i = n - 1; i >= 0; i--) // Lᵀ x = y
            {
                var sum = x[i * m + col];
                for (var k = i + 1; k < n; k++) sum -= l[k * n + i] * x[k * m + col];
                x[i * m + col] = sum / l[i * n + i];
            }
        }
        return x;
    }
}
