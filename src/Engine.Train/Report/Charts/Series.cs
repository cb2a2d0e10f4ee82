namespace Engine.Train.Report.Charts;

/// <summary>
/// One point of a line series. <see cref="Low"/>/<see cref="High"/>, when given, draw an error bar; <see cref="Hover"/>
/// is its hover text (plain text, lines separated by '\n'). A non-finite <see cref="Y"/> breaks the line.
/// </summary>
public sealed record SeriesPoint(double X, double Y, double? Low = null, double? High = null, string? Hover = null);

/// <summary>
/// A named line in one colour, with markers (and error bars) or as a plain line; optionally dashed, or markers only.
/// Series with the same <see cref="Group"/> toggle together from the legend, which shows the group's name once.
/// </summary>
public sealed record LineSeries(string Name, string Colour, IReadOnlyList<SeriesPoint> Points, bool Markers = true, bool Dashed = false,
    bool MarkersOnly = false, string? Group = null);

/// <summary>One way of looking at a chart: a label for the menu, the y-axis title and the series drawn.</summary>
public sealed record ChartView(string Label, string YLabel, IReadOnlyList<LineSeries> Lines);

/// <summary>A labelled point of a scatter series.</summary>
public sealed record ScatterPoint(double X, double Y, string Label);

/// <summary>A named set of labelled points drawn as dots in one colour.</summary>
public sealed record ScatterSeries(string Name, string Colour, IReadOnlyList<ScatterPoint> Points);

/// <summary>A named set of arrows (from → to) in one colour.</summary>
public sealed record ArrowSet(string Name, string Colour, IReadOnlyList<(double X1, double Y1, double X2, double Y2)> Arrows);
