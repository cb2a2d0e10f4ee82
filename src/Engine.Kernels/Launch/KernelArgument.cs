namespace Engine.Kernels.Launch;

/// <summary>
/// A buffer whose memory a GPU runtime can hand to a kernel: a CUDA device pointer (CUdeviceptr)
/// or an OpenCL <c>cl_mem</c>.
/// </summary>
public interface INativeBuffer
{
    /// <summary>The CUdeviceptr or cl_mem handle of the whole buffer.</summary>
    nint NativeHandle { get; }

    /// <summary>Size of one element in bytes.</summary>
    int ElementSize { get; }

    /// <summary>The <see cref="KernelRunnerIds">id</see> of the runtime that owns the memory.</summary>
    int RunnerId { get; }
}

/// <summary>Process-wide ids for GPU runtimes, so a launch can tell its own buffers from another device's.</summary>
public static class KernelRunnerIds
{
    private static int s_last;

    /// <summary>A fresh id (never 0).</summary>
    public static int Next() => Interlocked.Increment(ref s_last);
}

/// <summary>
/// One launch argument, unmanaged so a launcher can build them on the stack.
/// Native ABI of a <see cref="KernelParameterKind.View"/> parameter named <c>x</c>:
/// <list type="bullet">
/// <item>CUDA: two parameters, <c>T* x</c> (already offset to the view's first element) and <c>int x_length</c>.</item>
/// <item>OpenCL: three, <c>__global T* x_base</c> (the cl_mem), <c>int x_offset</c> (elements) and
/// <c>int x_length</c>; the kernel body starts with <c>__global T* x = x_base + x_offset;</c>.</item>
/// </list>
/// Scalars are passed as themselves.
/// </summary>
public readonly struct KernelArgument
{
    private KernelArgument(KernelParameterKind kind, nint handle, int offset, int length, int elementSize, int intValue, float floatValue,
        int runnerId = 0)
    {
        Kind = kind;
        RunnerId = runnerId;
        Handle = handle;
        Offset = offset;
        Length = length;
        ElementSize = elementSize;
        IntValue = intValue;
        FloatValue = floatValue;
    }

    public KernelParameterKind Kind { get; }

    /// <summary>For views: the buffer's native handle (CUdeviceptr or cl_mem).</summary>
    public nint Handle { get; }

    /// <summary>For views: the offset of the first element, in elements.</summary>
    public int Offset { get; }

    /// <summary>For views: the number of elements.</summary>
    public int Length { get; }

    /// <summary>For views: bytes per element.</summary>
    public int ElementSize { get; }

    /// <summary>For views: the runtime that owns the buffer (see <see cref="KernelRunnerIds"/>).</summary>
    public int RunnerId { get; }

    public int IntValue { get; }

    public float FloatValue { get; }

    /// <exception cref="ArgumentException">The view's buffer does not belong to a GPU runtime.</exception>
    /// <exception cref="ObjectDisposedException">The view's buffer has been disposed.</exception>
    public static KernelArgument View<T>(BufferView<T> view) where T : unmanaged
    {
        if (view.Buffer is not INativeBuffer native)
            throw new ArgumentException($"a {view.Buffer.GetType().Name} cannot be passed to a GPU kernel");
        ObjectDisposedException.ThrowIf(native.NativeHandle == 0, view.Buffer);
        return new KernelArgument(KernelParameterKind.View, native.NativeHandle, view.Offset, view.Length, native.ElementSize, 0, 0,
            native.RunnerId);
    }

    public static KernelArgument Int(int value) => new(KernelParameterKind.Int32, 0, 0, 0, 0, value, 0);

    public static KernelArgument Float(float value) => new(KernelParameterKind.Float32, 0, 0, 0, 0, 0, value);
}

/// <summary>Grid and block sizes (in CUDA terms; OpenCL global size = grid × block) and dynamic shared bytes.</summary>
public readonly record struct LaunchDims(
    int GridX, int BlockX, int GridY = 1, int BlockY = 1, int GridZ = 1, int BlockZ = 1, int DynamicSharedBytes = 0);

/// <summary>What a GPU runtime offers the generated launchers.</summary>
public interface IKernelRunner
{
    /// <summary>
    /// Enqueues <paramref name="kernel"/> (compiled on first use, then from the in-memory and disk caches)
    /// with <paramref name="arguments"/> in parameter order. Allocates nothing in steady state.
    /// </summary>
    void Launch(KernelSource kernel, in LaunchDims dims, ReadOnlySpan<KernelArgument> arguments);
}
