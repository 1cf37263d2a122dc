using K8Posture.Data;
using K8Posture.Shared;
using Microsoft.EntityFrameworkCore;

namespace K8Posture.Features.Remediation;

public sealed record WorkItem(
    long Id, FindingSeverity Severity, string Title, string? RuleOrVulnerability, int? TeamId, string? TeamName, string? Where,
    DateTimeOffset FirstSeenAt, DateTimeOffset? SlaDueAt, RemediationStatus Status, string? Assignee, DateTimeOffset? ChangedAt = null);

/// <summary>The team queue's counts and short lists; the overdue and due-soon rows are paged by <see cref="RemediationQueries.QueueSectionAsync"/>.</summary>
public sealed record TeamQueue(
    int OverdueTotal,
    int DueSoonTotal,
    IReadOnlyList<RiskAcceptanceRow> WaitingOnApproval,
    IReadOnlyList<WorkItem> RecentlyReopened);

/// <summary>The dated sections of the team queue, which page through every finding they hold.</summary>
public enum QueueSectionKind { Overdue, DueSoon }

public sealed record WorkListCriteria(int? TeamId = null, RemediationStatus? Status = null, string? Search = null, bool OverdueOnly = false);

public sealed record MetricPoint(DateOnly Day, int Open, int Overdue, int ClosedInPeriod, double? MttrHours, double? SlaCompliancePercent);

/// <summary>A team's live figures on the metrics tab; <see cref="TeamId"/> null is the unowned bucket.</summary>
public sealed record TeamFiguresRow(int? TeamId, string Name, PostureFigures Figures);

/// <summary>The metrics tab: daily history from the snapshots, today live, and today per team (with the unowned bucket).</summary>
public sealed record RemediationMetricsView(IReadOnlyList<MetricPoint> Points, PostureFigures Today, IReadOnlyList<TeamFiguresRow> ByTeam);

/// <summary>Reads for the remediation pages; every query runs in the caller's scope, so an app team sees its own teams only.</summary>
public sealed class RemediationQueries(IDbContextFactory<K8PostureDbContext> contexts, TimeProvider clock)
{
    public static readonly TimeSpan DueSoonWindow = TimeSpan.FromDays(14);
    public static readonly TimeSpan ReopenedWindow = TimeSpan.FromDays(14);
    private const int ListLimit = 50;

    /// <summary>The team choice that means "findings without an owner team" (team ids start at 1).</summary>
    public const int UnownedTeam = 0;

    /// <summary>One team's findings, the unowned ones for <see cref="UnownedTeam"/>, or all the caller sees for null.</summary>
    private static IQueryable<Finding> OfTeam(IQueryable<Finding> findings, int? teamId) => teamId switch
    {
        null => findings,
        UnownedTeam => findings.Where(f => f.OwnerTeamId == null),
        var team => findings.Where(f => f.OwnerTeamId == team),
    };

    private static IQueryable<WorkItem> Project(IQueryable<Finding> query) => query.Select(f => new WorkItem(
        f.Id, f.Severity, f.Title, f.VulnerabilityId ?? f.RuleId, f.OwnerTeamId, f.OwnerTeam != null ? f.OwnerTeam.Name : null,
        f.ImageRepository ?? (f.ResourceName != null ? f.NamespaceName + "/" + f.ResourceKind + "/" + f.ResourceName : f.ScopeKey),
        f.FirstSeenAt, f.SlaDueAt,
        // The final projection runs on the client, so this is the same function the findings list and exports call.
        RemediationStatuses.Of(f.Status, f.Resolution, f.Workflow),
        f.Assignee, null));

