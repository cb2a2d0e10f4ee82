using System.Runtime.InteropServices;

namespace Engine.Kernels.Native;

/// <summary>
/// Thin bindings to NVRTC, CUDA's runtime compiler (CUDA C++ text → PTX). The library's file name
/// carries the toolkit version, so <see cref="NativeLibraries"/> searches for it (ENGINE_NVRTC, CUDA,
/// Debian and pip locations) and every call here is routed to the file found.
/// Every call returns an nvrtcResult that callers pass to <see cref="Check"/>.
/// </summary>
internal static unsafe partial class Nvrtc
{
    private const string Lib = NativeLibraries.Nvrtc;

    static Nvrtc() => NativeLibraries.EnsureResolver();

    public const int Success = 0;
    public const int ErrorCompilation = 6;

    /// <summary>Throws <see cref="NvrtcException"/> naming <paramref name="call"/> when <paramref name="result"/> is not NVRTC_SUCCESS.</summary>
    public static void Check(int result, string call, string? log = null)
    {
        if (result != Success) throw new NvrtcException(call, result, ErrorText(result), log);
    }

    /// <summary>nvrtcGetErrorString, e.g. "NVRTC_ERROR_COMPILATION".</summary>
    public static string ErrorText(int result)
    {
        var text = nvrtcGetErrorString(result);
        return text == null ? $"NVRTC error {result}" : Marshal.PtrToStringUTF8((nint)text)!;
    }

    [LibraryImport(Lib)]
    public static partial int nvrtcVersion(int* major, int* minor);

    [LibraryImport(Lib)]
    public static partial int nvrtcGetNumSupportedArchs(int* count);

    [LibraryImport(Lib)]
    public static partial int nvrtcGetSupportedArchs(int* architectures);

    [LibraryImport(Lib)]
    public static partial int nvrtcCreateProgram(nint* program, byte* source, byte* name, int numHeaders,
        byte** headers, byte** includeNames);

    [LibraryImport(Lib)]
    public static partial int nvrtcCompileProgram(nint program, int numOptions, byte** options);

    [LibraryImport(Lib)]
    public static partial int nvrtcGetPTXSize(nint program, nuint* size);

    [LibraryImport(Lib)]
    public static partial int nvrtcGetPTX(nint program, byte* ptx);

    [LibraryImport(Lib)]
    public static partial int nvrtcGetCUBINSize(nint program, nuint* size);

    [LibraryImport(Lib)]
    public static partial int nvrtcGetCUBIN(nint program, byte* cubin);

    [LibraryImport(Lib)]
    public static partial int nvrtcGetProgramLogSize(nint program, nuint* size);

    [LibraryImport(Lib)]
    public static partial int nvrtcGetProgramLog(nint program, byte* log);

    [LibraryImport(Lib)]
    public static partial int nvrtcDestroyProgram(nint* program);

    [LibraryImport(Lib)]
    public static partial byte* nvrtcGetErrorString(int result);
}
