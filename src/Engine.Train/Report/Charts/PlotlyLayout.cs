using Plotly.NET;

namespace Engine.Train.Report.Charts;

/// <summary>The layout every chart of the report shares, and the small pieces of plotly.js layout that Plotly.NET's
/// C# surface does not reach (set on its dynamic layout and axis objects).</summary>
internal static class PlotlyLayout
{
    /// <summary>Title at the top left, the given size, a legend, the nearest point on hover, plotly.js's plain white
    /// look (Plotly.NET's default template is dropped).</summary>
    public static Layout Common(GenericChart chart, string title, int width, int height)
    {
        var layout = GenericChart.getLayout(chart);
        layout.RemoveProperty("template");
        layout.SetProperty("title", new Dictionary<string, object>
        {
            ["text"] = Text(title),
            ["x"] = 0.01,
            ["xanchor"] = "left",
            ["font"] = new Dictionary<string, object> { ["size"] = 15 },
        });
        layout.SetProperty("width", width);
        layout.SetProperty("height", height);
        layout.SetProperty("margin", new Dictionary<string, object> { ["l"] = 64, ["r"] = 24, ["t"] = 84, ["b"] = 56 });
        layout.SetProperty("hovermode", "closest");
        layout.SetProperty("font", new Dictionary<string, object> { ["family"] = "Helvetica, Arial, sans-serif", ["size"] = 12 });
        layout.SetProperty("legend", new Dictionary<string, object> { ["itemclick"] = "toggle", ["itemdoubleclick"] = "toggleothers" });
        return layout;
    }

    /// <summary>The layout's axis object by its plotly.js name ("xaxis", "yaxis"), made when absent.</summary>
    public static DynamicObj.DynamicObj Axis(Layout layout, string name)
    {
        if (layout.TryGetPropertyValue(name) is { } found && found.Value is DynamicObj.DynamicObj axis) return axis;
        var made = new DynamicObj.DynamicObj();
        layout.SetProperty(name, made);
        return made;
    }

    /// <summary>One entry of a view menu: its label, which traces it shows (in trace order) and the y-axis title.</summary>
    public sealed record MenuEntry(string Label, IReadOnlyList<bool> Visible, string? YLabel);

    /// <summary>A drop-down menu above the plot's top left corner, under the title, that switches between views.</summary>
    public static void ViewMenu(Layout layout, IReadOnlyList<MenuEntry> entries)
    {
        var buttons = entries.Select(e =>
        {
            var relayout = new Dictionary<string, object>();
            if (e.YLabel is { } y) relayout["yaxis.title.text"] = Text(y);
            return new Dictionary<string, object>
            {
                ["label"] = Text(e.Label),
                ["method"] = "update",
                ["args"] = new object[] { new Dictionary<string, object> { ["visible"] = e.Visible.ToArray() }, relayout },
            };
        }).ToArray();
        layout.SetProperty("updatemenus", new[]
        {
            new Dictionary<string, object>
            {
                ["type"] = "dropdown", ["buttons"] = buttons, ["active"] = 0, ["showactive"] = true,
                ["x"] = 0, ["xanchor"] = "left", ["y"] = 1.01, ["yanchor"] = "bottom", ["pad"] = new Dictionary<string, object> { ["b"] = 2 },
            },
        });
    }

    /// <summary>Plain text as plotly.js text: its markup characters as entities, line breaks as &lt;br&gt;.</summary>
    public static string Text(string plain) =>
        plain.Replace("&", "&amp;").Replace("<", "&lt;").Replace(">", "&gt;").Replace("\n", "<br>");
}
