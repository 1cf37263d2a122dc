using System.Linq.Expressions;
using K8Posture.Data;
using Microsoft.EntityFrameworkCore;

namespace K8Posture.Shared;

/// <summary>The posture figures of one owner team (null: the unowned findings).</summary>
public sealed record TeamPostureFigures(int? TeamId, PostureFigures Figures);

/// <summary>
/// Computes <see cref="PostureFigures"/> straight from findings with the <see cref="PostureDefinitions"/> predicates, for the
/// readers that do not go through the landscape cube: the remediation metrics and their snapshots, the API and the
/// executive report. The query passed in is already scoped (the caller's teams, a cluster, a team).
/// </summary>
public static class PostureFigureQueries
{
    /// <summary>Per owner team, with the window of <see cref="PostureDefinitions.WindowStart"/> ending at <paramref name="asOf"/>.</summary>
    public static Task<IReadOnlyList<TeamPostureFigures>> ByTeamAsync(IQueryable<Finding> findings, DateTimeOffset asOf, CancellationToken cancellationToken) =>
        ByTeamAsync(findings, PostureDefinitions.WindowStart(asOf), asOf, cancellationToken);

    /// <summary>Per owner team, remediation counted in [<paramref name="windowStart"/>, <paramref name="asOf"/>].</summary>
    public static Task<IReadOnlyList<TeamPostureFigures>> ByTeamAsync(IQueryable<Finding> findings, DateTimeOffset windowStart, DateTimeOffset asOf, CancellationToken cancellationToken) =>
        ByTeamAsync(findings, PostureDefinitions.IsOpen, PostureDefinitions.IsOverdue(asOf), windowStart, asOf, cancellationToken);

    /// <summary>
    /// Per owner team for a reporting period: open and overdue at <paramref name="asOf"/>, remediation counted in
    /// [<paramref name="windowStart"/>, <paramref name="windowEnd"/>] (the executive report's month, or its last 30 days,
    /// which is the window of <see cref="PostureDefinitions.WindowStart"/>).
    /// </summary>
    public static Task<IReadOnlyList<TeamPostureFigures>> ForPeriodAsync(IQueryable<Finding> findings, DateTimeOffset windowStart, DateTimeOffset windowEnd, DateTimeOffset asOf, CancellationToken cancellationToken) =>
        ByTeamAsync(findings, PostureDefinitions.IsOpen, PostureDefinitions.IsOverdue(asOf), windowStart, windowEnd, cancellationToken);

    /// <summary>
    /// Per owner team as it was at a past instant, rebuilt from first-seen and closed dates (<see cref="PostureDefinitions.WasOpenAt"/>),
    /// for days that have no snapshot.
    /// </summary>
    public static Task<IReadOnlyList<TeamPostureFigures>> ByTeamAtAsync(IQueryable<Finding> findings, DateTimeOffset asOf, CancellationToken cancellationToken) =>
        ByTeamAsync(findings, PostureDefinitions.WasOpenAt(asOf), PostureDefinitions.WasOverdueAt(asOf), PostureDefinitions.WindowStart(asOf), asOf, cancellationToken);

    private static async Task<IReadOnlyList<TeamPostureFigures>> ByTeamAsync(IQueryable<Finding> findings, Expression<Func<Finding, bool>> isOpen,
        Expression<Func<Finding, bool>> isOverdue, DateTimeOffset windowStart, DateTimeOffset windowEnd, CancellationToken cancellationToken)
    {
        var open = await findings.Where(isOpen).GroupBy(f => f.OwnerTeamId)
            .Select(g => new { TeamId = g.Key, Count = g.Count() }).ToListAsync(cancellationToken);
        var overdue = await findings.Where(isOverdue).GroupBy(f => f.OwnerTeamId)
            .Select(g => new { TeamId = g.Key, Count = g.Count() }).ToListAsync(cancellationToken);
        // DateTimeOffset arithmetic does not translate on SQLite; the window holds a month of closures, read as three columns.
        var remediated = await findings.Where(PostureDefinitions.IsRemediatedBetween(windowStart, windowEnd))
            .Select(f => new { f.OwnerTeamId, f.FirstSeenAt, ClosedAt = f.ClosedAt!.Value, f.SlaDueAt }).ToListAsync(cancellationToken);

        var teams = open.Select(o => o.TeamId).Concat(overdue.Select(o => o.TeamId)).Concat(remediated.Select(r => r.OwnerTeamId)).Distinct();
        return teams.Select(team =>
            {
                var closed = remediated.Where(r => r.OwnerTeamId == team).ToList();
                var openCount = open.Where(o => o.TeamId == team).Sum(o => o.Count);
                return new TeamPostureFigures(team, new PostureFigures(
                    openCount,
                    overdue.Where(o => o.TeamId == team).Sum(o => o.Count),
                    team is null ? 0 : openCount,
                    closed.Count,
                    closed.Count(c => PostureDefinitions.OnTime(c.ClosedAt, c.SlaDueAt) == true),
                    closed.Count(c => PostureDefinitions.OnTime(c.ClosedAt, c.SlaDueAt) == false),
                    closed.Sum(c => (c.ClosedAt - c.FirstSeenAt).TotalHours)));
            })
            .OrderBy(t => t.TeamId is null).ThenBy(t => t.TeamId)
            .ToList();
    }

    /// <summary>The figures of all the given findings together (the sum of the teams').</summary>
    public static async Task<PostureFigures> TotalAsync(IQueryable<Finding> findings, DateTimeOffset asOf, CancellationToken cancellationToken) =>
        PostureFigures.Sum((await ByTeamAsync(findings, asOf, cancellationToken)).Select(t => t.Figures));
}
