using Engine.Kernels.Gpu;
using Engine.Kernels.Ops;
using Engine.Kernels.Cpu;
using NUnit.Framework;
using static Engine.Kernels.Tests.Parity.ParityMath;

namespace Engine.Kernels.Tests.Parity;

/// <summary>Row gather and scatter-add, fused softmax cross-entropy, arg-max. Legend: R rows, C channels, V vocabulary / table rows.</summary>
public abstract partial class DeviceParitySuite
{
    [TestCase(40, 33, 12)]      // many repeated indices
    [TestCase(192, 128, 10011)] // the token embedding of batch 64 × 3 tokens
    public void GatherAndScatterAddRowsMatchFloat64(int rows, int channels, int tableRows)
    {
        var table = Random(tableRows * channels, 60);
        var indices = Indices(rows, Math.Min(tableRows, 20), 61); // few distinct rows: duplicates are the hard case
        var dOut = Random(rows * channels, 62);
        var dTable = Random(tableRows * channels, 63);
        var expectedRows = new double[rows * channels];
        NaiveOps.GatherRows<double>(expectedRows, ToDouble(table), indices, rows, channels);
        var expectedDTable = ToDouble(dTable);
        NaiveOps.ScatterAddRows<double>(expectedDTable, ToDouble(dOut), indices, rows, channels);
        Check($"GatherRows {rows}×{channels} of {tableRows}", Tight, expectedRows, () =>
        {
            var (source, index, output) = (Upload(table), Upload(indices), Upload(new float[rows * channels]));
            Device.GatherRows(output.View, source.View, index.View, rows, channels);
            return Download(output.View);
        });
        Check($"ScatterAddRows {rows}×{channels} into {tableRows}", Tight, expectedDTable, () =>
        {
            var (gradient, index, upstream) = (Upload(dTable), Upload(indices), Upload(dOut));
            Device.ScatterAddRows(gradient.View, upstream.View, index.View, rows, channels);
            return Download(gradient.View);
        });
    }

    [Test]
    public void ScatterAddRowsAddsInRowOrderBitForBit()
    {
        // The float32 reference adds duplicates in increasing r; both kernels must give the identical bits.
        const int rows = 300, channels = 7, tableRows = 5;
        var indices = Indices(rows, tableRows, 64);
        var dOut = Random(rows * channels, 65, scale: 1e3);
        var dTable = Random(tableRows * channels, 66);
        var expected = (float[])dTable.Clone();
        NaiveOps.ScatterAddRows<float>(expected, dOut, indices, rows, channels);
        foreach (var variant in new[] { KernelVariant.Naive, KernelVariant.Fast })
        {
            SelectVariant(variant);
            var (gradient, index, upstream) = (Upload(dTable), Upload(indices), Upload(dOut));
            Device.ScatterAddRows(gradient.View, upstream.View, index.View, rows, channels);
            Assert.That(Download(gradient.View), Is.EqualTo(expected), variant.ToString());
        }
    }

    [TestCase(5, 37, false)]
    [TestCase(64, 10011, false)] // the head's logits at batch 64
    [TestCase(64, 10011, true)]  // the same, gradient written over the logits
    public void CrossEntropyMatchesFloat64(int rows, int vocab, bool inPlace)
    {
        const float scale = 1f / 64;
        var logits = Random(rows * vocab, 70, scale: 8);
        var targets = Indices(rows, vocab, 71);
        var (losses, dLogits) = (new double[rows], new double[rows * vocab]);
        NaiveOps.CrossEntropyForwardBackward<double>(losses, dLogits, ToDouble(logits), targets, rows, vocab, scale, withGradient: true);
        var shape = $"{rows}×{vocab}{(inPlace ? " in place" : "")}";
        Check($"CrossEntropyForward {shape}", Tight, losses, () =>
        {
            var (input, target, output) = (Upload(logits), Upload(targets), Upload(new float[rows]));
            Device.CrossEntropyForward(output.View, input.View, target.View, rows, vocab);
            Assert.That(Download(input.View), Is.EqualTo(logits), "the forward leaves the logits alone");
            return Download(output.View);
        });
        Check($"CrossEntropyForwardBackward {shape}", Tight, ["losses", "dLogits"], [losses, dLogits], () =>
        {
            var (input, target, output) = (Upload(logits), Upload(targets), Upload(new float[rows]));
            var gradient = inPlace ? input : Upload(Enumerable.Repeat(float.NaN, rows * vocab).ToArray());
            Device.CrossEntropyForwardBackward(output.View, gradient.View, input.View, target.View, rows, vocab, scale);
            return [Download(output.View), Download(gradient.View)];
        });
    }

    [TestCase(7, 10011)]
    [TestCase(3, 300)]
    public void ArgMaxRowsReturnsTheFirstLargestIndex(int rows, int columns)
    {
        var x = Random(rows * columns, 80);
        // Ties: row r holds its maximum twice (the later copy must lose), row 0 at the very end too.
        for (var r = 0; r < rows; r++)
        {
            var first = (r * 997) % (columns - 1);
            x[r * columns + first] = 2f;
            x[r * columns + columns - 1 - r % 2] = 2f;
        }
        var expected = new int[rows];
        NaiveOps.ArgMaxRows<float>(expected, x, rows, columns);
        foreach (var variant in new[] { KernelVariant.Naive, KernelVariant.Fast })
        {
            SelectVariant(variant);
            var (input, output) = (Upload(x), Upload(new int[rows]));
            Device.ArgMaxRows(output.View, input.View, rows, columns);
            Assert.That(Download(output.View), Is.EqualTo(expected), variant.ToString());
        }
    }
}
