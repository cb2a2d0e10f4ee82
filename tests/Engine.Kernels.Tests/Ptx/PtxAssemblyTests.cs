using System.Reflection;
using Engine.Kernels.Gpu;
using ILGPU;
using ILGPU.Runtime.Cuda;
using NUnit.Framework;

namespace Engine.Kernels.Tests.Ptx;

/// <summary>
/// Every GPU kernel compiled by ILGPU to PTX (ISA 7.8) and assembled by ptxas for sm_80 (A100) and sm_90 (H100/H200)
/// on a machine without a GPU or driver. ptxas checks what the PTX text alone cannot show: register and shared-memory
/// limits, instruction availability per architecture. A kernel it rejects fails here, as the deliberately broken kernel
/// below shows. Skipped with the reason where ptxas is absent.
/// </summary>
[TestFixture]
[Category("Ptx")]
public sealed class PtxAssemblyTests
{
    private static readonly string[] Architectures = ["sm_80", "sm_90"];

    private static IEnumerable<TestCaseData> Kernels()
        => KernelCatalog.Kernels().Select(k => new TestCaseData(k).SetArgDisplayNames(KernelCatalog.NameOf(k)));

    [SetUp]
    public void RequirePtxas()
    {
        if (Ptxas.Path is null) Assert.Ignore($"skipped: ptxas not found (looked in {Ptxas.Searched})");
    }

    [Test]
    public void TheCatalogHoldsEveryFamilysKernels()
    {
        var families = KernelCatalog.Kernels().Select(k => k.DeclaringType!.Name).Distinct().ToList();
        Assert.That(families, Is.SupersetOf(new[]
        {
            "ElementwiseGpu", "GemmGpu", "BiasGpu", "LayerNormGpu", "GeluGpu", "RopeGpu", "AttentionGpu", "RowsGpu",
            "CrossEntropyGpu", "AdamGpu", "PeakGpu",
        }));
        Assert.That(KernelCatalog.Kernels(), Has.Count.GreaterThanOrEqualTo(40));
    }

    [TestCaseSource(nameof(Kernels))]
    public void KernelAssemblesForAmpereAndHopper(MethodInfo kernel)
    {
        foreach (var (arch, architecture) in new[] { ("sm_80", CudaArchitecture.SM_80), ("sm_90", CudaArchitecture.SM_90) })
        {
            var ptx = KernelCatalog.CompileToPtx(kernel, architecture, CudaInstructionSet.ISA_78);
            Assert.That(ptx, Does.Contain(".visible .entry"));
            var (code, output) = Ptxas.Assemble(ptx, arch);
            Assert.That(code, Is.Zero, $"ptxas -arch={arch} rejected {KernelCatalog.NameOf(kernel)}:\n{output}");
        }
    }

    [Test]
    public void AKernelPtxasRejectsFailsTheCheck()
    {
        // 64 Ki floats = 256 KiB of static shared memory: more than any GPU's group may hold (Hopper: 227 KiB opt-in,
        // 48 KiB static). ILGPU compiles it without complaint; only ptxas knows the limit.
        var broken = typeof(BrokenKernels).GetMethod(nameof(BrokenKernels.TooMuchSharedMemory), BindingFlags.Static | BindingFlags.Public)!;
        foreach (var (arch, architecture) in Architectures.Zip(new[] { CudaArchitecture.SM_80, CudaArchitecture.SM_90 }))
        {
            var ptx = KernelCatalog.CompileToPtx(broken, architecture, CudaInstructionSet.ISA_78);
            var (code, output) = Ptxas.Assemble(ptx, arch);
            TestContext.Out.WriteLine($"ptxas -arch={arch}: exit {code}: {output}");
            Assert.That(code, Is.Not.Zero, "ptxas accepted a kernel that cannot run");
            Assert.That(output, Does.Contain("shared data").IgnoreCase, "ptxas names the shared-memory limit");
        }
    }
}

/// <summary>A kernel that ILGPU compiles but no GPU can run (not in the engine's catalog: it lives in this test assembly).</summary>
public static class BrokenKernels
{
    public readonly record struct Args(ArrayView<float> Output);

    [GpuKernel]
    public static void TooMuchSharedMemory(Args a)
    {
        var tile = SharedMemory.Allocate<float>(64 * 1024);
        tile[Group.IdxX] = Group.IdxX;
        Group.Barrier();
        a.Output[Grid.GlobalIndex.X] = tile[(Group.IdxX + 1) % Group.DimX];
    }
}
