using K8Posture.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace K8Posture.Features.Ingestion;

/// <summary>Everything the store needs to know about one push besides its findings.</summary>
public sealed record FindingPush(
    long BatchId,
    string Source,
    string ScopeKey,
    int? ClusterId,
    int? OwnerTeamId,
    IReadOnlyDictionary<string, int> NamespaceOwnerTeamIds,
    string Actor,
    DateTimeOffset At);

public sealed record FindingChangeCounts(int Created, int Updated, int Unchanged, int Closed, int Reopened)
{
    public int Seen => Created + Updated + Unchanged + Reopened;
}

/// <summary>
/// Applies a push that fully describes its scope: creates, updates, closes and reopens findings by fingerprint and
/// writes their history. It adds to the caller's context and runs set-based updates in the caller's transaction;
/// the caller saves once and commits. A person's Resolution is never touched.
/// </summary>
public sealed class FindingStore(IOptions<SlaOptions> sla)
{
    /// <summary>Keeps IN lists well under every provider's parameter limit (SQL Server: 2100).</summary>
    public const int ChunkSize = 500;

    public async Task<FindingChangeCounts> ApplyAsync(K8PostureDbContext db, FindingPush push, IReadOnlyList<NormalisedFinding> findings, CancellationToken cancellationToken)
    {
        // A report can name the same problem twice (e.g. the same library in two lock files of one artifact); the first wins.
        var incoming = new Dictionary<string, (NormalisedFinding Finding, string ContentHash)>(StringComparer.Ordinal);
        foreach (var finding in findings)
        {
            incoming.TryAdd(FindingIdentity.Fingerprint(push.ScopeKey, finding), (finding, FindingIdentity.ContentHash(finding)));
        }

        var existingInScope = await db.Findings.AsNoTracking()
            .Where(f => f.Source == push.Source && f.ScopeKey == push.ScopeKey)
            .ToListAsync(cancellationToken);
        var existing = existingInScope.ToDictionary(f => f.Fingerprint, StringComparer.Ordinal);
        var unknown = incoming.Keys.Where(k => !existing.ContainsKey(k)).ToList();
        foreach (var chunk in unknown.Chunk(ChunkSize))
        {
            var found = await db.Findings.AsNoTracking().Where(f => chunk.Contains(f.Fingerprint)).ToListAsync(cancellationToken);
            foreach (var finding in found)
            {
                existing[finding.Fingerprint] = finding;
            }
        }

        int created = 0, updated = 0, reopened = 0;
        var unchangedIds = new List<long>();
        foreach (var (fingerprint, (finding, contentHash)) in incoming)
        {
            var ownerTeamId = push.OwnerTeamId
                ?? (finding.NamespaceName is { } ns && push.NamespaceOwnerTeamIds.TryGetValue(ns, out var namespaceOwner) ? namespaceOwner : null);
            if (!existing.TryGetValue(fingerprint, out var current))
            {
                var entity = new Finding
                {
                    Fingerprint = fingerprint,
                    ContentHash = contentHash,
                    Source = Clip(push.Source, 64)!,
                    ScopeKey = Clip(push.ScopeKey, 450)!,
                    Title = "",
                    Status = FindingStatus.Open,
                    FirstSeenAt = push.At,
                    LastSeenAt = push.At,
                    LastBatchId = push.BatchId,
                    ClusterId = push.ClusterId,
                    OwnerTeamId = ownerTeamId,
                };
                CopyContent(finding, entity);
                entity.SlaDueAt = sla.Value.DueAt(entity.Severity, entity.FirstSeenAt);
                db.Findings.Add(entity);
                db.FindingEvents.Add(Event(entity, FindingEventKind.Created, push, null));
                created++;
                continue;
            }

            var wasClosed = current.Status == FindingStatus.Closed;
            var contentChanged = !string.Equals(current.ContentHash, contentHash, StringComparison.Ordinal);
            var ownershipChanged = (ownerTeamId is not null && current.OwnerTeamId != ownerTeamId)
                || (push.ClusterId is not null && current.ClusterId != push.ClusterId);
            if (!wasClosed && !contentChanged && !ownershipChanged)
            {
                unchangedIds.Add(current.Id);
                continue;
            }

            db.Findings.Attach(current);
            current.LastSeenAt = push.At;
            current.LastBatchId = push.BatchId;
            current.OwnerTeamId = ownerTeamId ?? current.OwnerTeamId;
            current.ClusterId = push.ClusterId ?? current.ClusterId;
            if (contentChanged)
            {
                var before = current.Severity;
                CopyContent(finding, current);
                current.ContentHash = contentHash;
                current.SlaDueAt = sla.Value.DueAt(current.Severity, current.FirstSeenAt);
                if (!wasClosed)
                {
                    db.FindingEvents.Add(Event(current, FindingEventKind.Updated, push,
                        before == current.Severity ? "Reported content changed." : $"Severity {before} → {current.Severity}."));
                    updated++;
                }
            }
            if (wasClosed)
            {
                current.Status = FindingStatus.Open;
                current.ClosedAt = null;
                db.FindingEvents.Add(Event(current, FindingEventKind.Reopened, push, contentChanged ? "Reported again, with changed content." : "Reported again."));
                reopened++;
            }
        }
        // Findings whose owner or cluster moved were saved above but count as unchanged: what was found did not change.
        var unchanged = incoming.Count - created - updated - reopened;

        var closedIds = existingInScope
            .Where(f => f.Status == FindingStatus.Open && !incoming.ContainsKey(f.Fingerprint))
            .Select(f => f.Id)
            .ToList();
        foreach (var id in closedIds)
        {
            db.FindingEvents.Add(new FindingEvent { FindingId = id, Kind = FindingEventKind.Closed, At = push.At, BatchId = push.BatchId, Actor = Clip(push.Actor, 200), Detail = "No longer reported in its scope." });
        }

        foreach (var chunk in unchangedIds.Chunk(ChunkSize))
        {
            await db.Findings.Where(f => chunk.Contains(f.Id))
                .ExecuteUpdateAsync(s => s.SetProperty(f => f.LastSeenAt, push.At).SetProperty(f => f.LastBatchId, push.BatchId), cancellationToken);
        }
        foreach (var chunk in closedIds.Chunk(ChunkSize))
        {
            await db.Findings.Where(f => chunk.Contains(f.Id))
                .ExecuteUpdateAsync(s => s.SetProperty(f => f.Status, FindingStatus.Closed).SetProperty(f => f.ClosedAt, push.At), cancellationToken);
        }
        return new FindingChangeCounts(created, updated, unchanged, closedIds.Count, reopened);
    }

