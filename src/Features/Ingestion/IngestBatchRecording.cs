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

    /// <summary>
    /// The payload gzipped into exactly one array of its compressed size: it is written into pooled segments first, because
    /// a growing MemoryStream leaves a large-object-heap array of a guessed size (and every regrowth) as garbage that stays
    /// in the working set until a full collection, in the middle of a large push.
    /// </summary>
    public static byte[] Gzip(ReadOnlySpan<byte> payload)
    {
        using var segments = new PooledSegmentStream();
        using (var gzip = new GZipStream(segments, CompressionLevel.Fastest, leaveOpen: true))
        {
            gzip.Write(payload);
        }
        return segments.ToArray();
    }

    /// <summary>A spooled report gzipped as it is read back, a block at a time.</summary>
    public static byte[] Gzip(IReportBytes report)
    {
        using var segments = new PooledSegmentStream();
        var block = System.Buffers.ArrayPool<byte>.Shared.Rent(1024 * 1024);
        try
        {
            using (var gzip = new GZipStream(segments, CompressionLevel.Fastest, leaveOpen: true))
            {
                int read;
                for (long offset = 0; (read = report.ReadAt(offset, block)) > 0; offset += read)
                {
                    gzip.Write(block, 0, read);
                }
            }
        }
        finally
        {
            System.Buffers.ArrayPool<byte>.Shared.Return(block);
        }
        return segments.ToArray();
    }

    /// <summary>A write-only stream into 256 KB pooled buffers (returned, so they leave no large-object garbage), joined once.</summary>
    private sealed class PooledSegmentStream : Stream
    {
        private const int SegmentSize = 256 * 1024;
        private readonly List<byte[]> _segments = [];
        private int _lastFilled = SegmentSize;

        public override bool CanRead => false;
        public override bool CanSeek => false;
        public override bool CanWrite => true;
        public override long Length => (_segments.Count - 1L) * SegmentSize + _lastFilled;
        public override long Position { get => Length; set => throw new NotSupportedException(); }

        public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

        public override void Write(ReadOnlySpan<byte> buffer)
        {
            while (!buffer.IsEmpty)
            {
                if (_lastFilled == SegmentSize)
                {
                    _segments.Add(System.Buffers.ArrayPool<byte>.Shared.Rent(SegmentSize));
                    _lastFilled = 0;
                }
                var take = Math.Min(buffer.Length, SegmentSize - _lastFilled);
                buffer[..take].CopyTo(_segments[^1].AsSpan(_lastFilled));
                _lastFilled += take;
                buffer = buffer[take..];
            }
        }

        public byte[] ToArray()
        {
            var joined = new byte[_segments.Count == 0 ? 0 : Length];
            for (var i = 0; i < _segments.Count; i++)
            {
                _segments[i].AsSpan(0, i == _segments.Count - 1 ? _lastFilled : SegmentSize).CopyTo(joined.AsSpan(i * SegmentSize));
            }
            return joined;
        }

        public override void Flush() { }
        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            foreach (var segment in _segments)
            {
                System.Buffers.ArrayPool<byte>.Shared.Return(segment);
            }
            _segments.Clear();
            base.Dispose(disposing);
        }
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
