using ILGPU;
using ILGPU.Algorithms;
using ILGPU.Runtime;
using ILGPU.Runtime.CPU;
using ILGPU.Runtime.Cuda;
using ILGPU.Runtime.OpenCL;
using Engine.Kernels.Ops;

namespace Engine.Kernels.Gpu;

/// <summary>
/// A device that runs the op families' ILGPU kernels (Ops/&lt;family&gt;/*Gpu.cs) on one accelerator: a CUDA GPU
/// ("cuda:i"), an OpenCL device ("opencl:i") or ILGPU's CPU accelerator ("gpu-sim", the same kernels with every
/// group's threads simulated on the host). Float32 only. Every op is enqueued on a stream this device creates (never
/// the legacy default stream); only Upload, Download and Synchronize make the host wait, and <see cref="HostWaits"/>
/// counts them. Kernels compile on first use; a launch allocates nothing on CUDA and OpenCL. Results are
/// bit-reproducible run to run for a fixed device and variant: every reduction adds in a fixed order, no atomics.
/// One thread per device: ops reuse scratch buffers in queue order, so concurrent runs open a device each.
/// </summary>
public sealed partial class GpuDevice : Device
{
    /// <summary>The largest group any kernel asks for (the tiled GEMM's 16×16 threads).</summary>
    public const int LargestGroup = 256;

    /// <summary>The simulator's default group limit: small groups keep a simulated launch cheap (see <see cref="OpenSimulator"/>).</summary>
    public const int SimulatorDefaultGroup = 16;

    private readonly Context _context;
    private readonly string _name;
    private readonly string _description;
    private long _hostWaits;
    private bool _disposed;

    private GpuDevice(Context context, Accelerator accelerator, GpuBackend backend, string name, string description)
    {
        _context = context;
        Accelerator = accelerator;
        Backend = backend;
        _name = name;
        _description = description;
        Stream = accelerator.CreateStream();
        MaxGroupThreads = Math.Min(accelerator.MaxNumThreadsPerGroup, 1024);
        // A simulated thread costs microseconds per launch; a GPU thread costs nothing: spread work over few groups there.
        MaxSpreadGroups = backend == GpuBackend.Simulator ? 8 : int.MaxValue;
    }

    /// <summary>Opens CUDA device <paramref name="index"/>.</summary>
    /// <exception cref="DeviceUnavailableException">No NVIDIA driver, no CUDA device, or no device <paramref name="index"/> (the message lists those that exist).</exception>
    public static GpuDevice OpenCuda(int index = 0) => Open(GpuBackend.Cuda, index);

    /// <summary>Opens OpenCL device <paramref name="index"/> (numbered over every platform, as <c>engine devices</c> lists them).</summary>
    /// <exception cref="DeviceUnavailableException">No OpenCL loader or device, no device <paramref name="index"/>, or a device
    /// ILGPU cannot run (e.g. PoCL 3: no generic address space); the message says which.</exception>
    public static GpuDevice OpenOpenCl(int index = 0) => Open(GpuBackend.OpenCl, index);

    /// <summary>
    /// Opens ILGPU's CPU accelerator ("gpu-sim[:GROUP]"): the GPU kernels on host threads, each group's threads simulated
    /// by that many host threads with real barriers and shared memory. A simulated launch costs about 1 ms for 64-thread
    /// groups but 30 ms for 256 on two cores, so groups default to <see cref="SimulatorDefaultGroup"/> threads (each
    /// kernel then loops over more elements per thread, as on any GPU with small groups; the tiled GEMM, which needs
    /// 256, gives way to the naive one). "gpu-sim:256" launches every kernel exactly as on CUDA.
    /// </summary>
    /// <exception cref="DeviceUnavailableException"><paramref name="maxGroupThreads"/> is not a power of two in [1, 256].</exception>
    public static GpuDevice OpenSimulator(int maxGroupThreads = SimulatorDefaultGroup)
    {
        if (maxGroupThreads < 1 || maxGroupThreads > LargestGroup || (maxGroupThreads & (maxGroupThreads - 1)) != 0)
            throw new DeviceUnavailableException($"gpu-sim:{maxGroupThreads}: the group size must be a power of two from 1 to {LargestGroup}");
        return Open(GpuBackend.Simulator, 0, maxGroupThreads);
    }

    private static GpuDevice Open(GpuBackend backend, int index, int simulatedGroup = SimulatorDefaultGroup)
    {
        DriverLibraries.Install();
        var context = CreateContext(backend, simulatedGroup);
        try
        {
            var devices = Devices(context, backend);
            if (devices.Count == 0) throw new DeviceUnavailableException(GpuInventory.WhyNoDevice(backend));
            if (index < 0 || index >= devices.Count)
            {
                throw new DeviceUnavailableException(
                    $"{Spec(backend, index)}: no such device; this machine has {string.Join(", ", devices.Select((d, i) => $"{Spec(backend, i)} ({d.Name})"))}");
            }
            var device = devices[index];
            Accelerator accelerator;
            try
            {
                accelerator = backend == GpuBackend.Simulator
                    ? ((CPUDevice)device).CreateCPUAccelerator(context, CPUAcceleratorMode.Parallel)
                    : device.CreateAccelerator(context);
            }
            catch (Exception e) when (e is CapabilityNotSupportedException or NotSupportedException or AcceleratorException)
            {
                throw new DeviceUnavailableException($"{Spec(backend, index)} ({device.Name}) cannot run the engine's kernels: {e.Message}", e);
            }
            var name = backend == GpuBackend.Simulator && simulatedGroup != SimulatorDefaultGroup ? $"gpu-sim:{simulatedGroup}" : Spec(backend, index);
            return new GpuDevice(context, accelerator, backend, name, Describe(backend, device));
        }
        catch
        {
            context.Dispose();
            throw;
        }
    }