    public async Task<TeamQueue> QueueAsync(int? teamId, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var open = OpenUnjudged(db, teamId);
        var overdueTotal = await CountAsync(db, teamId, Section(open, QueueSectionKind.Overdue, now), cancellationToken);
        var dueSoonTotal = await CountAsync(db, teamId, Section(open, QueueSectionKind.DueSoon, now), cancellationToken);

        var pending = db.RiskAcceptances.AsNoTracking().Where(r => r.Status == RiskAcceptanceStatus.Pending);
        if (teamId is { } t2)
        {
            int? owner = t2 == UnownedTeam ? null : t2;
            pending = pending.Where(r => r.OwnerTeamId == owner);
        }
        var waiting = await RiskAcceptanceService.Project(db, pending.OrderBy(r => r.RequestedAt).Take(ListLimit)).ToListAsync(cancellationToken);

        var since = now - ReopenedWindow;
        var reopenedEvents = db.FindingEvents.AsNoTracking().Where(e => e.At >= since && (e.Kind == FindingEventKind.Reopened
            || (e.Kind == FindingEventKind.ResolutionChanged && e.Detail != null && e.Detail.StartsWith("RiskAccepted → None"))
            || (e.Kind == FindingEventKind.WorkflowChanged && e.Detail != null && e.Detail.StartsWith("Resolved → Open"))));
        var reopenedIds = await reopenedEvents.GroupBy(e => e.FindingId).Select(g => new { FindingId = g.Key, At = g.Max(e => e.At) })
            .OrderByDescending(x => x.At).Take(ListLimit).ToListAsync(cancellationToken);
        var ids = reopenedIds.Select(r => r.FindingId).ToList();
        var reopenedQuery = open.Where(f => ids.Contains(f.Id));
        var reopened = (await Project(reopenedQuery).ToListAsync(cancellationToken))
            .Select(w => w with { ChangedAt = reopenedIds.First(r => r.FindingId == w.Id).At })
            .OrderByDescending(w => w.ChangedAt).ToList();
        return new TeamQueue(overdueTotal, dueSoonTotal, waiting, reopened);
    }

    /// <summary>
    /// One page of the overdue or due-soon section, in the queue's order (see <see cref="QueueOrder"/>).
    /// <paramref name="knownTotal"/>: the section's count the caller already has from <see cref="QueueAsync"/> (the
    /// figure in the section's heading), so the pager says the same number and the count is not run twice per view.
    /// </summary>
    public async Task<(IReadOnlyList<WorkItem> Items, int Total)> QueueSectionAsync(
        int? teamId, QueueSectionKind section, int page, int pageSize, CancellationToken cancellationToken, int? knownTotal = null)
    {
        page = Math.Max(0, page);
        pageSize = Math.Clamp(pageSize, 1, 100);
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var findings = Section(OpenUnjudged(db, teamId), section, clock.GetUtcNow());
        var total = knownTotal ?? await CountAsync(db, teamId, findings, cancellationToken);
        var items = await Project(QueueOrder(findings).Skip(page * pageSize).Take(pageSize)).ToListAsync(cancellationToken);
        return (items, total);
    }

    /// <summary>Open findings without a verdict: what a team still has to fix.</summary>
    private static IQueryable<Finding> OpenUnjudged(K8PostureDbContext db, int? teamId) =>
        OfTeam(db.Findings.AsNoTracking(), teamId).Where(PostureDefinitions.IsOpen);

    /// <summary>
    /// A section's size. Organisation-wide, every severity is named: SQLite then seeks the (Status, Resolution, Severity,
    /// SlaDueAt) index once per severity for the due-date range instead of reading the entry of every open finding (at
    /// 1,000,000 findings the due-soon count reads ~48,000 entries instead of ~850,000). A team's count has its own index.
    /// </summary>
    private static Task<int> CountAsync(K8PostureDbContext db, int? teamId, IQueryable<Finding> section, CancellationToken cancellationToken) =>
        (teamId is null && db.Scope.SeesAllTeams ? section.Where(f => EF.Constant(EverySeverity).Contains(f.Severity)) : section).CountAsync(cancellationToken);

    private static readonly FindingSeverity[] EverySeverity = Enum.GetValues<FindingSeverity>();

    private static IQueryable<Finding> Section(IQueryable<Finding> open, QueueSectionKind section, DateTimeOffset now) => section switch
    {
        QueueSectionKind.Overdue => open.Where(PostureDefinitions.IsOverdue(now)),
        _ => open.Where(f => f.SlaDueAt != null && f.SlaDueAt >= now && f.SlaDueAt < now + DueSoonWindow),
    };

    /// <summary>
    /// Worst first, then the earliest due date (the most days overdue, or the nearest deadline): a team's two Criticals come
    /// before a Low that is months late. The id keeps pages stable when due dates tie.
    /// </summary>
    private static IOrderedQueryable<Finding> QueueOrder(IQueryable<Finding> findings) =>
        findings.OrderByDescending(f => f.Severity).ThenBy(f => f.SlaDueAt).ThenBy(f => f.Id);

