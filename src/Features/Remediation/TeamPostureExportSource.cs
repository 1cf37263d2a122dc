using System.Runtime.CompilerServices;
using K8Posture.Data;
using K8Posture.Features.Reports;
using K8Posture.Shared;
using Microsoft.EntityFrameworkCore;

namespace K8Posture.Features.Remediation;

/// <summary>
/// The posture figures per team (CSV/XLSX), with the unowned findings as a row like a team's, so the rows add up to the
/// landscape's totals. Same definitions and window as every page (<see cref="PostureDefinitions"/>); scoped to the caller.
/// </summary>
public sealed class TeamPostureExportSource(TimeProvider clock) : IExportSource
{
    public string Key => "team-posture";

    public string Title => "Posture by team";

    public IReadOnlyList<string> Columns { get; } =
    [
        "Team", "Open", "Overdue", "Remediated (30 days)", "Remediated on time", "Remediated late", "SLA compliance %", "MTTR days",
    ];

    public async IAsyncEnumerable<object?[]> ReadRowsAsync(K8PostureDbContext db, IReadOnlyDictionary<string, string> filters, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var byTeam = await PostureFigureQueries.ByTeamAsync(db.Findings.AsNoTracking(), clock.GetUtcNow(), cancellationToken);
        var names = await db.Teams.AsNoTracking().ToDictionaryAsync(t => t.Id, t => t.Name, cancellationToken);
        var rows = byTeam
            .Select(t => (Name: t.TeamId is { } id ? names.GetValueOrDefault(id, $"Team {id}") : PostureDefinitions.UnownedLabel, t.TeamId, t.Figures))
            .OrderBy(t => t.TeamId is null).ThenBy(t => t.Name, StringComparer.Ordinal);
        foreach (var (name, _, f) in rows)
        {
            yield return
            [
                name, f.Open, f.Overdue, f.Remediated, f.RemediatedOnTime, f.RemediatedLate,
                PostureFigures.OneDecimal(f.SlaCompliancePercent), PostureFigures.OneDecimal(f.MttrDays),
            ];
        }
    }
}
