using K8Posture.Features.Audit;
using K8Posture.Features.Reports;

namespace K8Posture.UnitTests.Features.Reports;

public sealed class ExecutiveReportSectionsFacts
{
    [Fact]
    public void PeriodsAreWholeUtcDays()
    {
        var now = new DateTimeOffset(2026, 3, 1, 6, 0, 0, TimeSpan.Zero);
        Assert.Equal((new DateOnly(2026, 2, 1), new DateOnly(2026, 2, 28)), ExecutiveReportService.PreviousMonth(now));
        Assert.Equal((new DateOnly(2026, 1, 31), new DateOnly(2026, 3, 1)), ExecutiveReportService.Last30Days(now));
    }
}

public sealed class AuditDiffFacts
{
    [Fact]
    public void LinesUpNestedValuesAndMarksWhatChanged()
    {
        var lines = AuditDiff.Compute("""{"name":"a","sla":{"critical":7},"tags":["x"]}""", """{"name":"a","sla":{"critical":3},"tags":["x","y"]}""");

        Assert.False(lines.Single(l => l.Path == "name").Changed);
        var critical = lines.Single(l => l.Path == "sla.critical");
        Assert.Equal(("7", "3"), (critical.Before, critical.After));
        var added = lines.Single(l => l.Path == "tags[1]");
        Assert.Null(added.Before);
        Assert.Equal("y", added.After);
    }

    [Fact]
    public void AnEventWithOnlyAnAfterListsItsValues() =>
        Assert.All(AuditDiff.Compute(null, """{"rows":3}"""), l => Assert.Null(l.Before));
}
