using Engine.Kernels;

namespace Engine.Train.Llm;

/// <summary>
/// Moves checkpoint tensors onto a device one at a time: each is converted to float32 (from bf16, f16 or f32) into one
/// reused host buffer sized for the largest tensor, then uploaded, so the host holds at most one tensor beside the
/// device copy. Reports progress per tensor.
/// </summary>
internal sealed class LlmWeightUploader
{
    private readonly LlmWeights _weights;
    private readonly Device _device;
    private readonly IProgress<LlmLoadProgress>? _progress;
    private readonly float[] _staging;
    private readonly int _total;
    private int _done;

    public LlmWeightUploader(LlmWeights weights, Device device, IReadOnlyList<(string Name, int[] Shape)> tensors, IProgress<LlmLoadProgress>? progress)
    {
        _weights = weights;
        _device = device;
        _progress = progress;
        _total = tensors.Count;
        var largest = tensors.Max(t => Elements(t.Shape));
        _staging = GC.AllocateUninitializedArray<float>(checked((int)largest));
    }

    /// <summary>A new device buffer holding tensor <paramref name="name"/>, whose shape must be <paramref name="shape"/>.</summary>
    /// <exception cref="LlmInputException">The checkpoint's tensor has another shape.</exception>
    public DeviceBuffer<float> Upload(string name, int[] shape)
    {
        var actual = _weights.Shape(name);
        if (!actual.SequenceEqual(shape))
            throw new LlmInputException($"{_weights.ModelDir}: tensor {name} has shape [{string.Join(", ", actual)}], expected [{string.Join(", ", shape)}]");
        var length = checked((int)Elements(shape));
        var host = _staging.AsSpan(0, length);
        _weights.ReadFloat32(name, host);
        var buffer = _device.Allocate<float>(length);
        try
        {
            _device.Upload<float>(host, buffer.View);
        }
        catch
        {
            buffer.Dispose();
            throw;
        }
        _progress?.Report(new LlmLoadProgress("upload tensors", ++_done, _total));
        return buffer;
    }

    private static long Elements(int[] shape) => shape.Aggregate(1L, (a, b) => a * b);
}
