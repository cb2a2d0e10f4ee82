using NUnit.Framework;

namespace Engine.Cli.Tests;

[TestFixture]
[Category("Cli")]
public class TrainCommandTests
{
    private string _root = "";

    [SetUp]
    public void SetUp() => _root = Directory.CreateTempSubdirectory("engine-cli-").FullName;

    [TearDown]
    public void TearDown() => Directory.Delete(_root, recursive: true);

    private static readonly string[] SmallWorld =
        ["--entities", "6", "--relations", "20", "--width", "16", "--batch", "16", "--lr", "0.01"];

    [Test]
    public void TrainsAShortRunAndSaysWhereTheResultsAre()
    {
        var dir = Path.Combine(_root, "run");
        var result = EngineProcess.Run(["train", "--out", dir, "--epochs", "5", .. SmallWorld]);
        Assert.That(result.ExitCode, Is.EqualTo(0), result.Error);
        Assert.That(result.Output, Does.Contain("results: " + dir));
        Assert.That(result.Output, Does.Contain("id_atomic"));
        Assert.That(File.ReadAllLines(Path.Combine(dir, "metrics.jsonl")), Has.Length.EqualTo(5));
        Assert.That(File.Exists(Path.Combine(dir, "summary.json")), Is.True);

        // --resume with more epochs continues the same run.
        var resumed = EngineProcess.Run(["train", "--out", dir, "--epochs", "8", "--resume", .. SmallWorld]);
        Assert.That(resumed.ExitCode, Is.EqualTo(0), resumed.Error);
        Assert.That(File.ReadAllLines(Path.Combine(dir, "metrics.jsonl")), Has.Length.EqualTo(8));
    }

    [Test]
    public void ReadsAConfigFileAndFlagsOverrideIt()
    {
        var config = Path.Combine(_root, "c.yaml");
        File.WriteAllText(config, "data:\n  num_entities: 6\n  num_relations: 20\nd_model: 16\nepochs: 3\nbatch_size: 16\n");
        var dir = Path.Combine(_root, "run");
        var result = EngineProcess.Run("train", "--config", config, "--out", dir, "--epochs", "2");
        Assert.That(result.ExitCode, Is.EqualTo(0), result.Error);
        var json = File.ReadAllText(Path.Combine(dir, "config.json"));
        Assert.That(json, Does.Contain("\"epochs\": 2").And.Contain("\"width\": 16").And.Contain("\"entities\": 6"));
    }

