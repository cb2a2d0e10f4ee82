using Engine.Kernels.Launch;

namespace Engine.Kernels.OpenCl;

/// <summary>A buffer in an OpenCL device's global memory: one <c>cl_mem</c>, zero-filled when created.</summary>
public sealed unsafe class OpenClBuffer<T> : DeviceBuffer<T>, INativeBuffer where T : unmanaged
{
    private nint _memory;

    /// <exception cref="OutOfMemoryException">The device cannot hold the buffer (message names the size).</exception>
    internal OpenClBuffer(OpenClDevice device, int length) : base(device, length)
    {
        Runtime = device.Runtime;
        _memory = Runtime.AllocateBytes((long)length * sizeof(T));
        var zero = 0;
        // Device.Allocate promises zeros; a 4-byte pattern is faster than a byte pattern where it fits.
        var bytes = (long)length * sizeof(T);
        Runtime.Fill(_memory, &zero, bytes % 4 == 0 ? 4 : 1, 0, bytes);
    }

    internal OpenClRuntime Runtime { get; }

    /// <summary>The cl_mem handle.</summary>
    public nint NativeHandle => _memory;

    public int ElementSize => sizeof(T);

    public int RunnerId => Runtime.Id;

    public override void Dispose()
    {
        if (_memory == 0) return;
        OpenClRuntime.Release(_memory);
        _memory = 0;
    }
}
