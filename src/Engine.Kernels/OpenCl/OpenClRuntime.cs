using Engine.Kernels.Launch;
using Engine.Kernels.Native;

namespace Engine.Kernels.OpenCl;

/// <summary>
/// One OpenCL device in use: a context and an in-order command queue on it, the memory
/// operations the device layer needs, and kernel compilation (with in-memory and disk caches)
/// and launches for the generated launchers. Launches are serialised by an internal lock (the
/// kernel objects' arguments are shared state); commands from several threads are ordered only by
/// the order they reach the in-order queue.
/// </summary>
public sealed unsafe partial class OpenClRuntime : IKernelRunner, IDisposable
{
    private readonly nint _context;
    private readonly nint _queue;
    private bool _disposed;

    /// <summary>Opens "opencl:<paramref name="index"/>" (devices of all platforms numbered in order).</summary>
    /// <param name="index">The device's index in <see cref="OpenClDevices.List"/>.</param>
    /// <param name="cache">Where compiled binaries are kept; default <see cref="KernelBinaryCache.FromEnvironment"/>.</param>
    /// <param name="buildOptions">Options for clBuildProgram (part of the cache key).</param>
    /// <exception cref="NativeLibraryMissingException">libOpenCL.so.1 was not found.</exception>
    /// <exception cref="ArgumentOutOfRangeException">No such device; the message lists those that exist.</exception>
    /// <exception cref="OpenClException">The driver refused a context or queue.</exception>
    public OpenClRuntime(int index = 0, KernelBinaryCache? cache = null, string buildOptions = "")
        : this(OpenClDevices.Find(index), cache, buildOptions)
    {
    }

    private OpenClRuntime(OpenClDeviceInfo info, KernelBinaryCache? cache, string buildOptions)
    {
        Info = info;
        Cache = cache ?? KernelBinaryCache.FromEnvironment();
        BuildOptions = buildOptions ?? "";
        var device = info.DeviceHandle;
        var properties = stackalloc nint[] { 0x1084 /* CL_CONTEXT_PLATFORM */, info.PlatformHandle, 0 };
        int status;
        _context = OpenClApi.clCreateContext(properties, 1, &device, 0, 0, &status);
        OpenClApi.Check(status, $"clCreateContext({info.Name})");
        _queue = OpenClApi.clCreateCommandQueue(_context, device, 0, &status);
        if (status != OpenClApi.Success)
        {
            OpenClApi.clReleaseContext(_context);
            throw new OpenClException($"clCreateCommandQueue({info.Name})", status);
        }
    }

    /// <summary>Opens device <paramref name="deviceIndex"/> of platform <paramref name="platformIndex"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">No such platform or device.</exception>
    public static OpenClRuntime Open(int platformIndex, int deviceIndex, KernelBinaryCache? cache = null, string buildOptions = "")
        => new(OpenClDevices.Find(platformIndex, deviceIndex), cache, buildOptions);

    /// <summary>What the driver says about the device.</summary>
    public OpenClDeviceInfo Info { get; }

    /// <summary>The disk cache of program binaries.</summary>
    public KernelBinaryCache Cache { get; }

    /// <summary>The clBuildProgram options used for every kernel.</summary>
    public string BuildOptions { get; }

    /// <summary>This runtime's id among the process's GPU runtimes; launches take only its own buffers.</summary>
    public int Id { get; } = KernelRunnerIds.Next();

    /// <summary>"opencl:i".</summary>
    public string Name => $"opencl:{Info.Index}";

    /// <summary>Blocks until every enqueued command has finished (clFinish).</summary>
    public void Synchronize()
    {
        ThrowIfDisposed();
        OpenClApi.Check(OpenClApi.clFinish(_queue), $"clFinish({Name})");
    }

    // ---------------------------------------------------------------- memory (byte offsets and sizes)

