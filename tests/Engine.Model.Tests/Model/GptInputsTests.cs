using Engine.Kernels;
using Engine.Kernels.Cpu;
using Engine.Model;

namespace Engine.Model.Tests;

/// <summary>Staging several batches, one upload, and the device views each batch gets.</summary>
[TestFixture]
[Category("Model")]
public sealed class GptInputsTests
{
    private static int[] Read(Device device, BufferView<int> view)
    {
        var host = new int[view.Length];
        device.Download(view, host);
        return host;
    }

    [Test]
    public void StagedBatchesComeBackAsTheirOwnViewsAfterOneUpload()
    {
        using var device = new CpuDevice(1);
        using var inputs = new GptInputs(device, vocabSize: 11);
        var first = inputs.Stage([1, 2, 3, 4, 5, 0], [2, 1], [7, 8], batchSize: 2, sequenceLength: 3);
        var second = inputs.Stage([9, 10, 6], [0, 0, 0], [], batchSize: 3, sequenceLength: 1);
        Assert.That(() => inputs[first], Throws.InvalidOperationException, "views before the upload");
        inputs.Upload();

        Assert.That((first, second, inputs.Count), Is.EqualTo((0, 1, 2)));
        var a = inputs[first];
        Assert.That((a.BatchSize, a.SequenceLength, a.HasTargets), Is.EqualTo((2, 3, true)));
        Assert.That(Read(device, a.Tokens), Is.EqualTo(new[] { 1, 2, 3, 4, 5, 0 }));
        Assert.That(Read(device, a.SelectedRows), Is.EqualTo(new[] { 2, 4 }), "b·T + last");
        Assert.That(Read(device, a.Targets), Is.EqualTo(new[] { 7, 8 }));
        var b = inputs[second];
        Assert.That((b.BatchSize, b.SequenceLength, b.HasTargets), Is.EqualTo((3, 1, false)));
        Assert.That(Read(device, b.Tokens), Is.EqualTo(new[] { 9, 10, 6 }));
        Assert.That(Read(device, b.SelectedRows), Is.EqualTo(new[] { 0, 1, 2 }));
        Assert.That(() => inputs[2], Throws.InstanceOf<ArgumentOutOfRangeException>());

        inputs.Clear();
        var again = inputs.Set([3, 3], [0, 0], [1, 2], batchSize: 2, sequenceLength: 1);
        Assert.That(inputs.Count, Is.EqualTo(1));
        Assert.That(Read(device, again.Tokens), Is.EqualTo(new[] { 3, 3 }));
        Assert.That(Read(device, again.Targets), Is.EqualTo(new[] { 1, 2 }));
    }

    [Test]
    public void BadBatchIsRefusedBeforeAnythingIsStaged()
    {
        using var device = new CpuDevice(1);
        using var inputs = new GptInputs(device, vocabSize: 11);
        Assert.That(() => inputs.Stage([1, 11], [0], [1], 1, 2), Throws.ArgumentException.With.Message.Contains("token 11"));
        Assert.That(() => inputs.Stage([1, 2], [2], [1], 1, 2), Throws.ArgumentException.With.Message.Contains("supervised position 2"));
        Assert.That(() => inputs.Stage([1, 2], [1], [-1], 1, 2), Throws.ArgumentException.With.Message.Contains("target -1"));
        Assert.That(inputs.Count, Is.Zero);
    }
}
