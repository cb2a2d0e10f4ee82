using System.Security.Cryptography;
using System.Text;
using Engine.Train.Config;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Engine.Train.Grid;

/// <summary>One run of a grid: its settings, its stable id, and the values of the swept settings.</summary>
public sealed record GridRun(int Index, string Id, RunSettings Settings, IReadOnlyDictionary<string, string> Swept);

/// <summary>
/// A grid file (YAML or JSON, same keys as a config file):
/// <code>
/// claim: Analogy is not monotonic in width.   # what the grid tests, shown by the report (optional)
/// fixed:            # applied to every run (optional)
///   epochs: 200
/// sweep:            # cartesian product, in file order (the last key varies fastest)
///   width: [64, 128, 256, 512]
///   depth: [1, 2, 4]
///   seed: [1, 2, 3]
/// runs:             # explicit extra runs (optional), each over fixed
///   - { width: 32, lr: 0.01 }
/// tie:              # settings that follow another in every run (optional): here each seed is its own world
///   data_seed: seed
/// </code>
/// </summary>
public sealed class GridSpec
{
    private GridSpec(RunSettings fixedSettings, List<(string Key, List<YamlNode> Values)> axes, List<YamlMappingNode> extra,
        string source, string? claim, IReadOnlyDictionary<string, string> ties)
    {
        Fixed = fixedSettings;
        Axes = axes;
        Extra = extra;
        Source = source;
        Claim = claim;
        Ties = ties;
    }

    public RunSettings Fixed { get; }

    /// <summary>The claim the grid tests, in the author's words; null when the file states none.</summary>
    public string? Claim { get; }

    /// <summary>Tied settings: target → the setting whose value it takes in every run (e.g. data_seed → seed).</summary>
    public IReadOnlyDictionary<string, string> Ties { get; }
    private List<(string Key, List<YamlNode> Values)> Axes { get; }
    private List<YamlMappingNode> Extra { get; }
    private string Source { get; }

    /// <summary>The names of the swept settings (axes plus keys of explicit runs), in file order.</summary>
    public IReadOnlyList<string> SweptKeys =>
        Axes.Select(a => a.Key).Concat(Extra.SelectMany(e => e.Children.Keys.Select(k => YamlConfig.Key(k, Source)))).Distinct().ToList();

