using ILGPU;

namespace Engine.Kernels.Gpu;

/// <summary>
/// A device's ceilings, for the benchmarks' "fraction of peak". Arithmetic: a register-only loop of 16 independent FMA
/// chains per thread (four Float4, enough to hide the FMA latency), no memory traffic but one store per thread so the
/// loop is not dead code; FLOPs = 2 · 16 · iterations · threads. Bandwidth: a grid-stride float4 copy (bytes = 2·4·n),
/// beside the runtime's own copy command.
/// </summary>
public static class PeakGpu
{
    /// <summary>Independent FMA chains per thread.</summary>
    public const int Chains = 16;

    /// <summary>Threads per group of both kernels.</summary>
    public const int Threads = 256;

    internal readonly record struct FmaLoopArgs(ArrayView<float> Output, int Iterations, float Multiplier, float Addend); // output (threads)

    internal readonly record struct CopyArgs(ArrayView<float> Source, ArrayView<float> Destination, int N); // (n), (n); n a multiple of 4

    /// <summary>x·m + a lane by lane; the PTX backend contracts each into one fma (ILGPU has no intrinsic for MathF.FusedMultiplyAdd).</summary>
    private static Float4 Fma4(Float4 x, float m, float a) => new(x.X * m + a, x.Y * m + a, x.Z * m + a, x.W * m + a);

    /// <summary>output[i] = Σ of 16 chains x ← x·multiplier + addend, run Iterations times from seeds that depend on i.</summary>
    [GpuKernel]
    internal static void FmaLoop(FmaLoopArgs a)
    {
        var i = Grid.GlobalIndex.X;
        var seed = 1e-3f * (i & 1023);
        var x0 = new Float4(seed, seed + 0.1f, seed + 0.2f, seed + 0.3f);
        var x1 = new Float4(seed + 0.4f, seed + 0.5f, seed + 0.6f, seed + 0.7f);
        var x2 = new Float4(seed + 0.8f, seed + 0.9f, seed + 1.0f, seed + 1.1f);
        var x3 = new Float4(seed + 1.2f, seed + 1.3f, seed + 1.4f, seed + 1.5f);
        for (var k = 0; k < a.Iterations; k++)
        {
            x0 = Fma4(x0, a.Multiplier, a.Addend);
            x1 = Fma4(x1, a.Multiplier, a.Addend);
            x2 = Fma4(x2, a.Multiplier, a.Addend);
            x3 = Fma4(x3, a.Multiplier, a.Addend);
        }
        if (i < a.Output.Length)
            a.Output[i] = x0.X + x0.Y + x0.Z + x0.W + x1.X + x1.Y + x1.Z + x1.W + x2.X + x2.Y + x2.Z + x2.W + x3.X + x3.Y + x3.Z + x3.W;
    }

    /// <summary>destination[i] = source[i] for i &lt; n, four per thread, grid-stride.</summary>
    [GpuKernel]
    internal static void CopyVec4(CopyArgs a)
    {
        var stride = Grid.DimX * Group.DimX;
        var source = a.Source.Cast<Float4>();
        var destination = a.Destination.Cast<Float4>();
        for (var quad = Grid.GlobalIndex.X; 4 * quad < a.N; quad += stride) destination[quad] = source[quad];
    }

    /// <summary>Launches the FMA loop over one thread per element of <paramref name="output"/> (a multiple of 256).</summary>
    public static void LaunchFmaLoop(GpuDevice device, BufferView<float> output, int iterations)
    {
        ArgumentNullException.ThrowIfNull(device);
        var threads = device.GroupThreads(Threads);
        device.Peaks.FmaLoop.Launch(GpuLaunch.Groups(output.Length / threads, threads), new FmaLoopArgs(device.View(output), iterations, 0.999f, 1e-3f));
    }

    /// <summary>Launches the float4 copy kernel (both views 16-byte aligned, length a multiple of 4) on up to 1024 groups.</summary>
    public static void LaunchCopy(GpuDevice device, BufferView<float> source, BufferView<float> destination)
    {
        ArgumentNullException.ThrowIfNull(device);
        device.Peaks.Copy.Launch(device.Spread(1024L * Threads, Threads), new CopyArgs(device.View(source), device.View(destination), source.Length & ~3));
    }

    /// <summary>The two peak kernels of one device.</summary>
    internal sealed class Loaded(GpuDevice device)
    {
        public Kernel<FmaLoopArgs> FmaLoop { get; } = new(device, PeakGpu.FmaLoop);

        public Kernel<CopyArgs> Copy { get; } = new(device, CopyVec4);
    }
}
