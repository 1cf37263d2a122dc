using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using K8Posture.Data;
using K8Posture.Features.Ingestion;
using K8Posture.Features.Policy;
using K8Posture.Shared.Http;
using Microsoft.EntityFrameworkCore;

namespace K8Posture.Features.Packages;

/// <summary>
/// Turns each package watch's matches into findings, as a push of source <see cref="Source"/> per watch and cluster
/// (scope <c>watch:&lt;id&gt;/cluster:&lt;name&gt;</c>) through the <see cref="IngestPipeline"/> and the <see cref="FindingStore"/>: one
/// finding per workload container (rule <c>package-watch:&lt;id&gt;</c>), owned by the workload's team, closed by the next
/// evaluation that no longer finds it. An evaluation whose matches did not change writes nothing.
/// Runs after every SBOM or cluster-report push, when a watch is saved, and hourly (<see cref="RecurringId"/>).
/// </summary>
public sealed class PackageWatchEvaluator(IServiceScopeFactory scopes, FindingStore store, IngestPipeline pipeline, AuditLog audit, TimeProvider clock)
{
    public const string Source = "package-watch";
    public const string RecurringId = "package-watches";
    public const string Actor = "job:package-watches";

    public static string RulePrefix => Source + ":";
    public static string ScopePrefix(int watchId) => $"watch:{watchId.ToString(CultureInfo.InvariantCulture)}/";

    /// <summary>Every watch, in a scope of its own (the system's: a watch owns findings of every team).</summary>
    public async Task<int> EvaluateAllAsync(string trigger, CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        scope.ServiceProvider.GetRequiredService<DataScope>().SetSystem(Actor);
        var contexts = scope.ServiceProvider.GetRequiredService<IDbContextFactory<K8PostureDbContext>>();
        var sla = PolicySla.SlaOf(await scope.ServiceProvider.GetRequiredService<PolicyStore>().GetCurrentAsync(ct));
        await using var db = await contexts.CreateDbContextAsync(ct);
        var watches = await db.PackageWatches.AsNoTracking().OrderBy(w => w.Id).ToListAsync(ct);
        var total = 0;
        foreach (var watch in watches)
        {
            total += await EvaluateAsync(db, watch, sla, trigger, ct);
        }
        return total;
    }

    /// <summary>The recurring job's entry.</summary>
    public Task<int> RunAsync(CancellationToken ct) => EvaluateAllAsync("schedule", ct);

    /// <summary>One watch just saved, or just deleted (<paramref name="removed"/>: its findings close), in a system scope of its own.</summary>
    public async Task<int> EvaluateOneAsync(int watchId, bool deleted, CancellationToken ct, PackageWatch? removed = null)
    {
        await using var scope = scopes.CreateAsyncScope();
        scope.ServiceProvider.GetRequiredService<DataScope>().SetSystem(Actor);
        var contexts = scope.ServiceProvider.GetRequiredService<IDbContextFactory<K8PostureDbContext>>();
        var sla = PolicySla.SlaOf(await scope.ServiceProvider.GetRequiredService<PolicyStore>().GetCurrentAsync(ct));
        await using var db = await contexts.CreateDbContextAsync(ct);
        var watch = removed ?? await db.PackageWatches.AsNoTracking().FirstOrDefaultAsync(w => w.Id == watchId, ct);
        return watch is null ? 0 : await EvaluateAsync(db, watch, sla, deleted ? "delete" : "save", ct, deleted);
    }

    /// <summary>One watch (or, with <paramref name="watch"/> matching nothing, the closing of its findings); returns its matches.</summary>
    public async Task<int> EvaluateAsync(K8PostureDbContext db, PackageWatch watch, SlaOptions? sla, string trigger, CancellationToken ct, bool deleted = false)
    {
        var matches = deleted ? [] : (await PackageSearch.FindAsync(db, PackageQuestion.Parse(watch.Purl, watch.VersionRange), ct)).Matches;
        var prefix = ScopePrefix(watch.Id);
        var openScopes = await db.FindingSightings.AsNoTracking()
            .Where(s => s.Source == Source && s.IsOpen && s.ScopeKey.StartsWith(prefix))
            .Select(s => s.ScopeKey).Distinct().ToListAsync(ct);
        var byScope = matches.GroupBy(m => prefix + "cluster:" + m.Cluster).ToDictionary(g => g.Key, g => g.ToList(), StringComparer.Ordinal);
        foreach (var scopeKey in byScope.Keys.Union(openScopes, StringComparer.Ordinal).Order(StringComparer.Ordinal))
        {
            var scoped = byScope.GetValueOrDefault(scopeKey) ?? [];
            await PushAsync(db, watch, scopeKey, scoped, sla, trigger, ct);
        }
        await db.PackageWatches.Where(w => w.Id == watch.Id).ExecuteUpdateAsync(s => s
            .SetProperty(w => w.LastEvaluatedAt, clock.GetUtcNow())
            .SetProperty(w => w.LastMatches, matches.Count), ct);
        return matches.Count;
    }

