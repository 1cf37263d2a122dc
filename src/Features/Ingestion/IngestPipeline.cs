using static K8Posture.Shared.ColumnLengths;
using System.Security.Cryptography;
using K8Posture.Data;
using Microsoft.EntityFrameworkCore;

namespace K8Posture.Features.Ingestion;

/// <summary>
/// The one way anything writes findings, alerts or inventory: pushes, cluster collection, unregistering a cluster and the
/// tenancy job all come through here. It keeps the batch (the raw payload first, so nothing is lost), records a refusal
/// with its reason, serialises writers on SQLite, runs the write in one transaction under the provider's execution
/// strategy, takes the scope locks on SQL Server, and marks a batch whose write failed.
/// </summary>
public sealed class IngestPipeline(TimeProvider clock, ILogger<IngestPipeline> logger)
{
    /// <summary>Saves a received batch with its payload, then lets go of the payload: later updates are set-based.</summary>
    public async Task StoreAsync(K8PostureDbContext db, IngestBatch batch, CancellationToken cancellationToken)
    {
        await IngestBatchRecording.SaveAsync(db, batch, cancellationToken);
        db.Entry(batch).State = EntityState.Detached;
        batch.PayloadCompressed = [];
    }

    /// <summary>Records a refused push (payload kept, status Failed, the reason) and returns the refusal naming the batch.</summary>
    public Task<IngestRejectedException> RefuseAsync(K8PostureDbContext db, IngestBatch batch, IngestRejectedException refusal) =>
        IngestBatchRecording.RejectAsync(db, batch, refusal, clock.GetUtcNow());

    /// <summary>
    /// Runs <paramref name="write"/> in one transaction holding the locks of <paramref name="lockKeys"/>. A refusal the write
    /// raises (a team key touching another team's findings) rolls everything back and marks the batch refused; any other
    /// failure rolls back and marks it failed. <paramref name="batch"/> is null for writers that create their batches inside.
    /// </summary>
    public async Task<T> WriteAsync<T>(K8PostureDbContext db, IngestBatch? batch, IEnumerable<string> lockKeys, string what,
        Func<K8PostureDbContext, CancellationToken, Task<T>> write, CancellationToken cancellationToken)
    {
        var locks = lockKeys.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        var sqlite = db.Database.IsSqlite();
        var writerGate = sqlite ? SqliteWriterGate.For(db) : null;
        if (writerGate is not null)
        {
            await writerGate.WaitAsync(cancellationToken);
        }
        try
        {
            // SQL Server's retrying strategy owns the transaction: each attempt starts clean and runs whole.
            return await db.Database.CreateExecutionStrategy().ExecuteAsync(async ct =>
            {
                db.ChangeTracker.Clear();
                db.ChangeTracker.AutoDetectChangesEnabled = true;
                if (sqlite)
                {
                    // A push writes tens of thousands of rows into half a dozen indexes; a larger page cache for this
                    // connection keeps their pages in memory instead of spilling and re-reading them (reset below).
                    await db.Database.OpenConnectionAsync(ct);
                    await db.Database.ExecuteSqlRawAsync("PRAGMA cache_size = -32768", ct);
                }
                await using var transaction = await db.Database.BeginTransactionAsync(ct);
                foreach (var key in locks)
                {
                    await LockAsync(db, key, ct);
                }
                var result = await write(db, ct);
                db.ChangeTracker.DetectChanges();
                await db.SaveChangesAsync(ct);
                await transaction.CommitAsync(ct);
                return result;
            }, cancellationToken);
        }
        catch (IngestRejectedException refusal) when (batch is not null)
        {
            db.ChangeTracker.Clear();
            await db.IngestBatches.Where(b => b.Id == batch.Id).ExecuteUpdateAsync(s => s
                .SetProperty(b => b.Status, IngestStatus.Failed)
                .SetProperty(b => b.ProcessedAt, clock.GetUtcNow())
                .SetProperty(b => b.Error, Clip(refusal.Detail(), IngestBatchRecording.MaxErrorLength)), CancellationToken.None);
            throw new IngestRejectedException(refusal.Title, refusal.Message, refusal.StatusCode, batch.Id, refusal.Pointer);
        }
        catch (Exception ex) when (ex is not OperationCanceledException and not IngestRejectedException)
        {
            logger.LogError(ex, "Writing {What} of batch {BatchId} failed", what, batch?.Id);
            if (batch is not null)
            {
                try
                {
                    await IngestBatchRecording.MarkFailedAsync(db, batch.Id, what, ex);
                }
                catch (Exception markFailure) when (DatabaseFaults.Classify(markFailure) is not null)
                {
                    // The database that failed the write cannot take the mark either: the batch stays Received and push recovery settles it.
                    logger.LogWarning("Batch {BatchId} could not be marked failed ({Reason}); push recovery will settle it", batch.Id, DatabaseFaults.Describe(markFailure));
                }
            }
            if (DatabaseFaults.Classify(ex) is { } fault)
            {
                throw new DatabaseFaultException(fault, batch?.Id, ex);
            }
            throw;
        }
        finally
        {
            if (sqlite)
            {
                writerGate!.Release();
                if (db.Database.GetDbConnection().State == System.Data.ConnectionState.Open)
                {
                    await db.Database.ExecuteSqlRawAsync("PRAGMA cache_size = -2000", CancellationToken.None);
                    await db.Database.CloseConnectionAsync();
                }
            }
        }
    }

