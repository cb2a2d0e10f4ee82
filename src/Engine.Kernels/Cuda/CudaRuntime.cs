using Engine.Kernels.Launch;
using Engine.Kernels.Native;

namespace Engine.Kernels.Cuda;

/// <summary>
/// One CUDA device in use: its primary context, one non-blocking stream, the memory operations
/// the device layer needs, and kernel compilation (NVRTC → PTX, with in-memory and disk caches)
/// and launches for the generated launchers. Every call makes the context current on the calling
/// thread first (a thread-local check, so the steady state costs no driver call).
/// </summary>
public sealed unsafe partial class CudaRuntime : IKernelRunner, IDisposable
{
    [ThreadStatic] private static nint t_currentContext;

    private readonly int _device;
    private readonly nint _context;
    private readonly nint _stream;
    private readonly nint _timerStart;
    private readonly nint _timerEnd;
    private bool _disposed;

    /// <summary>Opens "cuda:<paramref name="index"/>".</summary>
    /// <param name="index">The device ordinal.</param>
    /// <param name="cache">Where PTX is kept; default <see cref="KernelBinaryCache.FromEnvironment"/>.</param>
    /// <param name="compileOptions">Extra NVRTC options (part of the cache key).</param>
    /// <exception cref="NativeLibraryMissingException">libcuda.so.1 or libnvrtc was not found (the message lists the paths tried).</exception>
    /// <exception cref="ArgumentOutOfRangeException">No such device; the message lists those that exist.</exception>
    /// <exception cref="CudaException">The driver failed (no device, context or stream creation).</exception>
    public CudaRuntime(int index = 0, KernelBinaryCache? cache = null, IReadOnlyList<string>? compileOptions = null)
    {
        Info = CudaDevices.Find(index);
        NativeLibraries.Require(NativeLibraries.Nvrtc);
        Cache = cache ?? KernelBinaryCache.FromEnvironment();
        CompileOptions = compileOptions ?? [];
        DriverVersion = CudaDevices.DriverVersion();
        NvrtcVersion = NvrtcCompiler.Version;
        Architecture = ChooseArchitecture(Info.ComputeCapability, NvrtcCompiler.SupportedArchitectures);
        Image = ChooseImage(NvrtcVersion, DriverVersion);

        int device;
        nint context;
        CudaDriver.Check(CudaDriver.cuDeviceGet(&device, index), $"cuDeviceGet({index})");
        CudaDriver.Check(CudaDriver.cuDevicePrimaryCtxRetain(&context, device), $"cuDevicePrimaryCtxRetain(cuda:{index})");
        _device = device;
        _context = context;
        try
        {
            EnsureCurrent();
            nint stream, start, end;
            CudaDriver.Check(CudaDriver.cuStreamCreate(&stream, CudaDriver.StreamNonBlocking), $"cuStreamCreate(cuda:{index})");
            CudaDriver.Check(CudaDriver.cuEventCreate(&start, CudaDriver.EventDefault), "cuEventCreate");
            CudaDriver.Check(CudaDriver.cuEventCreate(&end, CudaDriver.EventDefault), "cuEventCreate");
            _stream = stream;
            _timerStart = start;
            _timerEnd = end;
        }
        catch (CudaException)
        {
            CudaDriver.cuDevicePrimaryCtxRelease(device);
            t_currentContext = 0;
            throw;
        }
    }

    /// <summary>What the driver says about the device.</summary>
    public CudaDeviceInfo Info { get; }

    /// <summary>The disk cache of PTX.</summary>
    public KernelBinaryCache Cache { get; }

    /// <summary>Extra NVRTC options for every kernel.</summary>
    public IReadOnlyList<string> CompileOptions { get; }

    /// <summary>The driver's CUDA version (e.g. 12040).</summary>
    public int DriverVersion { get; }

    /// <summary>The NVRTC version compiling the kernels.</summary>
    public (int Major, int Minor) NvrtcVersion { get; }

    /// <summary>
    /// The virtual architecture PTX is generated for: the device's compute capability, or the
    /// newest one NVRTC knows below it (the driver JIT-compiles PTX forward to newer GPUs).
    /// </summary>
    public int Architecture { get; }

    /// <summary>PTX, unless NVRTC is newer than the driver (see <see cref="ChooseImage"/>).</summary>
    public CudaImage Image { get; }

