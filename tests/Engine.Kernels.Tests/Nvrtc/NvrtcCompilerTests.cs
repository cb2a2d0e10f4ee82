using Engine.Kernels.Cuda;
using Engine.Kernels.Launch;
using Engine.Kernels.Native;
using Engine.Kernels.Tests.Gpu;
using NUnit.Framework;

namespace Engine.Kernels.Tests.Nvrtc;

/// <summary>NVRTC compiles CUDA text to PTX without a GPU; skipped with the paths tried where libnvrtc is absent.</summary>
[TestFixture]
[Category("Nvrtc")]
public sealed class NvrtcCompilerTests
{
    [SetUp]
    public void RequireNvrtc()
    {
        if (!NvrtcCompiler.IsAvailable(out var reason)) Assert.Ignore($"skipped: {reason}");
    }

    private static IEnumerable<TestCaseData> KernelsAndArchitectures()
    {
        foreach (var kernel in new[] { TestKernels.VectorAddShared, TestKernels.BlockSum, TestKernels.SgemmTiled })
        {
            foreach (var architecture in new[] { "sm_80", "sm_90" })
                yield return new TestCaseData(kernel, architecture).SetArgDisplayNames(kernel.Name, architecture);
        }
    }

    [TestCaseSource(nameof(KernelsAndArchitectures))]
    public void TestKernelCompilesToPtxForTheArchitecture(KernelSource kernel, string architecture)
    {
        var ptx = NvrtcCompiler.CompileToPtx(kernel.CudaSource, kernel.Name, architecture);
        Assert.That(ptx, Does.Contain($".target {architecture}"));
        Assert.That(ptx, Does.Contain($".visible .entry {kernel.Name}("), "extern \"C\" keeps the entry name unmangled");
        Assert.That(ptx, Does.Contain(".address_size 64"));
        Assert.That(ptx, Does.Not.Contain("\0"));
    }

    [TestCaseSource(nameof(KernelsAndArchitectures))]
    public void TestKernelCompilesToACubinForTheArchitecture(KernelSource kernel, string architecture)
    {
        var cubin = NvrtcCompiler.CompileToCubin(kernel.CudaSource, kernel.Name, architecture);
        Assert.That(cubin.AsSpan(0, 4).ToArray(), Is.EqualTo(new byte[] { 0x7F, (byte)'E', (byte)'L', (byte)'F' }), "an ELF image");
        Assert.That(cubin[4], Is.EqualTo(2), "64-bit ELF");
        Assert.That(BitConverter.ToUInt16(cubin, 18), Is.EqualTo(190), "e_machine EM_CUDA");
        TestContext.Out.WriteLine($"{kernel.Name} {architecture}: {cubin.Length} bytes, e_flags 0x{BitConverter.ToUInt32(cubin, 48):x}");
        Assert.That(System.Text.Encoding.ASCII.GetString(cubin), Does.Contain(kernel.Name), "the entry point is in the symbol table");
    }

    [Test]
    public void CubinWhenNvrtcIsNewerThanTheDriverPtxOtherwise()
    {
        Assert.That(CudaRuntime.ChooseImage((12, 4), 12040), Is.EqualTo(CudaImage.Ptx), "the same version");
        Assert.That(CudaRuntime.ChooseImage((11, 8), 13000), Is.EqualTo(CudaImage.Ptx), "an older NVRTC");
        Assert.That(CudaRuntime.ChooseImage((12, 6), 12040), Is.EqualTo(CudaImage.Cubin), "a newer minor version");
        Assert.That(CudaRuntime.ChooseImage((13, 0), 12090), Is.EqualTo(CudaImage.Cubin), "a newer major version");
    }

    [Test]
    public void SharedMemoryKernelDeclaresItsSharedArrays()
    {
        var ptx = NvrtcCompiler.CompileToPtx(TestKernels.SgemmTiled.CudaSource, "sgemm_tiled", "sm_80");
        // Two 16×16 float tiles = 1024 bytes each.
        Assert.That(System.Text.RegularExpressions.Regex.Matches(ptx, @"\.shared \.align 4 \.b8 \S+\[1024\]"), Has.Count.EqualTo(2));
        Assert.That(ptx, Does.Contain("bar.sync"));
    }

    [Test]
    public void BrokenKernelMessageContainsNvrtcsLog()
    {
        var error = Assert.Throws<NvrtcException>(() => NvrtcCompiler.CompileToPtx(TestKernels.Broken.CudaSource, "broken", "sm_80"))!;
        TestContext.Out.WriteLine(error.Message);
        Assert.That(error.CodeName, Is.EqualTo("NVRTC_ERROR_COMPILATION"));
        Assert.That(error.Message, Does.StartWith("nvrtcCompileProgram(broken.cu, --gpu-architecture=compute_80) failed"));
        Assert.That(error.Message, Does.Contain("broken.cu(3): error: identifier \"undefined_identifier\" is undefined"));
    }

    [Test]
    public void ArchitecturesAreParsedAndCheckedAgainstNvrtc()
    {
        Assert.That(NvrtcCompiler.ParseArchitecture("sm_86"), Is.EqualTo(86));
        Assert.That(NvrtcCompiler.ParseArchitecture("compute_90"), Is.EqualTo(90));
        Assert.That(NvrtcCompiler.ParseArchitecture("75"), Is.EqualTo(75));
        Assert.Throws<ArgumentException>(() => NvrtcCompiler.ParseArchitecture("hopper"));
        var error = Assert.Throws<ArgumentException>(() => NvrtcCompiler.CompileToPtx(TestKernels.Broken.CudaSource, "x", "sm_11"))!;
        Assert.That(error.Message, Does.Contain("cannot target compute_11").And.Contain("80"));
    }

