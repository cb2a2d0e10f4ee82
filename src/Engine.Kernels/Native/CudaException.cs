using System.Runtime.InteropServices;

namespace Engine.Kernels.Native;

/// <summary>
/// A CUDA driver call returned an error. The message names the call and the driver's own name and
/// description of the code (cuGetErrorName / cuGetErrorString), e.g.
/// <c>cuMemAlloc(1 PiB) failed: CUDA_ERROR_OUT_OF_MEMORY (2): out of memory</c>; a failed module load
/// adds the PTX JIT's error log.
/// </summary>
public sealed class CudaException : DeviceException
{
    public CudaException(string call, int code, string? log = null)
        : base(Format(call, code, log))
    {
        Call = call;
        Code = code;
        Log = log;
    }

    /// <summary>The API function (and what it was asked for) that failed.</summary>
    public string Call { get; }

    /// <summary>The raw CUresult.</summary>
    public int Code { get; }

    /// <summary>The symbolic name, e.g. "CUDA_ERROR_OUT_OF_MEMORY".</summary>
    public string CodeName => Describe(Code).Name;

    /// <summary>The JIT or compiler log, when one exists.</summary>
    public string? Log { get; }

    private static string Format(string call, int code, string? log)
    {
        var (name, description) = Describe(code);
        var text = $"{call} failed: {name} ({code}): {description}";
        if (!string.IsNullOrWhiteSpace(log)) text += $"{Environment.NewLine}log:{Environment.NewLine}{log.TrimEnd()}";
        return text;
    }

    /// <summary>The driver's name and description of <paramref name="code"/>; generic text if the driver cannot say.</summary>
    private static unsafe (string Name, string Description) Describe(int code)
    {
        try
        {
            byte* name = null;
            byte* description = null;
            var known = CudaDriver.cuGetErrorName(code, &name) == CudaDriver.Success && name != null;
            CudaDriver.cuGetErrorString(code, &description);
            return (known ? Marshal.PtrToStringUTF8((nint)name)! : "CUDA_ERROR_UNKNOWN",
                description != null ? Marshal.PtrToStringUTF8((nint)description)! : "no description");
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            return ("CUDA_ERROR_UNKNOWN", "the driver library cannot describe it");
        }
    }
}
