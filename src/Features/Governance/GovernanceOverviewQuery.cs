using K8Posture.Features.Raci;
using K8Posture.Features.Tenancy;

namespace K8Posture.Features.Governance;

public sealed record GovernanceOverview(
    int RaciVersion, int RaciActivities, IReadOnlyList<RaciViolation> RaciViolations,
    IReadOnlyList<AssessmentSummary> PendingApproval, IReadOnlyList<AssessmentSummary> Overdue, IReadOnlyList<AssessmentSummary> Mismatches,
    int Drafts, int Approved, int UnassessedApplications);

/// <summary>What the governance overview shows: RACI health and the state of tenancy decisions, scoped to the caller.</summary>
public sealed class GovernanceOverviewQuery(RaciService raci, TenancyService tenancy)
{
    public async Task<GovernanceOverview> LoadAsync(CancellationToken cancellationToken)
    {
        var matrix = await raci.GetCurrentAsync(cancellationToken);
        var assessments = await tenancy.ListAsync(cancellationToken);
        var applications = await tenancy.ListApplicationsAsync(cancellationToken);
        var inForce = assessments.Where(a => a.Status == AssessmentStatus.Approved).ToList();
        var assessed = assessments.Select(a => (a.Application, a.OwnerTeamId)).ToHashSet();
        return new GovernanceOverview(
            matrix.Version,
            matrix.Matrix.Activities.Count(a => !a.Retired),
            matrix.Violations,
            assessments.Where(a => a.Status == AssessmentStatus.Submitted).ToList(),
            inForce.Where(a => a.ReassessmentOverdue).ToList(),
            inForce.Where(a => a.Mismatch).ToList(),
            assessments.Count(a => a.Status == AssessmentStatus.Draft),
            inForce.Count,
            applications.Count(a => !assessed.Contains((a.Application, a.TeamId))));
    }
}
