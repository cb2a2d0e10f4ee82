using System.Runtime.InteropServices;

namespace Engine.Kernels.Cpu;

/// <summary>
/// The processor's flush-to-zero and denormals-are-zero modes, which <see cref="CpuDevice"/> turns on for its float32
/// ops. With both on (x86-64 MXCSR bit 15, FTZ, and bit 6, DAZ), an SSE/AVX instruction reads a subnormal operand as
/// zero and stores a result that would be subnormal as zero, at full speed. With them off, a processor may run each
/// subnormal operand or result in a microcode assist (on Intel cores on the order of a hundred cycles each). Late in
/// training, weights on their way to 0 (weight decay, dead MLP units, q/k rows of a head that stopped mattering)
/// are tiny but normal, and their products underflow in the backward GEMMs. The AMD EPYC of the development machine
/// runs subnormal FMAs at full speed (<c>Engine.Perf subnormal-gemm</c>: 1.00× on underflowing and on subnormal
/// inputs, in either mode): there the flush costs nothing and saves nothing; it is for the processors that assist,
/// so that no float32 op of the cpu device is slowed by the values it is given.
/// </summary>
/// <remarks>
/// <para>Numerical effect: a float32 operand or result of magnitude below 2⁻¹²⁶ ≈ 1.18·10⁻³⁸ (the smallest normal
/// float) is ±0 instead. A result computed from normal operands with no subnormal intermediate is the one IEEE
/// arithmetic gives; otherwise a sum of k terms moves by less than k·2⁻¹²⁶ (each flushed operand, product or partial
/// sum by less than 2⁻¹²⁶), far below float32 rounding of any value that matters in training. float64 ops on the cpu
/// device run the naive loops outside this mode, so their semantics (and the gradient checks) are exact IEEE.</para>
/// <para>.NET exposes no API for MXCSR, so <c>stmxcsr</c> and <c>ldmxcsr</c> (each four bytes with <c>ret</c>,
/// addressing the first argument) are written once into a page that is then made read-and-execute. The mode is per
/// thread: the device's worker threads set it when they start and keep it (they run nothing but float32 chunks);
/// the calling thread holds it for one op through <see cref="Enter"/>. Supported on x86-64 Linux; elsewhere
/// <see cref="Supported"/> is false and float32 ops keep IEEE subnormals (the same results, slower late in training).</para>
/// </remarks>
internal static unsafe class SubnormalFlush
{
    /// <summary>MXCSR bits: FTZ (15) flushes subnormal results, DAZ (6) reads subnormal operands as zero.</summary>
    public const uint ModeBits = (1u << 15) | (1u << 6);

    // Two instructions that neither block nor call back: no GC transition is needed around them.
    private static readonly delegate* unmanaged[SuppressGCTransition]<uint*, void> storeControl;
    private static readonly delegate* unmanaged[SuppressGCTransition]<uint*, void> loadControl;

    static SubnormalFlush()
    {
        if (RuntimeInformation.ProcessArchitecture != Architecture.X64 || !OperatingSystem.IsLinux()) return;
        // System V passes the first argument in rdi: stmxcsr [rdi] (0F AE /3); ret; ldmxcsr [rdi] (0F AE /2); ret.
        ReadOnlySpan<byte> code = [0x0F, 0xAE, 0x1F, 0xC3, 0x0F, 0xAE, 0x17, 0xC3];
        var page = LinuxPages.Executable(code);
        if (page == null) return;
        storeControl = (delegate* unmanaged[SuppressGCTransition]<uint*, void>)page;
        loadControl = (delegate* unmanaged[SuppressGCTransition]<uint*, void>)(page + 4);
    }

    /// <summary>Whether this process can set the modes (x86-64 Linux, and the code page was granted).</summary>
    public static bool Supported => loadControl != null;

    /// <summary>This thread's MXCSR (0 when unsupported).</summary>
    public static uint Control
    {
        get
        {
            if (!Supported) return 0;
            uint value;
            storeControl(&value);
            return value;
        }
    }

    /// <summary>Whether both modes are on for this thread.</summary>
    public static bool IsOn => Supported && (Control & ModeBits) == ModeBits;

    /// <summary>Turns both modes on for this thread for good (a device worker thread).</summary>
    public static void TurnOnForThread()
    {
        if (!Supported) return;
        var value = Control | ModeBits;
        loadControl(&value);
    }

    /// <summary>Turns both modes on for this thread until the returned scope is disposed; a no-op when they already are.</summary>
    public static Scope Enter()
    {
        if (!Supported) return default;
        uint saved;
        storeControl(&saved);
        if ((saved & ModeBits) == ModeBits) return default;
        var value = saved | ModeBits;
        loadControl(&value);
        return new Scope(saved);
    }

    /// <summary>Restores the control register <see cref="Enter"/> found, if it changed it.</summary>
    public readonly struct Scope(uint saved) : IDisposable
    {
        private readonly uint saved = saved;
        private readonly bool restore = true;

        public void Dispose()
        {
            if (!restore) return;
            var value = saved;
            loadControl(&value);
        }
    }

    /// <summary>An anonymous private page holding <c>code</c>, read-and-execute (never writable and executable at once).</summary>
    private static class LinuxPages
    {
        private const int ProtRead = 1, ProtWrite = 2, ProtExec = 4;
        private const int MapPrivate = 0x02, MapAnonymous = 0x20;

        public static byte* Executable(ReadOnlySpan<byte> code)
        {
            const int pageSize = 4096;
            var page = mmap(0, pageSize, ProtRead | ProtWrite, MapPrivate | MapAnonymous, -1, 0);
            if (page == -1 || page == 0) return null;
            code.CopyTo(new Span<byte>((void*)page, pageSize));
            if (mprotect(page, pageSize, ProtRead | ProtExec) == 0) return (byte*)page;
            munmap(page, pageSize);
            return null;
        }

        [DllImport("libc", EntryPoint = "mmap")]
        private static extern nint mmap(nint address, nuint length, int protection, int flags, int fd, nint offset);

        [DllImport("libc", EntryPoint = "mprotect")]
        private static extern int mprotect(nint address, nuint length, int protection);

        [DllImport("libc", EntryPoint = "munmap")]
        private static extern int munmap(nint address, nuint length);
    }
}
