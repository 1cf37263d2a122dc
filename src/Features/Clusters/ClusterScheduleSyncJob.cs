using Hangfire;
using Hangfire.Storage;
using K8Posture.Data;
using Microsoft.EntityFrameworkCore;

namespace K8Posture.Features.Clusters;

/// <summary>
/// Hourly: makes the Hangfire schedules match the registered clusters. Saving a cluster schedules it at once; this repairs
/// what a storage reset or a restore of the database left behind (a missing <c>cluster-refresh-{id}</c>, or one whose
/// cluster has no connection any more). Idempotent.
/// </summary>
public sealed class ClusterScheduleSyncJob(IDbContextFactory<K8PostureDbContext> contexts, DataScope scope, IRecurringJobManager recurringJobs, JobStorage storage)
{
    public const string RecurringId = "cluster-schedule-sync";
    private const string Prefix = "cluster-refresh-";

    [DisableConcurrentExecution(timeoutInSeconds: 300)]
    [AutomaticRetry(Attempts = 3)]
    public async Task<int> RunAsync(CancellationToken cancellationToken)
    {
        scope.SetSystem("job:cluster-schedule-sync");
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var clusters = await db.Clusters.AsNoTracking().Where(c => c.ConnectionSecretProtected != null)
            .Select(c => new { c.Id, c.RefreshIntervalMinutes }).ToListAsync(cancellationToken);
        foreach (var cluster in clusters)
        {
            var id = cluster.Id;
            recurringJobs.AddOrUpdate<ClusterCollectionJob>(ClusterService.RecurringId(id), job => job.RunAsync(id, CancellationToken.None),
                ClusterService.CronFor(cluster.RefreshIntervalMinutes));
        }
        var wanted = clusters.Select(c => ClusterService.RecurringId(c.Id)).ToHashSet(StringComparer.Ordinal);
        using var connection = storage.GetConnection();
        foreach (var stale in connection.GetRecurringJobs().Select(r => r.Id).Where(id => id.StartsWith(Prefix, StringComparison.Ordinal) && !wanted.Contains(id)))
        {
            recurringJobs.RemoveIfExists(stale);
        }
        return clusters.Count;
    }
}