    /// <summary>This runtime's id among the process's GPU runtimes; launches take only its own buffers.</summary>
    public int Id { get; } = KernelRunnerIds.Next();

    /// <summary>"cuda:i".</summary>
    public string Name => $"cuda:{Info.Index}";

    /// <summary>
    /// PTX when the driver (<paramref name="driverVersion"/>, e.g. 12040 for 12.4) is at least as new as NVRTC; a
    /// CUBIN otherwise, since a driver rejects PTX from a newer toolkit (CUDA_ERROR_UNSUPPORTED_PTX_VERSION) but
    /// loads its machine code within the same major version.
    /// </summary>
    internal static CudaImage ChooseImage((int Major, int Minor) nvrtc, int driverVersion)
        => nvrtc.Major * 1000 + nvrtc.Minor * 10 > driverVersion ? CudaImage.Cubin : CudaImage.Ptx;

    /// <summary>How the kernels are compiled, e.g. "PTX for compute_90" or "CUBIN for sm_90".</summary>
    public string ImageDescription => Image == CudaImage.Cubin ? $"CUBIN for sm_{Architecture}" : $"PTX for compute_{Architecture}";

    /// <summary>The highest architecture in <paramref name="supported"/> not above <paramref name="computeCapability"/>.</summary>
    internal static int ChooseArchitecture(int computeCapability, IReadOnlyList<int> supported)
    {
        if (supported.Count == 0) return computeCapability;
        var best = supported.Where(a => a <= computeCapability).DefaultIfEmpty(-1).Max();
        if (best < 0)
            throw new NotSupportedException($"compute capability {computeCapability / 10}.{computeCapability % 10} is older than every architecture NVRTC supports ({string.Join(", ", supported)})");
        return best;
    }

    /// <summary>Makes this runtime's context current on the calling thread (a no-op when it already is).</summary>
    private void EnsureCurrent()
    {
        if (t_currentContext == _context) return;
        CudaDriver.Check(CudaDriver.cuCtxSetCurrent(_context), $"cuCtxSetCurrent({Name})");
        t_currentContext = _context;
    }

    /// <summary>Blocks until every operation on the stream has finished; kernel faults surface here.</summary>
    public void Synchronize()
    {
        ThrowIfDisposed();
        EnsureCurrent();
        var result = CudaDriver.cuStreamSynchronize(_stream);
        if (result != CudaDriver.Success) throw new CudaException($"cuStreamSynchronize({Name})", result);
    }

    /// <summary>
    /// GPU time of the work <paramref name="enqueue"/> puts on the stream, in milliseconds, measured
    /// with two events (so host overhead between launches is excluded).
    /// </summary>
    public float MeasureMilliseconds(Action enqueue)
    {
        ArgumentNullException.ThrowIfNull(enqueue);
        ThrowIfDisposed();
        EnsureCurrent();
        CudaDriver.Check(CudaDriver.cuEventRecord(_timerStart, _stream), "cuEventRecord(start)");
        enqueue();
        EnsureCurrent();
        CudaDriver.Check(CudaDriver.cuEventRecord(_timerEnd, _stream), "cuEventRecord(end)");
        CudaDriver.Check(CudaDriver.cuEventSynchronize(_timerEnd), "cuEventSynchronize");
        float milliseconds;
        CudaDriver.Check(CudaDriver.cuEventElapsedTime(&milliseconds, _timerStart, _timerEnd), "cuEventElapsedTime");
        return milliseconds;
    }

    // ---------------------------------------------------------------- memory (byte offsets and sizes)

    /// <summary>cuMemAlloc of <paramref name="bytes"/> (at least 1).</summary>
    /// <exception cref="OutOfMemoryException">The device cannot hold it (the message names the size and the free memory).</exception>
    internal ulong AllocateBytes(long bytes)
    {
        ThrowIfDisposed();
        ArgumentOutOfRangeException.ThrowIfNegative(bytes);
        EnsureCurrent();
        ulong pointer;
        var result = CudaDriver.cuMemAlloc(&pointer, (nuint)Math.Max(bytes, 1));
        if (result == CudaDriver.Success) return pointer;
        var error = new CudaException($"cuMemAlloc({Bytes(bytes)})", result);
        if (result != CudaDriver.ErrorOutOfMemory) throw error;
        nuint free = 0, total = 0;
        CudaDriver.cuMemGetInfo(&free, &total);
        throw new OutOfMemoryException(
            $"{Name} ({Info.Name}): cannot allocate {Bytes(bytes)}; {Bytes((long)free)} of {Bytes((long)total)} free", error);
    }

