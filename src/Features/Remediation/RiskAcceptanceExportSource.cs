using System.Runtime.CompilerServices;
using K8Posture.Data;
using K8Posture.Features.Reports;
using Microsoft.EntityFrameworkCore;

namespace K8Posture.Features.Remediation;

/// <summary>Risk acceptances for the Reports slice (CSV/XLSX); filters: <c>status</c> (Pending, Approved, Rejected, Expired).</summary>
public sealed class RiskAcceptanceExportSource : IExportSource
{
    public string Key => "risk-acceptances";

    public string Title => "Risk acceptances";

    public IReadOnlyList<string> Columns { get; } =
    [
        "Id", "Status", "Scope", "Finding id", "Finding", "Rule / vulnerability", "Cluster", "Namespace", "Image repository", "Team", "Severity",
        "Reason", "Requested at", "Requested by", "Expires at", "Decided at", "Decided by", "Decision comment", "Covered findings",
    ];

    public async IAsyncEnumerable<object?[]> ReadRowsAsync(K8PostureDbContext db, IReadOnlyDictionary<string, string> filters, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var query = db.RiskAcceptances.AsNoTracking();
        if (filters.TryGetValue("status", out var status) && Enum.TryParse<RiskAcceptanceStatus>(status, ignoreCase: true, out var parsed))
        {
            query = query.Where(r => r.Status == parsed);
        }
        await foreach (var r in RiskAcceptanceService.Project(db, query.OrderBy(r => r.Id)).AsAsyncEnumerable().WithCancellation(cancellationToken))
        {
            yield return
            [
                r.Id, r.Status, r.ScopeText, r.FindingId, r.FindingTitle, r.RuleId, r.ClusterName, r.NamespaceName, r.ImageRepository, r.TeamName ?? "all teams",
                r.Severity, r.Reason, r.RequestedAt, r.RequestedBy, r.ExpiresAt, r.DecidedAt, r.DecidedBy, r.DecisionComment, r.CoveredFindings,
            ];
        }
    }
}
