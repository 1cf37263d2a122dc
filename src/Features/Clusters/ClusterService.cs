using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Hangfire;
using K8Posture.Data;
using K8Posture.Features.Admin;
using K8Posture.Features.Ingestion;
using Microsoft.EntityFrameworkCore;

namespace K8Posture.Features.Clusters;

/// <summary>
/// Body of <c>POST /api/v1/clusters</c>: register or update a cluster by name. Give either <see cref="Kubeconfig"/> (with an
/// optional <see cref="Context"/>) or <see cref="ServerUrl"/> + <see cref="Token"/> (+ <see cref="CaCertificate"/> PEM).
/// On an update, leaving out both keeps the stored connection.
/// </summary>
public sealed record RegisterClusterRequest(
    string? Name,
    string? Kubeconfig = null,
    string? Context = null,
    string? ServerUrl = null,
    string? Token = null,
    string? CaCertificate = null,
    string? Provider = null,
    string? Environment = null,
    string? Region = null,
    string? OwnerTeam = null,
    int? RefreshIntervalMinutes = null);

/// <summary>A cluster as APIs and pages show it: never the connection secret, only whether one is stored.</summary>
public sealed record ClusterDto(
    int Id,
    string Name,
    ClusterProvider Provider,
    string? Environment,
    string? Region,
    bool IsManaged,
    string? ServerUrl,
    string? KubeconfigContext,
    bool HasConnection,
    string? OwnerTeam,
    int RefreshIntervalMinutes,
    DateTimeOffset? LastAttemptAt,
    DateTimeOffset? LastSuccessAt,
    string? LastError,
    long? LastDurationMs,
    string? ServerVersion,
    IReadOnlyDictionary<string, int> Counts,
    int Namespaces,
    ClusterState State);

public sealed record ClusterSaveResult(ClusterDto? Cluster, bool Created, IReadOnlyDictionary<string, string[]>? Errors);

public sealed record ConnectionTestResult(bool Ok, string? ServerVersion, string? Error);

/// <summary>What unregistering a cluster did: the findings of its scope that closed, per source.</summary>
public sealed record ClusterUnregistered(string Cluster, IReadOnlyDictionary<string, int> ClosedFindings);

