using NUnit.Framework;

namespace Engine.Cli.Tests;

/// <summary><c>engine analyze RUN</c> as a user runs it.</summary>
[TestFixture]
[Category("Cli")]
public class AnalyzeCommandTests
{
    private string _root = "";

    [SetUp]
    public void SetUp() => _root = Directory.CreateTempSubdirectory("engine-cli-analyze-").FullName;

    [TearDown]
    public void TearDown() => Directory.Delete(_root, recursive: true);

    private string Train()
    {
        var dir = Path.Combine(_root, "run");
        var result = EngineProcess.Run("train", "--out", dir, "--epochs", "10", "--entities", "6", "--relations", "20", "--width", "16",
            "--depth", "2", "--batch", "16", "--lr", "0.01", "--functors", "1");
        Assert.That(result.ExitCode, Is.EqualTo(0), result.Error);
        return dir;
    }

    [Test]
    public void WritesAnalysisJsonAndPrintsTheLayers()
    {
        var dir = Train();
        var result = EngineProcess.Run("analyze", dir);
        Assert.That(result.ExitCode, Is.EqualTo(0), result.Error);
        Assert.That(result.Output, Does.Contain($"wrote {Path.Combine(dir, "analysis.json")} (checkpoint of epoch 10)")
            .And.Contain("embedding").And.Contain("block 1").And.Contain("block 2").And.Contain("E_norm <f>"));
        Assert.That(File.ReadAllText(Path.Combine(dir, "analysis.json")), Does.Contain("\"logit_lens\""));
    }

    [Test]
    public void AFolderThatIsNotARunExitsTwoWithOneLine()
    {
        var result = EngineProcess.Run("analyze", _root);
        Assert.That(result.ExitCode, Is.EqualTo(2));
        Assert.That(result.Error.TrimEnd(), Is.EqualTo($"engine: analyze: '{_root}' is not a run folder (no config.json)"));
    }

    [Test]
    public void ATruncatedCheckpointExitsTwoWithOneLine()
    {
        var dir = Train();
        var checkpoint = Path.Combine(dir, "checkpoint.safetensors");
        var bytes = File.ReadAllBytes(checkpoint);
        File.WriteAllBytes(checkpoint, bytes[..100]);
        var result = EngineProcess.Run("analyze", dir);
        Assert.That(result.ExitCode, Is.EqualTo(2));
        Assert.That(result.Error.TrimEnd().Split('\n'), Has.Length.EqualTo(1));
        Assert.That(result.Error, Does.StartWith($"engine: {checkpoint}:"));
        Assert.That(File.Exists(Path.Combine(dir, "analysis.json")), Is.False);
    }
}
