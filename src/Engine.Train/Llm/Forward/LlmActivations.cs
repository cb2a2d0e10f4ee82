using Engine.Kernels;

namespace Engine.Train.Llm;

/// <summary>
/// The device activations of one forward pass over T tokens, allocated once per model for the longest prompt seen and
/// sliced per pass. Shapes: Residual, Normed, Attended, Projected (T,C); Query, Context (T,H·D); Key, Value (T,KV·D);
/// Gate, Up (T,I); LensRows (L+1, C) (the last position's residual per layer); Logits (L+1, V); Tokens (T).
/// </summary>
internal sealed class LlmActivations : IDisposable
{
    private readonly LlmConfig _config;
    private readonly Device _device;
    private readonly List<DeviceBuffer<float>> _buffers = [];
    private DeviceBuffer<int>? _tokens;
    private DeviceBuffer<float>? _lensRows, _logits;
    private DeviceBuffer<float>? _residual, _normed, _projected, _query, _context, _key, _value, _gate, _up;

    public LlmActivations(LlmConfig config, Device device)
    {
        _config = config;
        _device = device;
    }

    /// <summary>Tokens the current buffers hold.</summary>
    public int Capacity { get; private set; }

    public BufferView<int> Tokens(int t) => _tokens!.Slice(0, t);
    public BufferView<float> Residual(int t) => _residual!.Slice(0, t * _config.HiddenSize);
    public BufferView<float> Normed(int t) => _normed!.Slice(0, t * _config.HiddenSize);
    public BufferView<float> Projected(int t) => _projected!.Slice(0, t * _config.HiddenSize);
    public BufferView<float> Query(int t) => _query!.Slice(0, t * QueryWidth);
    public BufferView<float> Context(int t) => _context!.Slice(0, t * QueryWidth);
    public BufferView<float> Key(int t) => _key!.Slice(0, t * KvWidth);
    public BufferView<float> Value(int t) => _value!.Slice(0, t * KvWidth);
    public BufferView<float> Gate(int t) => _gate!.Slice(0, t * _config.IntermediateSize);
    public BufferView<float> Up(int t) => _up!.Slice(0, t * _config.IntermediateSize);
    public BufferView<float> LensRows => _lensRows!.View;
    public BufferView<float> Logits => _logits!.View;

    private int QueryWidth => _config.HeadCount * _config.HeadDim;
    private int KvWidth => _config.KvHeadCount * _config.HeadDim;

    /// <summary>Makes room for <paramref name="tokens"/> tokens (grows only).</summary>
    public void Reserve(int tokens)
    {
        if (_logits is null)
        {
            var layers = _config.LayerCount + 1;
            _lensRows = Add(layers * _config.HiddenSize);
            _logits = Add(checked(layers * _config.VocabSize));
        }
        if (tokens <= Capacity) return;
        foreach (var buffer in new[] { _residual, _normed, _projected, _query, _context, _key, _value, _gate, _up })
        {
            if (buffer is null) continue;
            buffer.Dispose();
            _buffers.Remove(buffer);
        }
        _tokens?.Dispose();
        var c = _config.HiddenSize;
        _tokens = _device.Allocate<int>(tokens);
        (_residual, _normed, _projected) = (Add(tokens * c), Add(tokens * c), Add(tokens * c));
        (_query, _context) = (Add(tokens * QueryWidth), Add(tokens * QueryWidth));
        (_key, _value) = (Add(tokens * KvWidth), Add(tokens * KvWidth));
        (_gate, _up) = (Add(checked(tokens * _config.IntermediateSize)), Add(checked(tokens * _config.IntermediateSize)));
        Capacity = tokens;
    }

    private DeviceBuffer<float> Add(int length)
    {
        var buffer = _device.Allocate<float>(length);
        _buffers.Add(buffer);
        return buffer;
    }

    public void Dispose()
    {
        foreach (var buffer in _buffers) buffer.Dispose();
        _buffers.Clear();
        _tokens?.Dispose();
        _tokens = null;
        Capacity = 0;
    }
}
