using System.Text;
using Engine.Train.Report.Charts;
using Plotly.NET;
using static Engine.Train.Report.Html;

namespace Engine.Train.Report;

/// <summary>
/// Assembles the one self-contained page: inline CSS, each chart as its Plotly.NET figure JSON beside an empty
/// <c>div</c>, plotly.js inlined once at the end with a few lines that draw every figure. Nothing is fetched from a
/// network, so the page works on a cluster's compute node. Everything but the library script is well-formed XML
/// (XHTML polyglot: figure JSON keeps &lt; &gt; &amp; as \u escapes), so tests can read it with an XML parser.
/// Sections are numbered in the order they are written. The page records each plot drawn and each one left out
/// with the reason.
/// </summary>
public sealed class HtmlPage
{
    private readonly StringBuilder _body = new();
    private int _sections;

    public List<string> Plots { get; } = [];
    public List<string> Absent { get; } = [];

    /// <summary>The id of the element that holds the inlined plotly.js, once per page.</summary>
    public const string LibraryScriptId = "plotly-js";

    private const string Css = """
        body { font-family: Helvetica, Arial, sans-serif; margin: 24px; color: #222; background: #ffffff; max-width: 1360px; }
        h1 { font-size: 24px; margin: 0 0 8px 0; }
        h2 { font-size: 19px; margin: 28px 0 8px 0; border-bottom: 1px solid #ddd; padding-bottom: 4px; }
        p, li { font-size: 14px; line-height: 1.45; }
        .meta { color: #444; margin: 2px 0; }
        .claim { font-size: 15px; border-left: 4px solid #1f77b4; padding: 4px 10px; background: #f4f8fc; }
        .findings li { margin-bottom: 4px; }
        .figures { display: flex; flex-wrap: wrap; gap: 18px; align-items: flex-start; }
        figure { margin: 0; border: 1px solid #e2e2e2; padding: 6px; background: #ffffff; }
        figcaption { font-size: 12.5px; color: #444; max-width: 640px; margin-top: 4px; line-height: 1.4; }
        .absent { background: #fff8e5; border-left: 4px solid #e0b000; padding: 6px 10px; }
        table { border-collapse: collapse; font-size: 12.5px; }
        th, td { border: 1px solid #ddd; padding: 3px 7px; text-align: right; white-space: nowrap; }
        th { background: #f3f3f3; white-space: normal; max-width: 120px; vertical-align: bottom; }
        td.id, th.id { text-align: left; font-family: monospace; }
        tr.failed td { background: #fdecea; }
        tr.unfinished td { color: #777; }
        .scroll { overflow-x: auto; }
        """;

    // Draws every figure; written without < and & so the page outside the library stays well-formed XML.
    private const string Draw = """
        document.querySelectorAll('script.figure').forEach(function (data) {
          var figure = JSON.parse(data.textContent);
          Plotly.newPlot(data.getAttribute('data-target'), figure.data, figure.layout,
            { displaylogo: false, scrollZoom: true, responsive: false });
        });
        """;

    public void Heading(int level, string text) => _body.Append($"<h{level}>{Escape(text)}</h{level}>\n");

    /// <summary>A numbered section heading ("3. Training trajectories").</summary>
    public void Section(string title) => Heading(2, $"{++_sections}. {title}");

    public void Paragraph(string text, string? cssClass = null) =>
        _body.Append(cssClass is null ? "<p>" : $"<p class=\"{Escape(cssClass)}\">").Append(Escape(text)).Append("</p>\n");

    /// <summary>A bulleted list of plain-text items.</summary>
    public void List(IEnumerable<string> items, string? cssClass = null) =>
        _body.Append(cssClass is null ? "<ul>\n" : $"<ul class=\"{Escape(cssClass)}\">\n")
            .Append(string.Concat(items.Select(i => $"<li>{Escape(i)}</li>\n"))).Append("</ul>\n");

    public void BeginFigures() => _body.Append("<div class=\"figures\">\n");

    public void EndFigures() => _body.Append("</div>\n");

    /// <summary>One plot: the chart's figure with a caption.</summary>
    public void Figure(GenericChart chart, string title, string caption)
    {
        Plots.Add(title);
        var id = $"figure-{Plots.Count}";
        _body.Append($"<figure>\n<div class=\"plot\" id=\"{id}\" data-title=\"{Escape(title)}\"></div>\n")
            .Append($"<script type=\"application/json\" class=\"figure\" data-target=\"{id}\">")
            .Append(FigureJson(chart))
            .Append("</script>\n<figcaption>").Append(Escape(caption)).Append("</figcaption>\n</figure>\n");
    }

    /// <summary>The chart as plotly.js figure JSON (data, layout) with &lt; &gt; &amp; written as \u escapes: inside a
    /// script element they could end it early, and XML would not parse them. They occur only inside JSON strings,
    /// where the escapes mean the same characters.</summary>
    public static string FigureJson(GenericChart chart) =>
        GenericChart.toFigureJson(chart).Replace("<", "\\u003c").Replace(">", "\\u003e").Replace("&", "\\u0026");

    /// <summary>A plot or section that cannot be drawn: says so on the page instead.</summary>
    public void Missing(string what, string why)
    {
        Absent.Add($"{what}: {why}");
        Paragraph($"{what} absent: {why}", "absent");
    }

    /// <summary>Markup that the caller has built and escaped itself (tables, lists).</summary>
    public void Raw(string html) => _body.Append(html);

    public string Render(string title) =>
        "<!DOCTYPE html>\n<html xmlns=\"http://www.w3.org/1999/xhtml\" lang=\"en\">\n<head>\n<meta charset=\"utf-8\"/>\n" +
        $"<title>{Escape(title)}</title>\n<style>\n{Css}\n</style>\n</head>\n<body>\n{_body}" +
        (Plots.Count == 0 ? "" : $"<script id=\"{LibraryScriptId}\">{PlotlyScript.Source}</script>\n<script>\n{Draw}\n</script>\n") +
        "</body>\n</html>\n";
}
