using System.Text;
using CommandLine;
using Engine.Train.Config;
using Engine.Train.World;

namespace Engine.Cli.Verbs;

[Verb("data", HelpText = "Make or read datasets: generate --out DIR [world flags] | inspect DIR.")]
public sealed class DataOptions : SettingsFlags
{
    [Value(0, MetaName = "action", Required = true, HelpText = "generate or inspect.")]
    public string Action { get; set; } = "";

    [Value(1, MetaName = "dir", HelpText = "Dataset folder (for inspect).")]
    public string? Directory { get; set; }

    [Option("out", HelpText = "Output folder (for generate).")]
    public string? Out { get; set; }
}

/// <summary><c>engine data generate|inspect</c>.</summary>
public static class DataVerb
{
    public static int Run(DataOptions options, TextWriter output)
    {
        switch (options.Action)
        {
            case "generate":
                {
                    var dir = options.Out ?? throw new UsageException("data generate: --out DIR is required");
                    var world = options.Resolve().ToWorldSettings().Validate();
                    var dataset = AnalogyWorld.Generate(world);
                    DatasetWriter.Write(dataset, dir);
                    output.WriteLine($"wrote {dataset.TrainingFacts.Count} training facts and {dataset.AllProbes.Count()} probes to {dir}");
                    return 0;
                }
            case "inspect":
                {
                    var dir = options.Directory ?? options.Out ?? throw new UsageException("data inspect: give the dataset folder");
                    output.Write(Describe(DatasetReader.Read(dir)));
                    return 0;
                }
            default:
                throw new UsageException($"data: unknown action '{options.Action}' (expected generate or inspect)");
        }
    }

    /// <summary>Counts per type, vocabulary size, the categories and functors, and the shape of the graphs.</summary>
    public static string Describe(Dataset dataset)
    {
        var text = new StringBuilder();
        text.AppendLine($"vocabulary      {dataset.VocabularySize} tokens");
        text.AppendLine($"training facts  {dataset.TrainingFacts.Count}");
        foreach (var type in dataset.ProbeTypes)
            text.AppendLine($"  {type.Label,-24}{dataset.Probes[type].Count,6}");
        string Name(int token) => dataset.Vocabulary[token];
        var single = dataset.Functors.Count == 1;
        text.AppendLine($"E1              {string.Join(" ", dataset.CategoryE1.Select(Name))}");
        foreach (var f in dataset.Functors)
            text.AppendLine($"{f.CategoryName,-16}{string.Join(" ", f.Category.Select(Name))}");
        foreach (var f in dataset.Functors)
        {
            var label = single ? "functor F" : $"F_{f.Index} {f.Token}";
            text.AppendLine($"{label,-16}{string.Join("  ", dataset.CategoryE1.Select(e => $"{Name(e)}→{Name(f.Map[e])}"))}");
        }
        var structure = WorldStructure.Of(dataset);
        text.AppendLine($"E1 graph        {structure.E1Edges} of {structure.E1Pairs} ordered pairs are edges (density {structure.Density:F2})");
        foreach (var image in structure.Images)
        {
            var by = single ? "F" : $"F_{image.Functor}";
            var rewired = image.Rewired == 0 ? "an exact copy" : $"{image.Rewired} rewired: not isomorphic";
            text.AppendLine($"{image.Category + " edges",-16}{image.ExactImages} of {image.Edges} are {by}-images of the {image.TrainedE1Edges} trained E1 edges ({rewired})");
        }
        if (dataset.Settings is { } settings)
            text.AppendLine($"world settings  ρ = {settings.EdgeProbability:R} (edge_probability), η = {settings.IsomorphismNoise:R} (isomorphism_noise), m = {settings.Functors} (num_functors), data seed {settings.Seed}");
        if (dataset.CategoriesRecovered) text.AppendLine("(categories recovered from the analogical facts: no world.json)");
        return text.ToString();
    }
}
