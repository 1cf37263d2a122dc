using System.Globalization;
using K8Posture.Data;
using K8Posture.Shared;
using K8Posture.Features.Reports;
using Microsoft.EntityFrameworkCore;

namespace K8Posture.Features.Tenancy;

/// <summary>The executive report's tenancy decisions: approved and pending assessments, with placements that do not fit.</summary>
public sealed class TenancyDecisionsReportSection : IExecutiveReportSection
{
    public string Key => ExecutiveReportSections.TenancyDecisions;
    public int Order => ExecutiveReportSections.TenancyDecisionsOrder;

    public async Task RenderAsync(ExecutiveReportContext context, ReportCanvas canvas, CancellationToken cancellationToken)
    {
        var assessments = await context.Db.TenancyAssessments.AsNoTracking()
            .Where(a => a.Status == AssessmentStatus.Approved || a.Status == AssessmentStatus.Submitted)
            .OrderBy(a => a.Application)
            .Select(a => new { a.Application, Team = a.OwnerTeam != null ? a.OwnerTeam.Name : null, a.Status, a.Score, a.Recommendation, a.ReviewedAt, a.ReassessDueAt })
            .Take(40)
            .ToListAsync(cancellationToken);
        var mismatched = await context.Db.Findings.AsNoTracking()
            .Where(f => f.RuleId == TenancyMismatchJob.RuleId && f.Status == FindingStatus.Open)
            .Select(f => f.ScopeKey).ToListAsync(cancellationToken);
        canvas.Heading("Tenancy decisions");
        if (assessments.Count == 0)
        {
            canvas.Paragraph("No tenancy-risk assessment has been submitted or approved yet.", muted: true);
            return;
        }
        canvas.Paragraph($"{assessments.Count(a => a.Status == AssessmentStatus.Approved)} approved, {assessments.Count(a => a.Status == AssessmentStatus.Submitted)} waiting for the Security Team; {mismatched.Count} placement(s) less isolated than recommended.");
        canvas.Table(["Application", "Team", "Status", "Score", "Recommendation", "Runs where advised", "Re-assess by"], [2, 1.6, 1.2, 0.8, 2, 1.4, 1.3],
            assessments.Select(a => (IReadOnlyList<string>)
            [
                a.Application,
                a.Team ?? "—",
                a.Status.DisplayName(),
                a.Score.ToString(CultureInfo.InvariantCulture),
                a.Recommendation.DisplayName(),
                a.Status != AssessmentStatus.Approved ? "—" : mismatched.Any(s => s.EndsWith("/tenancy:" + a.Application, StringComparison.Ordinal)) ? "No" : "Yes",
                a.ReassessDueAt?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) ?? "—",
            ]));
    }
}
