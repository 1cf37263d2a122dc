using System.Globalization;
using K8Posture.Data;
using K8Posture.Features.Clusters;
using K8Posture.Features.Findings;
using K8Posture.Features.Ingestion;
using K8Posture.Features.Policy;
using K8Posture.Shared;
using K8Posture.Shared.Charts;
using Microsoft.EntityFrameworkCore;

namespace K8Posture.Features.Landscape;

/// <summary>Open findings of one category and severity.</summary>
public sealed record OpenFindingCount(FindingCategory Category, FindingSeverity Severity, int Count);

public sealed record TrendPoint(DateOnly Day, FindingSeverity Severity, int Count);

/// <summary>A heatmap cell; <see cref="TeamId"/> null is the unowned bucket.</summary>
public sealed record TeamCategoryCount(string Team, FindingCategory Category, int Count)
{
    public int? TeamId { get; init; }
    public bool IsUnowned => TeamId is null;
}

/// <summary>A cluster or namespace ranked by <see cref="RiskScore"/>.</summary>
public sealed record RiskRow(string Cluster, string? Namespace, double Score, RiskInputs Inputs);

public sealed record OwaspCount(string Id, string Name, int Count);

public sealed record RegistryPosture(string Registry, bool Allowed, int Images, int OpenFindings);

/// <summary>What the landscape, cluster and team pages show; already limited to the caller's teams by the data scope.</summary>
public sealed record LandscapeSummary(IReadOnlyList<OpenFindingCount> OpenCounts, int ClusterCount, bool HasAnyFinding)
{
    /// <summary>Registered (collected or not), by <see cref="ClusterState"/>.</summary>
    public int ManagedClusters => ClusterStates.Count(s => s.IsRegistered);
    public int DiscoveredClusters => ClusterStates.Count(s => s.Kind == ClusterStateKind.Discovered);
    /// <summary>The state of each cluster counted in <see cref="ClusterCount"/>.</summary>
    public IReadOnlyList<ClusterState> ClusterStates { get; init; } = [];
    /// <summary>Open, overdue, owned, SLA compliance and MTTR by the shared definitions (<see cref="PostureDefinitions"/>).</summary>
    public PostureFigures Figures { get; init; } = PostureFigures.None;
    public RuntimeSignals Runtime { get; init; } = RuntimeSignals.NoData;
    public IReadOnlyList<TrendPoint> Trend { get; init; } = [];
    /// <summary>The trend has no cluster dimension: a cluster or environment filter does not narrow it.</summary>
    public bool TrendIgnoresClusterFilter { get; init; }
    public IReadOnlyList<TeamCategoryCount> TeamHeatmap { get; init; } = [];
    public IReadOnlyList<RiskRow> RiskiestClusters { get; init; } = [];
    public IReadOnlyList<RiskRow> RiskiestNamespaces { get; init; } = [];
    public IReadOnlyList<OwaspCount> Owasp { get; init; } = [];
    public IReadOnlyList<RegistryPosture> Registries { get; init; } = [];

    public int OpenCritical => CountOf(FindingSeverity.Critical);
    public int OpenHigh => CountOf(FindingSeverity.High);
    public int TotalOpen => OpenCounts.Sum(c => c.Count);

    public int ImagesSeen => Registries.Sum(r => r.Images);
    public int UnapprovedImages => Registries.Where(r => !r.Allowed).Sum(r => r.Images);
    public double? UnapprovedImagePercent => ImagesSeen == 0 ? null : 100.0 * UnapprovedImages / ImagesSeen;

    /// <summary>Nothing was ever pushed that the caller may see.</summary>
    public bool IsEmpty => !HasAnyFinding;

    public int CountOf(FindingSeverity severity) => OpenCounts.Where(c => c.Severity == severity).Sum(c => c.Count);

    public int CountOf(FindingCategory category, FindingSeverity severity) =>
        OpenCounts.Where(c => c.Category == category && c.Severity == severity).Sum(c => c.Count);
}

