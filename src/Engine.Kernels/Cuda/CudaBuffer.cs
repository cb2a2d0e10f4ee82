using Engine.Kernels.Launch;

namespace Engine.Kernels.Cuda;

/// <summary>A buffer in a CUDA device's global memory (one cuMemAlloc), zero-filled when created.</summary>
public sealed unsafe class CudaBuffer<T> : DeviceBuffer<T>, INativeBuffer where T : unmanaged
{
    private ulong _pointer;

    /// <exception cref="OutOfMemoryException">The device cannot hold the buffer (message names the size).</exception>
    internal CudaBuffer(CudaDevice device, int length) : base(device, length)
    {
        Runtime = device.Runtime;
        var bytes = (long)length * sizeof(T);
        _pointer = Runtime.AllocateBytes(bytes);
        // Device.Allocate promises zeros; 32-bit words where the size allows.
        if (bytes % 4 == 0) Runtime.Fill(_pointer, 0, 4, bytes / 4);
        else Runtime.Fill(_pointer, 0, 1, bytes);
    }

    internal CudaRuntime Runtime { get; }

    /// <summary>The CUdeviceptr of element 0.</summary>
    public nint NativeHandle => (nint)_pointer;

    internal ulong Pointer => _pointer;

    public int ElementSize => sizeof(T);

    public int RunnerId => Runtime.Id;

    public override void Dispose()
    {
        if (_pointer == 0) return;
        Runtime.Free(_pointer);
        _pointer = 0;
    }
}
