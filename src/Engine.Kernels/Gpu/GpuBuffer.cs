using ILGPU;
using ILGPU.Runtime;

namespace Engine.Kernels.Gpu;

/// <summary>Device memory of a <see cref="GpuDevice"/>: one ILGPU buffer, zero-filled on allocation.</summary>
public sealed class GpuBuffer<T> : DeviceBuffer<T> where T : unmanaged
{
    private MemoryBuffer1D<T, Stride1D.Dense>? _memory;

    internal GpuBuffer(GpuDevice device, MemoryBuffer1D<T, Stride1D.Dense> memory, int length) : base(device, length)
    {
        _memory = memory;
        Owner = device;
    }

    internal GpuDevice Owner { get; }

    /// <summary>The whole buffer as an ILGPU view; throws once disposed.</summary>
    internal ArrayView<T> Memory => _memory?.View
        ?? throw new ObjectDisposedException(nameof(GpuBuffer<T>), $"a disposed buffer passed to {Owner.Name}");

    /// <summary>Frees the memory (best effort: a lost device cannot make this throw).</summary>
    public override void Dispose()
    {
        var memory = Interlocked.Exchange(ref _memory, null);
        try
        {
            memory?.Dispose();
        }
        catch (Exception e) when (e is AcceleratorException or InvalidOperationException)
        {
            // The context may already be gone; the driver reclaims the memory with it.
        }
    }
}
