using Engine.Kernels;
using Engine.Kernels.Cpu;
using Engine.Model;

namespace Engine.Model.Tests;

/// <summary>
/// Every tape op alone, in float64 on the CPU: the tape's gradients against fourth-order central
/// differences of L = Σ w_i·y_i (w seeded), or of the op's own scalar loss for cross-entropy.
/// Tolerance: max over elements of |a − n| / max(|a|, |n|, 1e-6) &lt; 1e-6.
/// </summary>
[TestFixture]
[Category("GradCheck")]
public sealed class OpGradCheckTests
{
    private const double Tolerance = 1e-6;
    private CpuDevice _device = null!;

    [OneTimeSetUp]
    public void Open() => _device = new CpuDevice(1);

    [OneTimeTearDown]
    public void Close() => _device.Dispose();

    private ParameterStore<double> Store(ulong seed, params (string Name, Shape Shape)[] leaves)
    {
        var store = new ParameterStore<double>(_device);
        foreach (var (name, shape) in leaves) store.Add(name, shape, ParameterInit.Zeros);
        store.Materialize(0);
        GradChecker.Randomize(store, seed, 1.0);
        return store;
    }

    private static void AssertPasses(GradCheckResult result)
    {
        TestContext.Out.WriteLine(result);
        Assert.That(result.MaxRelativeError, Is.LessThan(Tolerance), result.ToString());
    }

    [TestCase(1, 1, 1, true)]
    [TestCase(3, 5, 7, true)]
    [TestCase(4, 3, 2, false)]
    [TestCase(7, 2, 5, true)]
    public void Linear(int rows, int inFeatures, int outFeatures, bool withBias)
    {
        var leaves = new List<(string, Shape)> { ("x", Shape.Of(rows, inFeatures)), ("w", Shape.Of(outFeatures, inFeatures)) };
        if (withBias) leaves.Add(("b", Shape.Of(outFeatures)));
        using var store = Store(11, [.. leaves]);
        AssertPasses(GradChecker.Check(store, tape =>
            LinearOp.Forward(tape, store["x"], store["w"], withBias ? store["b"] : null, "y")));
    }

    [Test]
    public void LinearOverThreeDimensionalInput()
    {
        using var store = Store(12, ("x", Shape.Of(2, 3, 5)), ("w", Shape.Of(4, 5)), ("b", Shape.Of(4)));
        AssertPasses(GradChecker.Check(store, tape => LinearOp.Forward(tape, store["x"], store["w"], store["b"], "y")));
    }

    // Odd, distinct sizes catch swapped strides; 1 and 9 reach the edge paths of a row or column.
    [TestCase(false, false, 3, 5, 7)]
    [TestCase(true, false, 3, 5, 7)]
    [TestCase(false, true, 3, 5, 7)]
    [TestCase(true, true, 3, 5, 7)]
    [TestCase(false, false, 1, 9, 3)]
    [TestCase(true, false, 9, 1, 5)]
    [TestCase(false, true, 5, 3, 1)]
    [TestCase(true, true, 7, 9, 11)]
    public void MatMulEveryTransposeCombination(bool transposeA, bool transposeB, int m, int n, int k)
    {
        var aShape = transposeA ? Shape.Of(k, m) : Shape.Of(m, k);
        var bShape = transposeB ? Shape.Of(n, k) : Shape.Of(k, n);
        using var store = Store(13, ("a", aShape), ("b", bShape));
        AssertPasses(GradChecker.Check(store, tape => MatMulOp.Forward(tape, store["a"], store["b"], transposeA, transposeB, "c")));
    }

    [TestCase(1, 4)]
    [TestCase(5, 7)]
    public void LayerNorm(int rows, int channels)
    {
        using var store = Store(14, ("x", Shape.Of(rows, channels)), ("g", Shape.Of(channels)), ("b", Shape.Of(channels)));
        AssertPasses(GradChecker.Check(store, tape => LayerNormOp.Forward(tape, store["x"], store["g"], store["b"], 1e-5, "ln")));
    }

    [Test]
    public void Gelu()
    {
        using var store = Store(15, ("x", Shape.Of(4, 9)));
        AssertPasses(GradChecker.Check(store, tape => GeluOp.Forward(tape, store["x"], "gelu")));
    }

