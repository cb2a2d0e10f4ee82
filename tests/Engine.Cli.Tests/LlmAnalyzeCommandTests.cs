using Engine.Kernels;
using Engine.Train.Llm;
using Engine.Train.Llm.Analysis;
using Engine.Train.Llm.Prompts;
using Engine.Train.Tests.Llm.Fixtures;
using NUnit.Framework;

namespace Engine.Cli.Tests;

/// <summary><c>engine llm analyze</c> as a user runs it, on small random models the test writes in the Hugging Face layout
/// (the fixtures of Engine.Train.Tests, linked into this project).</summary>
[TestFixture]
[Category("Cli")]
public class LlmAnalyzeCommandTests
{
    private string _root = "";

    [SetUp]
    public void SetUp() => _root = Directory.CreateTempSubdirectory("engine-cli-llm-").FullName;

    [TearDown]
    public void TearDown() => Directory.Delete(_root, recursive: true);

    private static IEnumerable<TestCaseData> Models()
    {
        yield return new TestCaseData(TinyLlmSpec.Gemma2(), 3, "next-norm", "last-digit").SetName("Gemma2_K3_NextNorm_LastDigit");
        yield return new TestCaseData(TinyLlmSpec.Llama() with { Layers = 3 }, 7, "raw", "mean").SetName("Llama_K7_Raw_Mean");
    }

    [TestCaseSource(nameof(Models))]
    public void WritesTheAnalysisAndTheReportWithOneEntryPerLayer(TinyLlmSpec spec, int k, string residual, string entityVector)
    {
        var model = TinyLlm.Write(Path.Combine(_root, "model"), spec);
        var output = Path.Combine(_root, "out");
        var result = EngineProcess.Run("llm", "analyze", "--model", model.Dir, "--out", output, "--prompts", "3",
            "--entities-per-category", k.ToString(), "--seed", "5", "--residual", residual, "--entity-vector", entityVector);
        Assert.That(result.ExitCode, Is.EqualTo(0), result.Error);
        Assert.That(result.Output, Does.Contain($"wrote {Path.Combine(output, "llm-analysis.json")}").And.Contain("Pearson"));

        var report = LlmAnalysisReport.FromJson(File.ReadAllText(Path.Combine(output, "llm-analysis.json")));
        Assert.That(report.Layers, Has.Count.EqualTo(spec.Layers + 1));
        Assert.That(report.Prompts, Has.Count.EqualTo(3));
        Assert.That(report.Architecture, Is.EqualTo(spec.Architecture.ToString()));
        Assert.That((report.Residual, report.EntityVector), Is.EqualTo((residual, entityVector)));
        foreach (var curve in new[] { report.Mean.EnergyRaw, report.Mean.EnergyNormalised, report.Mean.ProbTarget, report.Mean.FunctorCosine, report.Mean.SpectrumRatio })
            Assert.That(curve, Has.Count.EqualTo(spec.Layers + 1).And.All.Not.Null);
        Assert.That(report.Mean.ProbTarget, Has.All.InRange(0.0, 1.0));
        Assert.That(report.Seconds, Is.GreaterThan(0));
        Assert.That(report.CpuSeconds, Is.GreaterThan(0));
        Assert.That(report.LoadSeconds, Is.GreaterThan(0));
        Assert.That(report.PeakWorkingSetBytes, Is.GreaterThan(1 << 20));

        // The CLI's numbers are the analysis of the model's own readout: prompt 0 recomputed in this process.
        var prompt = AnalogyPromptGenerator.Generate(new AnalogyPromptSettings(k, Seed: 5), 0L);
        Assert.That(report.Prompts[0].Text, Is.EqualTo(prompt.Text));
        var expected = Recompute(model.Dir, prompt, residual == "raw" ? ResidualMode.Raw : ResidualMode.NextNorm,
            entityVector == "mean" ? EntityVectorMode.Mean : EntityVectorMode.LastDigit);
        Assert.That(report.Prompts[0].Curves.EnergyRaw, Is.EqualTo(expected.EnergyRaw).Within(1e-9));
        Assert.That(report.Prompts[0].Curves.ProbTarget, Is.EqualTo(expected.ProbTarget).Within(1e-12));
        Assert.That(report.Prompts[0].Curves.SpectrumRatio, Is.EqualTo(expected.SpectrumRatio).Within(1e-9));

        var html = File.ReadAllText(Path.Combine(output, LlmReportPage.FileName));
        Assert.That(html.Split("class=\"figure\"").Length - 1, Is.EqualTo(6));
        Assert.That(html, Does.Contain("Dirichlet energy (normalised)"));
    }

