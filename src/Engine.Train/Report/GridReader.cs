using System.Text.Json;
using System.Text.Json.Nodes;

namespace Engine.Train.Report;

/// <summary>
/// Reads a grid folder (<c>DIR/runs/&lt;id&gt;/</c>, with an optional <c>DIR/grid.json</c>) or a single run folder
/// (<c>DIR/config.json</c>). One record per run folder, never more. The swept settings are those <c>grid.json</c>
/// names; without it, the settings whose values differ between the runs' <c>config.json</c> (the device excepted:
/// the same run on another device is the same experiment).
/// </summary>
public static class GridReader
{
    private sealed record GridEntry(int Index, string Id, Dictionary<string, string> Swept);

    /// <exception cref="ReportException">The folder does not exist or is neither a grid nor a run folder.</exception>
    public static GridData Read(string directory, ReportOptions options)
    {
        var dir = Path.GetFullPath(directory);
        if (!Directory.Exists(dir)) throw new ReportException($"report: no folder '{dir}'");
        var runsDir = Path.Combine(dir, "runs");
        if (!Directory.Exists(runsDir))
        {
            if (!File.Exists(Path.Combine(dir, "config.json")))
                throw new ReportException($"report: '{dir}' is neither a grid folder (no runs/ inside) nor a run folder (no config.json)");
            var single = RunReader.Read(dir, Path.GetFileName(dir.TrimEnd(Path.DirectorySeparatorChar)), null, new Dictionary<string, string>(), options);
            return new GridData(dir, true, [single], [], [.. single.Problems], []);
        }

        var problems = new List<string>();
        var (entries, claim, ties) = ReadGridJson(Path.Combine(dir, "grid.json"), problems);
        var byId = new Dictionary<string, GridEntry>();
        foreach (var e in entries) byId.TryAdd(e.Id, e);
        var runs = new List<RunRecord>();
        foreach (var folder in Directory.GetDirectories(runsDir))
        {
            var id = Path.GetFileName(folder);
            if (id.StartsWith('.')) continue;
            byId.TryGetValue(id, out var entry);
            runs.Add(RunReader.Read(folder, id, entry?.Index, entry?.Swept ?? [], options));
        }
        runs = [.. runs.OrderBy(r => r.Index ?? int.MaxValue).ThenBy(r => r.Id, StringComparer.Ordinal)];
        problems.AddRange(runs.SelectMany(r => r.Problems));
        var present = runs.Select(r => r.Id).ToHashSet();
        var missing = entries.Where(e => !present.Contains(e.Id)).Select(e => e.Id).Distinct().ToList();
        var recorded = entries.OrderBy(e => e.Index).SelectMany(e => e.Swept.Keys).Distinct().ToList();
        var swept = recorded.Count > 0 ? recorded : DifferingSettings(runs);
        return new GridData(dir, false, runs, swept, problems, missing) { Claim = claim, Ties = ties };
    }

    /// <summary>Settings whose text differs between runs that have a config, in config.json order.</summary>
    internal static List<string> DifferingSettings(IReadOnlyList<RunRecord> runs)
    {
        var withConfig = runs.Where(r => r.Config.Count > 0).ToList();
        var keys = withConfig.SelectMany(r => r.Config.Keys).Distinct().Where(k => k != "device");
        return [.. keys.Where(k => withConfig.Select(r => r.Config.GetValueOrDefault(k, "")).Distinct().Count() > 1)];
    }

    /// <summary>grid.json: {"claim": "...", "ties": {"data_seed": "seed"}, "runs": [{"index": 0, "id": "...", "swept":
    /// {"width": "64", ...}}, ...]}; a missing file gives nothing, an unreadable one a note and nothing. Swept values may
    /// be strings, numbers or booleans; claim and ties are optional.</summary>
    private static (List<GridEntry> Entries, string? Claim, Dictionary<string, string> Ties) ReadGridJson(string path, List<string> problems)
    {
        if (!File.Exists(path)) return ([], null, []);
        try
        {
            if (JsonNode.Parse(File.ReadAllText(path)) is not JsonObject root || root["runs"] is not JsonArray list)
            {
                problems.Add("grid.json has no \"runs\" list; swept settings are taken from the runs' configs");
                return ([], null, []);
            }
            var claim = root["claim"] is JsonValue c && c.TryGetValue<string>(out var text) ? text : null;
            var ties = new Dictionary<string, string>();
            if (root["ties"] is JsonObject tied)
                foreach (var (target, follows) in tied)
                    if (follows is JsonValue f && f.TryGetValue<string>(out var name)) ties[target] = name;
            var entries = new List<GridEntry>();
            foreach (var item in list.OfType<JsonObject>())
            {
                if (item["id"] is not JsonValue idValue || !idValue.TryGetValue<string>(out var id)) continue;
                var index = item["index"] is JsonValue i && i.TryGetValue<int>(out var n) ? n : entries.Count;
                var swept = new Dictionary<string, string>();
                if (item["swept"] is JsonObject values)
                    foreach (var (key, node) in values)
                        swept[key] = node is JsonValue v && v.TryGetValue<string>(out var s) ? s : node?.ToJsonString() ?? "";
                entries.Add(new GridEntry(index, id, swept));
            }
            return (entries, claim, ties);
        }
        catch (Exception e) when (e is JsonException or IOException)
        {
            problems.Add($"grid.json unreadable ({e.Message}); swept settings are taken from the runs' configs");
            return ([], null, []);
        }
    }
}
