using K8Posture.Data;
using K8Posture.Features.Clusters;
using K8Posture.Features.Inventory.Parsing;
using Microsoft.EntityFrameworkCore;

namespace K8Posture.Features.Inventory;

/// <summary>One inventory record as the API, the page and the export show it.</summary>
public sealed record InventoryRow(
    long Id,
    InventoryKind Kind,
    string Name,
    string Source,
    ClusterProvider? Provider,
    string? CloudAccount,
    string? Vpc,
    string? Region,
    string? Endpoint,
    string? Hostname,
    string? UserName,
    string? Product,
    string? Version,
    string? Ports,
    long Requests,
    long Bytes,
    string? BusinessUnit,
    string? OwnerTeam,
    int? ClusterId,
    string? ClusterName,
    bool? ClusterManaged,
    [property: System.Text.Json.Serialization.JsonIgnore] ClusterStateColumns? ClusterState,
    string? MatchedBy,
    DateTimeOffset FirstSeenAt,
    DateTimeOffset LastSeenAt,
    string? EvidenceJson);

public sealed record InventoryCriteria(InventoryKind? Kind = null, bool? Discovered = null, string? Search = null);

public sealed record InventoryListResult(int Total, IReadOnlyList<InventoryRow> Items);

/// <summary>A cluster of the landscape with what the inventory knows about it.</summary>
public sealed record InventoryClusterRow(int Id, string Name, ClusterProvider Provider, bool IsManaged, string? CloudAccount, string? Vpc, string? Region,
    string? BusinessUnit, string? ServerUrl, DateTimeOffset? FirstSeenAt, DateTimeOffset? LastSeenAt, string? Source, int OpenExposures, ClusterState State);

public sealed record BusinessUnitCounts(string BusinessUnit, int ManagedClusters, int DiscoveredClusters, int Endpoints, int Desktops, int EgressHosts);

public sealed record EgressSeries(IReadOnlyList<DateOnly> Days, IReadOnlyList<(string Team, IReadOnlyList<long> Pulls)> ByTeam, IReadOnlyList<(string Host, string? Team, long Pulls, long Bytes)> TopHosts);

public sealed record InventoryOverview(
    IReadOnlyList<InventoryClusterRow> Clusters,
    IReadOnlyList<BusinessUnitCounts> ByBusinessUnit,
    IReadOnlyList<InventoryRow> Endpoints,
    IReadOnlyList<InventoryRow> Desktops,
    EgressSeries DockerHub,
    int EgressRecords);

/// <summary>Reads the inventory in the caller's scope (the context's query filters restrict app teams to their rows).</summary>
public sealed class InventoryQueries(IDbContextFactory<K8PostureDbContext> contexts, TimeProvider clock)
{
    public const int MaxPageSize = 500;
    private const string NoUnit = "(no business unit)";
    private const string NoTeam = "(no team)";

    /// <summary>The records the criteria select, unordered; order them, then <see cref="Project"/>.</summary>
    public static IQueryable<InventoryRecord> Filter(K8PostureDbContext db, InventoryCriteria criteria)
    {
        // The linked cluster's name is shown for records the caller may see, even when the cluster list hides it.
        var records = db.InventoryRecords.AsNoTracking().IgnoreQueryFilters([K8PostureDbContext.ClusterVisibilityFilter]);
        if (criteria.Kind is { } kind)
        {
            records = records.Where(r => r.Kind == kind);
        }
        if (criteria.Discovered is { } discovered)
        {
            records = discovered
                ? records.Where(r => r.MatchedClusterId == null || !r.MatchedCluster!.IsManaged)
                : records.Where(r => r.MatchedClusterId != null && r.MatchedCluster!.IsManaged);
        }
        if (!string.IsNullOrWhiteSpace(criteria.Search))
        {
            var q = criteria.Search.Trim();
            records = records.Where(r => r.Name.Contains(q) || (r.Hostname != null && r.Hostname.Contains(q)) || (r.Endpoint != null && r.Endpoint.Contains(q))
                || (r.UserName != null && r.UserName.Contains(q)) || (r.CloudAccount != null && r.CloudAccount.Contains(q)));
        }
        return records;
    }

