using Engine.Kernels;

namespace Engine.Train.Llm;

/// <summary>
/// One decoder block's weights on the device. Linear weights keep the checkpoint's (out, in) layout: y = x·Wᵀ.
/// Shapes: norms (C); Query (H·D, C); Key, Value (KV·D, C); Output (C, H·D); Gate, Up (I, C); Down (C, I).
/// PreFeedForwardNorm and PostFeedForwardNorm exist for Gemma-2 only.
/// </summary>
internal sealed class LlmBlockWeights : IDisposable
{
    private readonly List<DeviceBuffer<float>> _owned = [];

    public DeviceBuffer<float> InputNorm { get; }
    public DeviceBuffer<float> Query { get; }
    public DeviceBuffer<float> Key { get; }
    public DeviceBuffer<float> Value { get; }
    public DeviceBuffer<float> Output { get; }
    public DeviceBuffer<float> PostAttentionNorm { get; }
    public DeviceBuffer<float>? PreFeedForwardNorm { get; }
    public DeviceBuffer<float>? PostFeedForwardNorm { get; }
    public DeviceBuffer<float> Gate { get; }
    public DeviceBuffer<float> Up { get; }
    public DeviceBuffer<float> Down { get; }

    public LlmBlockWeights(LlmConfig config, int layer, LlmWeightUploader uploader)
    {
        int c = config.HiddenSize, q = config.HeadCount * config.HeadDim, kv = config.KvHeadCount * config.HeadDim, ff = config.IntermediateSize;
        try
        {
            InputNorm = Take(uploader.Upload(LlmTensorNames.InputNorm(layer), [c]));
            Query = Take(uploader.Upload(LlmTensorNames.QueryProjection(layer), [q, c]));
            Key = Take(uploader.Upload(LlmTensorNames.KeyProjection(layer), [kv, c]));
            Value = Take(uploader.Upload(LlmTensorNames.ValueProjection(layer), [kv, c]));
            Output = Take(uploader.Upload(LlmTensorNames.OutputProjection(layer), [c, q]));
            PostAttentionNorm = Take(uploader.Upload(LlmTensorNames.PostAttentionNorm(layer), [c]));
            if (config.Architecture == LlmArchitecture.Gemma2)
            {
                PreFeedForwardNorm = Take(uploader.Upload(LlmTensorNames.PreFeedForwardNorm(layer), [c]));
                PostFeedForwardNorm = Take(uploader.Upload(LlmTensorNames.PostFeedForwardNorm(layer), [c]));
            }
            Gate = Take(uploader.Upload(LlmTensorNames.GateProjection(layer), [ff, c]));
            Up = Take(uploader.Upload(LlmTensorNames.UpProjection(layer), [ff, c]));
            Down = Take(uploader.Upload(LlmTensorNames.DownProjection(layer), [c, ff]));
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    private DeviceBuffer<float> Take(DeviceBuffer<float> buffer)
    {
        _owned.Add(buffer);
        return buffer;
    }

    public void Dispose()
    {
        foreach (var buffer in _owned) buffer.Dispose();
        _owned.Clear();
    }
}
