using System.Runtime.CompilerServices;
using K8Posture.Data;
using K8Posture.Shared;
using K8Posture.Features.Raci;
using K8Posture.Features.Reports;
using K8Posture.Features.Tenancy;
using Microsoft.EntityFrameworkCore;

namespace K8Posture.Features.Governance;

/// <summary>The RACI matrix in force, one row per activity (the matrix is organisation-wide, so no team filter applies).</summary>
public sealed class RaciExportSource : IExportSource
{
    public string Key => "raci";

    public string Title => "RACI matrix";

    public IReadOnlyList<string> Columns { get; } = ["Activity", "Description", "Accountable", "Responsible", "Consulted", "Informed", "Rule violations", "Retired", "Version"];

    public async IAsyncEnumerable<object?[]> ReadRowsAsync(K8PostureDbContext db, IReadOnlyDictionary<string, string> filters, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var latest = await db.RaciVersions.AsNoTracking().OrderByDescending(v => v.Version).Select(v => new { v.Version, v.Matrix }).FirstOrDefaultAsync(cancellationToken);
        var matrix = latest is null ? RaciDefaults.Matrix() : RaciMatrix.FromJson(latest.Matrix);
        var violations = RaciRules.Check(matrix).ToLookup(v => v.ActivityKey, StringComparer.Ordinal);
        var includeRetired = filters.TryGetValue("retired", out var retired) && retired == "true";
        foreach (var activity in matrix.Activities.Where(a => includeRetired || !a.Retired))
        {
            string Holders(RaciRole role) => string.Join("; ", matrix.Parties.Where(p => matrix.Get(activity.Key, p.Key).HasFlag(role)).Select(p => p.Name));
            yield return
            [
                activity.Name, activity.Description, Holders(RaciRole.Accountable), Holders(RaciRole.Responsible), Holders(RaciRole.Consulted), Holders(RaciRole.Informed),
                string.Join(" ", violations[activity.Key].Select(v => v.Detail)), activity.Retired, latest?.Version ?? 0,
            ];
        }
    }
}

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
