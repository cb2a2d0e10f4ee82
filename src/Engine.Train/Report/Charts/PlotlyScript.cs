using System.Reflection;

namespace Engine.Train.Report.Charts;

/// <summary>
/// plotly.js as Plotly.NET ships it, an embedded resource of its assembly (<c>Plotly.NET.plotly-2.28.0.min.js</c>).
/// The report inlines it once per page so the page works offline: Plotly.NET's own page writer links a CDN by
/// default, or inlines the whole library with every chart.
/// </summary>
public static class PlotlyScript
{
    private static readonly Lazy<(string Name, string Source)> Embedded = new(Load);

    /// <summary>The library's source text.</summary>
    public static string Source => Embedded.Value.Source;

    /// <summary>The resource's name, which carries the plotly.js version.</summary>
    public static string ResourceName => Embedded.Value.Name;

    private static (string, string) Load()
    {
        var assembly = typeof(Plotly.NET.GenericChart).Assembly;
        var name = assembly.GetManifestResourceNames()
            .SingleOrDefault(n => n.StartsWith("Plotly.NET.plotly-", StringComparison.Ordinal) && n.EndsWith(".min.js", StringComparison.Ordinal))
            ?? throw new InvalidOperationException($"{assembly.GetName().Name} {assembly.GetName().Version} carries no plotly-*.min.js resource");
        using var stream = assembly.GetManifestResourceStream(name)!;
        using var reader = new StreamReader(stream);
        return (name, reader.ReadToEnd());
    }
}
