using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using System.Xml;
using System.Xml.Linq;
using Engine.Train.Report;

namespace Engine.Train.Tests.Report;

/// <summary>
/// report.html read back: the inlined plotly.js cut out (it is the one part that is not XML), the rest parsed as XML,
/// and each figure's plotly.js JSON parsed.
/// </summary>
internal sealed partial class ReportPage
{
    public static readonly XNamespace Xhtml = "http://www.w3.org/1999/xhtml";

    public string Html { get; }

    /// <summary>The inlined library scripts (one per page is expected).</summary>
    public IReadOnlyList<string> LibraryScripts { get; }

    /// <summary>The page without the library script.</summary>
    public string WithoutLibrary { get; }

    public XDocument Document { get; }

    public ReportPage(string path)
    {
        Html = File.ReadAllText(path);
        var library = LibraryPattern();
        LibraryScripts = [.. library.Matches(Html).Select(m => m.Groups[1].Value)];
        WithoutLibrary = library.Replace(Html, "<script id=\"plotly-js\"></script>");
        using var reader = XmlReader.Create(new StringReader(WithoutLibrary), new XmlReaderSettings { DtdProcessing = DtdProcessing.Ignore });
        Document = XDocument.Load(reader);
    }

    [GeneratedRegex("<script id=\"plotly-js\">(.*?)</script>", RegexOptions.Singleline)]
    private static partial Regex LibraryPattern();

    /// <summary>Every figure in page order.</summary>
    public List<PageFigure> Figures =>
    [
        .. Document.Descendants(Xhtml + "script").Where(s => (string?)s.Attribute("class") == "figure")
            .Select(s => new PageFigure(JsonNode.Parse(s.Value)!.AsObject())),
    ];

    public PageFigure FigureTitled(string title) => Figures.Single(f => f.Title == title);

    public string Text => string.Concat(Document.Descendants(Xhtml + "body").Single().DescendantNodes().OfType<XText>()
        .Where(t => t.Parent?.Name != Xhtml + "script").Select(t => t.Value));

    public IEnumerable<string> Captions => Document.Descendants(Xhtml + "figcaption").Select(c => c.Value);

    public IEnumerable<string> SectionHeadings => Document.Descendants(Xhtml + "h2").Select(h => h.Value);

    /// <summary>The items of the "what this grid shows" list.</summary>
    public IEnumerable<string> Findings =>
        Document.Descendants(Xhtml + "ul").Where(u => (string?)u.Attribute("class") == "findings").Single().Elements(Xhtml + "li").Select(l => l.Value);

    public IEnumerable<string> AbsentNotes =>
        Document.Descendants(Xhtml + "p").Where(p => (string?)p.Attribute("class") == "absent").Select(p => p.Value);
}

/// <summary>One plotly.js figure: its traces and layout, with plotly text (entities, &lt;br&gt;) read back as plain text.</summary>
internal sealed record PageFigure(JsonObject Json)
{
    public JsonArray Data => Json["data"]!.AsArray();

    public JsonObject Layout => Json["layout"]!.AsObject();

    public string Title => Plain((string?)Layout["title"]?["text"] ?? "");

    public IEnumerable<JsonObject> Traces => Data.Select(t => t!.AsObject());

    /// <summary>The traces shown in the first view (those a view menu starts hidden are left out).</summary>
    public IEnumerable<JsonObject> Visible => Traces.Where(t => t["visible"] is null || (bool?)t["visible"] == true);

    public JsonObject Trace(string name) => Visible.Single(t => Plain((string?)t["name"] ?? "") == name);

    /// <summary>The labels of the view menu, empty without one.</summary>
    public IEnumerable<string> MenuLabels =>
        Layout["updatemenus"]?[0]?["buttons"]?.AsArray().Select(b => Plain((string)b!["label"]!)) ?? [];

    /// <summary>The traces that menu entry <paramref name="index"/> shows.</summary>
    public IEnumerable<JsonObject> InView(int index)
    {
        var visible = Layout["updatemenus"]![0]!["buttons"]![index]!["args"]![0]!["visible"]!.AsArray().Select(v => (bool)v!).ToList();
        return Traces.Where((_, i) => visible[i]);
    }

    public static List<double?> Numbers(JsonNode? array) => [.. array!.AsArray().Select(v => v is null ? (double?)null : (double)v)];

    public static List<string> Texts(JsonObject trace) => [.. trace["text"]!.AsArray().Select(v => Plain((string)v!))];

    public static string Plain(string plotlyText) =>
        plotlyText.Replace("<br>", "\n").Replace("&lt;", "<").Replace("&gt;", ">").Replace("&amp;", "&");
}