    private static FindingEvent Event(Finding finding, FindingEventKind kind, FindingPush push, string? detail) => new()
    {
        Finding = finding,
        Kind = kind,
        At = push.At,
        BatchId = push.BatchId,
        Actor = Clip(push.Actor, 200),
        Detail = Clip(detail, 2000),
    };

    /// <summary>Copies what the scanner reports; lifecycle, ownership and Resolution stay as they are.</summary>
    private static void CopyContent(NormalisedFinding source, Finding target)
    {
        target.Category = source.Category;
        target.Severity = source.Severity;
        target.Title = Clip(source.Title, 1000) ?? "";
        target.Description = source.Description;
        target.RuleId = Clip(source.RuleId, 200);
        target.VulnerabilityId = Clip(source.VulnerabilityId, 100);
        target.Cwe = Clip(source.Cwe, 200);
        target.CvssScore = source.CvssScore;
        target.CvssVector = Clip(source.CvssVector, 200);
        target.Epss = source.Epss;
        target.PackageName = Clip(source.PackageName, 300);
        target.PackageType = Clip(source.PackageType, 50);
        target.Purl = Clip(source.Purl, 1000);
        target.InstalledVersion = Clip(source.InstalledVersion, 200);
        target.FixedVersion = Clip(source.FixedVersion, 500);
        target.NamespaceName = Clip(source.NamespaceName, 253);
        target.ResourceKind = Clip(source.ResourceKind, 100);
        target.ResourceName = Clip(source.ResourceName, 300);
        target.Container = Clip(source.Container, 253);
        target.ImageRegistry = Clip(source.ImageRegistry, 253);
        target.ImageRepository = Clip(source.ImageRepository, 500);
        target.ImageTag = Clip(source.ImageTag, 200);
        target.ImageDigest = Clip(source.ImageDigest, 100);
        target.OwaspK8s = Clip(source.OwaspK8s, 20);
        target.PssControl = Clip(source.PssControl, 100);
        target.PrimaryUrl = Clip(source.PrimaryUrl, 1000);
        target.References = source.References.Count == 0 ? null : string.Join('\n', source.References);
    }

    private static string? Clip(string? value, int maxLength) =>
        value is null || value.Length <= maxLength ? value : value[..maxLength];
}
