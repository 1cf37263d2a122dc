using K8Posture.Data;
using K8Posture.Shared;
using Microsoft.EntityFrameworkCore;

namespace K8Posture.Features.Remediation;

/// <summary>
/// The rows of the two daily snapshots that feed the trends — the landscape's open counts (<see cref="LandscapeSnapshot"/>)
/// and the remediation figures (<see cref="RemediationMetricSnapshot"/>) — built with <see cref="PostureDefinitions"/>, so
/// a trend ends where the live figure stands. Days without a snapshot (history that predates the snapshots or a change
/// of definition) are rebuilt from each finding's first-seen and closed dates instead of being drawn as a cliff.
/// </summary>
public static class PostureSnapshots
{
    /// <summary>How far back <see cref="BackfillAsync"/> rebuilds by default: the longest range the remediation chart shows.</summary>
    public const int BackfillDays = 90;

    /// <summary>Today's open counts by owner team, category and severity.</summary>
    public static async Task<List<LandscapeSnapshot>> LandscapeRowsAsync(IQueryable<Finding> findings, DateOnly day, CancellationToken cancellationToken)
    {
        var counts = await findings.Where(PostureDefinitions.IsOpen)
            .GroupBy(f => new { f.OwnerTeamId, f.Category, f.Severity })
            .Select(g => new { g.Key.OwnerTeamId, g.Key.Category, g.Key.Severity, Count = g.Count() })
            .ToListAsync(cancellationToken);
        return counts.Select(c => new LandscapeSnapshot { Day = day, TeamId = c.OwnerTeamId, Category = c.Category, Severity = c.Severity, OpenCount = c.Count }).ToList();
    }

    /// <summary>Today's remediation figures, one row per team (teams without findings too) and one for the unowned findings.</summary>
    public static async Task<List<RemediationMetricSnapshot>> MetricRowsAsync(K8PostureDbContext db, IQueryable<Finding> findings, DateOnly day, DateTimeOffset asOf, CancellationToken cancellationToken) =>
        MetricRows(await PostureFigureQueries.ByTeamAsync(findings, asOf, cancellationToken), await db.Teams.Select(t => t.Id).ToListAsync(cancellationToken), day);

    private static List<RemediationMetricSnapshot> MetricRows(IReadOnlyList<TeamPostureFigures> byTeam, IReadOnlyList<int> teamIds, DateOnly day)
    {
        var teams = byTeam.Select(t => t.TeamId).Concat(teamIds.Select(id => (int?)id)).Distinct();
        return teams.Select(team =>
        {
            var figures = byTeam.FirstOrDefault(t => t.TeamId == team)?.Figures ?? PostureFigures.None;
            return new RemediationMetricSnapshot
            {
                Day = day,
                TeamId = team,
                Open = figures.Open,
                Overdue = figures.Overdue,
                ClosedInPeriod = figures.Remediated,
                MttrHours = figures.MttrHours,
                SlaCompliancePercent = figures.SlaCompliancePercent,
            };
        }).ToList();
    }

    /// <summary>
    /// Rebuilds both snapshots for the days in [<paramref name="fromDay"/>, <paramref name="toDay"/>] (each as at the start
    /// of the day, UTC) from finding history. With <paramref name="replace"/> false only days without rows are written;
    /// with true the days' rows are replaced (after a change of definition). Assumes today's verdict, severity and owner.
    /// </summary>
    public static async Task<int> BackfillAsync(K8PostureDbContext db, DateOnly fromDay, DateOnly toDay, bool replace, CancellationToken cancellationToken)
    {
        var findings = db.Findings.AsNoTracking().IgnoreQueryFilters();
        var teamIds = await db.Teams.IgnoreQueryFilters().Select(t => t.Id).ToListAsync(cancellationToken);
        var landscapeDays = (await db.LandscapeSnapshots.IgnoreQueryFilters().Where(s => s.Day >= fromDay && s.Day <= toDay).Select(s => s.Day).Distinct().ToListAsync(cancellationToken)).ToHashSet();
        var metricDays = (await db.RemediationMetricSnapshots.IgnoreQueryFilters().Where(s => s.Day >= fromDay && s.Day <= toDay).Select(s => s.Day).Distinct().ToListAsync(cancellationToken)).ToHashSet();
        var written = 0;
        for (var day = fromDay; day <= toDay; day = day.AddDays(1))
        {
            var asOf = PostureDefinitions.StartOf(day);
            if (replace || !landscapeDays.Contains(day))
            {
                var open = await findings.Where(PostureDefinitions.WasOpenAt(asOf))
                    .GroupBy(f => new { f.OwnerTeamId, f.Category, f.Severity })
                    .Select(g => new { g.Key.OwnerTeamId, g.Key.Category, g.Key.Severity, Count = g.Count() })
                    .ToListAsync(cancellationToken);
                var current = day;
                await db.LandscapeSnapshots.IgnoreQueryFilters().Where(s => s.Day == current).ExecuteDeleteAsync(cancellationToken);
                db.LandscapeSnapshots.AddRange(open.Select(c => new LandscapeSnapshot { Day = day, TeamId = c.OwnerTeamId, Category = c.Category, Severity = c.Severity, OpenCount = c.Count }));
                written += open.Count;
            }
            if (replace || !metricDays.Contains(day))
            {
                var rows = MetricRows(await PostureFigureQueries.ByTeamAtAsync(findings, asOf, cancellationToken), teamIds, day);
                var current = day;
                await db.RemediationMetricSnapshots.IgnoreQueryFilters().Where(s => s.Day == current).ExecuteDeleteAsync(cancellationToken);
                db.RemediationMetricSnapshots.AddRange(rows);
                written += rows.Count;
            }
            await db.SaveChangesAsync(cancellationToken);
        }
        return written;
    }
}
