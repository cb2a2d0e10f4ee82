using System.Globalization;
using CommandLine;
using Engine.Train.Analysis;

namespace Engine.Cli.Verbs;

[Verb("analyze", HelpText = "Layer-wise analyses of a trained run (logit lens, linear probe, residual Dirichlet energy) into RUN/analysis.json.")]
public sealed class AnalyzeOptions
{
    [Value(0, MetaName = "run", Required = true, HelpText = "Run folder (config.json, data/, checkpoint.safetensors).")]
    public string Directory { get; set; } = "";

    [Option("device", HelpText = "cpu, cpu:THREADS, opencl[:i], cuda[:i] or auto (default cpu).")]
    public string Device { get; set; } = "cpu";

    [Option("ridge", HelpText = "Ridge α of the linear probe: λ = α·tr(ΦᵀΦ)/d on the centred residuals (default 0.01).")]
    public double Ridge { get; set; } = RunAnalyzer.DefaultRidge;
}

/// <summary><c>engine analyze RUN</c>: writes analysis.json and prints the OOD-analogy view of it, layer by layer.</summary>
public static class AnalyzeVerb
{
    public static int Run(AnalyzeOptions options, TextWriter output)
    {
        var (report, path) = RunFolderAnalysis.Run(options.Directory, options.Device, options.Ridge);
        output.WriteLine($"wrote {path}{(report.Epoch is { } epoch ? $" (checkpoint of epoch {epoch})" : "")}");
        output.Write(Describe(report));
        return 0;
    }

    /// <summary>Per layer: the logit lens and the linear probe on the OOD analogies, and each functor's normalised energy.</summary>
    public static string Describe(AnalysisReport report)
    {
        static string F(double? v, string format) => v is { } x ? x.ToString(format, CultureInfo.InvariantCulture) : "-";
        var lens = report.LogitLens.GetValueOrDefault("ood_analogical");
        var probe = report.LinearProbe.Types.GetValueOrDefault("ood_analogical");
        var text = new System.Text.StringBuilder();
        var header = $"{"layer",-10} {"lens P(target)",14} {"lens rank",10} {"probe acc",10} {"probe fit",10}";
        foreach (var energy in report.Dirichlet) header += $" {"E_norm " + energy.Token,13}";
        text.AppendLine($"OOD analogies ({lens?.Count ?? 0} facts); linear probe fitted on {report.LinearProbe.Fit.Count} trained facts, ridge {report.LinearProbe.Ridge.ToString(CultureInfo.InvariantCulture)}");
        text.AppendLine(header);
        for (var l = 0; l < report.Layers.Count; l++)
        {
            var line = $"{report.Layers[l],-10} {F(lens?.Prob[l], "F4"),14} {F(lens?.Rank[l], "F1"),10} {F(probe?.Acc[l], "F2"),10} {F(report.LinearProbe.Fit.Acc[l], "F2"),10}";
            foreach (var energy in report.Dirichlet) line += $" {F(energy.Norm[l], "F3"),13}";
            text.AppendLine(line);
        }
        return text.ToString();
    }
}
