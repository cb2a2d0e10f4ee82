using Engine.Train.Report.Findings;

namespace Engine.Train.Report.Sections;

/// <summary>"What this grid shows": the plain-language findings computed from the data (<see cref="GridFindings"/>).</summary>
public sealed class FindingsSection : IReportSection
{
    public void Write(HtmlPage page, ReportContext context)
    {
        page.Section(context.Grid.SingleRun ? "What this run shows" : "What this grid shows");
        page.List(GridFindings.Describe(context), "findings");
        page.Paragraph("Computed from the finished runs' summaries each time the report is written; the plots below show the same numbers.", "meta");
    }
}
