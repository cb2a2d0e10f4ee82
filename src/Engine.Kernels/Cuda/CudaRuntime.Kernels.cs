using System.Text;
using Engine.Kernels.Launch;
using Engine.Kernels.Native;

namespace Engine.Kernels.Cuda;

/// <summary>Kernel compilation (NVRTC → PTX → module), the two caches, and launches.</summary>
public sealed unsafe partial class CudaRuntime
{
    private const string Backend = "cuda";

    /// <summary>The default per-block dynamic shared memory; more needs an explicit opt-in per function.</summary>
    private const int DefaultSharedLimit = 48 * 1024;

    // Keyed by reference: one KernelSource instance per generated kernel, so lookups allocate nothing.
    private readonly Dictionary<KernelSource, CompiledKernel> _kernels = new(ReferenceEqualityComparer.Instance);
    private readonly Lock _gate = new();

    private sealed class CompiledKernel(nint module, nint function)
    {
        public nint Module { get; } = module;
        public nint Function { get; } = function;

        /// <summary>The dynamic shared size already opted in to with cuFuncSetAttribute.</summary>
        public int SharedOptIn { get; set; } = DefaultSharedLimit;
    }

    /// <summary>Kernels compiled by NVRTC in this runtime.</summary>
    public int SourceBuilds { get; private set; }

    /// <summary>Kernels loaded from cached PTX in this runtime.</summary>
    public int DiskCacheHits { get; private set; }

    /// <summary>
    /// Makes <paramref name="kernel"/> ready to launch: from memory if loaded, else from cached PTX,
    /// else compiled with NVRTC from <see cref="KernelSource.CudaSource"/> (and the PTX stored).
    /// </summary>
    /// <exception cref="NvrtcException">The compile failed; the message ends with NVRTC's log.</exception>
    /// <exception cref="CudaException">The driver rejected the PTX; the message ends with the JIT log.</exception>
    public KernelOrigin Prepare(KernelSource kernel)
    {
        ArgumentNullException.ThrowIfNull(kernel);
        lock (_gate)
        {
            ThrowIfDisposed();
            if (_kernels.ContainsKey(kernel)) return KernelOrigin.Memory;
            var (compiled, origin) = Load(kernel);
            _kernels.Add(kernel, compiled);
            return origin;
        }
    }

    /// <summary>
    /// Launches the kernel on the stream with cuLaunchKernel. A View argument becomes two CUDA
    /// parameters: the device pointer already advanced to the view's first element, and the
    /// length; scalars pass as themselves. The parameter block lives on the stack.
    /// </summary>
    /// <exception cref="ArgumentException">The arguments do not match the kernel's parameters.</exception>
    /// <exception cref="CudaException">The launch was refused (bad configuration, too many resources).</exception>
    public void Launch(KernelSource kernel, in LaunchDims dims, ReadOnlySpan<KernelArgument> arguments)
    {
        ArgumentNullException.ThrowIfNull(kernel);
        LaunchArguments.Validate(kernel, arguments, Id);
        LaunchArguments.ValidateDims(kernel, dims);
        // Each view takes two 8-byte slots, each scalar one; cuLaunchKernel reads each parameter
        // through its pointer, with the parameter's own size.
        var slots = Math.Max(1, 2 * arguments.Length); // bounded by MaxArguments (Validate)
        var values = stackalloc ulong[slots];
        var pointers = stackalloc void*[slots];
        var slot = 0;
        for (var i = 0; i < arguments.Length; i++)
        {
            var argument = arguments[i];
            switch (argument.Kind)
            {
                case KernelParameterKind.View:
                    values[slot] = (ulong)argument.Handle + (ulong)argument.Offset * (ulong)argument.ElementSize;
                    pointers[slot] = &values[slot];
                    slot++;
                    *(int*)&values[slot] = argument.Length;
                    pointers[slot] = &values[slot];
                    slot++;
                    break;
                case KernelParameterKind.Int32:
                    *(int*)&values[slot] = argument.IntValue;
                    pointers[slot] = &values[slot];
                    slot++;
                    break;
                case KernelParameterKind.Float32:
                    *(float*)&values[slot] = argument.FloatValue;
                    pointers[slot] = &values[slot];
                    slot++;
                    break;
                default:
                    throw new ArgumentException($"kernel '{kernel.Name}' argument {i}: unknown kind {argument.Kind}");
            }
        }

        lock (_gate)
        {
            ThrowIfDisposed();
            EnsureCurrent();
            if (!_kernels.TryGetValue(kernel, out var compiled))
            {
                (compiled, _) = Load(kernel);
                _kernels.Add(kernel, compiled);
            }
            if (dims.DynamicSharedBytes > compiled.SharedOptIn)
            {
                CudaDriver.Check(CudaDriver.cuFuncSetAttribute(compiled.Function, CudaDriver.FunctionAttributeMaxDynamicSharedSizeBytes,
                    dims.DynamicSharedBytes), $"cuFuncSetAttribute({kernel.Name}, max dynamic shared = {dims.DynamicSharedBytes})");
                compiled.SharedOptIn = dims.DynamicSharedBytes;
            }
            var result = CudaDriver.cuLaunchKernel(compiled.Function,
                (uint)dims.GridX, (uint)dims.GridY, (uint)dims.GridZ,
                (uint)dims.BlockX, (uint)dims.BlockY, (uint)dims.BlockZ,
                (uint)dims.DynamicSharedBytes, _stream, pointers, null);
            if (result != CudaDriver.Success)
                throw new CudaException($"cuLaunchKernel({kernel.Name}, {LaunchArguments.Describe(dims)})", result);
        }
    }

