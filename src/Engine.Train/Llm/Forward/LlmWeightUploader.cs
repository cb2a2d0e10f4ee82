using Engine.Kernels;

namespace Engine.Train.Llm;

/// <summary>
/// Moves checkpoint tensors onto a device one at a time, each in chunks of at most <see cref="ChunkElements"/>: a chunk
/// is converted to float32 (from bf16, f16 or f32) into one reused host buffer and uploaded into its slice of the device
/// buffer, and once a tensor is on the device its mapped file pages leave the process's resident set. So the host holds
/// 64 MB beside the device copy, whatever the tensor sizes. Reports progress per tensor.
/// </summary>
internal sealed class LlmWeightUploader
{
    private readonly LlmWeights _weights;
    private readonly Device _device;
    private readonly IProgress<LlmLoadProgress>? _progress;
    /// <summary>Elements converted and uploaded at a time (64 MB of float32).</summary>
    public const int ChunkElements = 1 << 24;

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
        _staging = GC.AllocateUninitializedArray<float>((int)Math.Min(largest, ChunkElements));
    }

    /// <summary>A new device buffer holding tensor <paramref name="name"/>, whose shape must be <paramref name="shape"/>.</summary>
    /// <exception cref="LlmInputException">The checkpoint's tensor has another shape.</exception>
    public DeviceBuffer<float> Upload(string name, int[] shape)
    {
        var actual = _weights.Shape(name);
        if (!actual.SequenceEqual(shape))
            throw new LlmInputException($"{_weights.ModelDir}: tensor {name} has shape [{string.Join(", ", actual)}], expected [{string.Join(", ", shape)}]");
        var length = checked((int)Elements(shape));
        var buffer = _device.Allocate<float>(length);
        try
        {
            for (var start = 0; start < length; start += _staging.Length)
            {
                var host = _staging.AsSpan(0, Math.Min(_staging.Length, length - start));
                _weights.ReadFloat32(name, start, host);
                _device.Upload<float>(host, buffer.Slice(start, host.Length));
            }
            _weights.DropResidentPages(name);
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
