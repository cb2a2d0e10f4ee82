namespace Engine.Kernels.Native;

/// <summary>
/// A native library (the OpenCL ICD loader, the CUDA driver or NVRTC) could not be loaded.
/// The message lists every place that was tried and why each failed.
/// </summary>
public sealed class NativeLibraryMissingException : DeviceUnavailableException
{
    public NativeLibraryMissingException(string library, IReadOnlyList<string> attempts)
        : base($"{library} was not found; tried:{Environment.NewLine}  " + string.Join(Environment.NewLine + "  ", attempts))
    {
        Library = library;
        Attempts = attempts;
    }

    /// <summary>The library's usual name, e.g. "libOpenCL.so.1".</summary>
    public string Library { get; }

    /// <summary>One line per candidate: the path or name and why it failed.</summary>
    public IReadOnlyList<string> Attempts { get; }
}
