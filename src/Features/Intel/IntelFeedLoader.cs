using System.Diagnostics;
using System.Security.Cryptography;
using K8Posture.Data;
using K8Posture.Features.Ingestion;
using K8Posture.Features.Policy;
using Microsoft.EntityFrameworkCore;

namespace K8Posture.Features.Intel;

/// <summary>What a feed load did (the answer of <c>POST /api/v1/intel/{kev|epss}</c>).</summary>
public sealed record IntelLoadOutcome(
    long LoadId, string Feed, string? Version, DateOnly? FeedDate, int Rows, int FindingsWithIntel, int FindingsScored, int KevSlaShortened, long DurationMs);

/// <summary>
/// Replaces a feed and re-scores every finding in one transaction (all or nothing: a bad file is refused before anything is
/// written, a failure rolls the old feed back). Writes go through the one ingest pipeline, which owns the transaction and
/// the writer lock; the load and its audit event commit together.
/// </summary>
public sealed class IntelFeedLoader(
    IngestPipeline pipeline,
    IDbContextFactory<K8PostureDbContext> contexts,
    PolicyStore policies,
    AuditLog audit,
    TimeProvider clock)
{
    private const string LockKey = "intel:feeds";

    public Task<IntelLoadOutcome> LoadKevAsync(ReadOnlyMemory<byte> payload, CancellationToken cancellationToken)
    {
        var catalog = KevCatalogParser.Parse(payload);
        return ReplaceAsync(IntelFeedKind.Kev, catalog.CatalogVersion, catalog.DateReleased, payload, catalog.Entries, "KevEntries", cancellationToken);
    }

    public Task<IntelLoadOutcome> LoadEpssAsync(ReadOnlyMemory<byte> payload, CancellationToken cancellationToken)
    {
        var feed = EpssCsvParser.Parse(payload);
        return ReplaceAsync(IntelFeedKind.Epss, feed.ModelVersion, feed.ScoreDate, payload, feed.Scores, "EpssScores", cancellationToken);
    }

    /// <summary>Re-scores with the feeds and context as they are now (the recurring job: runtime alerts age, clusters change).</summary>
    public async Task<RescoreOutcome> RescoreAsync(CancellationToken cancellationToken)
    {
        var kevSlaDays = (await policies.GetCurrentAsync(cancellationToken)).Document.KevSlaDays;
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        return await pipeline.WriteAsync(db, null, [LockKey], "re-score", (d, ct) => IntelRescorer.RescoreAsync(d, clock.GetUtcNow(), kevSlaDays, ct), cancellationToken);
    }

    /// <summary>Re-scores one cluster's findings (after its collection replaced its exposed workloads), with the other workload signals of the last full re-score.</summary>
    public async Task<RescoreOutcome> RescoreClusterAsync(int clusterId, CancellationToken cancellationToken)
    {
        var kevSlaDays = (await policies.GetCurrentAsync(cancellationToken)).Document.KevSlaDays;
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        return await pipeline.WriteAsync(db, null, [LockKey], "re-score of a cluster",
            (d, ct) => IntelRescorer.RescoreAsync(d, clock.GetUtcNow(), kevSlaDays, ct, clusterId: clusterId), cancellationToken);
    }

    private async Task<IntelLoadOutcome> ReplaceAsync<T>(IntelFeedKind kind, string? version, DateOnly? feedDate, ReadOnlyMemory<byte> payload,
        IReadOnlyList<T> rows, string table, CancellationToken cancellationToken)
        where T : class
    {
        var watch = Stopwatch.StartNew();
        var sha256 = Convert.ToHexStringLower(SHA256.HashData(payload.Span));
        var kevSlaDays = (await policies.GetCurrentAsync(cancellationToken)).Document.KevSlaDays;
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        return await pipeline.WriteAsync(db, null, [LockKey], $"the {kind} feed", async (d, ct) =>
        {
            var previous = await d.IntelFeedLoads.AsNoTracking().Where(l => l.Kind == kind).OrderByDescending(l => l.Id)
                .Select(l => new { l.Id, l.Version, l.FeedDate, l.Rows, l.PayloadSha256 }).FirstOrDefaultAsync(ct);
            var deleteAll = $"DELETE FROM \"{table}\"";
            await d.Database.ExecuteSqlRawAsync(deleteAll, ct);
            await BulkInserter.InsertAsync(d, rows, assignIds: false, ct);
            var load = new IntelFeedLoad
            {
                Kind = kind,
                Version = version,
                FeedDate = feedDate,
                LoadedAt = clock.GetUtcNow(),
                LoadedBy = d.Scope.Actor,
                Rows = rows.Count,
                PayloadSha256 = sha256,
            };
            d.IntelFeedLoads.Add(load);
            await d.SaveChangesAsync(ct);
            var rescore = await IntelRescorer.RescoreAsync(d, clock.GetUtcNow(), kevSlaDays, ct);
            load.FindingsRescored = rescore.FindingsScored;
            load.DurationMs = watch.ElapsedMilliseconds;
            audit.Record(d, $"intel.{kind.ToString().ToLowerInvariant()}.loaded", nameof(IntelFeedLoad), load.Id.ToString(System.Globalization.CultureInfo.InvariantCulture),
                previous, new { load.Version, load.FeedDate, load.Rows, load.PayloadSha256, rescore.FindingsWithIntel, rescore.FindingsScored, rescore.KevSlaShortened });
            return new IntelLoadOutcome(load.Id, kind.ToString().ToUpperInvariant(), version, feedDate, rows.Count,
                rescore.FindingsWithIntel, rescore.FindingsScored, rescore.KevSlaShortened, watch.ElapsedMilliseconds);
        }, cancellationToken);
    }
}
