using K8Posture.Data;
using Microsoft.EntityFrameworkCore;

namespace K8Posture.Features.Findings;

public sealed record FindingEventRow(FindingEventKind Kind, DateTimeOffset At, long? BatchId, string? Actor, string? Detail);

public sealed record FindingSightingRow(string Source, string ScopeKey, bool IsOpen, DateTimeOffset FirstSeenAt, DateTimeOffset LastSeenAt, long? LastBatchId);

/// <summary>Where else the same vulnerability is open: one row per image (or resource) and cluster.</summary>
public sealed record SameVulnerabilityRow(string? Cluster, string? Image, string? Namespace, string? Resource, int Findings);

public sealed record FindingDetail(
    Finding Finding,
    string? ClusterName,
    string? OwnerTeamName,
    IReadOnlyList<FindingEventRow> Events,
    IReadOnlyList<FindingSightingRow> Sightings,
    IReadOnlyList<SameVulnerabilityRow> SameVulnerabilityElsewhere,
    int SameVulnerabilityTotal)
{
    public IReadOnlyList<string> ReferenceLinks =>
        (Finding.References ?? "").Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Where(r => Uri.TryCreate(r, UriKind.Absolute, out var uri) && uri.Scheme is "https" or "http")
            .Distinct(StringComparer.Ordinal)
            .ToList();
}

/// <summary>
/// Everything the explorer's detail drawer shows for one finding. All reads go through the scoped context, so an app
/// team gets nothing for another team's finding and sees the same CVE only where it is theirs.
/// </summary>
public sealed class FindingDetails(IDbContextFactory<K8PostureDbContext> contexts)
{
    public const int MaxEvents = 200;
    public const int MaxElsewhere = 50;

    public async Task<FindingDetail?> GetAsync(long id, CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var finding = await db.Findings.AsNoTracking().FirstOrDefaultAsync(f => f.Id == id, cancellationToken);
        if (finding is null)
        {
            return null;
        }
        var names = await db.Findings.AsNoTracking().IgnoreQueryFilters([K8PostureDbContext.ClusterVisibilityFilter])
            .Where(f => f.Id == id)
            .Select(f => new { Cluster = f.Cluster!.Name, Team = f.OwnerTeam!.Name })
            .FirstAsync(cancellationToken);
        var events = await db.FindingEvents.AsNoTracking().Where(e => e.FindingId == id)
            .OrderByDescending(e => e.At).ThenByDescending(e => e.Id).Take(MaxEvents)
            .Select(e => new FindingEventRow(e.Kind, e.At, e.BatchId, e.Actor, e.Detail))
            .ToListAsync(cancellationToken);
        var sightings = await db.FindingSightings.AsNoTracking().Where(s => s.FindingId == id)
            .OrderBy(s => s.Source)
            .Select(s => new FindingSightingRow(s.Source, s.ScopeKey, s.IsOpen, s.FirstSeenAt, s.LastSeenAt, s.LastBatchId))
            .ToListAsync(cancellationToken);

        IReadOnlyList<SameVulnerabilityRow> elsewhere = [];
        var total = 0;
        if (finding.VulnerabilityId is { } vulnerability)
        {
            var same = db.Findings.AsNoTracking().IgnoreQueryFilters([K8PostureDbContext.ClusterVisibilityFilter])
                .Where(f => f.VulnerabilityId == vulnerability && f.Id != id && f.Status == FindingStatus.Open);
            total = await same.CountAsync(cancellationToken);
            var grouped = await same
                .GroupBy(f => new { Cluster = f.Cluster!.Name, f.ImageRegistry, f.ImageRepository, f.ImageTag, f.NamespaceName, f.ResourceKind, f.ResourceName })
                .Select(g => new { g.Key, Count = g.Count() })
                .OrderByDescending(g => g.Count)
                .Take(MaxElsewhere)
                .ToListAsync(cancellationToken);
            elsewhere = grouped.Select(g => new SameVulnerabilityRow(
                    g.Key.Cluster,
                    g.Key.ImageRepository is null ? null : $"{g.Key.ImageRegistry}/{g.Key.ImageRepository}{(g.Key.ImageTag is null ? "" : ":" + g.Key.ImageTag)}",
                    g.Key.NamespaceName,
                    g.Key.ResourceName is null ? null : $"{g.Key.ResourceKind}/{g.Key.ResourceName}",
                    g.Count))
                .ToList();
        }
        return new FindingDetail(finding, names.Cluster, names.Team, events, sightings, elsewhere, total);
    }
}