/// <summary>
/// The landscape's reads. Everything but two existence checks reads <see cref="LandscapeCell"/> (pre-aggregated by
/// <see cref="LandscapeCubeBuilder"/>) with GROUP BY in SQL, so the cost follows the number of cells, not findings.
/// </summary>
public sealed class LandscapeQueries(
    IDbContextFactory<K8PostureDbContext> contexts,
    LandscapeCubeRefresher cube,
    ILandscapeSignalSource signals,
    TimeProvider? clock = null)
{
    public const int TopRiskRows = 10;
    public const int HeatmapTeams = 15;

    private readonly TimeProvider _clock = clock ?? TimeProvider.System;

    public static readonly IReadOnlyList<(string Id, string Name)> OwaspTop10 =
    [
        ("K01", "Insecure workload configurations"),
        ("K02", "Overly permissive authorization"),
        ("K03", "Secrets management failures"),
        ("K04", "Lack of cluster-level policy enforcement"),
        ("K05", "Missing network segmentation controls"),
        ("K06", "Overly exposed Kubernetes components"),
        ("K07", "Misconfigured and vulnerable cluster components"),
        ("K08", "Cluster-to-cloud lateral movement"),
        ("K09", "Broken authentication mechanisms"),
        ("K10", "Inadequate logging and monitoring"),
    ];

    public Task<LandscapeSummary> GetSummaryAsync(CancellationToken cancellationToken = default) => GetSummaryAsync(new LandscapeFilter(), cancellationToken);

    public async Task<LandscapeSummary> GetSummaryAsync(LandscapeFilter filter, CancellationToken cancellationToken = default)
    {
        await cube.EnsureBuiltAsync(cancellationToken);
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var scope = await ResolvedScope.ResolveAsync(db, filter.Org, cancellationToken);
        var now = _clock.GetUtcNow();
        var fromDay = DateOnly.FromDateTime(now.UtcDateTime.AddDays(-filter.RangeDays));

        var cells = Cells(db, scope, filter);
        var namespaces = cells.Where(c => c.Dimension == LandscapeDimension.Namespace);
        var organisationWide = db.Scope.SeesAllTeams && scope.TeamIds is null && scope.ClusterIds is null;
        LandscapeDimension Read(LandscapeDimension dimension) => organisationWide ? dimension.AllTeams() : dimension;
        var openDimension = Read(LandscapeDimension.Namespace);
        var closedDimension = Read(LandscapeDimension.Closed);
        var owaspDimension = Read(LandscapeDimension.Owasp);
        var imageDimension = Read(LandscapeDimension.Image);

        var open = await cells.Where(c => c.Dimension == openDimension)
            .GroupBy(c => new { c.Category, c.Severity })
            .Select(g => new { g.Key.Category, g.Key.Severity, Count = g.Sum(c => c.Count), Overdue = g.Sum(c => c.OverdueCount) })
            .ToListAsync(cancellationToken);
        var openCounts = open.Select(o => new OpenFindingCount(o.Category, o.Severity, o.Count)).ToList();

        var hasAnyFinding = openCounts.Count > 0 || await scope.Apply(db.Findings.AsNoTracking()).AnyAsync(cancellationToken);

        // SLA compliance and MTTR use the shared 30-day window whatever the range; the range bounds the trend only.
        var windowKey = PostureDefinitions.WindowStartDay(now).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        var closed = await cells.Where(c => c.Dimension == closedDimension && string.Compare(c.Key, windowKey) >= 0)
            .GroupBy(_ => 1)
            .Select(g => new { Count = g.Sum(c => c.Count), OnTime = g.Sum(c => c.OnTimeCount), Late = g.Sum(c => c.OverdueCount), Hours = g.Sum(c => c.RemediationHours) })
            .FirstOrDefaultAsync(cancellationToken);

        var clusterQuery = db.Clusters.AsNoTracking();
        if (scope.ClusterIds is { } clusterIds)
        {
            clusterQuery = clusterQuery.Where(c => clusterIds.Contains(c.Id));
        }
        if (scope.TeamIds is { } clusterTeamIds)
        {
            clusterQuery = clusterQuery.OfTeams(clusterTeamIds);
        }
        var clusterStates = (await clusterQuery.Select(ClusterStateColumns.Projection).ToListAsync(cancellationToken))
            .Select(facts => ClusterState.Of(facts, now)).ToList();

        var runtime = await signals.GetAsync(new LandscapeSignalQuery(scope.TeamIds, scope.ClusterIds, now.AddHours(-24)), cancellationToken);

        var clusterNames = await db.Clusters.AsNoTracking().IgnoreQueryFilters([K8PostureDbContext.ClusterVisibilityFilter])
            .Select(c => new { c.Id, c.Name }).ToDictionaryAsync(c => c.Id, c => c.Name, cancellationToken);

        var byCluster = await namespaces.Where(c => c.ClusterId != null)
            .GroupBy(c => c.ClusterId!.Value)
            .Select(g => new RiskCellSums(g.Key, null,
                g.Sum(c => c.Severity == FindingSeverity.Critical ? c.Count : 0),
                g.Sum(c => c.Severity == FindingSeverity.High ? c.Count : 0),
                g.Sum(c => c.Severity == FindingSeverity.Medium ? c.Count : 0),
                g.Sum(c => c.Severity == FindingSeverity.Low ? c.Count : 0),
                g.Sum(c => c.ExposedCount),
                g.Sum(c => c.PrivilegedCount)))
            .ToListAsync(cancellationToken);
        var byNamespace = await namespaces.Where(c => c.ClusterId != null && c.Key != null)
            .GroupBy(c => new { ClusterId = c.ClusterId!.Value, c.Key })
            .Select(g => new RiskCellSums(g.Key.ClusterId, g.Key.Key,
                g.Sum(c => c.Severity == FindingSeverity.Critical ? c.Count : 0),
                g.Sum(c => c.Severity == FindingSeverity.High ? c.Count : 0),
                g.Sum(c => c.Severity == FindingSeverity.Medium ? c.Count : 0),
                g.Sum(c => c.Severity == FindingSeverity.Low ? c.Count : 0),
                g.Sum(c => c.ExposedCount),
                g.Sum(c => c.PrivilegedCount)))
            .ToListAsync(cancellationToken);

        // Unowned open findings are a row of their own (team null), shown beside the teams with the most.
        var heat = await namespaces
            .GroupBy(c => new { c.TeamId, c.Category })
            .Select(g => new { g.Key.TeamId, g.Key.Category, Count = g.Sum(c => c.Count) })
            .ToListAsync(cancellationToken);
        var owned = heat.Where(h => h.TeamId != null).Sum(h => h.Count);
        var topTeams = heat.Where(h => h.TeamId != null).GroupBy(h => h.TeamId!.Value).OrderByDescending(g => g.Sum(h => h.Count)).Take(HeatmapTeams).Select(g => g.Key).ToList();
        var teamNames = await db.Teams.AsNoTracking().Where(t => topTeams.Contains(t.Id)).ToDictionaryAsync(t => t.Id, t => t.Name, cancellationToken);
        var figures = new PostureFigures(open.Sum(o => o.Count), open.Sum(o => o.Overdue), owned,
            closed?.Count ?? 0, closed?.OnTime ?? 0, closed?.Late ?? 0, closed?.Hours ?? 0);

        var owasp = await cells.Where(c => c.Dimension == owaspDimension)
            .GroupBy(c => c.Key)
            .Select(g => new { Id = g.Key, Count = g.Sum(c => c.Count) })
            .ToListAsync(cancellationToken);

        var images = await cells.Where(c => c.Dimension == imageDimension && c.Key != null)
            .GroupBy(c => c.Key)
            .Select(g => new { Key = g.Key, Count = g.Sum(c => c.Count) })
            .ToListAsync(cancellationToken);
        var policy = await CurrentPolicyAsync(db, cancellationToken);

        var (trend, trendIgnoresClusters) = await TrendAsync(db, scope, filter, fromDay, cancellationToken);
        if (!trendIgnoresClusters)
        {
            // Today's point is the live count the KPIs show, not this morning's snapshot.
            var today = DateOnly.FromDateTime(now.UtcDateTime);
            trend = trend.Where(p => p.Day != today)
                .Concat(open.GroupBy(o => o.Severity).Select(g => new TrendPoint(today, g.Key, g.Sum(o => o.Count))))
                .OrderBy(p => p.Day).ThenByDescending(p => p.Severity).ToList();
        }

        return new LandscapeSummary(openCounts, clusterStates.Count, hasAnyFinding)
        {
            ClusterStates = clusterStates,
            Figures = figures,
            Runtime = runtime,
            Trend = trend,
            TrendIgnoresClusterFilter = trendIgnoresClusters,
            TeamHeatmap = heat.Where(h => h.TeamId is { } id && teamNames.ContainsKey(id))
                .Select(h => new TeamCategoryCount(teamNames[h.TeamId!.Value], h.Category, h.Count) { TeamId = h.TeamId })
                .OrderBy(h => h.Team, StringComparer.Ordinal)
                .Concat(heat.Where(h => h.TeamId is null && h.Count > 0).Select(h => new TeamCategoryCount(PostureDefinitions.UnownedLabel, h.Category, h.Count)))
                .ToList(),
            RiskiestClusters = Rank(byCluster, clusterNames, runtime),
            RiskiestNamespaces = Rank(byNamespace, clusterNames, runtime),
            Owasp = OwaspTop10.Select(k => new OwaspCount(k.Id, k.Name, owasp.Where(o => o.Id == k.Id).Sum(o => o.Count))).ToList(),
            Registries = images
                .Select(i => (Image: ImageOf(i.Key!), i.Count))
                .GroupBy(i => i.Image.Registry)
                .Select(g => new RegistryPosture(g.Key, policy.AllowsImage(g.First().Image), g.Count(), g.Sum(i => i.Count)))
                .OrderByDescending(r => r.Images).ThenBy(r => r.Registry, StringComparer.Ordinal)
                .ToList(),
        };
    }

    private sealed record RiskCellSums(int ClusterId, string? Namespace, int Critical, int High, int Medium, int Low, int Exposed, int Privileged);

    private static List<RiskRow> Rank(IEnumerable<RiskCellSums> sums, Dictionary<int, string> clusterNames, RuntimeSignals runtime) =>
        sums.Select(s =>
            {
                var inputs = new RiskInputs(s.Critical, s.High, s.Medium, s.Low, s.Exposed, s.Privileged, runtime.AlertsIn(s.ClusterId, s.Namespace));
                return new RiskRow(clusterNames.GetValueOrDefault(s.ClusterId, $"cluster {s.ClusterId}"), s.Namespace, RiskScore.Compute(inputs), inputs);
            })
            .Where(r => r.Score > 0)
            .OrderByDescending(r => r.Score).ThenBy(r => r.Cluster, StringComparer.Ordinal).ThenBy(r => r.Namespace, StringComparer.Ordinal)
            .Take(TopRiskRows)
            .ToList();

    private static IQueryable<LandscapeCell> Cells(K8PostureDbContext db, ResolvedScope scope, LandscapeFilter filter)
    {
        var cells = db.LandscapeCells.AsNoTracking();
        if (scope.TeamIds is { } teams)
        {
            cells = cells.Where(c => c.TeamId != null && teams.Contains(c.TeamId.Value));
        }
        if (scope.ClusterIds is { } clusters)
        {
            cells = cells.Where(c => c.ClusterId != null && clusters.Contains(c.ClusterId.Value));
        }
        return OfCategoryAndSeverity(cells, filter);
    }

    private static IQueryable<LandscapeCell> OfCategoryAndSeverity(IQueryable<LandscapeCell> cells, LandscapeFilter filter)
    {
        if (filter.Category is { } category)
        {
            cells = cells.Where(c => c.Category == category);
        }
        if (filter.Severity is { } severity)
        {
            cells = cells.Where(c => c.Severity == severity);
        }
        return cells;
    }

    /// <summary>
    /// Organisation-wide readers without a team filter read the all-teams totals in the cells (a few rows per day);
    /// everyone else reads the daily snapshots of their teams (the snapshot's own query filter scopes them).
    /// </summary>
    private static async Task<(IReadOnlyList<TrendPoint>, bool)> TrendAsync(K8PostureDbContext db, ResolvedScope scope, LandscapeFilter filter, DateOnly fromDay, CancellationToken cancellationToken)
    {
        var ignoresClusters = scope.ClusterIds is not null;
        List<TrendPoint> points;
        if (db.Scope.SeesAllTeams && scope.TeamIds is null)
        {
            var fromKey = fromDay.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
            var cells = OfCategoryAndSeverity(
                db.LandscapeCells.AsNoTracking().Where(c => c.Dimension == LandscapeDimension.TrendAllTeams && string.Compare(c.Key, fromKey) >= 0), filter);
            var rows = await cells.GroupBy(c => new { c.Key, c.Severity }).Select(g => new { g.Key.Key, g.Key.Severity, Count = g.Sum(c => c.Count) }).ToListAsync(cancellationToken);
            points = rows.Select(r => new TrendPoint(DateOnly.ParseExact(r.Key!, "yyyy-MM-dd", CultureInfo.InvariantCulture), r.Severity, r.Count)).ToList();
        }
        else
        {
            var snapshots = db.LandscapeSnapshots.AsNoTracking().Where(s => s.Day >= fromDay);
            if (scope.TeamIds is { } teams)
            {
                snapshots = snapshots.Where(s => s.TeamId != null && teams.Contains(s.TeamId.Value));
            }
            if (filter.Category is { } category)
            {
                snapshots = snapshots.Where(s => s.Category == category);
            }
            if (filter.Severity is { } severity)
            {
                snapshots = snapshots.Where(s => s.Severity == severity);
            }
            points = await snapshots.GroupBy(s => new { s.Day, s.Severity })
                .Select(g => new TrendPoint(g.Key.Day, g.Key.Severity, g.Sum(s => s.OpenCount)))
                .ToListAsync(cancellationToken);
        }
        return (points.OrderBy(p => p.Day).ThenByDescending(p => p.Severity).ToList(), ignoresClusters);
    }

    private static async Task<PolicyDocument> CurrentPolicyAsync(K8PostureDbContext db, CancellationToken cancellationToken)
    {
        var latest = await db.PolicyVersions.AsNoTracking().OrderByDescending(v => v.Version).Select(v => v.Document).FirstOrDefaultAsync(cancellationToken);
        return latest is null ? PolicyDocument.Default() : PolicyDocument.FromJson(latest);
    }

    private static ImageReference ImageOf(string key)
    {
        var slash = key.IndexOf('/', StringComparison.Ordinal);
        return slash < 0 ? new ImageReference(ImageReference.DockerHub, key, null, null) : new ImageReference(key[..slash], key[(slash + 1)..], null, null);
    }

    /// <summary>Names of the given teams, for the "Showing team X" line of a team-scoped user.</summary>
    public async Task<IReadOnlyList<string>> GetTeamNamesAsync(IReadOnlyList<int> teamIds, CancellationToken cancellationToken = default)
    {
        if (teamIds.Count == 0)
        {
            return [];
        }
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        return await db.Teams.AsNoTracking()
            .Where(t => teamIds.Contains(t.Id))
            .OrderBy(t => t.Name)
            .Select(t => t.Name)
            .ToListAsync(cancellationToken);
    }

    /// <summary>Choices for the filter bar: the business units, teams, clusters and environments the caller can see.</summary>
    public async Task<FilterChoices> GetFilterChoicesAsync(CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var scope = db.Scope;
        var teams = db.Teams.AsNoTracking();
        if (!scope.SeesAllTeams)
        {
            var ids = scope.TeamIds;
            teams = teams.Where(t => ids.Contains(t.Id));
        }
        var teamRows = await teams.OrderBy(t => t.Name).Select(t => new { t.Name, Unit = t.BusinessUnit!.Name }).ToListAsync(cancellationToken);
        var clusters = await db.Clusters.AsNoTracking().OrderBy(c => c.Name).Select(c => new { c.Name, c.Environment }).ToListAsync(cancellationToken);
        return new FilterChoices(
            teamRows.Where(t => t.Unit != null).Select(t => t.Unit!).Distinct().Order(StringComparer.Ordinal).ToList(),
            teamRows.Select(t => t.Name).ToList(),
            clusters.Select(c => c.Name).ToList(),
            clusters.Where(c => !string.IsNullOrEmpty(c.Environment)).Select(c => c.Environment!).Distinct().Order(StringComparer.Ordinal).ToList());
    }

    /// <summary>One series per severity (worst first), one value per category in <see cref="FindingLabels.Categories"/> order.</summary>
    public static IReadOnlyList<ChartSeries> ToChartSeries(LandscapeSummary summary) =>
        FindingLabels.SeveritiesWorstFirst
            .Select(severity => new ChartSeries(
                severity.Label(),
                FindingLabels.Categories.Select(category => (double?)summary.CountOf(category, severity)).ToList()))
            .ToList();
}

public sealed record FilterChoices(IReadOnlyList<string> BusinessUnits, IReadOnlyList<string> Teams, IReadOnlyList<string> Clusters, IReadOnlyList<string> Environments);
