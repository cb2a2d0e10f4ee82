using System.Globalization;
using CommandLine;
using Engine.Train.Llm.Analysis;
using Engine.Train.Llm.Prompts;

namespace Engine.Cli.Verbs;

[Verb("llm", HelpText = "Pretrained LLMs (Hugging Face Llama, Gemma-2 folders): 'engine llm analyze --model DIR --out DIR' runs the in-context analogy analysis layer by layer.")]
public sealed class LlmOptions
{
    [Value(0, MetaName = "action", Required = true, HelpText = "analyze")]
    public string Action { get; set; } = "";

    [Option("model", Required = true, HelpText = "Hugging Face model folder (config.json, model.safetensors or shards with model.safetensors.index.json, tokenizer.json or tokenizer.model).")]
    public string Model { get; set; } = "";

    [Option("out", Required = true, HelpText = "Output folder for llm-analysis.json and llm-report.html (created if needed).")]
    public string Out { get; set; } = "";

    [Option("prompts", HelpText = "Number of prompts N (default 20).")]
    public int Prompts { get; set; } = 20;

    [Option("entities-per-category", HelpText = "K, entities in each category, 2 … 9 (default 3).")]
    public int EntitiesPerCategory { get; set; } = 3;

    [Option("relations", HelpText = "R, relation letters a, b, … (default 2).")]
    public int Relations { get; set; } = 2;

    [Option("given", HelpText = "G, correspondences written out before the asked one, 0 … K−1 (default K−1).")]
    public int? Given { get; set; }

    [Option("seed", HelpText = "Prompt seed (default 0).")]
    public ulong Seed { get; set; }

    [Option("device", HelpText = "cpu, cpu:THREADS, opencl[:i], cuda[:i], gpu-sim or auto (default cpu).")]
    public string Device { get; set; } = "cpu";

    [Option("residual", HelpText = "next-norm (each layer through the next block's input RMSNorm; default) or raw.")]
    public string Residual { get; set; } = "next-norm";

    [Option("entity-vector", HelpText = "last-digit (the digit token of the entity's last occurrence; default) or mean (over its marker's tokens).")]
    public string EntityVector { get; set; } = "last-digit";
}

/// <summary><c>engine llm analyze</c>: writes OUT/llm-analysis.json and OUT/llm-report.html and prints the mean curves.</summary>
public static class LlmVerb
{
    public static int Run(LlmOptions options, TextWriter output)
    {
        if (options.Action != "analyze") throw new UsageException($"llm: unknown action '{options.Action}' (analyze)");
        var residual = options.Residual switch
        {
            "next-norm" => ResidualMode.NextNorm,
            "raw" => ResidualMode.Raw,
            _ => throw new UsageException($"residual: must be next-norm or raw, got '{options.Residual}'"),
        };
        var entityVector = options.EntityVector switch
        {
            "last-digit" => EntityVectorMode.LastDigit,
            "mean" => EntityVectorMode.Mean,
            _ => throw new UsageException($"entity-vector: must be last-digit or mean, got '{options.EntityVector}'"),
        };
        var run = new LlmAnalysisOptions(options.Model, options.Out, options.Prompts,
            new AnalogyPromptSettings(options.EntitiesPerCategory, options.Relations, options.Given, options.Seed),
            options.Device, residual, entityVector);
        var (report, json, html) = LlmAnalysisRunner.Run(run, output.WriteLine);
        output.WriteLine($"wrote {json} and {html}");
        output.Write(Describe(report));
        return 0;
    }

    /// <summary>The mean curves, one line per layer, and the correlations.</summary>
    public static string Describe(LlmAnalysisReport report)
    {
        static string F(double? v, string format) => v is { } x && double.IsFinite(x) ? x.ToString(format, CultureInfo.InvariantCulture) : "-";
        var m = report.Mean;
        var text = new System.Text.StringBuilder();
        text.AppendLine($"{report.Prompts.Count} prompts, residual {report.Residual}, entity vector {report.EntityVector}; " +
            $"forward passes {report.Seconds.ToString("0.00", CultureInfo.InvariantCulture)} s ({report.CpuSeconds.ToString("0.00", CultureInfo.InvariantCulture)} s CPU), peak working set {report.PeakWorkingSetBytes / (1024.0 * 1024):0} MiB");
        text.AppendLine($"{"layer",-10} {"E raw",12} {"E norm",10} {"P(target)",10} {"rank",8} {"cos ~",8} {"λmax/tr",8}");
        for (var l = 0; l < report.Layers.Count; l++)
            text.AppendLine($"{report.Layers[l],-10} {F(m.EnergyRaw[l], "G5"),12} {F(m.EnergyNormalised[l], "F4"),10} {F(m.ProbTarget[l], "G3"),10} " +
                $"{F(m.Rank[l], "F1"),8} {F(m.FunctorCosine[l], "F3"),8} {F(m.SpectrumRatio[l], "F3"),8}");
        text.AppendLine($"Pearson(E norm, P(target)) over layers: {F(report.Correlation.EnergyNormalisedVsProb, "F3")} (mean curves), " +
            $"{F(report.MeanPromptCorrelation.EnergyNormalisedVsProb, "F3")} (mean over prompts); raw E: {F(report.Correlation.EnergyRawVsProb, "F3")}, " +
            $"{F(report.MeanPromptCorrelation.EnergyRawVsProb, "F3")}");
        return text.ToString();
    }
}
