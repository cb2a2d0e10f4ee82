using System.Text.Json;
using System.Text.Json.Nodes;
using Engine.Train.Config;
using Engine.Train.Metrics;

namespace Engine.Train.Report;

/// <summary>
/// Reads one run folder: <c>config.json</c>, <c>metrics.jsonl</c>, <c>summary.json</c>, <c>pca.json</c>,
/// <c>failed.json</c>. Nothing in a run folder stops the report: an unreadable file or line is skipped and noted in
/// <see cref="RunRecord.Problems"/>, because a grid being written to (or a killed run) routinely has a torn last line.
/// </summary>
public static class RunReader
{
    /// <summary>Reads the folder. The summary is digested anew from <c>metrics.jsonl</c> when the run has none yet,
    /// when its <c>summary.json</c> predates the time averages, or when <paramref name="options"/> asks for another
    /// averaging window (a finished run keeps the success threshold it recorded).</summary>
    public static RunRecord Read(string folder, string id, int? index, IReadOnlyDictionary<string, string> swept, ReportOptions options)
    {
        var problems = new List<string>();
        var config = ReadConfig(Path.Combine(folder, "config.json"), id, problems);
        var metrics = ReadMetrics(Path.Combine(folder, "metrics.jsonl"), id, problems);
        var summary = ReadJson(Path.Combine(folder, "summary.json"), id, problems,
            text => JsonSerializer.Deserialize<RunSummary>(text, EpochMetrics.Json));
        var pca = ReadJson(Path.Combine(folder, "pca.json"), id, problems, PcaSnapshot.FromJson);
        // JSON can say null (or leave out) what the records declare non-null; an empty list or map stands in.
        if (summary is not null && summary.Types is null) summary = summary with { Types = new Dictionary<string, TypeSummary>() };
        if (pca is not null) pca = pca with { ExplainedRatio = pca.ExplainedRatio ?? [], Points = pca.Points ?? [], Functor = pca.Functor ?? [] };
        var failurePath = Path.Combine(folder, "failed.json");
        var failure = File.Exists(failurePath) ? ReadFailure(failurePath) : null;
        // The file's presence is the mark of a finished run (it is written last, atomically), even if it does not parse.
        var finished = File.Exists(Path.Combine(folder, "summary.json"));
        var status = finished ? RunStatus.Finished : failure is not null ? RunStatus.Failed : RunStatus.Unfinished;
        var window = options.AverageFrom is not null || options.AverageTo is not null;
        if ((summary is null || !summary.HasTimeAverages || window) && metrics.Count > 0)
            summary = RunSummary.FromMetrics(metrics, summary?.SuccessThreshold ?? options.SuccessThreshold,
                options.AverageFrom ?? RunSummary.DefaultAverageFrom, options.AverageTo);
        return new RunRecord
        {
            Id = id,
            Folder = folder,
            Index = index,
            Status = status,
            Config = config,
            Swept = swept,
            Metrics = metrics,
            Summary = summary,
            Pca = pca,
            Failure = failure,
            Problems = problems,
        };
    }

    /// <summary>config.json as settings (defaults filled in); when it does not parse as settings (say, written by a
    /// newer engine), its plain JSON members, so the swept values still show.</summary>
    private static Dictionary<string, string> ReadConfig(string path, string id, List<string> problems)
    {
        if (!File.Exists(path))
        {
            problems.Add($"run {id}: no config.json");
            return [];
        }
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (IOException e)
        {
            problems.Add($"run {id}: cannot read config.json: {e.Message}");
            return [];
        }
        try
        {
            return Flatten(RunSettings.FromJson(text, path).ToJson());
        }
        catch (SettingsException e)
        {
            problems.Add($"run {id}: {e.Message}");
        }
        try
        {
            return Flatten(text);
        }
        catch (JsonException)
        {
            return [];
        }
    }

    /// <summary>A flat JSON object as name → text: strings as they are, numbers and booleans as JSON writes them.</summary>
    internal static Dictionary<string, string> Flatten(string json)
    {
        var result = new Dictionary<string, string>();
        if (JsonNode.Parse(json) is not JsonObject obj) return result;
        foreach (var (key, node) in obj)
            result[key] = node switch
            {
                null => "",
                JsonValue v when v.TryGetValue<string>(out var s) => s,
                _ => node.ToJsonString(),
            };
        return result;
    }

    private static List<EpochMetrics> ReadMetrics(string path, string id, List<string> problems)
    {
        if (!File.Exists(path)) return [];
        string[] lines;
        try
        {
            lines = File.ReadAllLines(path);
        }
        catch (IOException e)
        {
            problems.Add($"run {id}: cannot read metrics.jsonl: {e.Message}");
            return [];
        }
        var byEpoch = new SortedDictionary<int, EpochMetrics>();
        for (var i = 0; i < lines.Length; i++)
        {
            if (string.IsNullOrWhiteSpace(lines[i])) continue;
            try
            {
                var pass = EpochMetrics.FromJsonLine(lines[i]);
                byEpoch[pass.Epoch] = pass.Probes is null ? pass with { Probes = new Dictionary<string, ProbeScore>() } : pass;
            }
            catch (JsonException e)
            {
                var where = i == lines.Length - 1 ? "last line (still being written?)" : $"line {i + 1}";
                problems.Add($"run {id}: metrics.jsonl {where} skipped: {e.Message}");
            }
        }
        return [.. byEpoch.Values];
    }

    private static T? ReadJson<T>(string path, string id, List<string> problems, Func<string, T?> parse) where T : class
    {
        if (!File.Exists(path)) return null;
        try
        {
            return parse(File.ReadAllText(path));
        }
        catch (Exception e) when (e is JsonException or IOException)
        {
            problems.Add($"run {id}: {Path.GetFileName(path)} unreadable: {e.Message}");
            return null;
        }
    }

    /// <summary>The reason in failed.json: its "error", "message" or "reason" string if it is such an object,
    /// else the file's text; cut to 500 characters.</summary>
    private static string ReadFailure(string path)
    {
        string text;
        try
        {
            text = File.ReadAllText(path).Trim();
        }
        catch (IOException e)
        {
            return $"(failed.json unreadable: {e.Message})";
        }
        try
        {
            if (JsonNode.Parse(text) is JsonObject obj)
                foreach (var key in new[] { "error", "message", "reason" })
                    if (obj[key] is JsonValue v && v.TryGetValue<string>(out var reason)) { text = reason; break; }
        }
        catch (JsonException)
        {
            // Not JSON: the raw text is the best reason there is.
        }
        if (text.Length == 0) text = "(no reason recorded)";
        return text.Length > 500 ? text[..500] + "…" : text;
    }
}
