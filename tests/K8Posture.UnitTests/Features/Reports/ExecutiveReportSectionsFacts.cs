using K8Posture.Features.Audit;
using K8Posture.Features.Reports;

namespace K8Posture.UnitTests.Features.Reports;

public sealed class ExecutiveReportSectionsFacts
{
    [Fact]
    public void Periods_are_whole_utc_days()
    {
        var now = new DateTimeOffset(2026, 3, 1, 6, 0, 0, TimeSpan.Zero);
        Assert.Equal((new DateOnly(2026, 2, 1), new DateOnly(2026, 2, 28)), ExecutiveReportService.PreviousMonth(now));
        Assert.Equal((new DateOnly(2026, 1, 31), new DateOnly(2026, 3, 1)), ExecutiveReportService.Last30Days(now));
    }
}