    private static LayerCurves Recompute(string dir, AnalogyPrompt prompt, ResidualMode residual, EntityVectorMode entityVector)
    {
        var config = LlmConfig.Read(dir);
        var tokenizer = LlmTokenizer.Open(dir, config.BosTokenId);
        var tokens = tokenizer.Encode(prompt.Text, addBos: config.BosTokenId is not null);
        using var device = Device.Open("cpu");
        using var weights = LlmWeights.Open(dir, config);
        using var model = LlmModel.Load(config, weights, device);
        var positions = PromptPositions.All(tokens.Count);
        var readout = model.Run([.. tokens.Ids], positions, tokenizer.SingleTokenId(prompt.Target)!.Value);
        var spans = tokens.Spans;
        return PromptAnalysis.Analyze(prompt, spans, LlmAnalysisRunner.Readout(readout, positions), residual, entityVector);
    }

    [Test]
    public void AMissingModelFolderExitsTwoWithOneLine()
    {
        var missing = Path.Combine(_root, "nowhere");
        var result = EngineProcess.Run("llm", "analyze", "--model", missing, "--out", Path.Combine(_root, "out"));
        Assert.That(result.ExitCode, Is.EqualTo(2));
        Assert.That(result.Error.TrimEnd().Split('\n'), Has.Length.EqualTo(1));
        Assert.That(result.Error, Does.StartWith("engine: ").And.Contain(missing));
        Assert.That(Directory.Exists(Path.Combine(_root, "out")), Is.False);
    }

    [TestCase("config.json")]
    [TestCase("model.safetensors")]
    [TestCase("tokenizer.model")]
    public void AMissingFileExitsTwoWithOneLineNamingIt(string file)
    {
        var model = TinyLlm.Write(Path.Combine(_root, "model"), TinyLlmSpec.Gemma2());
        File.Delete(Path.Combine(model.Dir, file));
        var result = EngineProcess.Run("llm", "analyze", "--model", model.Dir, "--out", Path.Combine(_root, "out"));
        Assert.That(result.ExitCode, Is.EqualTo(2), result.Error);
        Assert.That(result.Error.TrimEnd().Split('\n'), Has.Length.EqualTo(1));
        Assert.That(result.Error, Does.StartWith("engine: ").And.Contain(file.Split('.')[0]));
        Assert.That(Directory.Exists(Path.Combine(_root, "out")), Is.False);
    }

    [Test]
    public void AnUnsupportedArchitectureExitsTwoWithOneLine()
    {
        var model = TinyLlm.Write(Path.Combine(_root, "model"), TinyLlmSpec.Llama());
        var config = Path.Combine(model.Dir, "config.json");
        File.WriteAllText(config, File.ReadAllText(config).Replace("\"llama\"", "\"mistral\"").Replace("LlamaForCausalLM", "MistralForCausalLM"));
        var result = EngineProcess.Run("llm", "analyze", "--model", model.Dir, "--out", Path.Combine(_root, "out"));
        Assert.That(result.ExitCode, Is.EqualTo(2), result.Error);
        Assert.That(result.Error.TrimEnd().Split('\n'), Has.Length.EqualTo(1));
        Assert.That(result.Error, Does.StartWith("engine: ").And.Contain("mistral"));
    }

    [TestCase("--residual", "normed", "residual: must be next-norm or raw, got 'normed'")]
    [TestCase("--entity-vector", "first", "entity-vector: must be last-digit or mean, got 'first'")]
    [TestCase("--entities-per-category", "12", "entities-per-category: must be 2 … 9 (the image category's numbers are single digits), got 12")]
    [TestCase("--prompts", "0", "prompts: must be ≥ 1, got 0")]
    public void ABadFlagExitsTwoWithOneLine(string flag, string value, string message)
    {
        var model = TinyLlm.Write(Path.Combine(_root, "model"), TinyLlmSpec.Gemma2());
        var result = EngineProcess.Run("llm", "analyze", "--model", model.Dir, "--out", Path.Combine(_root, "out"), flag, value);
        Assert.That(result.ExitCode, Is.EqualTo(2));
        Assert.That(result.Error.TrimEnd(), Is.EqualTo($"engine: {message}"));
    }

    [Test]
    public void AnUnknownActionExitsTwoWithOneLine()
    {
        var result = EngineProcess.Run("llm", "chat", "--model", _root, "--out", Path.Combine(_root, "out"));
        Assert.That(result.ExitCode, Is.EqualTo(2));
        Assert.That(result.Error.TrimEnd(), Is.EqualTo("engine: llm: unknown action 'chat' (analyze)"));
    }
}
