using System.Globalization;
using System.Security.Cryptography;
using Hangfire;
using K8Posture.Data;
using K8Posture.Features.Alerts;
using K8Posture.Features.Inventory;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace K8Posture.Features.Ingestion.Recovery;

public sealed record PushRecoveryResult(int Processed, int Failed, int Skipped);

/// <summary>
/// Settles pushes that were interrupted (the process died, the database went away mid-write) and left their batch
/// <c>Received</c>: each is processed again from its stored payload with the original caller, team confinement and options
/// — pushes are idempotent, so this is safe — or marked Failed "interrupted" when it cannot be. Runs at start and as a
/// recurring Hangfire job; a batch is claimed before it is touched, so two runners never take the same one.
/// </summary>
public sealed class PushRecoveryJob(
    IServiceScopeFactory scopes,
    IOptions<PushRecoveryOptions> options,
    IOptions<IngestionOptions> ingestion,
    AuditLog audit,
    TimeProvider clock,
    ILogger<PushRecoveryJob> logger)
{
    public const string RecurringId = "push-recovery";
    public const string Actor = "job:push-recovery";

    [DisableConcurrentExecution(timeoutInSeconds: 600)]
    [AutomaticRetry(Attempts = 5, DelaysInSeconds = [30, 60, 300, 900, 1800])]
    public Task<PushRecoveryResult> RunAsync(CancellationToken cancellationToken) =>
        RecoverAsync(clock.GetUtcNow() - options.Value.GracePeriod, cancellationToken);

    /// <summary>Settles every batch still Received that arrived before <paramref name="receivedBefore"/>.</summary>
    public async Task<PushRecoveryResult> RecoverAsync(DateTimeOffset receivedBefore, CancellationToken cancellationToken)
    {
        List<(long Id, int Attempts)> stuck;
        await using (var scope = scopes.CreateAsyncScope())
        {
            scope.ServiceProvider.GetRequiredService<DataScope>().SetSystem(Actor);
            await using var db = await scope.ServiceProvider.GetRequiredService<IDbContextFactory<K8PostureDbContext>>().CreateDbContextAsync(cancellationToken);
            stuck = (await db.IngestBatches.AsNoTracking()
                    .Where(b => b.Status == IngestStatus.Received && b.ReceivedAt < receivedBefore)
                    .OrderBy(b => b.Id).Select(b => new { b.Id, b.RecoveryAttempts }).ToListAsync(cancellationToken))
                .Select(b => (b.Id, b.RecoveryAttempts)).ToList();
        }
        int processed = 0, failed = 0, skipped = 0;
        foreach (var (id, attempts) in stuck)
        {
            switch (await RecoverOneAsync(id, attempts, cancellationToken))
            {
                case IngestStatus.Processed or IngestStatus.Duplicate: processed++; break;
                case IngestStatus.Failed: failed++; break;
                default: skipped++; break;
            }
        }
        if (stuck.Count > 0)
        {
            logger.LogWarning("Push recovery: {Count} interrupted batch(es): {Processed} processed again, {Failed} marked failed, {Skipped} left to another runner",
                stuck.Count, processed, failed, skipped);
        }
        return new PushRecoveryResult(processed, failed, skipped);
    }

    /// <returns>The batch's status afterwards; Received when another runner had it.</returns>
    private async Task<IngestStatus> RecoverOneAsync(long id, int attempts, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        scope.ServiceProvider.GetRequiredService<DataScope>().SetSystem(Actor);
        var contexts = scope.ServiceProvider.GetRequiredService<IDbContextFactory<K8PostureDbContext>>();
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);

        // The claim counts the attempt before anything runs, so a payload that kills the process is given up after MaxAttempts.
        var now = clock.GetUtcNow();
        var claimed = await db.Database.CreateExecutionStrategy().ExecuteAsync(async ct =>
        {
            db.ChangeTracker.Clear();
            await using var claim = await db.Database.BeginTransactionAsync(ct);
            var rows = await db.IngestBatches
                .Where(b => b.Id == id && b.Status == IngestStatus.Received && b.RecoveryAttempts == attempts)
                .ExecuteUpdateAsync(s => s.SetProperty(b => b.RecoveryAttempts, attempts + 1).SetProperty(b => b.RecoveredAt, now), ct);
            if (rows == 0)
            {
                return false;
            }
            audit.Record(db, "ingest.recover", nameof(IngestBatch), id.ToString(CultureInfo.InvariantCulture), after: new { Attempt = attempts + 1 });
            await db.SaveChangesAsync(ct);
            await claim.CommitAsync(ct);
            return true;
        }, cancellationToken);
        if (!claimed)
        {
            return IngestStatus.Received;
        }
        db.ChangeTracker.Clear();

        var batch = await db.IngestBatches.AsNoTracking().SingleAsync(b => b.Id == id, cancellationToken);
        if (attempts + 1 > Math.Max(1, options.Value.MaxAttempts))
        {
            return await GiveUpAsync(db, batch, $"Interrupted: processing it again was tried {attempts} time(s) and never finished; push it again once the cause is found.");
        }
        byte[] payload = [];
        ReceivedReport? spooledReport = null;
        try
        {
            // A large scan report is replayed from a spool file, as it was received, not from one array.
            if (batch.Kind == IngestKind.Scans && batch.PayloadBytes > ingestion.Value.SpoolFromBytes)
            {
                await using var stored = new System.IO.Compression.GZipStream(new MemoryStream(batch.PayloadCompressed), System.IO.Compression.CompressionMode.Decompress);
                spooledReport = ReceivedReport.Spooled(await ReportSpool.WriteAsync(stored, long.MaxValue, ingestion.Value.SpoolFolder, cancellationToken));
            }
            else
            {
                payload = IngestBatchRecording.Gunzip(batch.PayloadCompressed);
            }
        }
        catch (InvalidDataException)
        {
            return await GiveUpAsync(db, batch, "Interrupted, and its stored payload cannot be read; push it again.");
        }
        using var spooled = spooledReport;
        var (length, sha256) = spooledReport is { } report ? (report.Length, report.Sha256()) : (payload.Length, Convert.ToHexStringLower(SHA256.HashData(payload)));
        if (length == 0 || !sha256.Equals(batch.PayloadSha256, StringComparison.Ordinal))
        {
            return await GiveUpAsync(db, batch, "Interrupted, and its stored payload is missing or does not match its sha256; push it again.");
        }

        try
        {
            Task? resumed = batch.Kind switch
            {
                IngestKind.Scans when PushRequest.Read<ScanPushOptions>(batch.RequestJson) is { } scan =>
                    scope.ServiceProvider.GetRequiredService<ScanIngestor>().ResumeAsync(batch, spooledReport ?? ReceivedReport.InMemory(payload), scan.Options, scan.Caller, cancellationToken),
                IngestKind.Alerts when PushRequest.Read<AlertPushOptions>(batch.RequestJson) is { } alerts =>
                    scope.ServiceProvider.GetRequiredService<AlertIngestor>().ResumeAsync(batch, payload, alerts.Options, alerts.Caller, cancellationToken),
                IngestKind.Inventory when PushRequest.Read<InventoryPushOptions>(batch.RequestJson) is { } inventory =>
                    scope.ServiceProvider.GetRequiredService<InventoryIngestor>().ResumeAsync(batch, payload, inventory.Options, inventory.Caller, cancellationToken),
                _ => null,
            };
            if (resumed is null)
            {
                return await GiveUpAsync(db, batch, "Interrupted, and it was stored without the options it was pushed with; push it again.");
            }
            await resumed;
        }
        catch (IngestRejectedException refusal)
        {
            // The ingestor recorded its refusal on the batch when it got that far; otherwise say so here.
            await GiveUpIfStillReceivedAsync(db, batch, "Interrupted, and processing it again was refused: " + refusal.Message);
        }
        catch (Exception ex) when (ex is not OperationCanceledException && DatabaseFaults.Classify(ex) is null)
        {
            logger.LogError(ex, "Push recovery of batch {BatchId} failed", id);
            await GiveUpIfStillReceivedAsync(db, batch, "Interrupted, and processing it again failed: " + ex.Message);
        }
        // A database fault propagates: the batch stays Received and the job retries with backoff.
        var status = await db.IngestBatches.AsNoTracking().Where(b => b.Id == id).Select(b => b.Status).SingleAsync(CancellationToken.None);
        logger.LogInformation("Push recovery: batch {BatchId} ({Kind}) is now {Status}", id, batch.Kind, status);
        return status;
    }

    private async Task<IngestStatus> GiveUpAsync(K8PostureDbContext db, IngestBatch batch, string error)
    {
        await GiveUpIfStillReceivedAsync(db, batch, error);
        logger.LogWarning("Push recovery: batch {BatchId} ({Kind}) marked failed: {Error}", batch.Id, batch.Kind, error);
        return IngestStatus.Failed;
    }

    private async Task GiveUpIfStillReceivedAsync(K8PostureDbContext db, IngestBatch batch, string error)
    {
        var at = clock.GetUtcNow();
        var clipped = error.Length > IngestBatchRecording.MaxErrorLength ? error[..IngestBatchRecording.MaxErrorLength] : error;
        await db.Database.CreateExecutionStrategy().ExecuteAsync(async ct =>
        {
            db.ChangeTracker.Clear();
            await using var transaction = await db.Database.BeginTransactionAsync(ct);
            var marked = await db.IngestBatches.Where(b => b.Id == batch.Id && b.Status == IngestStatus.Received).ExecuteUpdateAsync(s => s
                .SetProperty(b => b.Status, IngestStatus.Failed)
                .SetProperty(b => b.ProcessedAt, at)
                .SetProperty(b => b.Error, clipped), ct);
            if (marked > 0)
            {
                audit.Record(db, "ingest.recover.failed", nameof(IngestBatch), batch.Id.ToString(CultureInfo.InvariantCulture),
                    before: new { Status = IngestStatus.Received }, after: new { Status = IngestStatus.Failed, Error = clipped });
                await db.SaveChangesAsync(ct);
            }
            await transaction.CommitAsync(ct);
        }, CancellationToken.None);
    }
}

