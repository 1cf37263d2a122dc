using System.IO.Compression;
using K8Posture.Data;
using Microsoft.EntityFrameworkCore;

namespace K8Posture.Features.Ingestion;

/// <summary>
/// What every ingestor (scans, alerts, inventory, cluster collection) does with its <see cref="IngestBatch"/>: keep the
/// raw payload gzipped, record a refused push with the reason, and mark a push whose storing failed.
/// </summary>
public static class IngestBatchRecording
{
    public const int MaxErrorLength = 4000;

    public static byte[] Gzip(ReadOnlySpan<byte> payload)
    {
        using var buffer = new MemoryStream(capacity: Math.Max(256, payload.Length / 4));
        using (var gzip = new GZipStream(buffer, CompressionLevel.Fastest, leaveOpen: true))
        {
            gzip.Write(payload);
        }
        return buffer.ToArray();
    }

    /// <summary>Saves the refused batch (payload kept, status Failed, the reason) and returns the exception naming it.</summary>
    public static async Task<IngestRejectedException> RejectAsync(K8PostureDbContext db, IngestBatch batch, IngestRejectedException rejection, DateTimeOffset now)
    {
        batch.Status = IngestStatus.Failed;
        batch.Error = Clip(rejection.Detail(), MaxErrorLength);
        batch.ProcessedAt = now;
        if (db.Entry(batch).State == EntityState.Detached)
        {
            db.IngestBatches.Add(batch);
        }
        await db.SaveChangesAsync(CancellationToken.None);
        return new IngestRejectedException(rejection.Title, rejection.Message, rejection.StatusCode, batch.Id, rejection.Pointer);
    }

    /// <summary>The transaction rolled back: the batch row (saved before it) says so, whatever the caller's token.</summary>
    public static Task MarkFailedAsync(K8PostureDbContext db, long batchId, string what, Exception failure)
    {
        db.ChangeTracker.Clear();
        return db.IngestBatches.Where(b => b.Id == batchId).ExecuteUpdateAsync(s => s
            .SetProperty(b => b.Status, IngestStatus.Failed)
            .SetProperty(b => b.Error, $"Storing the {what} failed: " + Clip(failure.Message, MaxErrorLength - 100)), CancellationToken.None);
    }

    private static string? Clip(string? value, int maxLength) =>
        value is null || value.Length <= maxLength ? value : value[..maxLength];
}
