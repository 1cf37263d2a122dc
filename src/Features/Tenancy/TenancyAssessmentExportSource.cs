using System.Runtime.CompilerServices;
using K8Posture.Data;
using K8Posture.Shared;
using K8Posture.Features.Reports;
using Microsoft.EntityFrameworkCore;

namespace K8Posture.Features.Tenancy;

/// <summary>Tenancy-risk assessments the caller may see (the query filter scopes app teams to their own), with where each application runs.</summary>
public sealed class TenancyAssessmentExportSource(TimeProvider clock) : IExportSource
{
    public string Key => "tenancy-assessments";

    public string Title => "Tenancy-risk assessments";

    public IReadOnlyList<string> Columns { get; } =
        ["Id", "Application", "Owner team", "Status", "Score", "Recommendation", "Runs on", "Mismatch", "Created by", "Created", "Submitted by", "Reviewed by", "Reviewed", "Review comment", "Re-assessment due", "Re-assessment overdue"];

    public async IAsyncEnumerable<object?[]> ReadRowsAsync(K8PostureDbContext db, IReadOnlyDictionary<string, string> filters, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var query = db.TenancyAssessments.AsNoTracking();
        if (filters.TryGetValue("status", out var status) && Enum.TryParse<AssessmentStatus>(status, ignoreCase: true, out var wanted))
        {
            query = query.Where(a => a.Status == wanted);
        }
        var rows = await query.OrderBy(a => a.Application).ThenByDescending(a => a.CreatedAt)
            .Select(a => new { Assessment = a, Team = a.OwnerTeam!.Name })
            .ToListAsync(cancellationToken);
        var placements = await TenancyPlacement.LoadAsync(db, rows.Select(r => (r.Assessment.Application, r.Assessment.OwnerTeamId)), cancellationToken);
        var now = clock.GetUtcNow();
        foreach (var row in rows)
        {
            var a = row.Assessment;
            var runsOn = placements[(a.Application, a.OwnerTeamId)];
            yield return
            [
                a.Id, a.Application, row.Team, a.Status, a.Score, a.Recommendation,
                string.Join("; ", runsOn.Select(p => $"{p.ClusterName} ({p.Tenancy.DisplayName()})")),
                a.Status == AssessmentStatus.Approved && runsOn.Any(p => p.IsWeakerThan(a.Recommendation)),
                a.CreatedBy, a.CreatedAt, a.SubmittedBy, a.ReviewedBy, a.ReviewedAt, a.ReviewComment, a.ReassessDueAt,
                a.Status == AssessmentStatus.Approved && a.ReassessDueAt < now,
            ];
        }
    }
}