/// <summary>
/// At start, before the recurring job's first run: on SQLite, whose file one process owns, every batch received before this
/// process started was interrupted; on SQL Server other instances may be mid-push, so the grace period applies.
/// </summary>
internal sealed class PushRecoveryAtStart(IServiceProvider services, IHostApplicationLifetime lifetime, IOptions<PushRecoveryOptions> options, TimeProvider clock, ILogger<PushRecoveryAtStart> logger)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var startedAt = clock.GetUtcNow();
        var started = new TaskCompletionSource();
        await using var registration = lifetime.ApplicationStarted.Register(() => started.TrySetResult());
        await started.Task.WaitAsync(stoppingToken);
        try
        {
            await using var scope = services.CreateAsyncScope();
            scope.ServiceProvider.GetRequiredService<DataScope>().SetSystem(PushRecoveryJob.Actor);
            bool sqlite;
            await using (var db = await scope.ServiceProvider.GetRequiredService<IDbContextFactory<K8PostureDbContext>>().CreateDbContextAsync(stoppingToken))
            {
                sqlite = db.Database.IsSqlite();
            }
            var before = sqlite ? startedAt : clock.GetUtcNow() - options.Value.GracePeriod;
            await scope.ServiceProvider.GetRequiredService<PushRecoveryJob>().RecoverAsync(before, stoppingToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // The recurring job tries again; starting the app must not depend on it.
            logger.LogWarning(ex, "Push recovery at start failed; the recurring job will retry");
        }
    }
}
