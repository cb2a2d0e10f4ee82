using System.Reflection;
using ILGPU;
using ILGPU.Algorithms;
using ILGPU.Backends;
using ILGPU.Backends.EntryPoints;
using ILGPU.Backends.PTX;
using ILGPU.Runtime;
using ILGPU.Runtime.CPU;
using ILGPU.Runtime.Cuda;

namespace Engine.Kernels.Gpu;

/// <summary>
/// Every GPU kernel of the engine (the static methods marked <see cref="GpuKernelAttribute"/>), and their compilation
/// to PTX without a GPU or a driver, for the CI check that assembles each one with ptxas and for reading the code
/// ILGPU generates.
/// </summary>
public static class KernelCatalog
{
    /// <summary>The kernels of <paramref name="assembly"/> (default: Engine.Kernels), ordered by type and name.</summary>
    public static IReadOnlyList<MethodInfo> Kernels(Assembly? assembly = null)
        => (assembly ?? typeof(KernelCatalog).Assembly).GetTypes()
            .SelectMany(t => t.GetMethods(BindingFlags.Static | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly))
            .Where(m => m.GetCustomAttribute<GpuKernelAttribute>() is not null)
            .OrderBy(m => m.DeclaringType!.FullName, StringComparer.Ordinal).ThenBy(m => m.Name, StringComparer.Ordinal)
            .ToList();

    /// <summary>"Type.Method", the name messages and reports use.</summary>
    public static string NameOf(MethodInfo kernel) => $"{kernel.DeclaringType!.Name}.{kernel.Name}";

    /// <summary>
    /// Compiles one explicitly grouped kernel to PTX text for <paramref name="architecture"/> with PTX ISA
    /// <paramref name="instructionSet"/> (7.8 is what CUDA 11.8's ptxas accepts). ILGPU 1.5.3 writes ".target sm_80"
    /// whatever the architecture (the driver compiles that for newer GPUs), so the architecture matters to ptxas only.
    /// </summary>
    /// <exception cref="DeviceException">ILGPU cannot compile the kernel (the message names it).</exception>
    public static string CompileToPtx(MethodInfo kernel, CudaArchitecture architecture, CudaInstructionSet instructionSet)
    {
        ArgumentNullException.ThrowIfNull(kernel);
        // A failed compile can leave a backend unusable (ILGPU 1.5.3), so every compile gets a fresh context and backend.
        using var context = Context.Create(builder => builder.CPU().EnableAlgorithms().Optimize(OptimizationLevel.O2));
        using var backend = new PTXBackend(context, new CudaCapabilityContext(architecture), architecture, instructionSet, nvvmAPI: null);
        try
        {
            var entry = EntryPointDescription.FromExplicitlyGroupedKernel(kernel);
            return ((PTXCompiledKernel)backend.Compile(entry, KernelSpecialization.Empty)).PTXAssembly;
        }
        catch (Exception e) when (e is InternalCompilerException or NotSupportedException or InvalidOperationException)
        {
            throw new DeviceException($"kernel {NameOf(kernel)} did not compile to PTX: {e.Message}", e);
        }
    }
}
