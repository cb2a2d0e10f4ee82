using System.Globalization;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Engine.Train.Config;

/// <summary>
/// Reads a run configuration from YAML in the reference code's layout: a <c>data:</c> section with the
/// world knobs (num_entities, num_relations, sub_size, …, seed), and the model and training keys
/// (d_model, n_layer, n_head, batch_size, epochs, lr, weight_decay, warmup_steps, seed, …) either at the
/// top level, as the reference's default.yaml has them, or under <c>model:</c> / <c>training:</c> sections.
/// Our own names (the snake_case of the flags, e.g. <c>width</c>, <c>analogical_ood</c>) are accepted too.
/// Unknown keys are errors, so a typo never silently falls back to a default.
/// </summary>
public static class YamlConfig
{
    // Reference keys that have no effect here; accepted so reference files load unchanged.
    private static readonly HashSet<string> Ignored =
        ["max_len", "use_amp", "use_wandb", "project", "run_name", "log_every", "num_workers", "output_dir", "save_dir"];

    /// <exception cref="SettingsException">The file is unreadable, not YAML, or has an unknown or invalid key.</exception>
    public static RunSettings Load(string path, RunSettings defaults)
    {
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new SettingsException("config", $"cannot read '{path}': {e.Message}");
        }
        return Parse(text, path, defaults);
    }

    public static RunSettings Parse(string text, string source, RunSettings defaults)
    {
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(text));
        }
        catch (YamlException e)
        {
            throw new SettingsException("config", $"'{source}' is not valid YAML (line {e.Start.Line}): {e.Message}");
        }
        if (stream.Documents.Count == 0) return defaults;
        if (stream.Documents[0].RootNode is not YamlMappingNode root)
            throw new SettingsException("config", $"'{source}' must be a mapping of settings");
        var settings = defaults;
        foreach (var (keyNode, valueNode) in root.Children)
        {
            var key = Key(keyNode, source);
            if (key is "data" or "model" or "training")
            {
                if (valueNode is not YamlMappingNode section)
                    throw new SettingsException("config", $"'{source}': section '{key}' must be a mapping");
                foreach (var (k, v) in section.Children)
                    settings = Apply(settings, key, Key(k, source), v, source);
            }
            else
            {
                settings = Apply(settings, null, key, valueNode, source);
            }
        }
        return settings;
    }

    internal static string Key(YamlNode node, string source) =>
        node is YamlScalarNode { Value: { } value } ? value : throw new SettingsException("config", $"'{source}': keys must be plain names");

    /// <summary>Applies one key (our name or the reference's) to <paramref name="s"/>.</summary>
    internal static RunSettings Apply(RunSettings s, string? section, string key, YamlNode node, string source)
    {
        if (Ignored.Contains(key)) return s;
        var value = new Scalar(node, section is null ? key : $"{section}.{key}", source);
        return key switch
        {
            "num_entities" or "entities" => s with { Entities = value.Int() },
            "num_relations" or "relations" => s with { Relations = value.Int() },
            "sub_size" or "category_size" => s with { CategorySize = value.IsNull ? null : value.Int() },
            "atomic_ood_ratio" or "atomic_ood" => s with { AtomicOod = value.Double() },
            "compositional_ood_ratio" or "compositional_ood" => s with { CompositionalOod = value.Double() },
            "analogical_ood_ratio" or "analogical_ood" => s with { AnalogicalOod = value.Double() },
            "include_f_inverse" or "f_inverse" => s with { FInverse = value.Bool() },
            "duplicate_relation" => s with { DuplicateRelation = value.Bool() },
            "edge_probability" => s with { EdgeProbability = value.Double() },
            "isomorphism_noise" => s with { IsomorphismNoise = value.Double() },
            "num_functors" or "functors" => s with { Functors = value.Int() },
            "data_seed" => s with { DataSeed = value.Int() },
            // In the reference layout `seed` under data: is the data seed; elsewhere it seeds training.
            "seed" when section == "data" => s with { DataSeed = value.Int() },
            "seed" => s with { Seed = value.Int() },
            "data_dir" => s with { DataDir = value.IsNull ? null : value.Text() },
            "d_model" or "width" => s with { Width = value.Int() },
            "n_layer" or "depth" => s with { Depth = value.Int() },
            "n_head" or "heads" => s with { Heads = value.Int() },
            "tied" or "tie_weights" => s with { Tied = value.Bool() },
            "attention_only" => s with { AttentionOnly = value.Bool() },
            "rope_base" => s with { RopeBase = value.Double() },
            "dropout" => value.Double() == 0 ? s : throw new SettingsException(value.Name, "only dropout 0 is supported"),
            "optimizer" => s with { Optimizer = value.Text().ToLowerInvariant() },
            "lr" => s with { Lr = value.Double() },
            "weight_decay" => s with { WeightDecay = value.Double() },
            "batch_size" or "batch" => s with { Batch = value.Int() },
            "epochs" => s with { Epochs = value.Int() },
            "warmup_steps" or "warmup" => s with { Warmup = value.Int() },
            "eval_every" => s with { EvalEvery = value.Int() },
            "save_every" or "checkpoint_every" => s with { CheckpointEvery = value.Int() },
            "device" => s with { Device = value.Text() },
            "analyze" => s with { Analyze = value.Bool() },
            _ => throw new SettingsException(value.Name, $"unknown setting in '{source}'"),
        };
    }

    private readonly struct Scalar(YamlNode node, string name, string source)
    {
        public string Name => name;

        public bool IsNull => node is YamlScalarNode { Value: null or "" or "null" or "~" };

        public string Text() => node is YamlScalarNode { Value: { } v }
            ? v
            : throw new SettingsException(name, $"must be a single value in '{source}'");

        public int Int() => int.TryParse(Text(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var v)
            ? v
            : throw new SettingsException(name, $"must be an integer (got '{Text()}')");

        public double Double() => double.TryParse(Text(), NumberStyles.Float, CultureInfo.InvariantCulture, out var v)
            ? v
            : throw new SettingsException(name, $"must be a number (got '{Text()}')");

        public bool Bool() => Text().ToLowerInvariant() switch
        {
            "true" or "yes" or "on" => true,
            "false" or "no" or "off" => false,
            _ => throw new SettingsException(name, $"must be true or false (got '{Text()}')"),
        };
    }
}