    [Test]
    public void VersionAndArchitecturesComeFromTheLibrary()
    {
        var (major, minor) = NvrtcCompiler.Version;
        TestContext.Out.WriteLine($"NVRTC {major}.{minor} from {NvrtcCompiler.LibraryPath}: {string.Join(", ", NvrtcCompiler.SupportedArchitectures)}");
        Assert.That(major, Is.GreaterThanOrEqualTo(11));
        Assert.That(NvrtcCompiler.SupportedArchitectures, Is.Ordered.And.Contain(80));
    }
}

/// <summary>How native libraries are searched for; needs none of them installed.</summary>
[TestFixture]
[Category("Nvrtc")]
public sealed class NativeLibrarySearchTests
{
    [Test]
    public void MissingLibraryListsEveryPlaceTried()
    {
        var result = NativeLibraries.LoadFirst(["/nonexistent/libnvrtc.so.99", "libnvrtc-that-does-not-exist.so.1"]);
        Assert.That(result.Handle, Is.EqualTo((nint)0));
        Assert.That(result.Attempts, Has.Count.EqualTo(2));
        Assert.That(result.Attempts[0], Is.EqualTo("/nonexistent/libnvrtc.so.99: no such file"));
        Assert.That(result.Attempts[1], Does.StartWith("libnvrtc-that-does-not-exist.so.1: ").And.Contain("cannot open shared object file"));
        var error = new NativeLibraryMissingException("libnvrtc.so", result.Attempts);
        Assert.That(error.Message, Does.Contain("/nonexistent/libnvrtc.so.99: no such file"));
    }

    [Test]
    public void NewerToolkitFoldersComeFirstByVersionNotByText()
    {
        string[] folders = ["/usr/local/cuda-11.8", "/usr/local/cuda-12.9", "/usr/local/cuda-12.10", "/usr/local/cuda-12"];
        Assert.That(NativeLibraries.NewestToolkitFirst(folders),
            Is.EqualTo(new[] { "/usr/local/cuda-12.10", "/usr/local/cuda-12.9", "/usr/local/cuda-12", "/usr/local/cuda-11.8" }));
    }

    [Test]
    public void EngineNvrtcIsTriedFirstThenTheUsualLocations()
    {
        var previous = Environment.GetEnvironmentVariable("ENGINE_NVRTC");
        try
        {
            Environment.SetEnvironmentVariable("ENGINE_NVRTC", "/opt/custom/libnvrtc.so.12");
            var candidates = NativeLibraries.Candidates(NativeLibraries.Nvrtc).ToList();
            Assert.That(candidates[0], Is.EqualTo("/opt/custom/libnvrtc.so.12"));
            Assert.That(candidates[^1], Is.EqualTo("libnvrtc.so"), "the loader's own path comes last");
        }
        finally
        {
            Environment.SetEnvironmentVariable("ENGINE_NVRTC", previous);
        }
        var directories = NativeLibraries.NvrtcDirectories().ToList();
        Assert.That(directories, Does.Contain("/usr/local/cuda/lib64"));
        Assert.That(directories, Does.Contain("/usr/local/cuda/targets/x86_64-linux/lib"));
        Assert.That(directories, Does.Contain("/usr/lib/x86_64-linux-gnu"));
        Assert.That(directories.Any(d => d.EndsWith(Path.Combine("nvidia", "cuda_nvrtc", "lib"), StringComparison.Ordinal)) || !directories.Any(d => d.Contains("python3")),
            "every python site-packages directory is searched for the pip wheel's library");
    }

    [Test]
    public void NewestVersionedNvrtcInADirectoryComesFirst()
    {
        var directory = Path.Combine(Path.GetTempPath(), "nvrtc-search-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(directory);
        try
        {
            foreach (var name in new[] { "libnvrtc.so.11.2", "libnvrtc.so.12.4.99", "libnvrtc.so.12", "libnvrtc-builtins.so.12.4", "libnvrtc.alt.so.12" })
                File.WriteAllText(Path.Combine(directory, name), "");
            var found = NativeLibraries.NvrtcFilesIn(directory).Select(Path.GetFileName).ToList();
            Assert.That(found, Is.EqualTo(new[] { "libnvrtc.so.12.4.99", "libnvrtc.so.12", "libnvrtc.so.11.2" }));
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Test]
    public void ArchitectureChoiceClampsToWhatNvrtcSupports()
    {
        int[] supported = [50, 60, 70, 75, 80, 86, 89, 90];
        Assert.That(CudaRuntime.ChooseArchitecture(90, supported), Is.EqualTo(90));
        Assert.That(CudaRuntime.ChooseArchitecture(120, supported), Is.EqualTo(90), "a newer GPU JIT-compiles compute_90 PTX");
        Assert.That(CudaRuntime.ChooseArchitecture(87, supported), Is.EqualTo(86));
        Assert.That(CudaRuntime.ChooseArchitecture(86, []), Is.EqualTo(86), "an NVRTC that cannot list its architectures gets the device's");
        Assert.Throws<NotSupportedException>(() => CudaRuntime.ChooseArchitecture(35, supported));
    }
}
