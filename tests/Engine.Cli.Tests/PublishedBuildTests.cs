using System.Diagnostics;
using System.Text.Json;
using NUnit.Framework;

namespace Engine.Cli.Tests;

/// <summary>
/// scripts/publish-device.sh, as for a GPU node without .NET: trimmed self-contained single files of engine and
/// Engine.Perf, together under 64 MiB, that compile and run GPU kernels (on the simulator here) — the trimmed framework
/// keeps what ILGPU reflects on (trimming/ilgpu-roots.xml).
/// </summary>
[TestFixture]
[Category("Publish")]
public class PublishedBuildTests
{
    private static string RepositoryRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Engine.sln"))) dir = dir.Parent;
        return dir?.FullName ?? throw new InvalidOperationException("Engine.sln not found above the test assembly");
    }

    private static (int Code, string Output) Run(string file, TimeSpan timeout, params string[] args)
    {
        var start = new ProcessStartInfo(file, args) { RedirectStandardOutput = true, RedirectStandardError = true };
        start.Environment.Remove("DOTNET_ROOT"); // the published build must not need the SDK's runtime
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(timeout))
        {
            process.Kill(entireProcessTree: true);
            return (-1, $"timed out after {timeout}");
        }
        return (process.ExitCode, output.Result + error.Result);
    }

    [Test]
    public void PublishedEngineAndBenchmarksRunGpuKernelsAndFitIn64MiB()
    {
        var root = Directory.CreateTempSubdirectory("engine-publish-").FullName;
        try
        {
            var published = Run("bash", TimeSpan.FromMinutes(8), Path.Combine(RepositoryRoot(), "scripts", "publish-device.sh"), root);
            Assert.That(published.Code, Is.Zero, published.Output);
            var bytes = Directory.GetFiles(root, "*", SearchOption.AllDirectories).Sum(f => new FileInfo(f).Length);
            TestContext.Out.WriteLine($"published: {bytes / (1024.0 * 1024):F1} MiB in all");
            Assert.That(bytes, Is.LessThan(64L << 20), "engine and Engine.Perf together");

            var run = Path.Combine(root, "run");
            var train = Run(Path.Combine(root, "engine", "engine"), TimeSpan.FromMinutes(3),
                "train", "--device", "gpu-sim", "--out", run, "--entities", "6", "--relations", "20", "--width", "16", "--epochs", "2");
            Assert.That(train.Code, Is.Zero, train.Output);
            var lines = File.ReadAllLines(Path.Combine(run, "metrics.jsonl"));
            Assert.That(lines, Has.Length.EqualTo(2));
            using var last = JsonDocument.Parse(lines[^1]);
            Assert.That(double.IsFinite(last.RootElement.GetProperty("train_loss").GetDouble()), Is.True);

            var usage = Run(Path.Combine(root, "perf", "Engine.Perf"), TimeSpan.FromMinutes(1));
            Assert.That(usage.Output, Does.Contain("kernels [--device"), "the benchmarks start and list themselves");
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }
}
