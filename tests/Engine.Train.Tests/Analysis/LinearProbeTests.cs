using Engine.Train.Analysis;
using Engine.Train.Probes;
using NUnit.Framework;

namespace Engine.Train.Tests.Analysis;

/// <summary>The ridge least-squares probe against answers worked out by hand and against an independent solver.</summary>
[TestFixture]
[Category("Analysis")]
public sealed class LinearProbeTests
{
    /// <summary>
    /// φ = 0, 0, 1, 1 with classes 0, 0, 1, 1: centred φ = ±½, ΦcᵀΦc = 1, ΦcᵀYc = (−1, 1), so W = (−1, 1)/(1 + α)
    /// (λ = α·1/1) and b = ȳ − φ̄W = (½, ½) − ½W.
    /// </summary>
    [TestCase(0.0)]
    [TestCase(0.5)]
    public void OneFeatureTwoClasses_MatchesTheHandSolution(double ridge)
    {
        var features = new RowMatrix(4, 1, [0, 0, 1, 1]);
        var probe = LinearProbe.Fit(features, [0, 1, 2, 3], [0, 0, 1, 1], classes: 2, ridge);
        var w = 1 / (1 + ridge);
        Assert.Multiple(() =>
        {
            Assert.That(probe.Lambda, Is.EqualTo(ridge).Within(1e-15));
            Assert.That(probe.Outputs([0.0]), Is.EqualTo(new[] { 0.5 + 0.5 * w, 0.5 - 0.5 * w }).Within(1e-12));
            Assert.That(probe.Outputs([1.0]), Is.EqualTo(new[] { 0.5 - 0.5 * w, 0.5 + 0.5 * w }).Within(1e-12));
            Assert.That(probe.Score([0.0], 0), Is.EqualTo((true, 1)));
            Assert.That(probe.Score([0.9], 0), Is.EqualTo((false, 2)));
        });
    }

    [Test]
    public void ScaledAndShiftedFeatures_GiveTheSameOutputs()
    {
        // λ scales with the scatter, and the intercept is unpenalised: the probe ignores the stream's scale and offset.
        var random = new Random(3);
        var values = Enumerable.Range(0, 30 * 5).Select(_ => random.NextDouble() - 0.5).ToArray();
        var targets = Enumerable.Range(0, 30).Select(i => i % 4).ToArray();
        var rows = Enumerable.Range(0, 30).ToArray();
        var plain = LinearProbe.Fit(new RowMatrix(30, 5, values), rows, targets, 4, ridge: 0.1);
        var moved = LinearProbe.Fit(new RowMatrix(30, 5, [.. values.Select((v, i) => 7 * v + i % 5)]), rows, targets, 4, ridge: 0.1);
        for (var i = 0; i < 30; i++)
        {
            var x = values.AsSpan(i * 5, 5).ToArray();
            Assert.That(moved.Outputs([.. x.Select((v, j) => 7 * v + j)]), Is.EqualTo(plain.Outputs(x)).Within(1e-10), $"row {i}");
        }
    }

    [Test]
    public void RandomProblem_MatchesTheAugmentedNormalEquations()
    {
        var random = new Random(11);
        int n = 40, c = 6, k = 5;
        var values = Enumerable.Range(0, n * c).Select(_ => random.NextDouble() * 2 - 1).ToArray();
        var targets = Enumerable.Range(0, n).Select(_ => random.Next(k)).ToArray();
        var rows = Enumerable.Range(0, n).Where(i => i % 3 != 0).ToArray(); // fitted on a subset
        var probe = LinearProbe.Fit(new RowMatrix(n, c, values), rows, [.. rows.Select(r => targets[r])], k, ridge: 0.05);

        var (weight, bias) = ReferenceRidge.Fit(values, c, rows, targets, k, 0.05);
        for (var i = 0; i < n; i++)
        {
            var x = values.AsSpan(i * c, c).ToArray();
            var expected = Enumerable.Range(0, k).Select(j => bias[j] + Enumerable.Range(0, c).Sum(l => x[l] * weight[l, j])).ToArray();
            Assert.That(probe.Outputs(x), Is.EqualTo(expected).Within(1e-9), $"row {i}");
        }
    }

