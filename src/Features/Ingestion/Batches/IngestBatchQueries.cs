using K8Posture.Data;
using Microsoft.EntityFrameworkCore;

namespace K8Posture.Features.Ingestion.Batches;

public sealed record IngestBatchRow(
    long Id,
    IngestKind Kind,
    DateTimeOffset ReceivedAt,
    IngestStatus Status,
    string? Format,
    string? Source,
    string? ScopeKey,
    string? ClusterName,
    string? TeamName,
    string? Pipeline,
    string? Commit,
    string Actor,
    long PayloadBytes,
    int Created,
    int Updated,
    int Unchanged,
    int Closed,
    int Reopened,
    string? Error,
    DateTimeOffset? RecoveredAt = null,
    int RecoveryAttempts = 0);

public sealed record IngestBatchDetail(IngestBatchRow Batch, string PayloadSha256, DateTimeOffset? ProcessedAt, long? DuplicateOfBatchId, int FindingsLastSeenHere);

public sealed record IngestBatchPage(int Total, IReadOnlyList<IngestBatchRow> Items);

public sealed record IngestBatchFilter(IngestStatus? Status = null, string? Search = null);

/// <summary>Reads pushes for the Ingestion page and API; the team filter of the data layer scopes them.</summary>
public sealed class IngestBatchQueries(IDbContextFactory<K8PostureDbContext> contexts)
{
    public async Task<IngestBatchPage> ListAsync(IngestBatchFilter filter, int page, int pageSize, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var query = db.IngestBatches.AsNoTracking();
        if (filter.Status is { } status)
        {
            query = query.Where(b => b.Status == status);
        }
        if (!string.IsNullOrWhiteSpace(filter.Search))
        {
            var pattern = SqlLike.Containing(filter.Search.Trim());
            query = query.Where(b => EF.Functions.Like(b.ScopeKey!, pattern, SqlLike.Escape) || EF.Functions.Like(b.Pipeline!, pattern, SqlLike.Escape)
                || EF.Functions.Like(b.Source!, pattern, SqlLike.Escape) || EF.Functions.Like(b.ClusterName!, pattern, SqlLike.Escape) || EF.Functions.Like(b.Actor, pattern, SqlLike.Escape));
        }
        var total = await query.CountAsync(cancellationToken);
        var items = await Project(query.OrderByDescending(b => b.Id).Skip(page * pageSize).Take(pageSize)).ToListAsync(cancellationToken);
        return new IngestBatchPage(total, items);
    }

    public async Task<IngestBatchDetail?> GetAsync(long id, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var row = await Project(db.IngestBatches.AsNoTracking().Where(b => b.Id == id)).SingleOrDefaultAsync(cancellationToken);
        if (row is null)
        {
            return null;
        }
        var extra = await db.IngestBatches.AsNoTracking().Where(b => b.Id == id)
            .Select(b => new { b.PayloadSha256, b.ProcessedAt, b.DuplicateOfBatchId }).SingleAsync(cancellationToken);
        var findings = await db.Findings.CountAsync(f => f.LastBatchId == id, cancellationToken);
        return new IngestBatchDetail(row, extra.PayloadSha256, extra.ProcessedAt, extra.DuplicateOfBatchId, findings);
    }

    /// <summary>The raw payload as it was pushed, for evidence; null when the batch is not visible to the caller.</summary>
    public async Task<(byte[] Payload, string Sha256, string? Format)?> GetPayloadAsync(long id, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var batch = await db.IngestBatches.AsNoTracking().Where(b => b.Id == id)
            .Select(b => new { b.PayloadCompressed, b.PayloadSha256, b.Format }).SingleOrDefaultAsync(cancellationToken);
        if (batch is null)
        {
            return null;
        }
        return (IngestBatchRecording.Gunzip(batch.PayloadCompressed), batch.PayloadSha256, batch.Format);
    }

    private static IQueryable<IngestBatchRow> Project(IQueryable<IngestBatch> query) =>
        query.Select(b => new IngestBatchRow(b.Id, b.Kind, b.ReceivedAt, b.Status, b.Format, b.Source, b.ScopeKey, b.ClusterName,
            b.Team != null ? b.Team.Name : null, b.Pipeline, b.Commit, b.Actor, b.PayloadBytes,
            b.Created, b.Updated, b.Unchanged, b.Closed, b.Reopened, b.Error, b.RecoveredAt, b.RecoveryAttempts));
}
