using System.Numerics;
using Engine.Kernels;

namespace Engine.Model;

/// <summary>
/// Caller-given device buffers into which <see cref="Gpt{T}.Forward"/> copies the residual stream at each
/// sequence's supervised position, layer by layer: <see cref="Layers"/>[0] gets the token embedding of the token
/// there (the stream before block 1; there are no learned positions), <see cref="Layers"/>[ℓ] the output of block ℓ
/// (after both residual additions), so <see cref="Layers"/>[L] is what the final LayerNorm reads. Each view holds
/// (B,C) row-major. Copies only: nothing is recorded on the tape and the forward pass is otherwise unchanged.
/// Legend: B sequences, C channels, L blocks.
/// </summary>
/// <param name="layers">L + 1 views of at least B·C elements each.</param>
public sealed class ResidualCapture<T>(IReadOnlyList<BufferView<T>> layers) where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>The L + 1 buffers, (B,C) each.</summary>
    public IReadOnlyList<BufferView<T>> Layers { get; } = layers;

    /// <exception cref="ArgumentException">Not L + 1 buffers, or one shorter than B·C.</exception>
    internal void Check(int depth, int batch, int channels)
    {
        if (Layers.Count != depth + 1)
            throw new ArgumentException($"a residual capture of a {depth}-block model needs {depth + 1} buffers, not {Layers.Count}");
        for (var layer = 0; layer < Layers.Count; layer++)
            if (Layers[layer].Length < (long)batch * channels)
                throw new ArgumentException($"residual buffer {layer} holds {Layers[layer].Length} values, fewer than {batch}×{channels}");
    }

    /// <summary>Layers[layer] (B,C) = stream[rows[b], :] for a stream of every position (B·T,C).</summary>
    internal void Gather(Device device, int layer, Tensor<T> stream, BufferView<int> rows, int batch, int channels)
        => device.GatherRows(Layers[layer].Slice(0, batch * channels), stream.Data, rows, batch, channels);

    /// <summary>Layers[layer] (B,C) = the stream already at the selected rows (B,C).</summary>
    internal void Copy(Device device, int layer, Tensor<T> selected, int batch, int channels)
        => device.Copy(selected.Data.Slice(0, batch * channels), Layers[layer].Slice(0, batch * channels));
}
