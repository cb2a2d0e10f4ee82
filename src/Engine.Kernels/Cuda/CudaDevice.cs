using System.Runtime.CompilerServices;
using Engine.Kernels.Native;

namespace Engine.Kernels.Cuda;

/// <summary>
/// A CUDA device ("cuda:i"). Memory operations run on the <see cref="Runtime"/>'s stream;
/// the math ops come from <see cref="KernelDevice"/>.
/// </summary>
public sealed class CudaDevice : KernelDevice
{
    /// <summary>Opens "cuda:<paramref name="index"/>" with the default kernel cache.</summary>
    /// <exception cref="NativeLibraryMissingException">libcuda.so.1 or libnvrtc was not found.</exception>
    /// <exception cref="ArgumentOutOfRangeException">No such device; the message lists those that exist.</exception>
    /// <exception cref="CudaException">The driver failed (e.g. CUDA_ERROR_NO_DEVICE).</exception>
    public CudaDevice(int index = 0) : this(new CudaRuntime(index))
    {
    }

    /// <summary>Wraps an open runtime; the device owns it from now on.</summary>
    public CudaDevice(CudaRuntime runtime)
    {
        ArgumentNullException.ThrowIfNull(runtime);
        Runtime = runtime;
    }

    /// <summary>The context, stream and kernel launcher behind this device.</summary>
    public CudaRuntime Runtime { get; }

    protected override Launch.IKernelRunner Runner => Runtime;

    protected override int ParallelUnits => Runtime.Info.Multiprocessors;

    public override string Name => Runtime.Name;

    public override string Description
    {
        get
        {
            var info = Runtime.Info;
            return $"CUDA {info.Name}, compute {info.ComputeMajor}.{info.ComputeMinor}, {info.Multiprocessors} SMs, " +
                   $"{info.TotalMemoryBytes >> 20} MiB; driver {Runtime.DriverVersion / 1000}.{Runtime.DriverVersion % 1000 / 10}, " +
                   $"NVRTC {Runtime.NvrtcVersion.Major}.{Runtime.NvrtcVersion.Minor} → {Runtime.ImageDescription}";
        }
    }

    public override bool Supports<T>() => typeof(T) == typeof(float) || typeof(T) == typeof(int);

    /// <exception cref="OutOfMemoryException">The device cannot hold the buffer (message names the size).</exception>
    public override DeviceBuffer<T> Allocate<T>(int length) => new CudaBuffer<T>(this, length);

    protected override unsafe void WriteQueued<T>(ReadOnlySpan<T> source, BufferView<T> destination)
    {
        var pointer = Own(destination);
        fixed (T* host = source)
        {
            Runtime.Write(pointer, host, (long)source.Length * sizeof(T));
        }
    }

    protected override unsafe void ReadQueued<T>(BufferView<T> source, Span<T> destination)
    {
        var pointer = Own(source);
        fixed (T* host = destination)
        {
            Runtime.Read(pointer, host, (long)destination.Length * sizeof(T));
        }
    }

    protected override void Wait() => Runtime.Synchronize();

    protected override void RunFill<T>(in Ops.FillArgs<T> a) => FillAny(a.X, a.Value);

    protected override unsafe void RunCopy<T>(in Ops.CopyArgs<T> a)
    {
        var (source, destination) = (a.Source, a.Destination);
        Runtime.Copy(Own(source), Own(destination), (long)source.Length * sizeof(T));
    }

    /// <summary>cuMemsetD8/16/32 with the element's bit pattern; 8-byte elements have no memset and are refused.</summary>
    private unsafe void FillAny<T>(BufferView<T> x, T value) where T : unmanaged
    {
        uint bits = sizeof(T) switch
        {
            1 => Unsafe.As<T, byte>(ref value),
            2 => Unsafe.As<T, ushort>(ref value),
            4 => Unsafe.As<T, uint>(ref value),
            _ => throw new NotSupportedException($"{Name}: cannot fill {typeof(T).Name} elements ({sizeof(T)} bytes)"),
        };
        Runtime.Fill(Own(x), bits, sizeof(T), x.Length);
    }

    /// <summary>The device address of a view's first element; throws when the view belongs to another device.</summary>
    private unsafe ulong Own<T>(BufferView<T> view) where T : unmanaged
    {
        if (view.Buffer is not CudaBuffer<T> buffer || buffer.Runtime != Runtime)
            throw new ArgumentException($"buffer of device '{view.Buffer.Device.Name}' passed to {Name}");
        if (buffer.Pointer == 0) throw new ObjectDisposedException(nameof(CudaBuffer<T>), $"a disposed buffer passed to {Name}");
        return buffer.Pointer + (ulong)view.Offset * (ulong)sizeof(T);
    }

    public override void Dispose()
    {
        DisposeOps(); // scratch buffers go before the context
        Runtime.Dispose();
        base.Dispose();
    }
}
