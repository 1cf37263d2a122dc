using System.Text.Json.Serialization;
using K8Posture.Data;
using Microsoft.EntityFrameworkCore;
using K8Posture.Shared;

namespace K8Posture.Features.Alerts;

/// <summary>What to list; null means any. The caller's team scope is applied by the data context, not here.</summary>
public sealed record AlertsCriteria(
    string? Source = null,
    IocClass? IocClass = null,
    FindingSeverity? Severity = null,
    AlertTriageState? Triage = null,
    string? Cluster = null,
    string? Namespace = null,
    DateTimeOffset? From = null,
    DateTimeOffset? To = null,
    bool IncludeSuppressed = false,
    string? Search = null);

public sealed record AlertRow(
    long Id,
    string Source,
    string? SourceId,
    string Rule,
    string? Priority,
    [property: JsonConverter(typeof(JsonStringEnumConverter<FindingSeverity>))] FindingSeverity Severity,
    [property: JsonConverter(typeof(JsonStringEnumConverter<IocClass>))] IocClass IocClass,
    string? IocEvidence,
    string? Output,
    string? ClusterName,
    string? NamespaceName,
    string? Workload,
    string? Pod,
    string? Container,
    string? Image,
    string? Process,
    string? CommandLine,
    string? User,
    string? OwnerTeamName,
    [property: JsonConverter(typeof(JsonStringEnumConverter<AlertTriageState>))] AlertTriageState Triage,
    string? TriagedBy,
    DateTimeOffset? TriagedAt,
    string? SuppressedBy,
    DateTimeOffset FirstSeenAt,
    DateTimeOffset LastSeenAt,
    int OccurrenceCount);

public sealed record AlertsListResult(int Total, IReadOnlyList<AlertRow> Items);

/// <summary>Alerts per hour and IOC class, for the timeline chart.</summary>
public sealed record AlertTimeline(IReadOnlyList<DateTimeOffset> Hours, IReadOnlyDictionary<IocClass, int[]> CountsByClass);

/// <summary>How many stored alerts one suppression of the policy hides.</summary>
public sealed record SuppressionUsage(AlertSuppression Suppression, int HiddenAlerts);

/// <summary>The one alerts listing, used by the Alerts page, the read API and the export.</summary>
public sealed class AlertsQuery(IDbContextFactory<K8PostureDbContext> contexts)
{
    public const int MaxPageSize = 500;

    public async Task<AlertsListResult> ListAsync(AlertsCriteria criteria, int pageIndex, int pageSize, CancellationToken cancellationToken = default)
    {
        pageIndex = Math.Max(0, pageIndex);
        pageSize = Math.Clamp(pageSize, 1, MaxPageSize);
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var alerts = Filter(Scoped(db), criteria);
        var total = await alerts.CountAsync(cancellationToken);
        var items = await Project(alerts.OrderByDescending(a => a.LastSeenAt).ThenByDescending(a => a.Id).Skip(pageIndex * pageSize).Take(pageSize))
            .ToListAsync(cancellationToken);
        return new AlertsListResult(total, items);
    }

    public async Task<AlertTimeline> TimelineAsync(AlertsCriteria criteria, DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var rows = await Filter(Scoped(db), criteria with { From = from, To = to })
            .Select(a => new { a.LastSeenAt, a.IocClass })
            .ToListAsync(cancellationToken);
        var start = new DateTimeOffset(from.UtcDateTime.Date.AddHours(from.UtcDateTime.Hour), TimeSpan.Zero);
        var hours = new List<DateTimeOffset>();
        for (var hour = start; hour <= to; hour = hour.AddHours(1))
        {
            hours.Add(hour);
        }
        var counts = Enum.GetValues<IocClass>().ToDictionary(c => c, _ => new int[hours.Count]);
        foreach (var row in rows)
        {
            var index = (int)Math.Floor((row.LastSeenAt - start).TotalHours);
            if (index >= 0 && index < hours.Count)
            {
                counts[row.IocClass][index]++;
            }
        }
        return new AlertTimeline(hours, counts);
    }

