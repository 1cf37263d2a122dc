using K8Posture.Data;
using K8Posture.Features.Remediation;

namespace K8Posture.UnitTests.Features.Remediation;

public sealed class RemediationMetricsFacts
{
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