    public static IQueryable<InventoryRow> Project(IQueryable<InventoryRecord> records) =>
        records.Select(r => new InventoryRow(r.Id, r.Kind, r.Name, r.Source, r.Provider, r.CloudAccount, r.Vpc, r.Region, r.Endpoint, r.Hostname,
            r.UserName, r.Product, r.Version, r.Ports, r.Requests, r.Bytes,
            r.BusinessUnit == null ? null : r.BusinessUnit.Name,
            r.OwnerTeam == null ? null : r.OwnerTeam.Name,
            r.MatchedClusterId, r.MatchedCluster == null ? null : r.MatchedCluster.Name, r.MatchedCluster == null ? null : r.MatchedCluster.IsManaged,
            r.MatchedCluster == null ? null : new ClusterStateColumns(r.MatchedCluster.IsManaged, r.MatchedCluster.ConnectionSecretProtected != null,
                r.MatchedCluster.LastAttemptAt, r.MatchedCluster.LastSuccessAt, r.MatchedCluster.LastError, r.MatchedCluster.RefreshIntervalMinutes),
            r.MatchedBy, r.FirstSeenAt, r.LastSeenAt, r.EvidenceJson));

    public async Task<InventoryListResult> ListAsync(InventoryCriteria criteria, int pageIndex, int pageSize, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var records = Filter(db, criteria);
        var total = await records.CountAsync(cancellationToken);
        var items = await Project(records.OrderBy(r => r.Kind).ThenByDescending(r => r.LastSeenAt).ThenBy(r => r.Id)
            .Skip(pageIndex * pageSize).Take(pageSize)).ToListAsync(cancellationToken);
        return new InventoryListResult(total, items);
    }

    public async Task<InventoryOverview> OverviewAsync(CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var cloudRecords = await db.InventoryRecords.AsNoTracking().IgnoreQueryFilters([K8PostureDbContext.ClusterVisibilityFilter])
            .Where(r => r.Kind == InventoryKind.CloudCluster && r.MatchedClusterId != null)
            .Select(r => new { ClusterId = r.MatchedClusterId!.Value, r.FirstSeenAt, r.LastSeenAt, r.Source })
            .ToListAsync(cancellationToken);
        var seen = cloudRecords.GroupBy(r => r.ClusterId).ToDictionary(g => g.Key, g => (First: g.Min(r => r.FirstSeenAt), Last: g.Max(r => r.LastSeenAt), g.First().Source));
        var exposures = await db.Findings.AsNoTracking().IgnoreQueryFilters([K8PostureDbContext.ClusterVisibilityFilter])
            .Where(f => f.Status == FindingStatus.Open && f.Category == FindingCategory.CloudIamVpcMisconfiguration && f.ClusterId != null)
            .GroupBy(f => f.ClusterId!.Value).Select(g => new { g.Key, Count = g.Count() })
            .ToDictionaryAsync(g => g.Key, g => g.Count, cancellationToken);
        var now = clock.GetUtcNow();
        var clusters = (await db.Clusters.AsNoTracking()
                .Select(c => new { c.Id, c.Name, c.Provider, c.IsManaged, c.CloudAccount, c.Vpc, c.Region, Unit = c.BusinessUnit == null ? null : c.BusinessUnit.Name, c.ServerUrl, c.CreatedAt,
                    Facts = new ClusterStateColumns(c.IsManaged, c.ConnectionSecretProtected != null, c.LastAttemptAt, c.LastSuccessAt, c.LastError, c.RefreshIntervalMinutes) })
                .ToListAsync(cancellationToken))
            .Select(c => new InventoryClusterRow(c.Id, c.Name, c.Provider, c.IsManaged, c.CloudAccount, c.Vpc, c.Region, c.Unit, c.ServerUrl,
                seen.TryGetValue(c.Id, out var s) ? s.First : null, seen.TryGetValue(c.Id, out var s2) ? s2.Last : null,
                seen.TryGetValue(c.Id, out var s3) ? s3.Source : null, exposures.GetValueOrDefault(c.Id), ClusterState.Of(c.Facts, now)))
            .OrderBy(c => c.IsManaged).ThenBy(c => c.Name, StringComparer.OrdinalIgnoreCase)
            .ToList();

        var endpoints = await Project(Filter(db, new InventoryCriteria(InventoryKind.NetworkEndpoint)).OrderByDescending(r => r.LastSeenAt).Take(200)).ToListAsync(cancellationToken);
        var desktops = await Project(Filter(db, new InventoryCriteria(InventoryKind.Desktop)).OrderByDescending(r => r.LastSeenAt).Take(500)).ToListAsync(cancellationToken);
        var recordUnits = await db.InventoryRecords.AsNoTracking()
            .GroupBy(r => new { Unit = r.BusinessUnit == null ? null : r.BusinessUnit.Name, r.Kind })
            .Select(g => new { g.Key.Unit, g.Key.Kind, Count = g.Count() })
            .ToListAsync(cancellationToken);
        var egressHosts = await db.InventoryRecords.AsNoTracking().Where(r => r.Kind == InventoryKind.EgressPull)
            .Select(r => new { Unit = r.BusinessUnit == null ? null : r.BusinessUnit.Name, r.Hostname }).Distinct().ToListAsync(cancellationToken);
        var units = clusters.Select(c => c.BusinessUnit ?? NoUnit).Concat(recordUnits.Select(r => r.Unit ?? NoUnit)).Distinct()
            .Select(unit => new BusinessUnitCounts(unit,
                clusters.Count(c => c.IsManaged && (c.BusinessUnit ?? NoUnit) == unit),
                clusters.Count(c => !c.IsManaged && (c.BusinessUnit ?? NoUnit) == unit),
                recordUnits.Where(r => (r.Unit ?? NoUnit) == unit && r.Kind == InventoryKind.NetworkEndpoint).Sum(r => r.Count),
                recordUnits.Where(r => (r.Unit ?? NoUnit) == unit && r.Kind == InventoryKind.Desktop).Sum(r => r.Count),
                egressHosts.Count(h => (h.Unit ?? NoUnit) == unit)))
            .OrderBy(u => u.BusinessUnit == NoUnit).ThenBy(u => u.BusinessUnit, StringComparer.OrdinalIgnoreCase)
            .ToList();

        var dockerHub = await DockerHubAsync(db, cancellationToken);
        var egressRecords = await db.InventoryRecords.CountAsync(r => r.Kind == InventoryKind.EgressPull, cancellationToken);
        return new InventoryOverview(clusters, units, endpoints, desktops, dockerHub, egressRecords);
    }