    /// <summary>Each suppression of the current policy with the number of stored alerts (visible to the caller) it hides.</summary>
    public async Task<IReadOnlyList<SuppressionUsage>> SuppressionUsageAsync(IReadOnlyList<AlertSuppression> suppressions, CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var counts = await Scoped(db).Where(a => a.SuppressedBy != null)
            .GroupBy(a => a.SuppressedBy!)
            .Select(g => new { Key = g.Key, Count = g.Count() })
            .ToDictionaryAsync(g => g.Key, g => g.Count, cancellationToken);
        return suppressions.Select(s => new SuppressionUsage(s, counts.GetValueOrDefault(s.Key))).ToList();
    }

    public async Task<IReadOnlyList<string>> SourcesAsync(CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        return await Scoped(db).Select(a => a.Source).Distinct().OrderBy(s => s).ToListAsync(cancellationToken);
    }

    public async Task<IReadOnlyList<RuntimeAlertEvent>> HistoryAsync(long alertId, CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        return await db.RuntimeAlertEvents.AsNoTracking().Where(e => e.AlertId == alertId).OrderBy(e => e.At).ThenBy(e => e.Id).ToListAsync(cancellationToken);
    }

    public async Task<string?> FieldsJsonAsync(long alertId, CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        return await db.RuntimeAlerts.AsNoTracking().Where(a => a.Id == alertId).Select(a => a.FieldsJson).FirstOrDefaultAsync(cancellationToken);
    }

    /// <summary>Alerts stay scoped by their own filter; only the cluster join may name a cluster the team owns no namespace in.</summary>
    internal static IQueryable<RuntimeAlert> Scoped(K8PostureDbContext db) =>
        db.RuntimeAlerts.AsNoTracking().IgnoreQueryFilters([K8PostureDbContext.ClusterVisibilityFilter]);

    internal static IQueryable<AlertRow> Project(IQueryable<RuntimeAlert> alerts) => alerts.Select(a => new AlertRow(
        a.Id, a.Source, a.SourceId, a.Rule, a.Priority, a.Severity, a.IocClass, a.IocEvidence, a.Output,
        a.ClusterName, a.NamespaceName, a.Workload, a.Pod, a.Container, a.Image, a.Process, a.CommandLine, a.User,
        a.OwnerTeam!.Name, a.Triage, a.TriagedBy, a.TriagedAt, a.SuppressedBy, a.FirstSeenAt, a.LastSeenAt, a.OccurrenceCount));

    internal static IQueryable<RuntimeAlert> Filter(IQueryable<RuntimeAlert> alerts, AlertsCriteria criteria)
    {
        if (!criteria.IncludeSuppressed)
        {
            alerts = alerts.Where(a => a.SuppressedBy == null);
        }
        if (!string.IsNullOrWhiteSpace(criteria.Source))
        {
            var source = criteria.Source.Trim().ToLowerInvariant();
            alerts = alerts.Where(a => a.Source == source);
        }
        if (criteria.IocClass is { } iocClass)
        {
            alerts = alerts.Where(a => a.IocClass == iocClass);
        }
        if (criteria.Severity is { } severity)
        {
            alerts = alerts.Where(a => a.Severity == severity);
        }
        if (criteria.Triage is { } triage)
        {
            alerts = alerts.Where(a => a.Triage == triage);
        }
        if (!string.IsNullOrWhiteSpace(criteria.Cluster))
        {
            var cluster = criteria.Cluster.Trim();
            alerts = alerts.Where(a => a.ClusterName == cluster);
        }
        if (!string.IsNullOrWhiteSpace(criteria.Namespace))
        {
            var ns = criteria.Namespace.Trim();
            alerts = alerts.Where(a => a.NamespaceName == ns);
        }
        if (criteria.From is { } from)
        {
            alerts = alerts.Where(a => a.LastSeenAt >= from);
        }
        if (criteria.To is { } to)
        {
            alerts = alerts.Where(a => a.LastSeenAt <= to);
        }
        if (!string.IsNullOrWhiteSpace(criteria.Search))
        {
            var pattern = SqlLike.Containing(criteria.Search.Trim());
            alerts = alerts.Where(a => EF.Functions.Like(a.Rule, pattern, SqlLike.Escape)
                || EF.Functions.Like(a.Output!, pattern, SqlLike.Escape)
                || EF.Functions.Like(a.Pod!, pattern, SqlLike.Escape)
                || EF.Functions.Like(a.Image!, pattern, SqlLike.Escape)
                || EF.Functions.Like(a.CommandLine!, pattern, SqlLike.Escape));
        }
        return alerts;
    }
}