    [TestCase(1, 4, 1)]
    [TestCase(4, 8, 2)]
    [TestCase(3, 12, 3)]
    public void Rope(int tokens, int channels, int heads)
    {
        using var store = Store(16, ("qkv", Shape.Of(2, tokens, 3 * channels)));
        AssertPasses(GradChecker.Check(store, tape => RopeOp.Forward(tape, store["qkv"], heads, 100.0, "rope")));
    }

    [TestCase(1, 4, 1)]
    [TestCase(2, 4, 1)]
    [TestCase(3, 6, 1)]
    [TestCase(4, 4, 1)]
    [TestCase(1, 8, 2)]
    [TestCase(2, 8, 2)]
    [TestCase(3, 8, 2)]
    [TestCase(4, 8, 4)]
    [TestCase(4, 12, 3)]
    public void Attention(int tokens, int channels, int heads)
    {
        using var store = Store(17, ("qkv", Shape.Of(2, tokens, 3 * channels)));
        AssertPasses(GradChecker.Check(store, tape => AttentionOp.Forward(tape, store["qkv"], heads, "attn", out _)));
    }

    [Test]
    public void RopeThenAttention()
    {
        using var store = Store(18, ("qkv", Shape.Of(2, 3, 24)));
        AssertPasses(GradChecker.Check(store, tape =>
            AttentionOp.Forward(tape, RopeOp.Forward(tape, store["qkv"], 2, 100.0, "rope"), 2, "attn", out _)));
    }

    [Test]
    public void ResidualAddWithTheSameTensorTwice()
    {
        using var store = Store(19, ("a", Shape.Of(3, 5)), ("b", Shape.Of(3, 5)));
        AssertPasses(GradChecker.Check(store, tape =>
        {
            var sum = AddOp.Forward(tape, store["a"], store["b"], "sum");
            return AddOp.Forward(tape, sum, store["a"], "sum2"); // a used twice: both paths accumulate
        }));
    }

    [Test]
    public void EmbeddingGatherWithRepeatedIndices()
    {
        using var store = Store(20, ("table", Shape.Of(6, 5)));
        var indices = GradChecker.Ints(_device, 3, 0, 3, 5, 3, 1, 0);
        AssertPasses(GradChecker.Check(store, tape => GatherRowsOp.Forward(tape, store["table"], indices, 7, "emb")));
    }

    [Test]
    public void CrossEntropyOnSelectedRows()
    {
        // x (B,T,V) = (3,4,7); the supervised rows b·T + last_b with last = (3, 1, 2).
        using var store = Store(21, ("x", Shape.Of(3, 4, 7)));
        var rows = GradChecker.Ints(_device, 0 * 4 + 3, 1 * 4 + 1, 2 * 4 + 2);
        var targets = GradChecker.Ints(_device, 6, 0, 3);
        AssertPasses(GradChecker.Check(store, tape =>
        {
            var logits = GatherRowsOp.Forward(tape, store["x"], rows, 3, "select");
            return CrossEntropyOp.Forward(tape, logits, targets, "loss", out _);
        }, scalarLoss: true));
    }

    [TestCase(false)]
    [TestCase(true)]
    public void OutputHeadTiedAndUntied(bool tied)
    {
        // tokens → embedding (V,C) → LN → head → cross-entropy; the tied head reuses the embedding,
        // so its gradient is the sum of the gather's scatter and the head's GEMM.
        const int vocab = 6, channels = 4;
        var leaves = new List<(string, Shape)> { ("emb", Shape.Of(vocab, channels)), ("g", Shape.Of(channels)), ("b", Shape.Of(channels)) };
        if (!tied) leaves.Add(("head", Shape.Of(vocab, channels)));
        using var store = Store(22, [.. leaves]);
        var tokens = GradChecker.Ints(_device, 1, 4, 4, 0);
        var targets = GradChecker.Ints(_device, 2, 4, 0, 5);
        AssertPasses(GradChecker.Check(store, tape =>
        {
            var x = GatherRowsOp.Forward(tape, store["emb"], tokens, 4, "emb");
            var h = LayerNormOp.Forward(tape, x, store["g"], store["b"], 1e-5, "ln");
            var logits = LinearOp.Forward(tape, h, tied ? store["emb"] : store["head"], null, "head");
            return CrossEntropyOp.Forward(tape, logits, targets, "loss", out _);
        }, scalarLoss: true));
    }
}
