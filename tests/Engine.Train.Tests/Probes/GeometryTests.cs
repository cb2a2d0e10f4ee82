using NUnit.Framework;
using Engine.Train.Probes;

namespace Engine.Train.Tests.Probes;

[TestFixture]
[Category("Probes")]
public class GeometryTests
{
    // Tokens 0,1 form E1, 2,3 form E2 with F(0)=2, F(1)=3; token 4 is <f>.
    private static readonly (int, int)[] Functor = [(0, 2), (1, 3)];

    private static RowMatrix Rows(params double[][] rows) =>
        new(rows.Length, rows[0].Length, rows.SelectMany(r => r).ToArray());

    [Test]
    public void AlignedCategoriesHaveZeroDirichletEnergy()
    {
        var rows = Rows([1, 2, 0], [0, 1, 3], [1, 2, 0], [0, 1, 3], [0, 0, 1]);
        var energy = DirichletEnergy.Compute(rows, Functor);
        Assert.That(energy.Raw, Is.EqualTo(0).Within(1e-12));
        Assert.That(energy.Normalised, Is.EqualTo(0).Within(1e-12));
    }

    [Test]
    public void OrthogonalCategoriesHaveNormalisedEnergyTwo()
    {
        // raw: ‖(2,0,0) − (0,3,0)‖² = 13, ‖(0,0,1) − (0,4,0)‖² = 17 → 30
        var rows = Rows([2, 0, 0], [0, 0, 1], [0, 3, 0], [0, 4, 0], [0, 0, 1]);
        var energy = DirichletEnergy.Compute(rows, Functor);
        Assert.That(energy.Raw, Is.EqualTo(30).Within(1e-12));
        Assert.That(energy.Normalised, Is.EqualTo(2).Within(1e-12));
    }

    [Test]
    public void OppositeCategoriesHaveNormalisedEnergyFour()
    {
        var rows = Rows([1, 1], [2, -1], [-3, -3], [-2, 1], [0, 1]);
        Assert.That(DirichletEnergy.Compute(rows, Functor).Normalised, Is.EqualTo(4).Within(1e-12));
    }

    private static FunctorWeights Weights(RowMatrix embedding, RowMatrix head, int width)
    {
        var identity = new double[width * width];
        for (var i = 0; i < width; i++) identity[i * width + i] = 1;
        var zero = new double[width * width];
        return new FunctorWeights(embedding, head, embedding,
            new RowMatrix(width, width, zero), new RowMatrix(width, width, identity), FunctorToken: 4);
    }

    [Test]
    public void HeadRowsDisplacedAlongFunctorGiveParallelismOne()
    {
        // u_F(e) = x_e + 2·e_f and W_V = 0 (so h_e = 0): u_F(e) − h_e = x_e + 2e_f is not parallel to e_f,
        // but u_F(e) − x_e = 2 e_f is: parallelogram 1. With x_e ⟂ e_f and x_e = 0 parallelism is 1 too.
        var embedding = Rows([0, 0, 0], [0, 0, 0], [9, 9, 9], [9, 9, 9], [0, 0, 1]);
        var head = Rows([5, 5, 5], [5, 5, 5], [0, 0, 2], [0, 0, 3], [0, 0, 0]);
        var w = Weights(embedding, head, 3);
        Assert.That(FunctorGeometry.Parallelism(w, Functor), Is.EqualTo(1).Within(1e-12));
        Assert.That(FunctorGeometry.Parallelogram(w, Functor), Is.EqualTo(1).Within(1e-12));
    }

    [Test]
    public void ParallelogramAndAdditionOnHandBuiltVectors()
    {
        // x_0 = (1,0,0), e_f = (0,0,1); u_2 = (1,0,1): u − x = (0,0,1) → cos 1; x + e_f = (1,0,1) → cos 1.
        // x_1 = (0,1,0); u_3 = (0,-1,0): u − x = (0,-2,0) ⟂ e_f → 0; x + e_f = (0,1,1) vs (0,-1,0) → −1/√2.
        var embedding = Rows([1, 0, 0], [0, 1, 0], [0, 0, 0], [0, 0, 0], [0, 0, 1]);
        var head = Rows([0, 0, 0], [0, 0, 0], [1, 0, 1], [0, -1, 0], [0, 0, 0]);
        var w = Weights(embedding, head, 3);
        Assert.That(FunctorGeometry.Parallelogram(w, Functor), Is.EqualTo(0.5).Within(1e-12));
        Assert.That(FunctorGeometry.AnalogyAddition(w, Functor), Is.EqualTo((1 - Math.Sqrt(0.5)) / 2).Within(1e-12));
    }