    /// <summary>docker.io pulls per day and team over the 30 days up to the newest day with data; the top pulling hosts.</summary>
    private static async Task<EgressSeries> DockerHubAsync(K8PostureDbContext db, CancellationToken cancellationToken)
    {
        var daily = db.EgressDaily.AsNoTracking().Where(d => d.Registry == RegistryHosts.DockerHub);
        var newest = await daily.MaxAsync(d => (DateOnly?)d.Day, cancellationToken);
        if (newest is null)
        {
            return new EgressSeries([], [], []);
        }
        var from = newest.Value.AddDays(-29);
        var rows = await daily.Where(d => d.Day >= from)
            .Select(d => new { d.Day, d.OwnerTeamId, d.SourceHost, d.Requests, d.Bytes })
            .ToListAsync(cancellationToken);
        var teamNames = await db.Teams.AsNoTracking().ToDictionaryAsync(t => t.Id, t => t.Name, cancellationToken);
        string TeamName(int? id) => id is { } t && teamNames.TryGetValue(t, out var name) ? name : NoTeam;
        var first = rows.Min(r => r.Day);
        var days = Enumerable.Range(0, newest.Value.DayNumber - first.DayNumber + 1).Select(first.AddDays).ToList();
        var byTeam = rows.GroupBy(r => TeamName(r.OwnerTeamId))
            .OrderBy(g => g.Key == NoTeam).ThenBy(g => g.Key, StringComparer.OrdinalIgnoreCase)
            .Select(g => (g.Key, (IReadOnlyList<long>)days.Select(day => g.Where(r => r.Day == day).Sum(r => r.Requests)).ToList()))
            .ToList();
        var topHosts = rows.GroupBy(r => (r.SourceHost, r.OwnerTeamId))
            .Select(g => (g.Key.SourceHost, (string?)TeamName(g.Key.OwnerTeamId), g.Sum(r => r.Requests), g.Sum(r => r.Bytes)))
            .OrderByDescending(h => h.Item3).Take(10).ToList();
        return new EgressSeries(days, byTeam, topHosts);
    }
}
