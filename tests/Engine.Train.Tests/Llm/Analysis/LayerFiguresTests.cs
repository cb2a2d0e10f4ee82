using Engine.Train.Llm.Analysis;
using NUnit.Framework;

namespace Engine.Train.Tests.Llm.Analysis;

[TestFixture]
[Category("Llm")]
public class LayerFiguresTests
{
    [Test]
    public void RawEnergyIsTheSumOfSquaredDistancesOverThePairs()
    {
        // ‖(1,2,0) − (0,1,3)‖² = 1 + 1 + 9 = 11; ‖(2,0,0) − (0,0,0)‖² = 4.
        var energy = LayerFigures.DirichletRaw([([1, 2, 0], [0, 1, 3]), ([2, 0, 0], [0, 0, 0])]);
        Assert.That(energy, Is.EqualTo(15).Within(1e-12));
        Assert.That(LayerFigures.DirichletRaw([]), Is.Null);
    }

    [Test]
    public void NormalisedEnergyDividesByTheMeanSquaredNormOverAllRows()
    {
        float[] rows = [3, 4, 0, 0, 1, 0, 0, 1]; // (4,2): ‖·‖² = 25, 0, 1, 1 → mean 6.75
        var m = LayerFigures.MeanSquaredNorm(rows, 2);
        Assert.That(m, Is.EqualTo(6.75).Within(1e-12));
        Assert.That(LayerFigures.Normalised(13.5, m), Is.EqualTo(2).Within(1e-12));
        Assert.That(LayerFigures.Normalised(13.5, 0), Is.Null);
        Assert.That(LayerFigures.Normalised(null, m), Is.Null);
    }

    [Test]
    public void MeanRowAveragesTheChosenRows()
    {
        float[] rows = [1, 2, 3, 6, 5, 10]; // (3,2)
        Assert.That(LayerFigures.MeanRow(rows, 2, [2]), Is.EqualTo(new double[] { 5, 10 }));
        Assert.That(LayerFigures.MeanRow(rows, 2, [0, 1, 2]), Is.EqualTo(new double[] { 3, 6 }));
    }

    [Test]
    public void PairwiseCosineIsTheMeanOverUnorderedPairs()
    {
        // cos((1,0),(0,1)) = 0, cos((1,0),(1,1)) = cos((0,1),(1,1)) = 1/√2 → mean √2/3.
        Assert.That(LayerFigures.MeanPairwiseCosine([[1, 0], [0, 1], [1, 1]]), Is.EqualTo(Math.Sqrt(2) / 3).Within(1e-12));
        Assert.That(LayerFigures.MeanPairwiseCosine([[1, 0], [-2, 0]]), Is.EqualTo(-1).Within(1e-12));
        Assert.That(LayerFigures.MeanPairwiseCosine([[1, 0]]), Is.Null);
    }

    [Test]
    public void SpectrumRatioIsOneForParallelAndOneOverNForOrthogonalVectorsOfOneLength()
    {
        Assert.That(LayerFigures.SpectrumRatio([[1, 0], [2, 0], [-3, 0]]), Is.EqualTo(1).Within(1e-12));
        Assert.That(LayerFigures.SpectrumRatio([[1, 0, 0], [0, 1, 0], [0, 0, 1]]), Is.EqualTo(1.0 / 3).Within(1e-12));
        Assert.That(LayerFigures.SpectrumRatio([[0, 0], [0, 0]]), Is.Null);
        Assert.That(LayerFigures.SpectrumRatio([]), Is.Null);
    }

    [Test]
    public void SpectrumRatioOfTwoVectorsAtFortyFiveDegrees()
    {
        // f1 = (1,0), f2 = (1,1): C = ½(f1f1ᵀ + f2f2ᵀ) = [[1, ½], [½, ½]], tr 1.5, det ¼,
        // λ_max = (1.5 + √(1.5² − 1))/2 → ratio (1.5 + √1.25)/3.
        Assert.That(LayerFigures.SpectrumRatio([[1, 0], [1, 1]]), Is.EqualTo((1.5 + Math.Sqrt(1.25)) / 3).Within(1e-12));
    }

    [Test]
    public void JacobiFindsTheEigenvaluesOfATridiagonalMatrix()
    {
        // [[2,1,0],[1,2,1],[0,1,2]]: 2 + √2, 2, 2 − √2.
        var values = SymmetricEigen.Eigenvalues([2, 1, 0, 1, 2, 1, 0, 1, 2], 3);
        Assert.That(values, Is.EqualTo(new[] { 2 + Math.Sqrt(2), 2, 2 - Math.Sqrt(2) }).Within(1e-12));
    }

    [Test]
    public void JacobiMatchesTraceAndDeterminantOfARandomSymmetricMatrix()
    {
        var rng = new Engine.Model.SplitMix64(5);
        const int n = 7;
        var b = new double[n * n];
        for (var i = 0; i < b.Length; i++) b[i] = rng.NextNormal();
        var a = new double[n * n]; // A = B Bᵀ: symmetric, positive semi-definite
        for (var i = 0; i < n; i++)
            for (var j = 0; j < n; j++)
                for (var k = 0; k < n; k++) a[i * n + j] += b[i * n + k] * b[j * n + k];
        var values = SymmetricEigen.Eigenvalues(a, n);
        var trace = Enumerable.Range(0, n).Sum(i => a[i * n + i]);
        Assert.That(values.Sum(), Is.EqualTo(trace).Within(1e-9 * trace));
        // tr(A²) = Σ λ² = Σ_ij a_ij².
        Assert.That(values.Sum(v => v * v), Is.EqualTo(a.Sum(x => x * x)).Within(1e-9 * a.Sum(x => x * x)));
        Assert.That(values, Is.Ordered.Descending);
        Assert.That(values.Last(), Is.GreaterThan(-1e-9));
    }

    [Test]
    public void PearsonSkipsUndefinedLayersAndNeedsThree()
    {
        Assert.That(LayerFigures.Pearson([4, 2, null, 0], [0.1, 0.5, 0.7, 0.9]), Is.EqualTo(-1).Within(1e-12));
        // x = 1,2,3 and y = 1,3,2: r = 0.5.
        Assert.That(LayerFigures.Pearson([1, 2, 3], [1, 3, 2]), Is.EqualTo(0.5).Within(1e-12));
        Assert.That(LayerFigures.Pearson([1, 2, null], [1, 3, 2]), Is.Null);
        Assert.That(LayerFigures.Pearson([1, 1, 1], [1, 3, 2]), Is.Null);
    }
}
