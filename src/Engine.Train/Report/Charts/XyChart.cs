using System.Globalization;
using Plotly.NET;
using Plotly.NET.CSharp;
using CS = Plotly.NET.CSharp;

namespace Engine.Train.Report.Charts;

/// <summary>
/// A two-axis chart drawn by Plotly.NET: line series (markers, error bars, hover text), labelled scatter points and
/// arrows. Besides its own series (<see cref="Lines"/>, the first view) it may carry <see cref="OtherViews"/>: other
/// measures of the same thing, chosen from a menu on the chart. Clicking a legend entry hides or shows its series;
/// dragging zooms, a double click zooms back out. A given <see cref="YRange"/> is the y axis's range and also bounds
/// the error bars (an accuracy bar never leaves [0, 1]); data beyond it widens the axis.
/// </summary>
public sealed class XyChart
{
    public required string Title { get; init; }
    public required string XLabel { get; init; }
    public required string YLabel { get; init; }
    /// <summary>The menu label of the first view (needed only with <see cref="OtherViews"/>).</summary>
    public string ViewLabel { get; init; } = "";
    public bool LogX { get; init; }
    public bool LogY { get; init; }
    public (double Min, double Max)? YRange { get; init; }
    /// <summary>Ticks to show on x instead of plotly's (e.g. the widths that were run).</summary>
    public IReadOnlyList<double>? XTicks { get; init; }
    /// <summary>Same units per pixel on both axes (for geometry pictures).</summary>
    public bool EqualAspect { get; init; }
    /// <summary>Series i of n at the same x is shifted by (i − (n − 1)/2)·Dodge, a share of the x span (of decades on a
    /// log axis), so equal values and their error bars do not hide one another; the hover text keeps the true x.</summary>
    public double Dodge { get; init; }
    public int Width { get; init; } = 640;
    public int Height { get; init; } = 420;
    public List<LineSeries> Lines { get; } = [];
    public List<ChartView> OtherViews { get; } = [];
    public List<ScatterSeries> Scatters { get; } = [];
    public List<ArrowSet> Arrows { get; } = [];

    private IEnumerable<ChartView> Views => OtherViews.Prepend(new ChartView(ViewLabel, YLabel, Lines));

    private bool Drawable(SeriesPoint p) => double.IsFinite(p.X) && (!LogX || p.X > 0) && double.IsFinite(p.Y) && (!LogY || p.Y > 0);

    /// <summary>True when at least one point could be drawn.</summary>
    public bool HasData => Views.Any(v => v.Lines.Any(l => l.Points.Any(Drawable))) || Scatters.Any(s => s.Points.Count > 0);

    public GenericChart Build()
    {
        var views = Views.ToList();
        var traces = new List<GenericChart>();
        var viewOfTrace = new List<int>();
        for (var v = 0; v < views.Count; v++)
        {
            var lines = views[v].Lines;
            var legendShown = new HashSet<string>();
            for (var i = 0; i < lines.Count; i++)
            {
                var line = lines[i];
                var points = line.Points.Where(p => double.IsFinite(p.X) && (!LogX || p.X > 0)).ToList();
                if (!points.Any(Drawable)) continue;
                var shift = (i - (lines.Count - 1) / 2.0) * Dodge;
                traces.Add(Line(line, points, shift, v == 0, legendShown.Add(line.Group ?? line.Name)));
                viewOfTrace.Add(v);
            }
        }
        foreach (var scatter in Scatters.Where(s => s.Points.Count > 0))
        {
            traces.Add(Scatter(scatter));
            viewOfTrace.Add(-1);
        }
        var chart = CS.Chart.Combine(traces)
            .WithXAxisStyle<double, double, string>(TitleText: XLabel, AxisType: LogX ? StyleParam.AxisType.Log : StyleParam.AxisType.Linear)
            .WithYAxisStyle<double, double, string>(TitleText: YLabel, AxisType: LogY ? StyleParam.AxisType.Log : StyleParam.AxisType.Linear);
        var layout = PlotlyLayout.Common(chart, Title, Width, Height);
        var xAxis = PlotlyLayout.Axis(layout, "xaxis");
        var yAxis = PlotlyLayout.Axis(layout, "yaxis");
        if (YRange is { } range && !LogY)
        {
            // The given range, widened to the data where it goes beyond (a Dirichlet energy above its usual 2).
            var ys = views.SelectMany(v => v.Lines).SelectMany(l => l.Points).Where(Drawable).Select(p => p.Y).ToList();
            var (low, high) = (Math.Min(range.Min, ys.DefaultIfEmpty(range.Min).Min()), Math.Max(range.Max, ys.DefaultIfEmpty(range.Max).Max()));
            var pad = (high - low) * 0.04;
            yAxis.SetProperty("range", new[] { low - pad, high + pad });
        }
        // Log axes label 1, 2 and 5 of each decade; plotly's default labels every digit, which crowds a short axis.
        if (LogX) xAxis.SetProperty("dtick", "D2");
        if (LogY) yAxis.SetProperty("dtick", "D2");
        if (XTicks is { Count: > 0 } ticks)
        {
            xAxis.SetProperty("tickvals", ticks.ToArray());
            xAxis.SetProperty("ticktext", ticks.Select(t => t.ToString(CultureInfo.InvariantCulture)).ToArray());
        }
        if (EqualAspect)
        {
            yAxis.SetProperty("scaleanchor", "x");
            yAxis.SetProperty("scaleratio", 1);
        }
        if (Arrows.Count > 0) layout.SetProperty("annotations", Arrows.SelectMany(ArrowAnnotations).ToArray());
        if (views.Count > 1)
            PlotlyLayout.ViewMenu(layout, [.. views.Select((view, v) => new PlotlyLayout.MenuEntry(view.Label,
                [.. viewOfTrace.Select(t => t < 0 || t == v)], view.YLabel))]);
        return chart;
    }

