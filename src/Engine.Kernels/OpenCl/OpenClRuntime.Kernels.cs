using System.Text;
using Engine.Kernels.Launch;
using Engine.Kernels.Native;

namespace Engine.Kernels.OpenCl;

/// <summary>Kernel compilation, the two caches, and launches.</summary>
public sealed unsafe partial class OpenClRuntime
{
    private const string Backend = "opencl";

    // Keyed by reference: the generator emits one KernelSource instance per kernel, so a lookup
    // hashes a pointer and allocates nothing.
    private readonly Dictionary<KernelSource, CompiledKernel> _kernels = new(ReferenceEqualityComparer.Instance);
    private readonly Lock _gate = new();

    private sealed record CompiledKernel(nint Program, nint Kernel);

    /// <summary>Kernels compiled from source by this runtime.</summary>
    public int SourceBuilds { get; private set; }

    /// <summary>Kernels loaded from a cached binary by this runtime.</summary>
    public int DiskCacheHits { get; private set; }

    /// <summary>
    /// Makes <paramref name="kernel"/> ready to launch: from memory if loaded, else from the disk
    /// cache, else compiled from <see cref="KernelSource.OpenClSource"/> (and the binary stored).
    /// </summary>
    /// <exception cref="OpenClException">The build failed; the message ends with the build log.</exception>
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
    /// Sets the arguments and enqueues the kernel. A View argument becomes three OpenCL arguments
    /// (the cl_mem, the offset and the length, in elements); scalars pass as themselves. When
    /// <see cref="LaunchDims.DynamicSharedBytes"/> is positive, one more argument follows: a
    /// <c>__local</c> buffer of that many bytes. Global size = grid × block per dimension.
    /// </summary>
    /// <exception cref="ArgumentException">The arguments do not match the kernel's parameters.</exception>
    /// <exception cref="OpenClException">The build or the enqueue failed.</exception>
    public void Launch(KernelSource kernel, in LaunchDims dims, ReadOnlySpan<KernelArgument> arguments)
    {
        ArgumentNullException.ThrowIfNull(kernel);
        LaunchArguments.Validate(kernel, arguments, Id);
        LaunchArguments.ValidateDims(kernel, dims);
        lock (_gate)
        {
            ThrowIfDisposed();
            if (!_kernels.TryGetValue(kernel, out var compiled))
            {
                (compiled, _) = Load(kernel);
                _kernels.Add(kernel, compiled);
            }
            var handle = compiled.Kernel;
            uint index = 0;
            for (var i = 0; i < arguments.Length; i++)
            {
                var argument = arguments[i];
                switch (argument.Kind)
                {
                    case KernelParameterKind.View:
                        var memory = argument.Handle;
                        var offset = argument.Offset;
                        var length = argument.Length;
                        SetArgument(kernel, handle, index++, (nuint)sizeof(nint), &memory);
                        SetArgument(kernel, handle, index++, sizeof(int), &offset);
                        SetArgument(kernel, handle, index++, sizeof(int), &length);
                        break;
                    case KernelParameterKind.Int32:
                        var intValue = argument.IntValue;
                        SetArgument(kernel, handle, index++, sizeof(int), &intValue);
                        break;
                    case KernelParameterKind.Float32:
                        var floatValue = argument.FloatValue;
                        SetArgument(kernel, handle, index++, sizeof(float), &floatValue);
                        break;
                    default:
                        throw new ArgumentException($"kernel '{kernel.Name}' argument {i}: unknown kind {argument.Kind}");
                }
            }
            if (dims.DynamicSharedBytes > 0) SetArgument(kernel, handle, index, (nuint)dims.DynamicSharedBytes, null);

            var global = stackalloc nuint[3];
            var local = stackalloc nuint[3];
            global[0] = (nuint)dims.GridX * (nuint)dims.BlockX;
            global[1] = (nuint)dims.GridY * (nuint)dims.BlockY;
            global[2] = (nuint)dims.GridZ * (nuint)dims.BlockZ;
            local[0] = (nuint)dims.BlockX;
            local[1] = (nuint)dims.BlockY;
            local[2] = (nuint)dims.BlockZ;
            var workDimensions = dims.GridZ > 1 || dims.BlockZ > 1 ? 3u : dims.GridY > 1 || dims.BlockY > 1 ? 2u : 1u;
            var status = OpenClApi.clEnqueueNDRangeKernel(_queue, handle, workDimensions, null, global, local, 0, null, null);
            if (status != OpenClApi.Success)
                throw new OpenClException($"clEnqueueNDRangeKernel({kernel.Name}, {LaunchArguments.Describe(dims)})", status);
        }
    }

    private static void SetArgument(KernelSource kernel, nint handle, uint index, nuint size, void* value)
    {
        var status = OpenClApi.clSetKernelArg(handle, index, size, value);
        if (status != OpenClApi.Success) throw new OpenClException($"clSetKernelArg({kernel.Name}, native argument {index}, {size} bytes)", status);
    }

