using System.Globalization;
using K8Posture.Data;
using K8Posture.Features.Admin;
using K8Posture.Features.Ingestion;
using Microsoft.EntityFrameworkCore;

namespace K8Posture.Features.Clusters;

/// <summary>Unregistering a cluster: its schedule removed and the findings of its scope closed.</summary>
public sealed partial class ClusterService
{
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
        var changedClusters = new HashSet<int?>();
        var before = AuditView(cluster);
        var now = clock.GetUtcNow();
        await pipeline.WriteAsync(db, null, [scopeKey], "unregistering", async (db, ct) =>
        {
            closed.Clear();
            var cluster = await db.Clusters.FirstAsync(c => c.Id == clusterId, ct);
            foreach (var source in sources)
            {
                var batch = ReceivedBatch.Written("cluster-unregistered", source, scopeKey, cluster.Name, db.Scope.Actor, EmptyPayload, now, processed: true);
                db.IngestBatches.Add(batch);
                await db.SaveChangesAsync(ct);
                var counts = await findingStore.ApplyAsync(db, new FindingPush(batch.Id, source, scopeKey, cluster.Id, null,
                    new Dictionary<string, int>(), db.Scope.Actor, now) { Complete = true }, [], ct);
                batch.Closed = counts.Closed;
                changedClusters.UnionWith(counts.Clusters);
                closed[source] = counts.Closed;
            }
            cluster.ConnectionSecretProtected = null;
            cluster.KubeconfigContext = null;
            cluster.IsManaged = false;
            audit.Record(db, "cluster.unregister", nameof(Cluster), cluster.Id.ToString(CultureInfo.InvariantCulture), before,
                AuditView(cluster) with { ConnectionSecret = before.ConnectionSecret is null ? null : "[redacted: removed]" });
            return 0;
        }, cancellationToken);
        landscape.NotifyFindingsChanged([.. changedClusters]);
        return new ClusterUnregistered(cluster.Name, closed);
    }
}
