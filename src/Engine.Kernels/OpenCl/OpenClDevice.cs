using System.Numerics;
using Engine.Kernels.Native;

namespace Engine.Kernels.OpenCl;

/// <summary>
/// An OpenCL device ("opencl:i"). Memory operations run on the <see cref="Runtime"/>'s queue;
/// the math ops come from <see cref="KernelDevice"/>.
/// </summary>
public sealed class OpenClDevice : KernelDevice
{
    /// <summary>Opens "opencl:<paramref name="index"/>" with the default kernel cache.</summary>
    /// <exception cref="NativeLibraryMissingException">libOpenCL.so.1 was not found.</exception>
    /// <exception cref="ArgumentOutOfRangeException">No such device; the message lists those that exist.</exception>
    public OpenClDevice(int index = 0) : this(new OpenClRuntime(index))
    {
    }

    /// <summary>Wraps an open runtime; the device owns it from now on.</summary>
    public OpenClDevice(OpenClRuntime runtime)
    {
        ArgumentNullException.ThrowIfNull(runtime);
        Runtime = runtime;
    }

    /// <summary>The context, queue and kernel launcher behind this device.</summary>
    public OpenClRuntime Runtime { get; }

    protected override Launch.IKernelRunner Runner => Runtime;

    protected override int ParallelUnits => Runtime.Info.ComputeUnits;

    public override string Name => Runtime.Name;

    public override string Description
    {
        get
        {
            var info = Runtime.Info;
            return $"OpenCL {info.Type} {info.Name} ({info.PlatformName}; {info.Version}; driver {info.DriverVersion}), " +
                   $"{info.ComputeUnits} compute units, {info.GlobalMemoryBytes >> 20} MiB";
        }
    }

    public override bool Supports<T>() => typeof(T) == typeof(float) || typeof(T) == typeof(int);

    /// <exception cref="OutOfMemoryException">The device cannot hold the buffer (message names the size).</exception>
    public override DeviceBuffer<T> Allocate<T>(int length) => new OpenClBuffer<T>(this, length);

    protected override unsafe void WriteQueued<T>(ReadOnlySpan<T> source, BufferView<T> destination)
    {
        var memory = Own(destination);
        fixed (T* pointer = source)
        {
            Runtime.Write(memory, (long)destination.Offset * sizeof(T), pointer, (long)source.Length * sizeof(T));
        }
    }

    protected override unsafe void ReadQueued<T>(BufferView<T> source, Span<T> destination)
    {
        var memory = Own(source);
        fixed (T* pointer = destination)
        {
            Runtime.Read(memory, (long)source.Offset * sizeof(T), pointer, (long)destination.Length * sizeof(T));
        }
    }

    protected override void Wait() => Runtime.Synchronize();

    protected override void RunFill<T>(in Ops.FillArgs<T> a) => FillAny(a.X, a.Value);

    protected override unsafe void RunCopy<T>(in Ops.CopyArgs<T> a)
    {
        var (source, destination) = (a.Source, a.Destination);
        Runtime.Copy(Own(source), (long)source.Offset * sizeof(T), Own(destination), (long)destination.Offset * sizeof(T),
            (long)source.Length * sizeof(T));
    }

    private unsafe void FillAny<T>(BufferView<T> x, T value) where T : unmanaged
    {
        if (sizeof(T) is not (1 or 2 or 4 or 8 or 16))
            throw new NotSupportedException($"{Name}: cannot fill {typeof(T).Name} elements ({sizeof(T)} bytes)");
        Runtime.Fill(Own(x), &value, sizeof(T), (long)x.Offset * sizeof(T), (long)x.Length * sizeof(T));
    }

    /// <summary>The cl_mem behind a view; throws when the view belongs to another device.</summary>
    private nint Own<T>(BufferView<T> view) where T : unmanaged
    {
        if (view.Buffer is not OpenClBuffer<T> buffer || buffer.Runtime != Runtime)
            throw new ArgumentException($"buffer of device '{view.Buffer.Device.Name}' passed to {Name}");
        if (buffer.NativeHandle == 0) throw new ObjectDisposedException(nameof(OpenClBuffer<T>), $"a disposed buffer passed to {Name}");
        return buffer.NativeHandle;
    }

    public override void Dispose()
    {
        DisposeOps(); // scratch buffers go before the context
        Runtime.Dispose();
        base.Dispose();
    }
}
