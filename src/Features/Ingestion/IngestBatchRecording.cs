using static K8Posture.Shared.ColumnLengths;
using System.IO.Compression;
using K8Posture.Data;
using K8Posture.Data.EntityConfigurations;
using Microsoft.EntityFrameworkCore;

namespace K8Posture.Features.Ingestion;

/// <summary>
/// What every ingestor (scans, alerts, inventory, cluster collection) does with its <see cref="IngestBatch"/>: keep the
/// raw payload gzipped, record a refused push with the reason, and mark a push whose storing failed.
/// </summary>
public static class IngestBatchRecording
{
    public const int MaxErrorLength = IngestBatchConfiguration.ErrorMaxLength;

    public static byte[] Gzip(ReadOnlySpan<byte> payload)
    {
        using var buffer = new MemoryStream(capacity: Math.Max(256, payload.Length / 4));
        using (var gzip = new GZipStream(buffer, CompressionLevel.Fastest, leaveOpen: true))
        {
            gzip.Write(payload);
        }
        return buffer.ToArray();
    }

    public static byte[] Gunzip(byte[] compressed)
    {
        using var gzip = new GZipStream(new MemoryStream(compressed), CompressionMode.Decompress);
        using var raw = new MemoryStream(capacity: Math.Max(256, compressed.Length * 4));
        gzip.CopyTo(raw);
        return raw.ToArray();
    }

    /// <summary>Saves the refused batch (payload kept, status Failed, the reason) and returns the exception naming it.</summary>
    public static async Task<IngestRejectedException> RejectAsync(K8PostureDbContext db, IngestBatch batch, IngestRejectedException rejection, DateTimeOffset now)
    {
        batch.Status = IngestStatus.Failed;
        batch.Error = Clip(rejection.Detail(), MaxErrorLength);
        batch.ProcessedAt = now;
        await SaveAsync(db, batch, CancellationToken.None);
        return new IngestRejectedException(rejection.Title, rejection.Message, rejection.StatusCode, batch.Id, rejection.Pointer);
    }

    /// <summary>
    /// Saves a batch's row: a new push inserts it, payload and all; a push recovery resumes updates the row it already has
    /// (the payload stays as stored).
    /// </summary>
    public static async Task SaveAsync(K8PostureDbContext db, IngestBatch batch, CancellationToken cancellationToken)
    {
        if (batch.Id == 0 || db.Entry(batch).State != EntityState.Detached)
        {
            if (db.Entry(batch).State == EntityState.Detached)
            {
                db.IngestBatches.Add(batch);
            }
            await db.SaveChangesAsync(cancellationToken);
            return;
        }
        await db.IngestBatches.Where(b => b.Id == batch.Id).ExecuteUpdateAsync(s => s
            .SetProperty(b => b.Status, batch.Status)
            .SetProperty(b => b.ProcessedAt, batch.ProcessedAt)
            .SetProperty(b => b.Format, batch.Format)
            .SetProperty(b => b.Source, batch.Source)
            .SetProperty(b => b.ScopeKey, batch.ScopeKey)
            .SetProperty(b => b.TeamId, batch.TeamId)
            .SetProperty(b => b.Error, batch.Error)
            .SetProperty(b => b.Unchanged, batch.Unchanged)
            .SetProperty(b => b.DuplicateOfBatchId, batch.DuplicateOfBatchId), cancellationToken);
    }

    /// <summary>The transaction rolled back: the batch row (saved before it) says so, whatever the caller's token.</summary>
    public static Task MarkFailedAsync(K8PostureDbContext db, long batchId, string what, Exception failure) =>
        MarkFailedAsync(db, batchId, $"Storing the {what} failed: " + Clip(DatabaseFaults.Describe(failure), MaxErrorLength - 100));

    /// <summary>Marks a batch failed with <paramref name="error"/>. When the database itself is what failed, this may fail too: the batch then stays Received and push recovery settles it later.</summary>
    public static async Task MarkFailedAsync(K8PostureDbContext db, long batchId, string error)
    {
        db.ChangeTracker.Clear();
        await db.IngestBatches.Where(b => b.Id == batchId).ExecuteUpdateAsync(s => s
            .SetProperty(b => b.Status, IngestStatus.Failed)
            .SetProperty(b => b.Error, Clip(error, MaxErrorLength)), CancellationToken.None);
    }
}