    /// <summary>A context holding exactly one backend's devices (all of them, usable or not, so indices are stable).</summary>
    internal static Context CreateContext(GpuBackend backend, int simulatedGroup = SimulatorDefaultGroup) => Context.Create(builder =>
    {
        // The simulator's profile: groups of up to simulatedGroup threads (warps of min(32, group)), one multiprocessor.
        var warp = Math.Min(32, simulatedGroup);
        _ = backend switch
        {
            GpuBackend.Cuda => builder.Cuda(),
            GpuBackend.OpenCl => builder.OpenCL(_ => true),
            _ => builder.CPU(new CPUDevice(warp, simulatedGroup / warp, 1)),
        };
        builder.EnableAlgorithms().Optimize(OptimizationLevel.O2);
    });

    /// <summary>The context's devices (it was created with one backend only), in ILGPU's order.</summary>
    internal static IReadOnlyList<ILGPU.Runtime.Device> Devices(Context context, GpuBackend backend)
    {
        var type = backend switch
        {
            GpuBackend.Cuda => AcceleratorType.Cuda,
            GpuBackend.OpenCl => AcceleratorType.OpenCL,
            _ => AcceleratorType.CPU,
        };
        return context.Devices.Where(d => d.AcceleratorType == type).ToList();
    }

    internal static string Spec(GpuBackend backend, int index) => backend switch
    {
        GpuBackend.Cuda => $"cuda:{index}",
        GpuBackend.OpenCl => $"opencl:{index}",
        _ => "gpu-sim",
    };

    internal static string Describe(GpuBackend backend, ILGPU.Runtime.Device device) => device switch
    {
        CudaDevice cuda => $"CUDA {cuda.Name}, compute {cuda.Architecture?.ToString() ?? "unknown"}, {cuda.NumMultiprocessors} SMs, " +
                           $"{cuda.MemorySize >> 20} MiB, driver {cuda.DriverVersion.Major}.{cuda.DriverVersion.Minor}",
        CLDevice cl => $"OpenCL {cl.Name} ({cl.DeviceType}, {cl.PlatformName}, {cl.DeviceVersion}), {cl.NumMultiprocessors} compute units, " +
                       $"{cl.MemorySize >> 20} MiB",
        _ => $"ILGPU CPU accelerator: the GPU kernels simulated on host threads (groups of up to {device.MaxNumThreadsPerGroup}); " +
             "slow, for debugging and tests",
    };

    /// <summary>Which accelerator this is.</summary>
    public GpuBackend Backend { get; }

    public override string Name => _name;

    public override string Description => _description;

    public override bool Supports<T>() => typeof(T) == typeof(float) || typeof(T) == typeof(int);

    /// <summary>Which kernels the math ops launch: <see cref="KernelVariant.Fast"/> (default) or the naive ones.</summary>
    public KernelVariant Variant { get; set; } = KernelVariant.Fast;

    internal bool Naive => Variant == KernelVariant.Naive;

    /// <summary>
    /// How many times the host has waited for this device since it opened: one per Upload, Download and
    /// <see cref="Synchronize"/> (each returns only when the stream has reached it). A training step should add none.
    /// </summary>
    public long HostWaits => Interlocked.Read(ref _hostWaits);

    internal Accelerator Accelerator { get; }

    /// <summary>The stream every op of this device is enqueued on (its native handle is public, for graph capture).</summary>
    internal AcceleratorStream Stream { get; }

    /// <summary>Multiprocessors / compute units: sizes the split-K and reduction grids.</summary>
    internal int ParallelUnits => Math.Max(1, Accelerator.NumMultiprocessors);

    /// <summary>The most threads a group of this device holds (a power of two on the simulator).</summary>
    public int MaxGroupThreads { get; }

    /// <summary>The most groups a grid-stride kernel is spread over (unbounded on a GPU; a few on the simulator).</summary>
    internal int MaxSpreadGroups { get; }

    /// <summary>A kernel's preferred group size (a power of two), capped by the device.</summary>
    internal int GroupThreads(int preferred) => Math.Min(preferred, MaxGroupThreads);

    /// <summary>A 1-D grid-stride launch over <paramref name="work"/> items: ⌈work / threads⌉ groups (capped by <see cref="MaxSpreadGroups"/>).</summary>
    internal KernelConfig Spread(long work, int preferredThreads)
    {
        var threads = GroupThreads(preferredThreads);
        var groups = (int)Math.Clamp((work + threads - 1) / threads, 1, MaxSpreadGroups);
        return GpuLaunch.Groups(groups, threads);
    }