    [Test]
    public void LinearlyEncodedTargets_AreReadBackExactly()
    {
        // φ = A·onehot(t) + small noise for 6 classes in 8 dimensions: the probe recovers every held-out vector.
        var random = new Random(5);
        var a = Enumerable.Range(0, 6).Select(_ => Enumerable.Range(0, 8).Select(_ => random.NextDouble() * 2 - 1).ToArray()).ToArray();
        double[] Vector(int t) => [.. a[t].Select(v => v + 0.01 * (random.NextDouble() - 0.5))];
        var fit = Enumerable.Range(0, 60).Select(i => i % 6).ToArray();
        var features = new RowMatrix(60, 8, [.. fit.SelectMany(Vector)]);
        var probe = LinearProbe.Fit(features, [.. Enumerable.Range(0, 60)], fit, 6, ridge: 1e-3);
        for (var t = 0; t < 6; t++) Assert.That(probe.Score(Vector(t), t), Is.EqualTo((true, 1)), $"class {t}");
    }

    [Test]
    public void BadInputsSayWhy()
    {
        var features = new RowMatrix(2, 2, [1, 1, 1, 1]);
        Assert.That(() => LinearProbe.Fit(features, [0, 1], [0, 1], 2, ridge: 0), Throws.ArgumentException.With.Message.Contains("singular"));
        Assert.That(() => LinearProbe.Fit(features, [0, 1], [0, 1], 2, ridge: -1), Throws.ArgumentException.With.Message.Contains("ridge"));
        Assert.That(() => LinearProbe.Fit(features, [0, 1], [0, 2], 2, ridge: 1), Throws.ArgumentException.With.Message.Contains("outside"));
        Assert.That(() => LinearProbe.Fit(features, [], [], 2, ridge: 1), Throws.ArgumentException);
    }
}

/// <summary>
/// An independent ridge fit for the tests: the augmented system over [W; b] with the intercept unpenalised,
/// [ΦᵀΦ + λI, Φᵀ1; 1ᵀΦ, n] [W; b] = [ΦᵀY; 1ᵀY], λ = α·tr(ΦcᵀΦc)/C, solved by Gaussian elimination with partial pivoting.
/// </summary>
internal static class ReferenceRidge
{
    public static (double[,] Weight, double[] Bias) Fit(double[] values, int c, IReadOnlyList<int> rows, IReadOnlyList<int> allTargets, int k, double ridge)
    {
        var m = c + 1;
        double Feature(int row, int j) => j == c ? 1.0 : values[row * c + j];
        var mean = Enumerable.Range(0, c).Select(j => rows.Average(r => values[r * c + j])).ToArray();
        var trace = Enumerable.Range(0, c).Sum(j => rows.Sum(r => Math.Pow(values[r * c + j] - mean[j], 2)));
        var lambda = ridge * trace / c;
        var a = new double[m, m + k];
        foreach (var r in rows)
        {
            for (var i = 0; i < m; i++)
            {
                for (var j = 0; j < m; j++) a[i, j] += Feature(r, i) * Feature(r, j);
                a[i, m + allTargets[r]] += Feature(r, i);
            }
        }
        for (var i = 0; i < c; i++) a[i, i] += lambda;
        for (var col = 0; col < m; col++)
        {
            var pivot = Enumerable.Range(col, m - col).MaxBy(i => Math.Abs(a[i, col]));
            for (var j = 0; j < m + k; j++) (a[col, j], a[pivot, j]) = (a[pivot, j], a[col, j]);
            for (var i = 0; i < m; i++)
            {
                if (i == col) continue;
                var f = a[i, col] / a[col, col];
                for (var j = 0; j < m + k; j++) a[i, j] -= f * a[col, j];
            }
        }
        var weight = new double[c, k];
        var bias = new double[k];
        for (var j = 0; j < k; j++)
        {
            for (var i = 0; i < c; i++) weight[i, j] = a[i, m + j] / a[i, i];
            bias[j] = a[c, m + j] / a[c, c];
        }
        return (weight, bias);
    }
}
