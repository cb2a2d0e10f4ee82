namespace Engine.Train.Report.Charts;

/// <summary>The categorical colours of the series (plotly's and d3's category10). A series is coloured by what it
/// stands for (its depth, its probe type), not by its position among the drawn ones, so it keeps its colour across
/// plots.</summary>
public static class Palette
{
    private static readonly string[] Categorical =
        ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"];

    /// <summary>The i-th categorical colour (cycling after ten).</summary>
    public static string Series(int index) => Categorical[((index % Categorical.Length) + Categorical.Length) % Categorical.Length];

    /// <summary>Entities outside both categories.</summary>
    public const string Grey = "#9a9a9a";
}
