using System.IO.Compression;
using System.Security.Cryptography;
using K8Posture.Data;
using K8Posture.Shared;
using Microsoft.EntityFrameworkCore;

namespace K8Posture.Features.Ingestion;

/// <summary>
/// The scan push use case (DESIGN.md §2): keep the raw payload, parse it, decide scope and ownership, and apply it to
/// the findings in one transaction. Authorisation is decided against the caller's <see cref="DataScope"/>; the database
/// work then runs in a system scope, because ownership decisions must see every team's rows.
/// </summary>
public sealed class ScanIngestor(
    DataScope callerScope,
    IServiceScopeFactory scopes,
    ScanFormatDetector detector,
    FindingStore store,
    AuditLog audit,
    LandscapeChangeNotifier notifier,
    TimeProvider clock,
    ILogger<ScanIngestor> logger) : IScanIngestor
{
    // SQLite has one writer anyway; serialising pushes in-process avoids busy retries and fingerprint races between two pushes of one scope.
    private static readonly SemaphoreSlim WriteGate = new(1, 1);

    public async Task<IngestOutcome> IngestAsync(ReadOnlyMemory<byte> payload, ScanPushOptions options, CancellationToken cancellationToken)
    {
        if (payload.IsEmpty)
        {
            throw new IngestRejectedException("Empty payload", "The request body is empty; send the scanner's report as the body.");
        }

        await using var systemScope = scopes.CreateAsyncScope();
        systemScope.ServiceProvider.GetRequiredService<DataScope>().SetSystem(callerScope.Actor);
        var contexts = systemScope.ServiceProvider.GetRequiredService<IDbContextFactory<K8PostureDbContext>>();
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);

        var batch = await StoreBatchAsync(db, payload, options, cancellationToken);

        IScanParser parser;
        ScanParseResult parsed;
        string scopeKey;
        int? ownerTeamId;
        try
        {
            parser = detector.Select(payload.Span, options.Format);
            batch.Format = parser.Format;
            batch.Source = parser.SourceTool;
            try
            {
                parsed = parser.Parse(payload);
            }
            catch (ScanParseException ex)
            {
                throw new IngestRejectedException($"Malformed {parser.Format} report", ex.Message, pointer: ex.Pointer);
            }
            // A generic format (SARIF) names the real tool inside the report.
            batch.Source = Clip(parsed.SourceTool ?? parser.SourceTool, 64);
            scopeKey = FindingIdentity.ScopeKey(parsed.ScopeHint, options.Scope, options.Cluster)
                ?? throw new IngestRejectedException("Scope unknown",
                    $"The {parser.Format} report names no image or artifact to scope its findings by; pass scope= (e.g. scope=repo:my-service).");
            batch.ScopeKey = Clip(scopeKey, 450);
            ownerTeamId = await ResolveOwnerTeamAsync(db, options.Team, cancellationToken);
            batch.TeamId = ownerTeamId ?? batch.TeamId;
        }
        catch (IngestRejectedException ex)
        {
            await FailAsync(db, batch, ex.Detail(), CancellationToken.None);
            throw new IngestRejectedException(ex.Title, ex.Message, ex.StatusCode, batch.Id, ex.Pointer);
        }

        if (await FindDuplicateAsync(db, batch, cancellationToken) is { } duplicate)
        {
            batch.Status = IngestStatus.Duplicate;
            batch.DuplicateOfBatchId = duplicate.BatchId;
            batch.Unchanged = duplicate.FindingCount;
            batch.ProcessedAt = clock.GetUtcNow();
            await db.SaveChangesAsync(cancellationToken);
            return Outcome(batch, "duplicate", scopeKey);
        }

        await WriteGate.WaitAsync(cancellationToken);
        try
        {
            await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
            var clusterId = await ResolveClusterAsync(db, options.Cluster, cancellationToken);
            var namespaceOwners = clusterId is null
                ? new Dictionary<string, int>()
                : await db.Namespaces.AsNoTracking()
                    .Where(n => n.ClusterId == clusterId && n.OwnerTeamId != null)
                    .ToDictionaryAsync(n => n.Name, n => n.OwnerTeamId!.Value, StringComparer.Ordinal, cancellationToken);

            var now = clock.GetUtcNow();
            // Tens of thousands of tracked rows: one change scan before saving, not one per Add/Attach.
            db.ChangeTracker.AutoDetectChangesEnabled = false;
            var counts = await store.ApplyAsync(db,
                new FindingPush(batch.Id, batch.Source!, scopeKey, clusterId, ownerTeamId, namespaceOwners, db.Scope.Actor, now),
                parsed.Findings, cancellationToken);

            batch.Status = IngestStatus.Processed;
            batch.ProcessedAt = now;
            (batch.Created, batch.Updated, batch.Unchanged, batch.Closed, batch.Reopened) =
                (counts.Created, counts.Updated, counts.Unchanged, counts.Closed, counts.Reopened);
            audit.Record(db, "ingest.scans", nameof(IngestBatch), batch.Id.ToString(System.Globalization.CultureInfo.InvariantCulture), after: new
            {
                batch.Format, batch.Source, batch.ScopeKey, batch.ClusterName, batch.TeamId, batch.Pipeline, batch.Commit, batch.PayloadSha256,
                counts.Created, counts.Updated, counts.Unchanged, counts.Closed, counts.Reopened,
            });
            db.ChangeTracker.DetectChanges();
            await db.SaveChangesAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            logger.LogError(ex, "Applying scan batch {BatchId} failed", batch.Id);
            db.ChangeTracker.Clear();
            await db.IngestBatches.Where(b => b.Id == batch.Id).ExecuteUpdateAsync(s => s
                .SetProperty(b => b.Status, IngestStatus.Failed)
                .SetProperty(b => b.Error, "Storing the findings failed: " + Clip(ex.Message, 3900)), CancellationToken.None);
            throw;
        }
        finally
        {
            WriteGate.Release();
        }

        notifier.NotifyFindingsChanged();
        return Outcome(batch, "processed", scopeKey);
    }

    private async Task<IngestBatch> StoreBatchAsync(K8PostureDbContext db, ReadOnlyMemory<byte> payload, ScanPushOptions options, CancellationToken cancellationToken)
    {
        var batch = new IngestBatch
        {
            Kind = IngestKind.Scans,
            ReceivedAt = clock.GetUtcNow(),
            Status = IngestStatus.Received,
            ClusterName = Clip(options.Cluster?.Trim(), 200),
            // A team-bound caller sees its own pushes, failed ones included.
            TeamId = !callerScope.SeesAllTeams && callerScope.TeamIds.Count == 1 ? callerScope.TeamIds[0] : null,
            Pipeline = Clip(options.Pipeline?.Trim(), 300),
            Commit = Clip(options.Commit?.Trim(), 100),
            Actor = Clip(callerScope.Actor, 200)!,
            PayloadSha256 = Convert.ToHexStringLower(SHA256.HashData(payload.Span)),
            PayloadBytes = payload.Length,
            PayloadCompressed = Compress(payload.Span),
        };
        db.IngestBatches.Add(batch);
        await db.SaveChangesAsync(cancellationToken);
        return batch;
    }

    /// <summary>team= by name, checked against what the caller may push for; else the caller's own team; else null (namespace owners decide).</summary>
    private async Task<int?> ResolveOwnerTeamAsync(K8PostureDbContext db, string? teamName, CancellationToken cancellationToken)
    {
        if (!string.IsNullOrWhiteSpace(teamName))
        {
            var name = teamName.Trim();
            var teamId = await db.Teams.AsNoTracking().Where(t => t.Name == name).Select(t => (int?)t.Id).FirstOrDefaultAsync(cancellationToken)
                ?? throw new IngestRejectedException("Unknown team", $"team={name} does not exist; use the exact name of a team registered in K8Posture.");
            if (!callerScope.SeesAllTeams && !callerScope.TeamIds.Contains(teamId))
            {
                throw new IngestRejectedException("Team not allowed", $"This key pushes for its own team only and may not push for team={name}.", StatusCodes.Status403Forbidden);
            }
            return teamId;
        }
        if (callerScope.SeesAllTeams)
        {
            return null;
        }
        return callerScope.TeamIds.Count switch
        {
            1 => callerScope.TeamIds[0],
            0 => throw new IngestRejectedException("No team", "The caller belongs to no team and cannot own findings; use a key bound to a team.", StatusCodes.Status403Forbidden),
            _ => throw new IngestRejectedException("Team required", "The caller belongs to several teams; pass team= to say which one owns these findings."),
        };
    }

    /// <summary>Only a re-push of the scope's latest processed payload is a duplicate; pushing an older report again must reopen what it has.</summary>
    private sealed record DuplicateOf(long BatchId, int FindingCount);

    private static async Task<DuplicateOf?> FindDuplicateAsync(K8PostureDbContext db, IngestBatch batch, CancellationToken cancellationToken)
    {
        var latest = await db.IngestBatches.AsNoTracking()
            .Where(b => b.Kind == IngestKind.Scans && b.Status == IngestStatus.Processed && b.ScopeKey == batch.ScopeKey && b.Source == batch.Source && b.Id != batch.Id)
            .OrderByDescending(b => b.Id)
            .Select(b => new { b.Id, b.PayloadSha256, b.Created, b.Updated, b.Unchanged, b.Reopened })
            .FirstOrDefaultAsync(cancellationToken);
        return latest is not null && latest.PayloadSha256 == batch.PayloadSha256
            ? new DuplicateOf(latest.Id, latest.Created + latest.Updated + latest.Unchanged + latest.Reopened)
            : null;
    }

    /// <summary>Pushes can discover clusters: an unknown name is registered as unmanaged.</summary>
    private async Task<int?> ResolveClusterAsync(K8PostureDbContext db, string? clusterName, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(clusterName))
        {
            return null;
        }
        var name = Clip(clusterName.Trim(), 200)!;
        var id = await db.Clusters.AsNoTracking().Where(c => c.Name == name).Select(c => (int?)c.Id).FirstOrDefaultAsync(cancellationToken);
        if (id is not null)
        {
            return id;
        }
        var cluster = new Cluster { Name = name, Provider = ClusterProvider.Unknown, IsManaged = false, CreatedAt = clock.GetUtcNow() };
        db.Clusters.Add(cluster);
        audit.Record(db, "cluster.discover", nameof(Cluster), null, after: new { cluster.Name, cluster.IsManaged, DiscoveredBy = "ingest.scans" });
        await db.SaveChangesAsync(cancellationToken);
        return cluster.Id;
    }

    private async Task FailAsync(K8PostureDbContext db, IngestBatch batch, string error, CancellationToken cancellationToken)
    {
        batch.Status = IngestStatus.Failed;
        batch.Error = Clip(error, 4000);
        batch.ProcessedAt = clock.GetUtcNow();
        await db.SaveChangesAsync(cancellationToken);
    }

    private static IngestOutcome Outcome(IngestBatch batch, string status, string scopeKey) =>
        new(batch.Id, status, batch.Format ?? "", batch.Source ?? "", scopeKey, batch.Created, batch.Updated, batch.Unchanged, batch.Closed, batch.Reopened);

    private static byte[] Compress(ReadOnlySpan<byte> payload)
    {
        using var buffer = new MemoryStream(capacity: Math.Max(256, payload.Length / 4));
        using (var gzip = new GZipStream(buffer, CompressionLevel.Fastest, leaveOpen: true))
        {
            gzip.Write(payload);
        }
        return buffer.ToArray();
    }

    private static string? Clip(string? value, int maxLength) =>
        value is null || value.Length <= maxLength ? value : value[..maxLength];
}

internal static class IngestRejectedExceptionExtensions
{
    public static string Detail(this IngestRejectedException exception) =>
        exception.Pointer is null ? exception.Message : $"{exception.Message} (at {exception.Pointer})";
}