    public async Task<(IReadOnlyList<WorkItem> Items, int Total)> WorkListAsync(WorkListCriteria criteria, int page, int pageSize, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var query = OfTeam(db.Findings.AsNoTracking(), criteria.TeamId);
        query = criteria.Status is { } status ? query.Where(RemediationStatuses.Is(status)) : query.Where(f => f.Status == FindingStatus.Open);
        if (criteria.OverdueOnly)
        {
            var now = clock.GetUtcNow();
            query = query.Where(f => f.SlaDueAt != null && f.SlaDueAt < now);
        }
        if (!string.IsNullOrWhiteSpace(criteria.Search))
        {
            var term = criteria.Search.Trim();
            query = query.Where(f => f.Title.Contains(term) || (f.VulnerabilityId != null && f.VulnerabilityId.Contains(term)) || (f.RuleId != null && f.RuleId.Contains(term))
                || (f.ImageRepository != null && f.ImageRepository.Contains(term)) || (f.ResourceName != null && f.ResourceName.Contains(term)) || (f.Assignee != null && f.Assignee.Contains(term)));
        }
        var total = await query.CountAsync(cancellationToken);
        var items = await Project(query.OrderBy(f => f.SlaDueAt == null).ThenBy(f => f.SlaDueAt).ThenByDescending(f => f.Severity).ThenBy(f => f.Id)
            .Skip(page * pageSize).Take(pageSize)).ToListAsync(cancellationToken);
        return (items, total);
    }

    public async Task<WorkItem?> FindingAsync(long id, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        return await Project(db.Findings.AsNoTracking().Where(f => f.Id == id)).FirstOrDefaultAsync(cancellationToken);
    }

    public async Task<IReadOnlyList<(int Id, string Name)>> VisibleTeamsAsync(CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var scope = db.Scope;
        return (await TeamList.ByNameAsync(db, cancellationToken)).Where(t => scope.SeesAllTeams || scope.TeamIds.Contains(t.Id)).ToList();
    }

    /// <summary>
    /// The metrics of one team (<see cref="UnownedTeam"/>: the unowned findings), or of every finding the caller sees
    /// (null, unowned included). Today is computed live with <see cref="PostureFigureQueries"/>, the same definitions the
    /// landscape and the executive report use; earlier days come from the daily snapshots, which the job builds with them
    /// too. Summed history weighs MTTR by remediations and SLA compliance by the findings judged (remediated + overdue).
    /// </summary>
    public async Task<RemediationMetricsView> MetricsAsync(int? teamId, int days, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var today = DateOnly.FromDateTime(now.UtcDateTime);
        var from = today.AddDays(-days);
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var query = db.RemediationMetricSnapshots.AsNoTracking().Where(s => s.Day >= from && s.Day < today);
        query = teamId switch
        {
            null => query,
            UnownedTeam => query.Where(s => s.TeamId == null),
            var team => query.Where(s => s.TeamId == team),
        };
        var rows = await query.ToListAsync(cancellationToken);
        var points = rows.GroupBy(r => r.Day).OrderBy(g => g.Key).Select(g =>
        {
            var closed = g.Sum(r => r.ClosedInPeriod);
            var mttrWeight = g.Where(r => r.MttrHours != null).Sum(r => r.ClosedInPeriod);
            double? mttr = mttrWeight == 0 ? null : g.Where(r => r.MttrHours != null).Sum(r => r.MttrHours!.Value * r.ClosedInPeriod) / mttrWeight;
            var judgedRows = g.Where(r => r.SlaCompliancePercent != null).ToList();
            var judged = judgedRows.Sum(r => r.ClosedInPeriod + r.Overdue);
            double? compliance = judged == 0 ? null : judgedRows.Sum(r => r.SlaCompliancePercent!.Value * (r.ClosedInPeriod + r.Overdue)) / judged;
            return new MetricPoint(g.Key, g.Sum(r => r.Open), g.Sum(r => r.Overdue), closed, mttr, compliance);
        }).ToList();

        var byTeam = await PostureFigureQueries.ByTeamAsync(OfTeam(db.Findings.AsNoTracking(), teamId), now, cancellationToken);
        var total = PostureFigures.Sum(byTeam.Select(t => t.Figures));
        points.Add(new MetricPoint(today, total.Open, total.Overdue, total.Remediated, total.MttrHours, total.SlaCompliancePercent));
        var names = await db.Teams.AsNoTracking().ToDictionaryAsync(t => t.Id, t => t.Name, cancellationToken);
        var teamRows = byTeam
            .Select(t => new TeamFiguresRow(t.TeamId, t.TeamId is { } id ? names.GetValueOrDefault(id, $"Team {id}") : PostureDefinitions.UnownedLabel, t.Figures))
            .OrderBy(t => t.TeamId is null).ThenByDescending(t => t.Figures.Open).ThenBy(t => t.Name, StringComparer.Ordinal)
            .ToList();
        return new RemediationMetricsView(points, total, teamRows);
    }
}
