using Engine.Kernels.Launch;

namespace Engine.Kernels.Native;

/// <summary>Checks launch arguments against the kernel's declared parameters before they reach a driver.</summary>
internal static class LaunchArguments
{
    /// <summary>The most arguments a launch takes; bounds the launchers' stack buffers.</summary>
    public const int MaxArguments = 64;

    /// <summary>Throws a clear <see cref="ArgumentException"/> on a count or kind mismatch; allocates nothing when they match.</summary>
    public static void Validate(KernelSource kernel, ReadOnlySpan<KernelArgument> arguments, int runnerId)
    {
        var parameters = kernel.Parameters;
        if (arguments.Length != parameters.Count)
        {
            throw new ArgumentException(
                $"kernel '{kernel.Name}' takes {parameters.Count} argument(s) ({Describe(parameters)}) but was given {arguments.Length}");
        }
        if (arguments.Length > MaxArguments)
            throw new ArgumentException($"kernel '{kernel.Name}' has {arguments.Length} arguments; at most {MaxArguments} are supported");
        for (var i = 0; i < arguments.Length; i++)
        {
            if (arguments[i].Kind != parameters[i].Kind)
            {
                throw new ArgumentException(
                    $"kernel '{kernel.Name}' argument {i} ('{parameters[i].Name}') is a {parameters[i].Kind} but was given a {arguments[i].Kind}");
            }
            // A foreign pointer would fault on the GPU, and a CUDA fault poisons the context for every runtime on it.
            if (arguments[i].Kind == KernelParameterKind.View && arguments[i].RunnerId != runnerId)
            {
                throw new ArgumentException(
                    $"kernel '{kernel.Name}' argument {i} ('{parameters[i].Name}'): the buffer belongs to another device");
            }
        }
    }

    private static string Describe(IReadOnlyList<KernelParameter> parameters)
        => string.Join(", ", parameters.Select(p => $"{p.Kind} {p.Name}"));

    /// <summary>"(gx×gy×gz) blocks of (bx×by×bz), S shared bytes" for error messages.</summary>
    public static string Describe(in LaunchDims dims)
        => $"grid {dims.GridX}×{dims.GridY}×{dims.GridZ}, block {dims.BlockX}×{dims.BlockY}×{dims.BlockZ}, {dims.DynamicSharedBytes} dynamic shared bytes";

    /// <summary>Rejects non-positive grid or block sizes (a driver would report them less clearly).</summary>
    public static void ValidateDims(KernelSource kernel, in LaunchDims dims)
    {
        if (dims.GridX <= 0 || dims.GridY <= 0 || dims.GridZ <= 0 || dims.BlockX <= 0 || dims.BlockY <= 0 || dims.BlockZ <= 0
            || dims.DynamicSharedBytes < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(dims), $"kernel '{kernel.Name}': invalid launch {Describe(dims)}");
        }
    }
}
