using K8Posture.Features.Audit;
using K8Posture.Features.Reports;

namespace K8Posture.UnitTests.Features.Reports;

public sealed class ExecutiveReportSectionsFacts
{
    private sealed class RealSection(string key, int order) : IExecutiveReportSection
    {
        public string Key => key;
        public int Order => order;
        public Task RenderAsync(ExecutiveReportContext context, ReportCanvas canvas, CancellationToken cancellationToken) => Task.CompletedTask;
    }

    [Fact]
    public void ARealSectionReplacesThePlaceholderOfItsKeyWhateverTheRegistrationOrder()
    {
        var placeholder = new PlaceholderReportSection(ExecutiveReportSections.RaciGaps, ExecutiveReportSections.RaciGapsOrder, "RACI gaps", "pending");
        var real = new RealSection(ExecutiveReportSections.RaciGaps, ExecutiveReportSections.RaciGapsOrder);
        var kpis = new RealSection(ExecutiveReportSections.HeadlineKpis, ExecutiveReportSections.HeadlineKpisOrder);

        Assert.Equal([kpis, real], ExecutiveReportSections.Resolve([placeholder, real, kpis]));
        Assert.Equal([kpis, real], ExecutiveReportSections.Resolve([real, placeholder, kpis]));
        Assert.Equal([kpis, placeholder], ExecutiveReportSections.Resolve([placeholder, kpis]));
    }

    [Fact]
    public void PeriodsAreWholeUtcDays()
    {
        var now = new DateTimeOffset(2026, 3, 1, 6, 0, 0, TimeSpan.Zero);
        Assert.Equal((new DateOnly(2026, 2, 1), new DateOnly(2026, 2, 28)), ExecutiveReportService.PreviousMonth(now));
        Assert.Equal((new DateOnly(2026, 1, 31), new DateOnly(2026, 3, 1)), ExecutiveReportService.Last30Days(now));
    }
}