    /// <summary>Exactly <paramref name="groups"/> 1-D groups (one per row, say) of the preferred size, capped by the device.</summary>
    internal KernelConfig PerGroup(int groups, int preferredThreads) => GpuLaunch.Groups(groups, GroupThreads(preferredThreads));

    /// <summary>
    /// A 2-D launch: x covers <paramref name="columns"/> with groups of (up to) <paramref name="threadsX"/> threads, y is a
    /// grid-stride loop over <paramref name="rows"/> (at most 65535 groups, or <see cref="MaxSpreadGroups"/>).
    /// </summary>
    internal KernelConfig Rows2D(int columns, int rows, int threadsX)
    {
        var threads = GroupThreads(threadsX);
        return GpuLaunch.Groups(GpuLaunch.Ceil(columns, threads), threads, Math.Clamp(rows, 1, Math.Min(GpuLaunch.MaxGridYZ, MaxSpreadGroups)), 1);
    }

    // ---------------------------------------------------------------- memory

    /// <exception cref="OutOfMemoryException">The device cannot hold the buffer (the message names the size).</exception>
    public override DeviceBuffer<T> Allocate<T>(int length)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        MemoryBuffer1D<T, Stride1D.Dense> memory;
        try
        {
            memory = Accelerator.Allocate1D<T>(Math.Max(length, 1));
        }
        catch (Exception e) when (e is AcceleratorException or OutOfMemoryException)
        {
            throw new OutOfMemoryException(
                $"{Name}: cannot allocate {length} × {typeof(T).Name} ({(long)length * System.Runtime.CompilerServices.Unsafe.SizeOf<T>()} bytes): {e.Message}", e);
        }
        memory.View.MemSetToZero(Stream);
        return new GpuBuffer<T>(this, memory, length);
    }

    protected override void Write<T>(ReadOnlySpan<T> source, BufferView<T> destination)
    {
        Interlocked.Increment(ref _hostWaits);
        var target = View(destination);
        try
        {
            if (source.Length > 0) target.CopyFromCPU(Stream, source);
            Stream.Synchronize(); // the host span may be reused as soon as this returns
        }
        catch (AcceleratorException e)
        {
            throw Failure("upload", e);
        }
    }

    protected override void Read<T>(BufferView<T> source, Span<T> destination)
    {
        Interlocked.Increment(ref _hostWaits);
        var from = View(source);
        try
        {
            if (destination.Length > 0) from.CopyToCPU(Stream, destination);
            Stream.Synchronize();
        }
        catch (AcceleratorException e)
        {
            throw Failure("download", e);
        }
    }

    public override void Synchronize()
    {
        Interlocked.Increment(ref _hostWaits);
        try
        {
            Stream.Synchronize();
        }
        catch (AcceleratorException e)
        {
            throw Failure("synchronize", e);
        }
    }

    protected override void RunFill<T>(in FillArgs<T> a) => Elementwise.Fill(a);

    protected override void RunCopy<T>(in CopyArgs<T> a)
    {
        if (a.Source.Length == 0) return;
        View(a.Source).CopyTo(Stream, View(a.Destination));
    }

    /// <summary>The ILGPU view of a buffer view of this device.</summary>
    /// <exception cref="ArgumentException">The view belongs to another device.</exception>
    /// <exception cref="ObjectDisposedException">Its buffer was disposed.</exception>
    internal ArrayView<T> View<T>(BufferView<T> view) where T : unmanaged
    {
        if (view.Buffer is not GpuBuffer<T> buffer || !ReferenceEquals(buffer.Owner, this))
            throw new ArgumentException($"{Name}: a buffer of device '{view.Buffer.Device.Name}' passed to {Name}");
        return buffer.Memory.SubView(view.Offset, view.Length);
    }

    /// <summary>Compiles and loads a kernel (explicitly grouped, one argument struct) for launches on <see cref="Stream"/>.</summary>
    /// <exception cref="DeviceException">ILGPU could not compile or load it (the message names the kernel).</exception>
    internal Action<AcceleratorStream, KernelConfig, TArgs> Load<TArgs>(Action<TArgs> kernel) where TArgs : struct
    {
        try
        {
            return Accelerator.LoadKernel(kernel);
        }
        catch (Exception e) when (e is InternalCompilerException or NotSupportedException or AcceleratorException or InvalidOperationException)
        {
            throw new DeviceException($"{Name}: kernel {kernel.Method.DeclaringType?.Name}.{kernel.Method.Name} did not compile or load: {e.Message}", e);
        }
    }

    private DeviceException Failure(string what, Exception e) => new($"{Name}: {what} failed: {e.Message}", e);

    public override void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        try
        {
            Stream.Synchronize();
        }
        catch (AcceleratorException)
        {
            // A lost device cannot be drained; freeing goes on.
        }
        DisposeScratch();
        Stream.Dispose();
        Accelerator.Dispose();
        _context.Dispose();
        base.Dispose();
    }
}