    /// <summary>
    /// cuMemFree, best effort: skipped once the runtime is disposed (releasing the context freed it), and its
    /// error ignored, since it only repeats an earlier fault (a sticky kernel error) and Dispose must not throw.
    /// </summary>
    internal void Free(ulong pointer)
    {
        if (_disposed || pointer == 0) return;
        if (t_currentContext != _context && CudaDriver.cuCtxSetCurrent(_context) == CudaDriver.Success) t_currentContext = _context;
        CudaDriver.cuMemFree(pointer);
    }

    /// <summary>Copies host → device in stream order and waits, so <paramref name="source"/> may be reused at once.</summary>
    internal void Write(ulong destination, void* source, long bytes)
    {
        ThrowIfDisposed();
        if (bytes == 0) return;
        EnsureCurrent();
        CudaDriver.Check(CudaDriver.cuMemcpyHtoDAsync(destination, source, (nuint)bytes, _stream), $"cuMemcpyHtoDAsync({Name}, {Bytes(bytes)})");
        Synchronize();
    }

    /// <summary>Copies device → host after every earlier operation on the stream, and waits.</summary>
    internal void Read(ulong source, void* destination, long bytes)
    {
        ThrowIfDisposed();
        if (bytes == 0) return;
        EnsureCurrent();
        CudaDriver.Check(CudaDriver.cuMemcpyDtoHAsync(destination, source, (nuint)bytes, _stream), $"cuMemcpyDtoHAsync({Name}, {Bytes(bytes)})");
        Synchronize();
    }

    /// <summary>Enqueues a fill of <paramref name="count"/> elements of 1, 2 or 4 bytes with the bit pattern <paramref name="bits"/>.</summary>
    internal void Fill(ulong destination, uint bits, int elementBytes, long count)
    {
        ThrowIfDisposed();
        if (count == 0) return;
        EnsureCurrent();
        var result = elementBytes switch
        {
            1 => CudaDriver.cuMemsetD8Async(destination, (byte)bits, (nuint)count, _stream),
            2 => CudaDriver.cuMemsetD16Async(destination, (ushort)bits, (nuint)count, _stream),
            4 => CudaDriver.cuMemsetD32Async(destination, bits, (nuint)count, _stream),
            _ => throw new NotSupportedException($"{Name}: cannot fill {elementBytes}-byte elements"),
        };
        CudaDriver.Check(result, $"cuMemsetD{elementBytes * 8}Async({Name}, {count} elements)");
    }

    /// <summary>Enqueues a device-to-device copy.</summary>
    internal void Copy(ulong source, ulong destination, long bytes)
    {
        ThrowIfDisposed();
        if (bytes == 0) return;
        EnsureCurrent();
        CudaDriver.Check(CudaDriver.cuMemcpyDtoDAsync(destination, source, (nuint)bytes, _stream), $"cuMemcpyDtoDAsync({Name}, {Bytes(bytes)})");
    }

    private static string Bytes(long bytes) => ByteSize.Format(bytes);

    private void ThrowIfDisposed() => ObjectDisposedException.ThrowIf(_disposed, this);

    /// <summary>Waits for the stream, unloads the modules and releases the stream, events and primary context.</summary>
    /// <remarks>Best effort and never throws: after a sticky kernel fault every call fails, yet the context must be released.</remarks>
    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        if (t_currentContext != _context && CudaDriver.cuCtxSetCurrent(_context) == CudaDriver.Success) t_currentContext = _context;
        CudaDriver.cuStreamSynchronize(_stream);
        UnloadModules();
        CudaDriver.cuEventDestroy(_timerStart);
        CudaDriver.cuEventDestroy(_timerEnd);
        CudaDriver.cuStreamDestroy(_stream);
        CudaDriver.cuDevicePrimaryCtxRelease(_device);
        // The context may now be torn down; make the next runtime on this thread set it again.
        if (t_currentContext == _context) t_currentContext = 0;
    }
}