    /// <summary>Marks a batch processed with what it did, inside the write (set-based: the batch row is not tracked).</summary>
    public static Task MarkProcessedAsync(K8PostureDbContext db, long batchId, DateTimeOffset at, FindingChangeCounts counts, CancellationToken cancellationToken) =>
        db.IngestBatches.Where(b => b.Id == batchId).ExecuteUpdateAsync(s => s
            .SetProperty(b => b.Status, IngestStatus.Processed)
            .SetProperty(b => b.ProcessedAt, at)
            .SetProperty(b => b.Created, counts.Created)
            .SetProperty(b => b.Updated, counts.Updated)
            .SetProperty(b => b.Unchanged, counts.Unchanged)
            .SetProperty(b => b.Closed, counts.Closed)
            .SetProperty(b => b.Reopened, counts.Reopened), cancellationToken);

    /// <summary>
    /// The cluster a push names, or a new unmanaged one (pushes discover clusters). Inside the write, under the cluster's
    /// lock on SQL Server and the writer gate on SQLite, so a scan and an alert naming a new cluster at once share one row.
    /// </summary>
    public static async Task<int> ResolveClusterAsync(K8PostureDbContext db, AuditLog audit, string name, string discoveredBy, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await LockAsync(db, "cluster-name:" + name.ToUpperInvariant(), cancellationToken);
        var id = await db.Clusters.AsNoTracking().Where(c => c.Name == name).Select(c => (int?)c.Id).FirstOrDefaultAsync(cancellationToken);
        if (id is not null)
        {
            return id.Value;
        }
        var cluster = new Cluster { Name = name, Provider = ClusterProvider.Unknown, IsManaged = false, CreatedAt = now };
        db.Clusters.Add(cluster);
        audit.Record(db, "cluster.discover", nameof(Cluster), null, after: new { cluster.Name, cluster.IsManaged, DiscoveredBy = discoveredBy });
        await db.SaveChangesAsync(cancellationToken);
        return cluster.Id;
    }

    /// <summary>
    /// SQL Server: writers of one key wait for each other until commit, so two pushes of a scope can neither both create a
    /// fingerprint nor close what the other just saw; other keys run in parallel. SQLite serialises writers already.
    /// </summary>
    internal static async Task LockAsync(K8PostureDbContext db, string key, CancellationToken cancellationToken)
    {
        if (!db.Database.IsSqlServer())
        {
            return;
        }
        // Resource names are limited to 255 characters; a hash keeps long keys distinct.
        var resource = "k8posture:" + Convert.ToHexStringLower(SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(key)));
        var result = await db.Database.SqlQueryRaw<int>(
                "DECLARE @r int; EXEC @r = sp_getapplock @Resource = {0}, @LockMode = 'Exclusive', @LockOwner = 'Transaction', @LockTimeout = 120000; SELECT @r AS [Value];",
                resource)
            .ToListAsync(cancellationToken);
        if (result.Count != 1 || result[0] < 0)
        {
            throw new InvalidOperationException($"Could not lock {key} for writing (sp_getapplock returned {(result.Count == 1 ? result[0] : null)}).");
        }
    }
}
