using NUnit.Framework;
using static Engine.Kernels.Tests.Parity.ParityMath;

namespace Engine.Kernels.Tests.Parity;

/// <summary>
/// Bit-reproducibility: every op that reduces (split-K GEMM, bias and LayerNorm parameter gradients, softmax sums,
/// attention backward, scatter-add, sum and norm, Adam) gives the same bits when run twice on fresh buffers with the same
/// inputs and launch configuration (no atomics, fixed-order reductions).
/// </summary>
public abstract partial class DeviceParitySuite
{
    [Test]
    public void RepeatedRunsGiveTheSameBits()
    {
        const int rows = 40, channels = 48, vocab = 300, batch = 5, tokens = 4, heads = 2, k = 1100;
        var (x, y) = (Random(rows * k, 51), Random(k * channels, 52));
        var stats = Uniform(rows, 53, 0.5, 1.5);
        var qkv = Random(3 * batch * tokens * channels, 54);
        var targets = Indices(rows, vocab, 55);
        var logits = Random(rows * vocab, 56, 4);
        float[][] Run()
        {
            var outputs = new List<float[]>();
            var (xs, ys) = (Upload(x).View, Upload(y).View);
            var c = Upload(new float[rows * channels]).View;
            Device.Gemm(false, false, rows, channels, k, 1f, xs, k, ys, channels, 0f, c, channels); // long K: split on a GPU
            outputs.Add(Download(c));
            var dBias = Upload(new float[channels]).View;
            Device.BiasBackward(dBias, c, rows, channels);
            outputs.Add(Download(dBias));
            var (mean, rstd) = (Upload(stats).View, Upload(stats).View);
            var (dx, dWeight, dB) = (Upload(new float[rows * channels]).View, Upload(new float[channels]).View, Upload(new float[channels]).View);
            var weight = Upload(Uniform(channels, 57, 0.5, 1.5)).View;
            var activations = Upload(Random(rows * channels, 58)).View;
            Device.LayerNormForward(Upload(new float[rows * channels]).View, mean, rstd, activations, weight, dBias, rows, channels, 1e-5f);
            Device.LayerNormBackward(dx, dWeight, dB, c, activations, weight, mean, rstd, rows, channels);
            outputs.AddRange([Download(dx), Download(dWeight), Download(dB)]);
            var (losses, dLogits) = (Upload(new float[rows]).View, Upload(new float[rows * vocab]).View);
            Device.CrossEntropyForwardBackward(losses, dLogits, Upload(logits).View, Upload(targets).View, rows, vocab, 0.5f);
            outputs.AddRange([Download(losses), Download(dLogits)]);
            var (q, probabilities) = (Upload(qkv).View, Upload(new float[batch * heads * tokens * tokens]).View);
            var (attention, dQkv) = (Upload(new float[batch * tokens * channels]).View, Upload(new float[3 * batch * tokens * channels]).View);
            Device.AttentionForward(attention, probabilities, q, batch, tokens, channels, heads);
            Device.AttentionBackward(dQkv, attention, q, probabilities, batch, tokens, channels, heads);
            outputs.Add(Download(dQkv));
            var table = Upload(new float[vocab * channels]).View;
            Device.ScatterAddRows(table, c, Upload(Indices(rows, 7, 59)).View, rows, channels); // repeated indices
            outputs.Add(Download(table));
            var sum = Upload(new float[2]).View;
            Device.Sum(dLogits, sum.Slice(0, 1));
            Device.Norm(dLogits, sum.Slice(1, 1));
            outputs.Add(Download(sum));
            Device.AdamStep(xs, Upload(Random(rows * k, 60)).View, Upload(new float[rows * k]).View, Upload(new float[rows * k]).View,
                new AdamSettings(1e-3, WeightDecay: 0.01), 1);
            outputs.Add(Download(xs));
            return [.. outputs];
        }
        var first = Run();
        var second = Run();
        for (var i = 0; i < first.Length; i++)
        {
            var firstBits = Array.ConvertAll(first[i], BitConverter.SingleToInt32Bits);
            var secondBits = Array.ConvertAll(second[i], BitConverter.SingleToInt32Bits);
            Assert.That(secondBits, Is.EqualTo(firstBits), $"output {i} differs between two identical runs");
        }
    }
}