/// <summary>Registration, listing, test connection and refresh scheduling of clusters (DESIGN.md §2, §4).</summary>
public sealed partial class ClusterService(
    IDbContextFactory<K8PostureDbContext> contexts,
    ClusterConnections connections,
    AuditLog audit,
    FindingStore findingStore,
    IngestPipeline pipeline,
    IRecurringJobManager recurringJobs,
    IBackgroundJobClient backgroundJobs,
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

    public async Task<ClusterSaveResult> SaveAsync(RegisterClusterRequest request, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        // Clusters are shared by the teams whose namespaces they run; a team-bound caller must not reshape one.
        SecurityTeamOnly.Require(db.Scope, "Registering or changing a cluster");
        var errors = new Dictionary<string, string[]>();
        void Error(string field, string message) => errors[field] = [.. errors.GetValueOrDefault(field, []), message];

        var name = request.Name?.Trim();
        if (string.IsNullOrEmpty(name))
        {
            Error("name", "The cluster name is required.");
        }
        else if (name.Length > 200 || !ClusterName().IsMatch(name))
        {
            Error("name", "Use up to 200 letters, digits, '-', '_' or '.', starting and ending with a letter or digit.");
        }
        ClusterProvider? provider = null;
        if (!string.IsNullOrWhiteSpace(request.Provider))
        {
            if (Enum.TryParse<ClusterProvider>(request.Provider.Trim(), ignoreCase: true, out var parsed) && Enum.IsDefined(parsed))
            {
                provider = parsed;
            }
            else
            {
                Error("provider", "Use one of: " + string.Join(", ", Enum.GetNames<ClusterProvider>()) + ".");
            }
        }
        var interval = request.RefreshIntervalMinutes;
        if (interval is not null && (interval < MinIntervalMinutes || interval > MaxIntervalMinutes))
        {
            Error("refreshIntervalMinutes", $"Use {MinIntervalMinutes} to {MaxIntervalMinutes} minutes.");
        }

        ClusterConnectionSecret? secret = null;
        string? serverUrl = null;
        string? context = null;
        var hasKubeconfig = !string.IsNullOrWhiteSpace(request.Kubeconfig);
        var hasToken = !string.IsNullOrWhiteSpace(request.Token);
        if (hasKubeconfig && (hasToken || !string.IsNullOrWhiteSpace(request.ServerUrl)))
        {
            Error("kubeconfig", "Give either a kubeconfig or a server URL with a token, not both.");
        }
        else if (hasKubeconfig)
        {
            try
            {
                var contextsInConfig = ClusterConnections.ReadContexts(request.Kubeconfig!);
                var wanted = string.IsNullOrWhiteSpace(request.Context) ? null : request.Context.Trim();
                var chosen = wanted is null ? contextsInConfig.FirstOrDefault(c => c.IsCurrent) ?? (contextsInConfig.Count == 1 ? contextsInConfig[0] : null)
                    : contextsInConfig.FirstOrDefault(c => c.Name == wanted);
                if (chosen is null)
                {
                    Error("context", wanted is null
                        ? "The kubeconfig has no current-context; choose one of: " + string.Join(", ", contextsInConfig.Select(c => c.Name))
                        : $"Context '{wanted}' is not in the kubeconfig; choose one of: " + string.Join(", ", contextsInConfig.Select(c => c.Name)));
                }
                else
                {
                    context = chosen.Name;
                    serverUrl = chosen.Server;
                    secret = new ClusterConnectionSecret(request.Kubeconfig, null, null);
                }
            }
            catch (ClusterConnectionException ex)
            {
                Error("kubeconfig", ex.Message);
            }
        }
        else if (hasToken || !string.IsNullOrWhiteSpace(request.ServerUrl))
        {
            serverUrl = request.ServerUrl?.Trim();
            if (string.IsNullOrEmpty(serverUrl) || !Uri.TryCreate(serverUrl, UriKind.Absolute, out var uri) || uri.Scheme is not ("https" or "http"))
            {
                Error("serverUrl", "Give the API server URL, e.g. https://my-cluster.example.com:6443.");
            }
            if (!hasToken)
            {
                Error("token", "Give a bearer token (e.g. of a read-only service account) with the server URL.");
            }
            if (!string.IsNullOrWhiteSpace(request.CaCertificate))
            {
                try
                {
                    ClusterConnections.ParseCertificates(request.CaCertificate);
                }
                catch (ClusterConnectionException ex)
                {
                    Error("caCertificate", ex.Message);
                }
            }
            secret = new ClusterConnectionSecret(null, request.Token?.Trim(), string.IsNullOrWhiteSpace(request.CaCertificate) ? null : request.CaCertificate.Trim());
        }

        int? ownerTeamId = null;
        if (!string.IsNullOrWhiteSpace(request.OwnerTeam))
        {
            var teamName = request.OwnerTeam.Trim();
            ownerTeamId = await db.Teams.AsNoTracking().Where(t => t.Name == teamName).Select(t => (int?)t.Id).FirstOrDefaultAsync(cancellationToken);
            if (ownerTeamId is null)
            {
                Error("ownerTeam", $"Team '{teamName}' does not exist; use the exact name of a registered team.");
            }
        }
        Cluster? cluster = null;
        if (name is not null && errors.Count == 0)
        {
            cluster = await db.Clusters.IgnoreQueryFilters().FirstOrDefaultAsync(c => c.Name == name, cancellationToken);
            if (secret is null && cluster?.ConnectionSecretProtected is null)
            {
                Error("kubeconfig", "Give a kubeconfig, or a server URL and a token, to connect to the cluster.");
            }
        }
        if (errors.Count > 0)
        {
            return new ClusterSaveResult(null, false, errors);
        }

        var created = cluster is null;
        var before = cluster is null ? null : AuditView(cluster);
        cluster ??= new Cluster { Name = name!, CreatedAt = clock.GetUtcNow() };
        cluster.IsManaged = true;
        if (secret is not null)
        {
            cluster.ConnectionSecretProtected = connections.Protect(secret);
            cluster.ServerUrl = serverUrl;
            cluster.KubeconfigContext = context;
        }
        cluster.Provider = provider ?? cluster.Provider;
        cluster.Environment = Trim(request.Environment, 50) ?? cluster.Environment;
        cluster.Region = Trim(request.Region, 100) ?? cluster.Region;
        cluster.OwnerTeamId = ownerTeamId ?? cluster.OwnerTeamId;
        cluster.RefreshIntervalMinutes = interval ?? cluster.RefreshIntervalMinutes;

        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        if (created)
        {
            db.Clusters.Add(cluster);
        }
        await db.SaveChangesAsync(cancellationToken);
        var after = AuditView(cluster) with { ConnectionSecret = secret is null ? before?.ConnectionSecret : "[redacted: replaced]" };
        audit.Record(db, created ? "cluster.register" : "cluster.update", nameof(Cluster), cluster.Id.ToString(CultureInfo.InvariantCulture), before, after);
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);

        recurringJobs.AddOrUpdate<ClusterCollectionJob>(RecurringId(cluster.Id), job => job.RunAsync(cluster.Id, CancellationToken.None), CronFor(cluster.RefreshIntervalMinutes));
        var namespaces = await db.Namespaces.CountAsync(n => n.ClusterId == cluster.Id, cancellationToken);
        return new ClusterSaveResult(ToDto(cluster, namespaces, await TeamNamesAsync(db, cancellationToken), clock.GetUtcNow()), created, null);
    }

    /// <summary>
    /// Stops managing a cluster: its schedule and stored connection go; the cluster stays, unmanaged, with its namespaces
    /// and history. Nobody watches it any more, so what was reported in its scope (<c>cluster:&lt;name&gt;</c>) closes through
    /// the store, one empty push per source (recorded as a batch, with history and audit), never by deleting evidence.
    /// Null when there is no managed cluster of that name.
    /// </summary>
    public async Task<ClusterUnregistered?> UnregisterAsync(string name, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        SecurityTeamOnly.Require(db.Scope, "Unregistering a cluster");
        var cluster = await db.Clusters.FirstOrDefaultAsync(c => c.Name == name && c.IsManaged, cancellationToken);
        if (cluster is null)
        {
            return null;
        }
        recurringJobs.RemoveIfExists(RecurringId(cluster.Id));
        var clusterId = cluster.Id;
        var scopeKey = "cluster:" + cluster.Name;
        var reportObjects = scopeKey + FindingIdentity.SubjectSeparator;
        var sources = await db.FindingSightings.AsNoTracking().Where(s => (s.ScopeKey == scopeKey || s.ScopeKey.StartsWith(reportObjects)) && s.IsOpen)
            .Select(s => s.Source).Distinct().ToListAsync(cancellationToken);
        var closed = new Dictionary<string, int>(StringComparer.Ordinal);
        var before = AuditView(cluster);
        var now = clock.GetUtcNow();
        await pipeline.WriteAsync(db, null, [scopeKey], "unregistering", async (db, ct) =>
        {
            closed.Clear();
            var cluster = await db.Clusters.FirstAsync(c => c.Id == clusterId, ct);
            foreach (var source in sources)
            {
                var batch = new IngestBatch
                {
                    Kind = IngestKind.Scans,
                    ReceivedAt = now,
                    ProcessedAt = now,
                    Status = IngestStatus.Processed,
                    Format = "cluster-unregistered",
                    Source = source,
                    ScopeKey = scopeKey,
                    ClusterName = cluster.Name,
                    Actor = db.Scope.Actor,
                    PayloadSha256 = EmptyPayloadSha256,
                    PayloadBytes = 2,
                    PayloadCompressed = EmptyPayloadCompressed,
                };
                db.IngestBatches.Add(batch);
                await db.SaveChangesAsync(ct);
                var counts = await findingStore.ApplyAsync(db, new FindingPush(batch.Id, source, scopeKey, cluster.Id, null,
                    new Dictionary<string, int>(), db.Scope.Actor, now) { Complete = true }, [], ct);
                batch.Closed = counts.Closed;
                closed[source] = counts.Closed;
            }
            cluster.ConnectionSecretProtected = null;
            cluster.KubeconfigContext = null;
            cluster.IsManaged = false;
            audit.Record(db, "cluster.unregister", nameof(Cluster), cluster.Id.ToString(CultureInfo.InvariantCulture), before,
                AuditView(cluster) with { ConnectionSecret = before.ConnectionSecret is null ? null : "[redacted: removed]" });
            return 0;
        }, cancellationToken);
        return new ClusterUnregistered(cluster.Name, closed);
    }

    private const string EmptyPayloadSha256 = "4f53cda18c2baa0c0354bb5f9a3ecbe5ed12ab4d8e11ba873c2f11161202b945";

    private static readonly byte[] EmptyPayloadCompressed = IngestBatchRecording.Gzip("[]"u8);


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

    /// <summary>Tests a connection that is being entered (nothing stored).</summary>
    public static async Task<ConnectionTestResult> TestAsync(ClusterConnectionSecret secret, string? serverUrl, string? context, CancellationToken cancellationToken)
    {
        try
        {
            var config = ClusterConnections.BuildConfiguration(secret, serverUrl, context);
            var version = await ClusterConnections.GetVersionAsync(config, TimeSpan.FromSeconds(10), cancellationToken);
            return new ConnectionTestResult(true, version, null);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException && !cancellationToken.IsCancellationRequested)
        {
            return new ConnectionTestResult(false, null, ClusterConnections.Describe(ex, secret));
        }
    }

    /// <summary>Tests the stored connection of a registered cluster.</summary>
    public async Task<ConnectionTestResult?> TestStoredAsync(string name, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        SecurityTeamOnly.Require(db.Scope, "Testing a cluster's connection");
        var cluster = await db.Clusters.AsNoTracking().FirstOrDefaultAsync(c => c.Name == name, cancellationToken);
        if (cluster is null)
        {
            return null;
        }
        if (cluster.ConnectionSecretProtected is null)
        {
            return new ConnectionTestResult(false, null, "No connection is registered for this cluster.");
        }
        ClusterConnectionSecret secret;
        try
        {
            secret = connections.Unprotect(cluster.ConnectionSecretProtected);
        }
        catch (ClusterConnectionException ex)
        {
            return new ConnectionTestResult(false, null, ex.Message);
        }
        return await TestAsync(secret, cluster.ServerUrl, cluster.KubeconfigContext, cancellationToken);
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