    [Test]
    public void ValueImageAppliesValueThenOutputToTheNormalisedRow()
    {
        // LN1(x_0) = (−1, 1) (the row of NormalisedEmbedding, not of Embedding); W_V = [[2,0],[0,3]],
        // W_O = [[0,1],[1,0]] → W_V·LN = (−2, 3) → W_O· = (3, −2).
        var embedding = Rows([1, 3], [0, 0], [0, 0], [0, 0], [0, 0]);
        var normalised = Rows([-1, 1], [0, 0], [0, 0], [0, 0], [0, 0]);
        var w = new FunctorWeights(embedding, embedding, normalised,
            new RowMatrix(2, 2, [2, 0, 0, 3]), new RowMatrix(2, 2, [0, 1, 1, 0]), 4);
        var h = FunctorGeometry.ValueImage(w, 0);
        Assert.That(h, Is.EqualTo(new[] { 3.0, -2.0 }).AsCollection.Within(1e-12));
    }

    [Test]
    public void IsometryIsOneForATranslatedCopyAndLowForAShuffledOne()
    {
        // E1 = {0,1,2}, E2 = {3,4,5}: E2 is E1 shifted by (10,10) → distances equal → Pearson 1.
        var rows = Rows([0, 0], [1, 0], [0, 3], [10, 10], [11, 10], [10, 13]);
        (int, int)[] functor = [(0, 3), (1, 4), (2, 5)];
        Assert.That(FunctorGeometry.Isometry(rows, functor), Is.EqualTo(1).Within(1e-12));
        // distances E1: d01=1, d02=3, d12=√10; E2 scaled by 2 stays perfectly correlated.
        var scaled = Rows([0, 0], [1, 0], [0, 3], [0, 0], [2, 0], [0, 6]);
        Assert.That(FunctorGeometry.Isometry(scaled, functor), Is.EqualTo(1).Within(1e-12));
        // images permuted: E2 distances (3, 1, √10) against (1, 3, √10) → Pearson computed by hand.
        var permuted = Rows([0, 0], [1, 0], [0, 3], [0, 0], [0, 3], [1, 0]);
        double[] x = [1, 3, Math.Sqrt(10)];
        double[] y = [3, 1, Math.Sqrt(10)];
        var mx = x.Average();
        var my = y.Average();
        var expected = x.Zip(y).Sum(p => (p.First - mx) * (p.Second - my))
            / Math.Sqrt(x.Sum(v => (v - mx) * (v - mx)) * y.Sum(v => (v - my) * (v - my)));
        Assert.That(FunctorGeometry.Isometry(permuted, functor), Is.EqualTo(expected).Within(1e-12));
    }

    [Test]
    public void PcaRecoversTheDominantAxes()
    {
        // Points spread 10 along (1,1,0)/√2 and 1 along (0,0,1): PC1 scores ±10, PC2 ±1.
        var s = Math.Sqrt(0.5);
        var rows = Rows([10 * s, 10 * s, 0], [-10 * s, -10 * s, 0], [0, 0, 1], [0, 0, -1]);
        var (scores, ratio) = Pca.Project(rows, [0, 1, 2, 3]);
        Assert.That(Math.Abs(scores[0, 0]), Is.EqualTo(10).Within(1e-9));
        Assert.That(scores[0, 0], Is.EqualTo(-scores[1, 0]).Within(1e-9));
        Assert.That(Math.Abs(scores[2, 1]), Is.EqualTo(1).Within(1e-9));
        Assert.That(scores[2, 0], Is.EqualTo(0).Within(1e-9));
        Assert.That(ratio[0], Is.EqualTo(200.0 / 202).Within(1e-12));
        Assert.That(ratio[1], Is.EqualTo(2.0 / 202).Within(1e-12));
    }

    [Test]
    public void JacobiDiagonalisesASymmetricMatrix()
    {
        double[,] m = { { 4, 1, 2 }, { 1, 3, 0 }, { 2, 0, 1 } };
        var (values, vectors) = SymmetricEigen.Decompose(m);
        Assert.That(values, Is.Ordered.Descending);
        for (var c = 0; c < 3; c++)
            for (var r = 0; r < 3; r++)
            {
                var mv = 0.0;
                for (var k = 0; k < 3; k++) mv += m[r, k] * vectors[k, c];
                Assert.That(mv, Is.EqualTo(values[c] * vectors[r, c]).Within(1e-10));
            }
        Assert.That(values.Sum(), Is.EqualTo(8).Within(1e-10)); // trace
    }
}