    private async Task PushAsync(K8PostureDbContext db, PackageWatch watch, string scopeKey, List<PackageMatch> matches, SlaOptions? sla, string trigger, CancellationToken ct)
    {
        var findings = matches
            .GroupBy(m => (m.Namespace, m.WorkloadKind, m.WorkloadName, m.Container))
            .Select(g => ToFinding(watch, g.ToList()))
            .OrderBy(f => f.NamespaceName, StringComparer.Ordinal).ThenBy(f => f.ResourceName, StringComparer.Ordinal).ThenBy(f => f.Container, StringComparer.Ordinal)
            .ToList();
        var payload = JsonSerializer.SerializeToUtf8Bytes(new { watch.Id, watch.Name, watch.Purl, watch.VersionRange, watch.Severity, Matches = matches }, HttpJson.Options);
        var sha = Convert.ToHexStringLower(SHA256.HashData(payload));
        var latest = await db.IngestBatches.AsNoTracking()
            .Where(b => b.ScopeKey == scopeKey && b.Source == Source && b.Status == IngestStatus.Processed)
            .OrderByDescending(b => b.Id).Select(b => b.PayloadSha256).FirstOrDefaultAsync(ct);
        if (latest == sha)
        {
            return;
        }
        var now = clock.GetUtcNow();
        var batch = new IngestBatch
        {
            Kind = IngestKind.Scans,
            ReceivedAt = now,
            Status = IngestStatus.Received,
            Format = Source,
            Source = Source,
            ScopeKey = scopeKey,
            ClusterName = matches.FirstOrDefault()?.Cluster,
            Actor = Actor,
            PayloadSha256 = sha,
            PayloadBytes = payload.Length,
            PayloadCompressed = IngestBatchRecording.Gzip(payload),
        };
        await pipeline.StoreAsync(db, batch, ct);
        var clusterId = matches.FirstOrDefault()?.ClusterId;
        var owners = matches.Where(m => m.TeamId is not null).GroupBy(m => m.Namespace, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.First().TeamId!.Value, StringComparer.Ordinal);
        await pipeline.WriteAsync(db, batch, [scopeKey], "package watch findings", async (db, c) =>
        {
            db.ChangeTracker.AutoDetectChangesEnabled = false;
            var counts = await store.ApplyAsync(db, new FindingPush(batch.Id, Source, scopeKey, clusterId, null, owners, Actor, now, sla), findings, c);
            audit.Record(db, "package-watch.evaluate", nameof(PackageWatch), watch.Id.ToString(CultureInfo.InvariantCulture), after: new
            {
                watch.Name, scopeKey, Trigger = trigger, counts.Created, counts.Updated, counts.Unchanged, counts.Closed, counts.Reopened,
            });
            await IngestPipeline.MarkProcessedAsync(db, batch.Id, now, counts, c);
            return counts;
        }, ct);
    }

    private static NormalisedFinding ToFinding(PackageWatch watch, List<PackageMatch> matches)
    {
        var first = matches[0];
        var versions = matches.Select(m => m.ComponentVersion).OfType<string>().Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        var image = ImageReference.TryParse(first.Image + (first.ImageDigest is null ? "" : "@" + first.ImageDigest));
        return new NormalisedFinding
        {
            IdentityKind = FindingIdentityKind.Misconfiguration,
            Category = FindingCategory.Vulnerability,
            Severity = watch.Severity,
            Title = $"Watched package {first.Component} {string.Join(", ", versions)} ({watch.Name})",
            Description = $"Package watch \"{watch.Name}\" ({watch.Purl}{(string.IsNullOrWhiteSpace(watch.VersionRange) ? "" : " " + watch.VersionRange)}) matches "
                + $"{first.Component} {string.Join(", ", versions)} in image {first.Image}, run by {first.WorkloadKind}/{first.WorkloadName} container {first.Container}.",
            RuleId = RulePrefix + watch.Id.ToString(CultureInfo.InvariantCulture),
            PackageName = first.Component,
            PackageType = PackageQuestion.Parse(watch.Purl, null).Package.Type,
            Purl = first.ComponentPurl,
            InstalledVersion = string.Join(", ", versions),
            NamespaceName = first.Namespace,
            ResourceKind = first.WorkloadKind,
            ResourceName = first.WorkloadName,
            Container = first.Container,
            ImageRegistry = image?.Registry,
            ImageRepository = image?.Repository,
            ImageTag = image?.Tag,
            ImageDigest = image?.Digest,
        };
    }
}
