using K8Posture.Data;
using K8Posture.Features.Remediation;

namespace K8Posture.UnitTests.Features.Remediation;

public sealed class RemediationMetricsFacts
{
    private static readonly DateTimeOffset AsOf = new(2026, 11, 27, 0, 20, 0, TimeSpan.Zero);

    [Fact]
    public void Counts_open_and_overdue_and_averages_hours_to_close()
    {
        OpenFact[] open = [new(AsOf.AddDays(-1)), new(AsOf.AddDays(3)), new(null), new(AsOf.AddSeconds(-1))];
        ClosedFact[] closed =
        [
            new(AsOf.AddDays(-10), AsOf.AddDays(-8), AsOf.AddDays(-3)),   // 48 h, on time
            new(AsOf.AddDays(-40), AsOf.AddDays(-20), AsOf.AddDays(-33)), // 480 h, late
            new(AsOf.AddDays(-5), AsOf.AddDays(-4), null),                // 24 h, no SLA (info)
        ];

        var figures = RemediationMetrics.Compute(open, closed, AsOf);

        Assert.Equal(4, figures.Open);
        Assert.Equal(2, figures.Overdue);
        Assert.Equal(3, figures.ClosedInPeriod);
        Assert.Equal(184.0, figures.MttrHours); // (48 + 480 + 24) / 3
        // On time 1; late 1; still open and overdue 2 → 1 / 4.
        Assert.Equal(25.0, figures.SlaCompliancePercent);
    }

    [Fact]
    public void Closing_exactly_on_the_due_date_is_on_time_and_nothing_to_judge_gives_no_percentage()
    {
        var onTheDot = RemediationMetrics.Compute([], [new(AsOf.AddDays(-7), AsOf, AsOf)], AsOf);
        var nothing = RemediationMetrics.Compute([new(null)], [], AsOf);

        Assert.Equal(100.0, onTheDot.SlaCompliancePercent);
        Assert.Equal(168.0, onTheDot.MttrHours);
        Assert.Null(nothing.SlaCompliancePercent);
        Assert.Null(nothing.MttrHours);
        Assert.Equal((1, 0, 0), (nothing.Open, nothing.Overdue, nothing.ClosedInPeriod));
    }

    [Fact]
    public void Percentages_round_to_one_decimal()
    {
        ClosedFact[] closed = [new(AsOf.AddDays(-2), AsOf.AddDays(-1), AsOf), new(AsOf.AddDays(-2), AsOf.AddDays(-1), AsOf)];
        var figures = RemediationMetrics.Compute([new(AsOf.AddDays(-1))], closed, AsOf);

        Assert.Equal(66.7, figures.SlaCompliancePercent);
    }

    [Theory]
    [InlineData(FindingStatus.Closed, FindingResolution.RiskAccepted, FindingWorkflow.InProgress, RemediationStatus.ClosedByScan)]
    [InlineData(FindingStatus.Open, FindingResolution.RiskAccepted, FindingWorkflow.InProgress, RemediationStatus.RiskAccepted)]
    [InlineData(FindingStatus.Open, FindingResolution.FalsePositive, FindingWorkflow.Open, RemediationStatus.FalsePositive)]
    [InlineData(FindingStatus.Open, FindingResolution.None, FindingWorkflow.Resolved, RemediationStatus.Resolved)]
    [InlineData(FindingStatus.Open, FindingResolution.None, FindingWorkflow.InProgress, RemediationStatus.InProgress)]
    [InlineData(FindingStatus.Open, FindingResolution.None, FindingWorkflow.Open, RemediationStatus.Open)]
    public void The_status_a_person_sees_puts_the_scanner_first_then_the_verdict_then_the_team(FindingStatus status, FindingResolution resolution, FindingWorkflow workflow, RemediationStatus expected)
    {
        Assert.Equal(expected, RemediationStatuses.Of(status, resolution, workflow));
        var finding = new Finding { Fingerprint = "f", ContentHash = "c", Source = "s", ScopeKey = "k", Title = "t", Status = status, Resolution = resolution, Workflow = workflow };
        Assert.True(RemediationStatuses.Is(expected).Compile()(finding));
        Assert.All(RemediationStatuses.All.Where(s => s != expected), other => Assert.False(RemediationStatuses.Is(other).Compile()(finding)));
    }

    [Fact]
    public void Risk_acceptance_maximum_follows_the_severity_and_never_passes_a_year()
    {
        var options = new RemediationOptions { RiskAcceptanceMaxDays = { [FindingSeverity.Low] = 900 } };

        Assert.Equal(30, options.MaxDaysFor(FindingSeverity.Critical));
        Assert.Equal(365, options.MaxDaysFor(FindingSeverity.Low));
        Assert.Equal(365, options.MaxDaysFor(FindingSeverity.Info));
    }
}