    private (CompiledKernel Kernel, KernelOrigin Origin) Load(KernelSource kernel)
    {
        var key = KernelBinaryCache.ComputeKey(Backend, kernel.OpenClSource, Info.Name, Info.Vendor, Info.Version,
            Info.DriverVersion, Info.PlatformName, Info.PlatformVersion, BuildOptions);
        if (Cache.TryRead(Backend, kernel.Name, key) is { } binary)
        {
            var cachedProgram = TryBuildFromBinary(binary);
            if (cachedProgram != 0)
            {
                DiskCacheHits++;
                return (new CompiledKernel(cachedProgram, CreateKernel(cachedProgram, kernel)), KernelOrigin.DiskCache);
            }
            Cache.Remove(Backend, kernel.Name, key); // stale or corrupt: rebuild and rewrite
        }

        var program = BuildFromSource(kernel);
        SourceBuilds++;
        if (ProgramBinary(program) is { Length: > 0 } built) Cache.TryWrite(Backend, kernel.Name, key, built);
        return (new CompiledKernel(program, CreateKernel(program, kernel)), KernelOrigin.Compiled);
    }

    private nint BuildFromSource(KernelSource kernel)
    {
        var source = Encoding.UTF8.GetBytes(kernel.OpenClSource);
        int status;
        nint program;
        fixed (byte* text = source)
        {
            var strings = text;
            var length = (nuint)source.Length;
            program = OpenClApi.clCreateProgramWithSource(_context, 1, &strings, &length, &status);
        }
        OpenClApi.Check(status, $"clCreateProgramWithSource({kernel.Name})");
        Build(program, $"clBuildProgram({kernel.Name}, options \"{BuildOptions}\")");
        return program;
    }

    /// <summary>A program from a cached binary, or 0 when the driver rejects it (then the caller rebuilds from source).</summary>
    private nint TryBuildFromBinary(byte[] binary)
    {
        var device = Info.DeviceHandle;
        int status, binaryStatus;
        nint program;
        fixed (byte* bytes = binary)
        {
            var binaries = bytes;
            var length = (nuint)binary.Length;
            program = OpenClApi.clCreateProgramWithBinary(_context, 1, &device, &length, &binaries, &binaryStatus, &status);
        }
        if (status != OpenClApi.Success || binaryStatus != OpenClApi.Success)
        {
            if (program != 0) OpenClApi.clReleaseProgram(program);
            return 0;
        }
        try
        {
            Build(program, "clBuildProgram(cached binary)");
            return program;
        }
        catch (OpenClException)
        {
            OpenClApi.clReleaseProgram(program);
            return 0;
        }
    }

    private void Build(nint program, string call)
    {
        var device = Info.DeviceHandle;
        var options = Encoding.UTF8.GetBytes(BuildOptions + "\0");
        int status;
        fixed (byte* optionText = options)
        {
            status = OpenClApi.clBuildProgram(program, 1, &device, optionText, 0, 0);
        }
        if (status == OpenClApi.Success) return;
        var log = BuildLog(program);
        OpenClApi.clReleaseProgram(program);
        throw new OpenClException(call, status, log, $"device {Info.Name}");
    }

    private string BuildLog(nint program)
    {
        nuint size;
        if (OpenClApi.clGetProgramBuildInfo(program, Info.DeviceHandle, OpenClApi.ProgramBuildLog, 0, null, &size) != OpenClApi.Success || size == 0)
            return "";
        var log = new byte[(int)size];
        fixed (byte* destination = log)
        {
            if (OpenClApi.clGetProgramBuildInfo(program, Info.DeviceHandle, OpenClApi.ProgramBuildLog, size, destination, null) != OpenClApi.Success)
                return "";
        }
        return Encoding.UTF8.GetString(log).TrimEnd('\0', ' ', '\n');
    }

    /// <summary>The device binary of a built program (clGetProgramInfo CL_PROGRAM_BINARIES), or null if the driver offers none.</summary>
    private static byte[]? ProgramBinary(nint program)
    {
        nuint size;
        if (OpenClApi.clGetProgramInfo(program, OpenClApi.ProgramBinarySizes, (nuint)sizeof(nuint), &size, null) != OpenClApi.Success || size == 0)
            return null;
        var binary = new byte[(int)size];
        fixed (byte* destination = binary)
        {
            var pointers = destination;
            if (OpenClApi.clGetProgramInfo(program, OpenClApi.ProgramBinaries, (nuint)sizeof(nint), &pointers, null) != OpenClApi.Success)
                return null;
        }
        return binary;
    }

    private static nint CreateKernel(nint program, KernelSource kernel)
    {
        var name = Encoding.UTF8.GetBytes(kernel.Name + "\0");
        int status;
        nint handle;
        fixed (byte* text = name)
        {
            handle = OpenClApi.clCreateKernel(program, text, &status);
        }
        if (status == OpenClApi.Success) return handle;
        OpenClApi.clReleaseProgram(program);
        throw new OpenClException($"clCreateKernel({kernel.Name})", status,
            detail: status == -46 ? "the program has no __kernel of that name" : null);
    }

    private void ReleaseKernels()
    {
        lock (_gate)
        {
            foreach (var compiled in _kernels.Values)
            {
                OpenClApi.clReleaseKernel(compiled.Kernel);
                OpenClApi.clReleaseProgram(compiled.Program);
            }
            _kernels.Clear();
        }
    }
}