    /// <summary>stderr as its non-empty lines.</summary>
    private static string[] ErrorLines(EngineProcess.Result result) => result.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries);

    [Test]
    public void ADivergingRunExitsOneWithOneLineAndRecordsTheFailure()
    {
        var dir = Path.Combine(_root, "run");
        var result = EngineProcess.Run(["train", "--out", dir, "--epochs", "20", .. SmallWorld[..^2], "--lr", "1e30"]);
        Assert.That(result.ExitCode, Is.EqualTo(1));
        Assert.That(ErrorLines(result), Has.Length.EqualTo(1), result.Error);
        Assert.That(result.Error, Does.StartWith("engine: training diverged").And.Contain("checkpoint.safetensors"));
        Assert.That(File.Exists(Path.Combine(dir, "checkpoint.safetensors")), Is.True);
        // As a grid run would: failed.json with the reason and the exception type.
        using var failure = System.Text.Json.JsonDocument.Parse(File.ReadAllText(Path.Combine(dir, "failed.json")));
        Assert.That(failure.RootElement.GetProperty("error").GetString(), Does.StartWith("training diverged: the loss became"));
        Assert.That(failure.RootElement.GetProperty("type").GetString(), Is.EqualTo("TrainingDivergedException"));
    }

    [Test]
    public void AnIoErrorDuringTheRunExitsOneWithOneLineAndNoStackTrace()
    {
        // metrics.jsonl is a folder, so the first probe pass cannot append to it.
        var dir = Path.Combine(_root, "run");
        Directory.CreateDirectory(Path.Combine(dir, "metrics.jsonl"));
        var result = EngineProcess.Run(["train", "--out", dir, "--epochs", "2", .. SmallWorld]);
        Assert.That(result.ExitCode, Is.EqualTo(1), result.Output + result.Error);
        Assert.That(ErrorLines(result), Has.Length.EqualTo(1), result.Error);
        Assert.That(result.Error, Does.StartWith("engine: I/O error: ").And.Contain("metrics.jsonl"));
        Assert.That(result.Error, Does.Not.Contain(" at Engine."));
        Assert.That(File.ReadAllText(Path.Combine(dir, "failed.json")), Does.Contain("I/O error"));
    }

    [TestCase("--entities", "4", "engine: entities: ")]      // the generator needs N ≥ 6
    [TestCase("--entities", "1", "engine: entities: ")]
    [TestCase("--entities", "ten", "engine: entities: ")]
    [TestCase("--relations", "0", "engine: relations: ")]
    [TestCase("--relations", "3", "engine: relations: ")]    // fewer than the k − 1 = 4 distinct out-edge labels
    [TestCase("--category-size", "9", "engine: category-size: ")]
    [TestCase("--category-size", "2", "engine: category-size: ")]
    [TestCase("--atomic-ood", "-0.1", "engine: atomic-ood: ")]
    [TestCase("--compositional-ood", "1.5", "engine: compositional-ood: ")]
    [TestCase("--analogical-ood", "1.5", "engine: analogical-ood: ")]
    [TestCase("--analogical-ood", "NaN", "engine: analogical-ood: ")]
    [TestCase("--data-seed", "x", "engine: data-seed: ")]
    [TestCase("--data-seed", "1.5", "engine: data-seed: ")]
    [TestCase("--width", "0", "engine: width: ")]
    [TestCase("--width", "100000", "engine: width: ")]   // 1.2·10¹¹ parameters: more than the engine indexes
    [TestCase("--depth", "0", "engine: depth: ")]
    [TestCase("--heads", "0", "engine: heads: ")]
    [TestCase("--heads", "3", "engine: heads: ")]            // width 128 does not split into 3 heads
    [TestCase("--rope-base", "1", "engine: rope-base: ")]
    [TestCase("--optimizer", "sgd", "engine: optimizer: ")]
    [TestCase("--lr", "0", "engine: lr: ")]
    [TestCase("--lr", "fast", "engine: lr: ")]
    [TestCase("--weight-decay", "-0.01", "engine: weight-decay: ")]
    [TestCase("--batch", "0", "engine: batch: ")]
    [TestCase("--epochs", "0", "engine: epochs: ")]
    [TestCase("--warmup", "-1", "engine: warmup: ")]
    [TestCase("--seed", "x", "engine: seed: ")]
    [TestCase("--eval-every", "0", "engine: eval-every: ")]
    [TestCase("--checkpoint-every", "-1", "engine: checkpoint-every: ")]
    [TestCase("--seed", "-1", "engine: seed: ")]
    [TestCase("--data-seed", "-3", "engine: data-seed: ")]
    [TestCase("--bogus", "1", "engine: unknown option '--bogus'")]
    [TestCase("--device", "tpu", "engine: device: ")]
    [TestCase("--device", "cpu:many", "engine: device: ")]
    [TestCase("--device", "opencl:99", "engine: device: ")]  // absent either way: no such device, or no OpenCL at all
    [TestCase("--device", "cuda:7", "engine: device: ")]     // no such device, or no CUDA driver at all
    [TestCase("--config", "/nonexistent/x.yaml", "engine: config: cannot read '/nonexistent/x.yaml'")]
    [TestCase("--data", "/nonexistent/world", "engine: /nonexistent/world/vocab.json: ")]
    public void BadInputExitsTwoWithOneLineNamingIt(string flag, string value, string start)
    {
        string[] epochs = flag == "--epochs" ? [] : ["--epochs", "1"];
        var dir = Path.Combine(_root, "run");
        var result = EngineProcess.Run(["train", "--out", dir, .. epochs, flag, value]);
        Assert.That(result.ExitCode, Is.EqualTo(2), result.Output + result.Error);
        Assert.That(ErrorLines(result), Has.Length.EqualTo(1), result.Error);
        Assert.That(result.Error, Does.StartWith(start));
        if (flag == "--device") Assert.That(result.Error, Does.Contain($"'{value}'"));
        Assert.That(Directory.Exists(dir), Is.False, "bad input leaves no run folder behind");
    }

    [TestCase("data:\n  num_entities: [6\n", "c.yaml", TestName = "MalformedYamlConfigExitsTwo")]
    [TestCase("d_model: wide\n", "d_model", TestName = "ConfigValueOfTheWrongKindExitsTwo")]
    [TestCase("data:\n  num_entitys: 6\n", "num_entitys", TestName = "ConfigWithAnUnknownSettingExitsTwo")]
    public void BadConfigFileExitsTwoWithOneLineNamingIt(string yaml, string named)
    {
        var config = Path.Combine(_root, "c.yaml");
        File.WriteAllText(config, yaml);
        var result = EngineProcess.Run("train", "--config", config, "--out", Path.Combine(_root, "run"), "--epochs", "1");
        Assert.That(result.ExitCode, Is.EqualTo(2), result.Output + result.Error);
        Assert.That(ErrorLines(result), Has.Length.EqualTo(1), result.Error);
        Assert.That(result.Error, Does.Contain(named));
    }

    [TestCase("train.json", "[{\"input_text\": \"<e_0><r_0>\", ", TestName = "TruncatedTrainJsonExitsTwo")]
    [TestCase("train.json", "[{\"input_text\": \"<e_0><r_0>\", \"target_text\": \"<e_0><r_0><e_9>\"}]", TestName = "TrainJsonWithAnUnknownTokenExitsTwo")]
    [TestCase("vocab.json", "{\"tokens\": 3}", TestName = "VocabularyThatIsNoListExitsTwo")]
    public void MalformedDatasetExitsTwoWithOneLineNamingTheFile(string file, string text)
    {
        var data = Path.Combine(_root, "world");
        var generated = EngineProcess.Run("data", "generate", "--out", data, "--entities", "6", "--relations", "20");
        Assert.That(generated.ExitCode, Is.EqualTo(0), generated.Error);
        File.WriteAllText(Path.Combine(data, file), text);
        var result = EngineProcess.Run("train", "--data", data, "--out", Path.Combine(_root, "run"), "--epochs", "1");
        Assert.That(result.ExitCode, Is.EqualTo(2), result.Output + result.Error);
        Assert.That(ErrorLines(result), Has.Length.EqualTo(1), result.Error);
        Assert.That(result.Error, Does.Contain(Path.Combine(data, file)));
    }

    [TestCase("checkpoint.safetensors", 0.5)]
    [TestCase("checkpoint.safetensors", 0.0)]
    [TestCase("checkpoint.optim.safetensors", 0.5)]
    public void TruncatedCheckpointOnResumeExitsTwoWithOneLineNamingIt(string file, double keep)
    {
        var dir = Path.Combine(_root, "run");
        var first = EngineProcess.Run(["train", "--out", dir, "--epochs", "1", .. SmallWorld]);
        Assert.That(first.ExitCode, Is.EqualTo(0), first.Error);
        var path = Path.Combine(dir, file);
        var bytes = File.ReadAllBytes(path);
        File.WriteAllBytes(path, bytes[..(int)(bytes.Length * keep)]);
        var resumed = EngineProcess.Run(["train", "--out", dir, "--epochs", "2", "--resume", .. SmallWorld]);
        Assert.That(resumed.ExitCode, Is.EqualTo(2), resumed.Output + resumed.Error);
        Assert.That(ErrorLines(resumed), Has.Length.EqualTo(1), resumed.Error);
        Assert.That(resumed.Error, Does.Contain(path));
        Assert.That(File.Exists(Path.Combine(dir, "failed.json")), Is.False, "bad input is not a failed run");
    }

    [Test]
    public void UsageErrorsAreOneLineAndHelpIsNotAnError()
    {
        foreach (var args in new[] { new[] { "train" }, ["fly"], ["train", "--widht", "3", "--out", "x"], ["train", "--out", "x", "--lr", "1", "--lr", "2"] })
        {
            var result = EngineProcess.Run(args);
            Assert.That(result.ExitCode, Is.EqualTo(2), string.Join(' ', args));
            Assert.That(result.Error.Trim().Split('\n'), Has.Length.EqualTo(1), result.Error);
            Assert.That(result.Error, Does.StartWith("engine: "));
        }
        Assert.That(EngineProcess.Run("train", "--widht", "3", "--out", "x").Error, Does.Contain("--widht"));
        var help = EngineProcess.Run("--help");
        Assert.That(help.ExitCode, Is.EqualTo(0));
        Assert.That(help.Output, Does.Contain("train").And.Contain("grid").And.Contain("report"));
        Assert.That(EngineProcess.Run("train", "--help").Output, Does.Contain("--analogical-ood"));
    }

    [Test]
    public void DataGenerateAndInspectRoundTrip()
    {
        var dir = Path.Combine(_root, "world");
        var generated = EngineProcess.Run("data", "generate", "--out", dir, "--entities", "8", "--relations", "30", "--data-seed", "5");
        Assert.That(generated.ExitCode, Is.EqualTo(0), generated.Error);
        var inspected = EngineProcess.Run("data", "inspect", dir);
        Assert.That(inspected.ExitCode, Is.EqualTo(0), inspected.Error);
        Assert.That(inspected.Output, Does.Contain("vocabulary      39 tokens").And.Contain("functor F"));
        var bad = EngineProcess.Run("data", "inspect", Path.Combine(_root, "nothing"));
        Assert.That(bad.ExitCode, Is.EqualTo(2));
    }

    [Test]
    public void DataInspectShowsTheWorldVariants()
    {
        var dir = Path.Combine(_root, "variant");
        var generated = EngineProcess.Run("data", "generate", "--out", dir, "--entities", "12", "--relations", "30",
            "--functors", "2", "--edge-probability", "0.7", "--isomorphism-noise", "0.5", "--data-seed", "3");
        Assert.That(generated.ExitCode, Is.EqualTo(0), generated.Error);
        var inspected = EngineProcess.Run("data", "inspect", dir);
        Assert.That(inspected.ExitCode, Is.EqualTo(0), inspected.Error);
        // V = 12 + 30 + 2 functor tokens; k = ⌊12/3⌋ = 4, so E1 has 12 ordered pairs.
        Assert.That(inspected.Output, Does.Contain("vocabulary      44 tokens")
            .And.Contain("ood_analogical_2").And.Contain("E3 ").And.Contain("F_2 <f_2>")
            .And.Match(@"E1 graph +\d+ of 12 ordered pairs are edges")
            .And.Match(@"E2 edges +\d+ of \d+ are F_1-images of the \d+ trained E1 edges \(\d+ rewired: not isomorphic\)")
            .And.Contain("ρ = 0.7 (edge_probability), η = 0.5 (isomorphism_noise), m = 2 (num_functors)"));
    }

    [TestCase("--functors", "0", "engine: functors: must be at least 1 (got 0)")]
    [TestCase("--edge-probability", "1.5", "engine: edge-probability: must be in (0, 1] (got 1.5)")]
    [TestCase("--isomorphism-noise", "-1", "engine: isomorphism-noise: must be in [0, 1] (got -1)")]
    [TestCase("--functors", "4", "engine: entities: N = 10 is too small: 5 disjoint categories (num_functors = 4)")]
    public void BadWorldVariantsExitTwoWithOneLine(string flag, string value, string message)
    {
        var result = EngineProcess.Run("data", "generate", "--out", Path.Combine(_root, "bad"), flag, value);
        Assert.That(result.ExitCode, Is.EqualTo(2));
        Assert.That(result.Error.TrimEnd().Split('\n'), Has.Length.EqualTo(1));
        Assert.That(result.Error, Does.StartWith(message));
        Assert.That(Directory.Exists(Path.Combine(_root, "bad")), Is.False);
    }
}