    /// <exception cref="SettingsException">Unreadable file, bad structure, or an invalid setting (named).</exception>
    public static GridSpec Load(string path, RunSettings defaults)
    {
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new SettingsException("grid", $"cannot read '{path}': {e.Message}");
        }
        return Parse(text, Path.GetFileName(path), defaults);
    }

    public static GridSpec Parse(string text, string source, RunSettings defaults)
    {
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(text));
        }
        catch (YamlException e)
        {
            throw new SettingsException("grid", $"'{source}' is not valid YAML/JSON (line {e.Start.Line}): {e.Message}");
        }
        if (stream.Documents.Count == 0 || stream.Documents[0].RootNode is not YamlMappingNode root)
            throw new SettingsException("grid", $"'{source}' must be a mapping with fixed/sweep/runs");
        var fixedSettings = defaults;
        var fixedKeys = new List<string>();
        var axes = new List<(string, List<YamlNode>)>();
        var extra = new List<YamlMappingNode>();
        string? claim = null;
        var ties = new Dictionary<string, string>();
        foreach (var (keyNode, value) in root.Children)
        {
            var key = YamlConfig.Key(keyNode, source);
            switch (key)
            {
                case "claim":
                    claim = value is YamlScalarNode { Value: { } line } && line.Trim().Length > 0
                        ? line.Trim()
                        : throw new SettingsException("claim", $"'{source}': the claim must be a line of text");
                    break;
                case "tie":
                    foreach (var (target, follows) in Mapping(value, "tie", source).Children)
                        ties[YamlConfig.Key(target, source)] = follows is YamlScalarNode { Value: { Length: > 0 } name }
                            ? name
                            : throw new SettingsException("tie", $"'{source}': each tie names the setting it follows (tie: {{ data_seed: seed }})");
                    break;
                case "fixed":
                    var mapping = Mapping(value, "fixed", source);
                    fixedKeys.AddRange(mapping.Children.Keys.Select(k => YamlConfig.Key(k, source)));
                    fixedSettings = ApplyAll(fixedSettings, mapping, source);
                    break;
                case "sweep":
                    foreach (var (axisKey, axisValues) in Mapping(value, "sweep", source).Children)
                    {
                        var name = YamlConfig.Key(axisKey, source);
                        if (axisValues is not YamlSequenceNode list || list.Children.Count == 0)
                            throw new SettingsException(name, $"sweep values in '{source}' must be a non-empty list");
                        axes.Add((name, list.Children.ToList()));
                    }
                    break;
                case "runs":
                    if (value is not YamlSequenceNode runs)
                        throw new SettingsException("runs", $"'{source}': runs must be a list of mappings");
                    extra.AddRange(runs.Children.Select(r => Mapping(r, "runs", source)));
                    break;
                default:
                    throw new SettingsException(key, $"unknown grid section in '{source}' (expected claim, fixed, sweep, runs, tie)");
            }
        }
        if (axes.Count == 0 && extra.Count == 0)
            throw new SettingsException("grid", $"'{source}' has neither a sweep nor runs");
        var set = axes.Select(a => (a.Item1, "sweep")).Concat(fixedKeys.Select(k => (k, "fixed")))
            .Concat(extra.SelectMany(e => e.Children.Keys.Select(k => (YamlConfig.Key(k, source), "runs"))));
        CheckTies(ties, set, source);
        return new GridSpec(fixedSettings, axes, extra, source, claim, ties);
    }

    /// <summary>Both ends of a tie are settings by their config.json names; a tied setting is set nowhere else, follows
    /// a setting that is not itself tied, and not itself.</summary>
    private static void CheckTies(Dictionary<string, string> ties, IEnumerable<(string Key, string Section)> set, string source)
    {
        var names = SettingValues(new RunSettings());
        foreach (var (target, follows) in ties)
        {
            foreach (var name in new[] { target, follows })
                if (!names.ContainsKey(name))
                    throw new SettingsException("tie", $"'{source}': '{name}' is not a setting (use the names of config.json: {string.Join(", ", names.Keys)})");
            if (target == follows) throw new SettingsException("tie", $"'{source}': '{target}' cannot follow itself");
            if (ties.ContainsKey(follows))
                throw new SettingsException("tie", $"'{source}': '{target}' follows '{follows}', which is itself tied; tie both to the same setting");
            foreach (var (key, section) in set)
                if (key == target)
                    throw new SettingsException("tie", $"'{source}': '{target}' follows '{follows}' and cannot also be set under {section}");
        }
    }

    /// <summary>Settings as config.json writes them: name → the value's text (null stays "null").</summary>
    private static Dictionary<string, string> SettingValues(RunSettings settings)
    {
        var values = new Dictionary<string, string>();
        if (System.Text.Json.Nodes.JsonNode.Parse(settings.ToJson()) is System.Text.Json.Nodes.JsonObject obj)
            foreach (var (key, node) in obj)
                values[key] = node is null ? "null"
                    : node is System.Text.Json.Nodes.JsonValue v && v.TryGetValue<string>(out var text) ? text : node.ToJsonString();
        return values;
    }

    /// <summary>Gives each tied setting the value of the setting it follows.</summary>
    private RunSettings ApplyTies(RunSettings settings)
    {
        if (Ties.Count == 0) return settings;
        var values = SettingValues(settings);
        foreach (var (target, follows) in Ties)
        {
            try
            {
                settings = YamlConfig.Apply(settings, null, target, new YamlScalarNode(values[follows]), Source);
            }
            catch (SettingsException e)
            {
                throw new SettingsException("tie", $"'{Source}': {target} follows {follows} = {values[follows]}, which {target} cannot take ({e.Message})");
            }
        }
        return settings;
    }

    /// <summary>Every run: the cartesian product of the axes, then the explicit runs; each validated.
    /// Duplicates (same id) are kept once.</summary>
    public IReadOnlyList<GridRun> Expand()
    {
        var runs = new List<GridRun>();
        var seen = new HashSet<string>();
        void Add(RunSettings settings, Dictionary<string, string> swept)
        {
            settings = ApplyTies(settings);
            settings.Validate();
            var id = RunId(settings);
            if (seen.Add(id)) runs.Add(new GridRun(runs.Count, id, settings, swept));
        }
        if (Axes.Count > 0)
        {
            var index = new int[Axes.Count];
            while (true)
            {
                var settings = Fixed;
                var swept = new Dictionary<string, string>();
                for (var a = 0; a < Axes.Count; a++)
                {
                    var node = Axes[a].Values[index[a]];
                    settings = YamlConfig.Apply(settings, null, Axes[a].Key, node, Source);
                    swept[Axes[a].Key] = node is YamlScalarNode s ? s.Value ?? "" : node.ToString();
                }
                Add(settings, swept);
                var axis = Axes.Count - 1;
                while (axis >= 0 && ++index[axis] == Axes[axis].Values.Count) index[axis--] = 0;
                if (axis < 0) break;
            }
        }
        foreach (var mapping in Extra)
        {
            var swept = mapping.Children.ToDictionary(
                kv => YamlConfig.Key(kv.Key, Source), kv => kv.Value is YamlScalarNode s ? s.Value ?? "" : kv.Value.ToString());
            Add(ApplyAll(Fixed, mapping, Source), swept);
        }
        return runs;
    }

    /// <summary>
    /// The run's stable id: the first 12 lower-case hex digits of SHA-256 over the UTF-8 of its resolved
    /// settings as <see cref="RunSettings.ToJson"/> writes them (indented snake_case JSON, "\n" line ends, no
    /// final newline) with the device blanked (the same run on another device is the same experiment).
    /// Ids name run folders on disk, so this text must not change between versions; a test pins one.
    /// </summary>
    public static string RunId(RunSettings settings)
    {
        var json = (settings with { Device = "" }).ToJson();
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(json));
        return Convert.ToHexStringLower(hash)[..12];
    }

    private static RunSettings ApplyAll(RunSettings settings, YamlMappingNode mapping, string source)
    {
        foreach (var (k, v) in mapping.Children)
            settings = YamlConfig.Apply(settings, null, YamlConfig.Key(k, source), v, source);
        return settings;
    }

    private static YamlMappingNode Mapping(YamlNode node, string what, string source) =>
        node as YamlMappingNode ?? throw new SettingsException(what, $"'{source}': {what} must be a mapping");
}