    private (CompiledKernel Kernel, KernelOrigin Origin) Load(KernelSource kernel)
    {
        EnsureCurrent();
        var key = KernelBinaryCache.ComputeKey(Backend, kernel.CudaSource, Info.Name,
            $"{Info.ComputeMajor}.{Info.ComputeMinor}", ImageDescription,
            $"nvrtc {NvrtcVersion.Major}.{NvrtcVersion.Minor}", $"driver {DriverVersion}", string.Join(' ', CompileOptions));
        if (Cache.TryRead(Backend, kernel.Name, key) is { Length: > 0 } cached)
        {
            try
            {
                var loaded = LoadModule(kernel, cached);
                DiskCacheHits++;
                return (loaded, KernelOrigin.DiskCache);
            }
            catch (CudaException)
            {
                Cache.Remove(Backend, kernel.Name, key); // stale or corrupt: compile again
            }
        }

        var image = NvrtcCompiler.Compile(kernel.CudaSource, kernel.Name, Architecture, CompileOptions, Image);
        SourceBuilds++;
        var compiled = LoadModule(kernel, image);
        Cache.TryWrite(Backend, kernel.Name, key, image);
        return (compiled, KernelOrigin.Compiled);
    }

    /// <summary>cuModuleLoadDataEx on NUL-terminated PTX or on a CUBIN (the JIT's error log captured), then the entry point.</summary>
    private CompiledKernel LoadModule(KernelSource kernel, byte[] image)
    {
        if (Image == CudaImage.Ptx && image[^1] != 0) image = [.. image, 0];
        var log = new byte[16 * 1024];
        nint module;
        int result;
        fixed (byte* imageBytes = image)
        fixed (byte* logBuffer = log)
        {
            var options = stackalloc int[] { CudaDriver.JitErrorLogBuffer, CudaDriver.JitErrorLogBufferSizeBytes };
            var optionValues = stackalloc void*[] { logBuffer, (void*)(nint)log.Length };
            result = CudaDriver.cuModuleLoadDataEx(&module, imageBytes, 2, options, optionValues);
        }
        if (result != CudaDriver.Success)
        {
            var length = Array.IndexOf(log, (byte)0);
            var jitLog = Encoding.UTF8.GetString(log, 0, length < 0 ? log.Length : length);
            if (Image == CudaImage.Cubin)
            {
                jitLog += $"{(jitLog.Length > 0 ? "\n" : "")}NVRTC {NvrtcVersion.Major}.{NvrtcVersion.Minor} is newer than the driver " +
                    $"(CUDA {DriverVersion / 1000}.{DriverVersion % 1000 / 10}); a CUBIN loads only within the driver's major version. " +
                    "Point ENGINE_NVRTC at an NVRTC no newer than the driver, or update the driver.";
            }
            throw new CudaException($"cuModuleLoadDataEx({kernel.Name}, {ImageDescription})", result, jitLog);
        }
        var name = Encoding.UTF8.GetBytes(kernel.Name + "\0");
        nint function;
        fixed (byte* entry = name)
        {
            result = CudaDriver.cuModuleGetFunction(&function, module, entry);
        }
        if (result != CudaDriver.Success)
        {
            CudaDriver.cuModuleUnload(module);
            throw new CudaException($"cuModuleGetFunction({kernel.Name}): no extern \"C\" __global__ function of that name", result);
        }
        return new CompiledKernel(module, function);
    }

    private void UnloadModules()
    {
        lock (_gate)
        {
            foreach (var compiled in _kernels.Values) CudaDriver.cuModuleUnload(compiled.Module);
            _kernels.Clear();
        }
    }
}