    private GenericChart Line(LineSeries line, List<SeriesPoint> points, double shift, bool visible, bool inLegend)
    {
        var xs = points.Select(p => Shifted(p.X, shift)).ToArray();
        var mode = line.MarkersOnly ? StyleParam.Mode.Markers : line.Markers ? StyleParam.Mode.Lines_Markers : StyleParam.Mode.Lines;
        var chart = CS.Chart.Scatter<double, double, string>(
            x: xs, y: points.Select(p => double.IsFinite(p.Y) ? p.Y : 0).ToArray(), mode: mode,
            Name: line.Group ?? line.Name,
            MarkerColor: Color.fromHex(line.Colour), LineColor: Color.fromHex(line.Colour), LineWidth: 2,
            LineDash: line.Dashed ? StyleParam.DrawingStyle.Dash : StyleParam.DrawingStyle.Solid);
        var trace = GenericChart.getTraces(chart).Single();
        // An undefined value breaks the line instead of joining across the gap.
        trace.SetProperty("y", points.Select(p => Drawable(p) ? (object?)p.Y : null).ToArray());
        trace.SetProperty("legendgroup", line.Group ?? line.Name);
        trace.SetProperty("showlegend", inLegend);
        if (!visible) trace.SetProperty("visible", false);
        if (points.Any(p => p.Hover is not null))
        {
            trace.SetProperty("text", points.Select(p => PlotlyLayout.Text(p.Hover ?? "")).ToArray());
            trace.SetProperty("hovertemplate", "%{text}<extra></extra>");
        }
        if (points.Any(p => p.Low is not null || p.High is not null))
            trace.SetProperty("error_y", new Dictionary<string, object>
            {
                ["type"] = "data",
                ["symmetric"] = false,
                ["array"] = points.Select(p => p.High is { } high ? Math.Max(0, Clamp(high) - p.Y) : 0).ToArray(),
                ["arrayminus"] = points.Select(p => p.Low is { } low ? Math.Max(0, p.Y - Clamp(low)) : 0).ToArray(),
                ["thickness"] = 1.5,
                ["width"] = 4,
            });
        return chart;
    }

    private double Shifted(double x, double shift) => shift == 0 ? x : LogX ? x * Math.Pow(10, shift * LogSpan()) : x + shift * LinearSpan();

    private double LinearSpan()
    {
        var xs = AllX().ToList();
        return xs.Count > 1 && xs.Max() > xs.Min() ? xs.Max() - xs.Min() : 1;
    }

    private double LogSpan()
    {
        var xs = AllX().Where(x => x > 0).ToList();
        return xs.Count > 1 && xs.Max() > xs.Min() ? Math.Log10(xs.Max() / xs.Min()) : 1;
    }

    private IEnumerable<double> AllX() => Views.SelectMany(v => v.Lines).SelectMany(l => l.Points).Select(p => p.X).Where(double.IsFinite);

    private double Clamp(double y) => YRange is { } r ? Math.Clamp(y, r.Min, r.Max) : y;

    private static GenericChart Scatter(ScatterSeries series)
    {
        var chart = CS.Chart.Scatter<double, double, string>(
            x: series.Points.Select(p => p.X).ToArray(), y: series.Points.Select(p => p.Y).ToArray(), mode: StyleParam.Mode.Markers_Text,
            Name: series.Name, MarkerColor: Color.fromHex(series.Colour),
            MultiText: series.Points.Select(p => PlotlyLayout.Text(p.Label)).ToArray(), TextPosition: StyleParam.TextPosition.TopRight);
        var trace = GenericChart.getTraces(chart).Single();
        trace.SetProperty("hovertemplate", "%{text} (%{x:.3f}, %{y:.3f})<extra></extra>");
        trace.SetProperty("textfont", new Dictionary<string, object> { ["color"] = series.Colour, ["size"] = 11 });
        trace.SetProperty("marker", new Dictionary<string, object> { ["color"] = series.Colour, ["size"] = 9 });
        trace.SetProperty("cliponaxis", false); // labels at the edge stay whole
        return chart;
    }

    private static IEnumerable<Dictionary<string, object>> ArrowAnnotations(ArrowSet set) =>
        set.Arrows.Select(a => new Dictionary<string, object>
        {
            ["x"] = a.X2,
            ["y"] = a.Y2,
            ["ax"] = a.X1,
            ["ay"] = a.Y1,
            ["xref"] = "x",
            ["yref"] = "y",
            ["axref"] = "x",
            ["ayref"] = "y",
            ["showarrow"] = true,
            ["arrowhead"] = 2,
            ["arrowsize"] = 1.2,
            ["arrowwidth"] = 1.3,
            ["arrowcolor"] = set.Colour,
            ["standoff"] = 6,
            ["startstandoff"] = 6,
            ["text"] = "",
        });
}
