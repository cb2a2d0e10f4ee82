namespace Engine.Train.Llm.Analysis;

/// <summary>Writes an analysis into its output folder: <c>llm-analysis.json</c> and <c>llm-report.html</c>, each atomically
/// (a temporary file renamed into place, so a crash leaves the old file or none, never half of one).</summary>
public static class LlmAnalysisFiles
{
    public const string JsonName = "llm-analysis.json";

    /// <returns>The paths of the JSON file and the report page.</returns>
    /// <exception cref="IOException">The folder cannot be made or written.</exception>
    public static (string Json, string Report) Write(string outDirectory, LlmAnalysisReport report)
    {
        Directory.CreateDirectory(outDirectory);
        var json = Path.Combine(outDirectory, JsonName);
        var html = Path.Combine(outDirectory, LlmReportPage.FileName);
        Model.AtomicFile.WriteAllText(json, report.ToJson());
        Model.AtomicFile.WriteAllText(html, LlmReportPage.Render(report));
        return (json, html);
    }
}
