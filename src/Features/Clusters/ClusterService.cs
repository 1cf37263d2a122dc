using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Hangfire;
using K8Posture.Data;
using K8Posture.Shared;
using K8Posture.Features.Admin;
using K8Posture.Features.Ingestion;
using Microsoft.EntityFrameworkCore;

namespace K8Posture.Features.Clusters;

/// <summary>Registration, listing, test connection and refresh scheduling of clusters (docs/ARCHITECTURE.md, Data flow: a cluster collection).</summary>
public sealed partial class ClusterService(
    IDbContextFactory<K8PostureDbContext> contexts,
    ClusterConnections connections,
    AuditLog audit,
    FindingStore findingStore,
    IngestPipeline pipeline,
    IRecurringJobManager recurringJobs,
    IBackgroundJobClient backgroundJobs,
    LandscapeChangeNotifier landscape,
    TimeProvider clock)
{
    public const int MinIntervalMinutes = 5;
    public const int MaxIntervalMinutes = 1440;

    public static string RecurringId(int clusterId) => "cluster-refresh-" + clusterId.ToString(CultureInfo.InvariantCulture);

    /// <summary>Every N minutes below an hour; every N/60 hours (rounded) from an hour on.</summary>
    public static string CronFor(int minutes) => minutes < 60
        ? $"*/{minutes} * * * *"
        : minutes >= 1440 ? "0 0 * * *" : $"0 */{Math.Max(1, minutes / 60)} * * *";

    public async Task<IReadOnlyList<ClusterDto>> ListAsync(CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var clusters = await db.Clusters.AsNoTracking().OrderBy(c => c.Name).ToListAsync(cancellationToken);
        var namespaceCounts = await db.Namespaces.AsNoTracking().GroupBy(n => n.ClusterId)
            .Select(g => new { g.Key, Count = g.Count() }).ToDictionaryAsync(g => g.Key, g => g.Count, cancellationToken);
        var teams = await TeamNamesAsync(db, cancellationToken);
        return clusters.Select(c => ToDto(c, namespaceCounts.GetValueOrDefault(c.Id), teams, clock.GetUtcNow())).ToList();
    }

    /// <summary>The teams a cluster can be owned by, by name.</summary>
    public async Task<IReadOnlyList<string>> ListOwnerTeamsAsync(CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        return (await TeamList.ByNameAsync(db, cancellationToken)).Select(t => t.Name).ToList();
    }

    public async Task<ClusterDto?> FindAsync(string name, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var cluster = await db.Clusters.AsNoTracking().FirstOrDefaultAsync(c => c.Name == name, cancellationToken);
        if (cluster is null)
        {
            return null;
        }
        var namespaces = await db.Namespaces.CountAsync(n => n.ClusterId == cluster.Id, cancellationToken);
        return ToDto(cluster, namespaces, await TeamNamesAsync(db, cancellationToken), clock.GetUtcNow());
    }


    private static readonly BatchPayload EmptyPayload = BatchPayload.Of("[]"u8);


    /// <summary>Enqueues a refresh now; null when the caller cannot see a managed cluster of that name.</summary>
    public async Task<string?> EnqueueRefreshAsync(string name, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        SecurityTeamOnly.Require(db.Scope, "Refreshing a cluster");
        var id = await db.Clusters.AsNoTracking().Where(c => c.Name == name && c.ConnectionSecretProtected != null)
            .Select(c => (int?)c.Id).FirstOrDefaultAsync(cancellationToken);
        if (id is null)
        {
            return null;
        }
        var clusterId = id.Value;
        var jobId = backgroundJobs.Enqueue<ClusterCollectionJob>(job => job.RunAsync(clusterId, CancellationToken.None));
        audit.Record(db, "cluster.refresh", nameof(Cluster), clusterId.ToString(CultureInfo.InvariantCulture), after: new { JobId = jobId });
        await db.SaveChangesAsync(cancellationToken);
        return jobId;
    }

    public static IReadOnlyDictionary<string, int> ParseCounts(string? json)
    {
        if (string.IsNullOrEmpty(json))
        {
            return new Dictionary<string, int>();
        }
        try
        {
            return JsonSerializer.Deserialize<Dictionary<string, int>>(json) ?? [];
        }
        catch (JsonException)
        {
            return new Dictionary<string, int>();
        }
    }

    private static Task<Dictionary<int, string>> TeamNamesAsync(K8PostureDbContext db, CancellationToken cancellationToken) =>
        db.Teams.AsNoTracking().ToDictionaryAsync(t => t.Id, t => t.Name, cancellationToken);

    public static ClusterDto ToDto(Cluster c, int namespaces, IReadOnlyDictionary<int, string> teamNames, DateTimeOffset now) => new(c.Id, c.Name, c.Provider, c.Environment, c.Region, c.IsManaged, c.ServerUrl, c.KubeconfigContext,
        c.ConnectionSecretProtected is not null, c.OwnerTeamId is { } teamId ? teamNames.GetValueOrDefault(teamId) : null, c.RefreshIntervalMinutes, c.LastAttemptAt, c.LastSuccessAt, c.LastError, c.LastDurationMs,
        c.ServerVersion, ParseCounts(c.ObjectCountsJson), namespaces, ClusterState.Of(c, now));

    private sealed record ClusterAuditView(string Name, ClusterProvider Provider, string? Environment, string? Region, string? ServerUrl, string? KubeconfigContext,
        int? OwnerTeamId, int RefreshIntervalMinutes, bool IsManaged, string? ConnectionSecret);

    private static ClusterAuditView AuditView(Cluster c) => new(c.Name, c.Provider, c.Environment, c.Region, c.ServerUrl, c.KubeconfigContext, c.OwnerTeamId,
        c.RefreshIntervalMinutes, c.IsManaged, c.ConnectionSecretProtected is null ? null : "[redacted]");

    private static string? Trim(string? value, int max) =>
        string.IsNullOrWhiteSpace(value) ? null : value.Trim() is var t && t.Length > max ? t[..max] : value.Trim();

    [GeneratedRegex("^[A-Za-z0-9]([A-Za-z0-9._-]*[A-Za-z0-9])?$")]
    private static partial Regex ClusterName();
}
