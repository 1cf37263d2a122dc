using System.Globalization;
using K8Posture.Data;
using K8Posture.Data.EntityConfigurations;
using K8Posture.Features.Ingestion;
using Microsoft.EntityFrameworkCore;
using static K8Posture.Shared.ColumnLengths;

namespace K8Posture.Features.Clusters;

/// <summary>
/// Replaces the exposed workloads of one cluster with what its collection just derived (one delete, one bulk insert,
/// through the ingest pipeline) and marks the cluster's exposure as collected, so the re-score stops using the
/// namespace-wide approximation for it.
/// </summary>
public sealed class WorkloadExposureStore(IDbContextFactory<K8PostureDbContext> contexts, IngestPipeline pipeline, AuditLog audit, TimeProvider clock)
{
    public async Task<int> ReplaceAsync(int clusterId, IReadOnlyList<ObservedExposure> exposures, IReadOnlyDictionary<string, int> namespaceOwners, CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var rows = exposures.Select(e => new ExposedWorkload
        {
            ClusterId = clusterId,
            NamespaceName = Clip(e.NamespaceName, FindingConfiguration.NamespaceNameMaxLength),
            WorkloadKind = Clip(e.WorkloadKind, FindingConfiguration.ResourceKindMaxLength),
            WorkloadName = Clip(e.WorkloadName, FindingConfiguration.ResourceNameMaxLength),
            Via = e.Via,
            Detail = Clip(e.Detail, ExposedWorkloadConfiguration.DetailMaxLength),
            OwnerTeamId = namespaceOwners.TryGetValue(e.NamespaceName, out var owner) ? owner : null,
        }).ToList();
        return await pipeline.WriteAsync(db, null, ["exposure:" + clusterId.ToString(CultureInfo.InvariantCulture)], "exposed workloads", async (d, c) =>
        {
            var before = await d.ExposedWorkloads.IgnoreQueryFilters().CountAsync(x => x.ClusterId == clusterId, c);
            await d.ExposedWorkloads.IgnoreQueryFilters().Where(x => x.ClusterId == clusterId).ExecuteDeleteAsync(c);
            await BulkInserter.InsertAsync(d, rows, assignIds: false, c);
            var cluster = await d.Clusters.IgnoreQueryFilters().FirstAsync(x => x.Id == clusterId, c);
            cluster.ExposureCollectedAt = clock.GetUtcNow();
            audit.Record(d, "cluster.exposure", nameof(Cluster), clusterId.ToString(CultureInfo.InvariantCulture), new { Count = before }, new
            {
                Count = rows.Count,
                ByWay = rows.GroupBy(r => r.Via).OrderBy(g => g.Key).ToDictionary(g => g.Key.ToString(), g => g.Count()),
            });
            await d.SaveChangesAsync(c);
            return rows.Count;
        }, ct);
    }

    /// <summary>How the workload a finding names is exposed, as the caller may see it; empty when the collection found no way in.</summary>
    public static async Task<IReadOnlyList<string>> DescribeAsync(K8PostureDbContext db, Finding finding, CancellationToken ct)
    {
        if (finding is not { ClusterId: { } clusterId, NamespaceName: { } ns, ResourceKind: { } kind, ResourceName: { } name })
        {
            return [];
        }
        return await db.ExposedWorkloads.AsNoTracking()
            .Where(x => x.ClusterId == clusterId && x.NamespaceName == ns && x.WorkloadKind == kind && x.WorkloadName == name)
            .OrderBy(x => x.Via).ThenBy(x => x.Detail)
            .Select(x => x.Detail)
            .ToListAsync(ct);
    }
}
