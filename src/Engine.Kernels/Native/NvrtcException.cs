namespace Engine.Kernels.Native;

/// <summary>
/// An NVRTC call failed. For a compile error the message ends with NVRTC's log, whose lines read
/// <c>name.cu(LINE): error: ...</c>.
/// </summary>
public sealed class NvrtcException : DeviceException
{
    public NvrtcException(string call, int code, string codeName, string? log)
        : base($"{call} failed: {codeName} ({code})"
            + (string.IsNullOrWhiteSpace(log) ? "" : $"{Environment.NewLine}NVRTC log:{Environment.NewLine}{log.TrimEnd()}"))
    {
        Call = call;
        Code = code;
        CodeName = codeName;
        Log = log;
    }

    /// <summary>The API function (and the program) that failed.</summary>
    public string Call { get; }

    /// <summary>The raw nvrtcResult.</summary>
    public int Code { get; }

    /// <summary>nvrtcGetErrorString of <see cref="Code"/>, e.g. "NVRTC_ERROR_COMPILATION".</summary>
    public string CodeName { get; }

    /// <summary>The compiler log (errors and warnings), or null.</summary>
    public string? Log { get; }
}
