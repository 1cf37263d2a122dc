using System.Globalization;
using K8Posture.Features.Reports;
using K8Posture.Shared;
using Microsoft.EntityFrameworkCore;

namespace K8Posture.Features.Remediation;

/// <summary>The executive report's open risk acceptances that expire within 30 days of its generation.</summary>
public sealed class RiskAcceptanceReportSection : IExecutiveReportSection
{
    public const int NearExpiryDays = 30;

    public string Key => ExecutiveReportSections.RiskAcceptancesNearExpiry;
    public int Order => ExecutiveReportSections.RiskAcceptancesNearExpiryOrder;

    public async Task RenderAsync(ExecutiveReportContext context, ReportCanvas canvas, CancellationToken cancellationToken)
    {
        var until = context.GeneratedAt.AddDays(NearExpiryDays);
        var approved = context.Db.RiskAcceptances.AsNoTracking().Where(r => r.Status == RiskAcceptanceStatus.Approved);
        var total = await approved.CountAsync(cancellationToken);
        var soon = await approved.Where(r => r.ExpiresAt <= until).OrderBy(r => r.ExpiresAt)
            .Select(r => new
            {
                r.Id, r.ExpiresAt, r.Severity, Team = r.OwnerTeam != null ? r.OwnerTeam.Name : null, r.RuleId,
                Title = r.Finding != null ? r.Finding.Title : null, r.Reason, r.DecidedBy, Covered = r.Coverage.Count,
            })
            .Take(30).ToListAsync(cancellationToken);
        canvas.Heading("Risk acceptances near expiry");
        canvas.Paragraph($"{total} approved risk acceptance(s) in force; {soon.Count} expire within {NearExpiryDays} days, when the daily job reopens what they cover.");
        if (soon.Count > 0)
        {
            canvas.Table(["Expires", "Team", "Severity", "What", "Findings", "Approved by"], [1.2, 1.4, 1, 3, 1.1, 1.6],
                soon.Select(r => (IReadOnlyList<string>)
                [
                    r.ExpiresAt.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
                    r.Team ?? "—",
                    r.Severity.DisplayName(),
                    r.Title ?? (r.RuleId is null ? r.Reason : "Rule " + r.RuleId),
                    r.Covered.ToString(CultureInfo.InvariantCulture),
                    ReportActors.Display(r.DecidedBy),
                ]));
        }
    }
}
