using Plotly.NET;
using Plotly.NET.CSharp;
using CS = Plotly.NET.CSharp;

namespace Engine.Train.Report.Charts;

/// <summary>One measure shown by a heat map: the menu label, Values[y, x] (NaN where there is no data) and the hover
/// text of each cell.</summary>
public sealed record HeatMapView(string Label, double[,] Values, string[,] Hover);

/// <summary>
/// A heat map drawn by Plotly.NET: one cell per (x category, y category), coloured by value on the viridis scale over
/// [<see cref="ColourMin"/>, <see cref="ColourMax"/>], the value printed in the cell, a colour bar. With more than
/// one view a menu switches between them. A cell without data is left blank.
/// </summary>
public sealed class HeatMapChart
{
    public required string Title { get; init; }
    public required string XLabel { get; init; }
    public required string YLabel { get; init; }
    public required IReadOnlyList<string> XCategories { get; init; }
    /// <summary>Rows, drawn from the bottom up (the first category at the bottom, as on a y axis).</summary>
    public required IReadOnlyList<string> YCategories { get; init; }
    public required string ValueLabel { get; init; }
    public List<HeatMapView> Views { get; } = [];
    public double ColourMin { get; init; }
    public double ColourMax { get; init; } = 1;
    public int Decimals { get; init; } = 2;

    public GenericChart Build()
    {
        var (nx, ny) = (XCategories.Count, YCategories.Count);
        var traces = Views.Select((view, v) =>
        {
            var rows = Enumerable.Range(0, ny).Select(y => Enumerable.Range(0, nx).Select(x => view.Values[y, x]).ToArray()).ToArray();
            var chart = CS.Chart.Heatmap<double, string, string, string>(
                zData: rows.Select(r => r.Select(z => double.IsFinite(z) ? z : 0)), X: XCategories.ToArray(), Y: YCategories.ToArray(),
                ColorScale: StyleParam.Colorscale.Viridis, XGap: 2, YGap: 2);
            var trace = GenericChart.getTraces(chart).Single();
            trace.SetProperty("z", rows.Select(r => r.Select(z => double.IsFinite(z) ? (object?)z : null).ToArray()).ToArray());
            trace.SetProperty("zmin", ColourMin);
            trace.SetProperty("zmax", ColourMax);
            trace.SetProperty("text", rows.Select(r => r.Select(z => Html.Fixed(z, Decimals)).ToArray()).ToArray());
            trace.SetProperty("texttemplate", "%{text}");
            trace.SetProperty("customdata", Enumerable.Range(0, ny)
                .Select(y => Enumerable.Range(0, nx).Select(x => PlotlyLayout.Text(view.Hover[y, x])).ToArray()).ToArray());
            trace.SetProperty("hovertemplate", "%{customdata}<extra></extra>");
            trace.SetProperty("colorbar", new Dictionary<string, object> { ["title"] = new Dictionary<string, object> { ["text"] = PlotlyLayout.Text(ValueLabel), ["side"] = "right" } });
            trace.SetProperty("name", PlotlyLayout.Text(view.Label));
            if (v > 0) trace.SetProperty("visible", false);
            return chart;
        }).ToList();
        var combined = CS.Chart.Combine(traces)
            .WithXAxisStyle<double, double, string>(TitleText: XLabel)
            .WithYAxisStyle<double, double, string>(TitleText: YLabel);
        var layout = PlotlyLayout.Common(combined, Title, Math.Max(560, 200 + 90 * nx), Math.Max(360, 180 + 60 * ny));
        PlotlyLayout.Axis(layout, "xaxis").SetProperty("type", "category");
        PlotlyLayout.Axis(layout, "yaxis").SetProperty("type", "category");
        if (Views.Count > 1)
            PlotlyLayout.ViewMenu(layout, [.. Views.Select((view, v) => new PlotlyLayout.MenuEntry(view.Label, [.. Views.Select((_, t) => t == v)], null))]);
        return combined;
    }
}