    /// <summary>Creates a read-write buffer of <paramref name="bytes"/> bytes (at least 1: OpenCL has no empty buffers).</summary>
    /// <exception cref="OutOfMemoryException">The device cannot hold it (the message names the size and the limit).</exception>
    internal nint AllocateBytes(long bytes)
    {
        ThrowIfDisposed();
        ArgumentOutOfRangeException.ThrowIfNegative(bytes);
        if (bytes > Info.MaxAllocationBytes)
        {
            throw new OutOfMemoryException(
                $"{Name} ({Info.Name}): cannot allocate {Bytes(bytes)}: the device's largest single allocation " +
                $"(CL_DEVICE_MAX_MEM_ALLOC_SIZE) is {Bytes(Info.MaxAllocationBytes)}");
        }
        int status;
        var memory = OpenClApi.clCreateBuffer(_context, OpenClApi.MemReadWrite, (nuint)Math.Max(bytes, 1), null, &status);
        if (status == OpenClApi.Success) return memory;
        var error = new OpenClException($"clCreateBuffer({Bytes(bytes)})", status);
        if (OpenClException.IsOutOfMemory(status))
            throw new OutOfMemoryException($"{Name} ({Info.Name}): cannot allocate {Bytes(bytes)}: {error.Message}", error);
        throw error;
    }

    internal static void Release(nint memory) => OpenClApi.clReleaseMemObject(memory);

    /// <summary>Blocking write: returns once <paramref name="source"/> has been consumed.</summary>
    internal void Write(nint memory, long offset, void* source, long bytes)
    {
        ThrowIfDisposed();
        if (bytes == 0) return;
        var status = OpenClApi.clEnqueueWriteBuffer(_queue, memory, OpenClApi.True, (nuint)offset, (nuint)bytes, source, 0, null, null);
        if (status != OpenClApi.Success) throw new OpenClException($"clEnqueueWriteBuffer({Name}, {Bytes(bytes)} at byte {offset})", status);
    }

    /// <summary>Blocking read; the in-order queue makes it wait for every earlier command.</summary>
    internal void Read(nint memory, long offset, void* destination, long bytes)
    {
        ThrowIfDisposed();
        if (bytes == 0) return;
        var status = OpenClApi.clEnqueueReadBuffer(_queue, memory, OpenClApi.True, (nuint)offset, (nuint)bytes, destination, 0, null, null);
        if (status != OpenClApi.Success) throw new OpenClException($"clEnqueueReadBuffer({Name}, {Bytes(bytes)} at byte {offset})", status);
    }

    /// <summary>Enqueues a fill with a 1-, 2-, 4- or 8-byte pattern (the driver copies the pattern at once).</summary>
    internal void Fill(nint memory, void* pattern, int patternBytes, long offset, long bytes)
    {
        ThrowIfDisposed();
        if (bytes == 0) return;
        var status = OpenClApi.clEnqueueFillBuffer(_queue, memory, pattern, (nuint)patternBytes, (nuint)offset, (nuint)bytes, 0, null, null);
        if (status != OpenClApi.Success) throw new OpenClException($"clEnqueueFillBuffer({Name}, {Bytes(bytes)} at byte {offset})", status);
    }

    /// <summary>Enqueues a device-to-device copy.</summary>
    internal void Copy(nint source, long sourceOffset, nint destination, long destinationOffset, long bytes)
    {
        ThrowIfDisposed();
        if (bytes == 0) return;
        var status = OpenClApi.clEnqueueCopyBuffer(_queue, source, destination, (nuint)sourceOffset, (nuint)destinationOffset,
            (nuint)bytes, 0, null, null);
        if (status != OpenClApi.Success) throw new OpenClException($"clEnqueueCopyBuffer({Name}, {Bytes(bytes)})", status);
    }

    private static string Bytes(long bytes) => ByteSize.Format(bytes);

    private void ThrowIfDisposed() => ObjectDisposedException.ThrowIf(_disposed, this);

    /// <summary>Waits for the queue, then releases kernels, programs, the queue and the context.</summary>
    public void Dispose()
    {
        if (_disposed) return;
        OpenClApi.clFinish(_queue);
        ReleaseKernels();
        OpenClApi.clReleaseCommandQueue(_queue);
        OpenClApi.clReleaseContext(_context);
        _disposed = true;
    }
}
