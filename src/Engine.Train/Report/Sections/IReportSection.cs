namespace Engine.Train.Report.Sections;

/// <summary>One part of the report page. <see cref="ReportBuilder.Sections"/> lists them in page order; a new analysis
/// becomes a new section there. A section writes its numbered heading with <see cref="HtmlPage.Section"/>, its
/// figures with <see cref="HtmlPage.Figure"/>, and says what it cannot draw with <see cref="HtmlPage.Missing"/>.</summary>
public interface IReportSection
{
    void Write(HtmlPage page, ReportContext context);
}
