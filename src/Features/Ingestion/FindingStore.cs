using static K8Posture.Shared.ColumnLengths;
using K8Posture.Data;
using K8Posture.Data.EntityConfigurations;
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
    DateTimeOffset At,
    SlaOptions? Sla = null)
{
    /// <summary>
    /// The report objects the push covers (<see cref="ReportSubject.Key"/>); null when it describes its whole scope. Only
    /// findings of covered objects can close.
    /// </summary>
    public IReadOnlyCollection<string>? Subjects { get; init; }

    /// <summary>
    /// The push carries every report object of its scope for its source (a cluster collection): an object missing from it
    /// is gone, so its findings close too.
    /// </summary>
    public bool Complete { get; init; }

    /// <summary>A team-bound caller: the push may only touch findings this team owns or nobody owns yet (which it then owns).</summary>
    public int? ConfinedToTeamId { get; init; }
}

public sealed record FindingChangeCounts(int Created, int Updated, int Unchanged, int Closed, int Reopened)
{
    public int Seen => Created + Updated + Unchanged + Reopened;

    /// <summary>
    /// The clusters whose findings the push created, changed or closed (null: findings in no cluster), a moved finding's old
    /// cluster included: what the landscape cells rebuild.
    /// </summary>
    public IReadOnlySet<int?> Clusters { get; init; } = new HashSet<int?>();

    public FindingChangeCounts Plus(FindingChangeCounts other) =>
        new(Created + other.Created, Updated + other.Updated, Unchanged + other.Unchanged, Closed + other.Closed, Reopened + other.Reopened)
        {
            Clusters = Clusters.Union(other.Clusters).ToHashSet(),
        };
}

/// <summary>
/// Applies a push that fully describes its scope for its source (docs/ARCHITECTURE.md, Finding identity and lifecycle). Fingerprints are tool-independent, so two
/// tools reporting the same problem share one finding; each tool's view is a <see cref="FindingSighting"/>. Incoming
/// findings open or refresh the source's sighting; the source's open sightings in the scope that the push lacks are
/// closed; a finding closes when no sighting of it is open any more and reopens when any source reports it again.
/// The reported content belongs to the finding's first reporter (<see cref="Finding.Source"/>): another tool seeing it
/// refreshes only its own sighting, so alternating pushes of two tools do not flip the content back and forth.
/// Everything runs in the caller's transaction: new rows through <see cref="BulkInserter"/>, unchanged ones by set-based
/// updates, the few changed ones tracked for the caller's SaveChanges. A person's Resolution is never touched.
/// </summary>
public sealed class FindingStore(IOptions<SlaOptions> sla, IEnumerable<IFindingPushFollowUp> followUps, IEnumerable<IFindingClosedFollowUp> closedFollowUps)
{
    private readonly IFindingPushFollowUp[] _followUps = followUps.OrderBy(f => f.Order).ToArray();
    private readonly IFindingClosedFollowUp[] _closedFollowUps = closedFollowUps.ToArray();

    /// <summary>Ids or fingerprints per set-based statement; sent as one JSON array parameter, so no parameter limit applies.</summary>
    public const int ChunkSize = 20_000;

    /// <summary>
    /// Fingerprints looked up per statement. Each is sent as 64 hex characters in one JSON array parameter; at 512 the
    /// strings and the parameter (~70 KB) stay below the large object heap and die young, where at <see cref="ChunkSize"/>
    /// a 1,000,000-finding push left ~300 MB of them (large-object and promoted garbage) for a full collection to find.
    /// </summary>
    private const int FingerprintLookupChunkSize = 512;

    /// <summary>
    /// New findings are built and inserted this many at a time. Small on purpose: a chunk that lives through a few gen0
    /// collections while it is inserted is promoted to gen2 and stays there as garbage until a full collection; at 4,096 a
    /// 115,000-finding cluster peaked 60 MB higher (collect benchmark: ~405 MB vs ~345 MB) at the same ingest speed.
    /// </summary>
    private const int BuildChunkSize = 512;

    private Finding[] Build(int[] chunk, IReadOnlyList<NormalisedFinding> findings, IncomingKey[] keys, string source, string scopeKey, FindingPush push)
    {
        var built = new Finding[chunk.Length];
        for (var i = 0; i < chunk.Length; i++)
        {
            var key = keys[chunk[i]];
            var entity = new Finding
            {
                Fingerprint = key.Fingerprint.ToHex(),
                ContentHash = key.ContentHash.ToHex(),
                Source = source,
                ScopeKey = scopeKey,
                Title = "",
                Status = FindingStatus.Open,
                FirstSeenAt = push.At,
                LastSeenAt = push.At,
                LastBatchId = push.BatchId,
                ClusterId = push.ClusterId,
                OwnerTeamId = key.OwnerTeamId,
            };
            CopyContent(findings[chunk[i]], entity);
            entity.SlaDueAt = (push.Sla ?? sla.Value).DueAt(entity.Severity, entity.FirstSeenAt);
            built[i] = entity;
        }
        return built;
    }

    /// <summary>A stored finding the push names; its hashes as keys, so a re-push of a large scope holds no hex strings per finding.</summary>
    private readonly record struct Existing(long Id, Sha256Key ContentHash, bool ReportedBySource, FindingStatus Status, int? OwnerTeamId, int? ClusterId, FindingWorkflow Workflow)
    {
        public static Existing Of(long id, string contentHash, bool reportedBySource, FindingStatus status, int? ownerTeamId, int? clusterId, FindingWorkflow workflow) =>
            // A stored hash that is not one of ours (never written by this code) compares as changed, and is then rewritten.
            new(id, Sha256Key.TryParseHex(contentHash, out var key) ? key : default, reportedBySource, status, ownerTeamId, clusterId, workflow);
    }

    private sealed record SourceSighting(long Id, long FindingId, string ScopeKey, bool IsOpen, string Fingerprint, FindingStatus FindingStatus, int? OwnerTeamId, int? ClusterId);

    private sealed record Change(long FindingId, int Index, Sha256Key ContentHash, int? OwnerTeamId, bool ContentChanged, bool Reopen);

    /// <summary>
    /// What the store keeps of each incoming finding while it works: its identity, content hash, owner and coverage key. The
    /// findings themselves are read again only to be written (new or changed), so a list that reads them from the
    /// payload (<see cref="DeferredFindings{TContext}"/>) never has them all in memory at once.
    /// </summary>
    private readonly record struct IncomingKey(Sha256Key Fingerprint, Sha256Key ContentHash, int? OwnerTeamId, string CoverageKey);

    /// <summary>Indexes into the incoming keys, equal when their fingerprints are; a fingerprint finds its index.</summary>
    private sealed class FingerprintOfIndex(IncomingKey[] keys) : IEqualityComparer<int>, IAlternateEqualityComparer<Sha256Key, int>
    {
        public bool Equals(int x, int y) => keys[x].Fingerprint == keys[y].Fingerprint;

        public int GetHashCode(int index) => keys[index].Fingerprint.GetHashCode();

        public bool Equals(Sha256Key alternate, int other) => keys[other].Fingerprint == alternate;

        public int GetHashCode(Sha256Key alternate) => alternate.GetHashCode();

        public int Create(Sha256Key alternate) => throw new NotSupportedException("Only indexes are added.");
    }

    public async Task<FindingChangeCounts> ApplyAsync(K8PostureDbContext db, FindingPush push, IReadOnlyList<NormalisedFinding> findings, CancellationToken cancellationToken)
    {
        var source = Clip(push.Source, FindingConfiguration.SourceMaxLength)!;
        var scopeKey = Clip(push.ScopeKey, FindingConfiguration.ScopeKeyMaxLength)!;
        var actor = Clip(push.Actor, FindingEventConfiguration.ActorMaxLength);

        // A report can name the same problem twice (e.g. the same library in two lock files of one artifact); the first wins.
        // Keys are needed first and for all; spread them over the cores, then keep report order.
        var keys = new IncomingKey[findings.Count];
        Parallel.For(0, findings.Count, new ParallelOptions { CancellationToken = cancellationToken }, i =>
        {
            var finding = findings[i];
            var ownerTeamId = push.OwnerTeamId
                ?? (finding.NamespaceName is { } ns && push.NamespaceOwnerTeamIds.TryGetValue(ns, out var namespaceOwner) ? namespaceOwner : null);
            keys[i] = new IncomingKey(FindingIdentity.FingerprintKey(scopeKey, finding), FindingIdentity.ContentHashKey(finding), ownerTeamId, CoverageKey(scopeKey, push, finding));
        });
        // The first finding of each fingerprint, as its index; looked up by fingerprint (16 bytes a finding, not a copy of its key).
        var incoming = new HashSet<int>(findings.Count, new FingerprintOfIndex(keys));
        var byFingerprint = incoming.GetAlternateLookup<Sha256Key>();
        for (var i = 0; i < keys.Length; i++)
        {
            incoming.Add(i);
        }

        // This source's view of what the push covers (indexed by Source, ScopeKey), and every finding the push names, whoever reported it.
        var sightings = await CoveredSightingsAsync(db, source, scopeKey, push, cancellationToken);
        var sightingByFinding = sightings.ToDictionary(s => s.FindingId);
        var existing = new Dictionary<Sha256Key, Existing>();
        foreach (var indexChunk in incoming.Chunk(FingerprintLookupChunkSize))
        {
            var chunk = Array.ConvertAll(indexChunk, index => keys[index].Fingerprint.ToHex());
            var found = await db.Findings.AsNoTracking()
                .Where(f => EF.Parameter(chunk).Contains(f.Fingerprint))
                .Select(f => new { f.Fingerprint, Existing = Existing.Of(f.Id, f.ContentHash, f.Source == source, f.Status, f.OwnerTeamId, f.ClusterId, f.Workflow) })
                .ToListAsync(cancellationToken);
            foreach (var finding in found)
            {
                if (Sha256Key.TryParseHex(finding.Fingerprint, out var fingerprint))
                {
                    existing[fingerprint] = finding.Existing;
                }
            }
        }

        var now = push.At;
        var created = new List<int>();
        var newSightings = new List<FindingSighting>();
        var events = new List<FindingEvent>();
        var unchangedIds = new List<long>();
        var refreshedSightingIds = new List<long>();
        var reopenedSightingIds = new List<long>();
        var changes = new List<Change>();
        var clusters = new HashSet<int?> { push.ClusterId };
        var stillReportedAfterResolved = new List<long>();
        // Sightings that now belong to another report object (or moved in from a key the push does not cover), by their new key.
        var rekeyed = new Dictionary<string, List<long>>(StringComparer.Ordinal);
        var unsighted = new List<(long FindingId, string CoverageKey)>();
        foreach (var index in incoming)
        {
            var (fingerprint, incomingHash, ownerTeamId, coverageKey) = keys[index];
            if (!existing.TryGetValue(fingerprint, out var current))
            {
                created.Add(index);
                continue;
            }

            if (current.Workflow == FindingWorkflow.Resolved)
            {
                stillReportedAfterResolved.Add(current.Id);
            }
            if (sightingByFinding.TryGetValue(current.Id, out var sighting))
            {
                if (!string.Equals(sighting.ScopeKey, coverageKey, StringComparison.Ordinal))
                {
                    Rekey(rekeyed, coverageKey, sighting.Id);
                }
                else
                {
                    (sighting.IsOpen ? refreshedSightingIds : reopenedSightingIds).Add(sighting.Id);
                }
            }
            else
            {
                unsighted.Add((current.Id, coverageKey));
            }

            var wasClosed = current.Status == FindingStatus.Closed;
            // Only the first reporter's content is compared (and hashed): see the class summary.
            var contentHash = current.ReportedBySource ? incomingHash : current.ContentHash;
            var contentChanged = current.ContentHash != contentHash;
            var ownershipChanged = (ownerTeamId is not null && current.OwnerTeamId != ownerTeamId)
                || (push.ClusterId is not null && current.ClusterId != push.ClusterId);
            if (!wasClosed && !contentChanged && !ownershipChanged)
            {
                unchangedIds.Add(current.Id);
                continue;
            }
            changes.Add(new Change(current.Id, index, contentHash, ownerTeamId, contentChanged, wasClosed));
            clusters.Add(current.ClusterId);
        }

        // This source may have seen a finding under a report object the push does not cover (the tool renamed its reports,
        // or the finding moved to another object): its one sighting moves to the object that carries it now.
        foreach (var chunk in unsighted.Chunk(ChunkSize))
        {
            var ids = chunk.Select(u => u.FindingId).ToArray();
            var elsewhere = await db.FindingSightings.AsNoTracking()
                .Where(s => s.Source == source && EF.Parameter(ids).Contains(s.FindingId))
                .Select(s => new { s.Id, s.FindingId })
                .ToDictionaryAsync(s => s.FindingId, s => s.Id, cancellationToken);
            foreach (var (findingId, coverageKey) in chunk)
            {
                if (elsewhere.TryGetValue(findingId, out var sightingId))
                {
                    Rekey(rekeyed, coverageKey, sightingId);
                }
                else
                {
                    newSightings.Add(NewSighting(findingId, source, coverageKey, push));
                }
            }
        }

        // This source no longer sees these; their findings close unless another source still has them open.
        var lapsed = sightings.Where(s => s.IsOpen && !(Sha256Key.TryParseHex(s.Fingerprint, out var fingerprint) && byFingerprint.Contains(fingerprint))).ToList();
        if (push.ConfinedToTeamId is { } team)
        {
            // Every stored finding looked up is one the push names.
            var othersSeen = existing.Values.Count(f => f.OwnerTeamId is { } owner && owner != team);
            var othersLapsed = lapsed.Count(s => s.OwnerTeamId is { } owner && owner != team);
            if (othersSeen + othersLapsed > 0)
            {
                throw new IngestRejectedException("Findings of another team",
                    $"This push would {(othersSeen > 0 ? $"update {othersSeen}" : "")}{(othersSeen > 0 && othersLapsed > 0 ? " and " : "")}{(othersLapsed > 0 ? $"close {othersLapsed}" : "")} "
                    + $"finding(s) in scope {scopeKey} that another team owns. A team's key changes only its own team's findings (or unowned ones); "
                    + "push to a scope of your own (scope=…), or ask the Security Team to push shared scopes with an organisation-wide key.",
                    StatusCodes.Status403Forbidden);
            }
        }

        int updated = 0, reopened = 0;
        foreach (var chunk in changes.Chunk(ChunkSize))
        {
            var ids = chunk.Select(c => c.FindingId).ToArray();
            var entities = await db.Findings.AsTracking().Where(f => EF.Parameter(ids).Contains(f.Id)).ToDictionaryAsync(f => f.Id, cancellationToken);
            foreach (var change in chunk)
            {
                var current = entities[change.FindingId];
                current.LastSeenAt = now;
                current.LastBatchId = push.BatchId;
                current.OwnerTeamId = change.OwnerTeamId ?? current.OwnerTeamId;
                current.ClusterId = push.ClusterId ?? current.ClusterId;
                if (change.ContentChanged)
                {
                    var before = current.Severity;
                    CopyContent(findings[change.Index], current);
                    current.ContentHash = change.ContentHash.ToHex();
                    current.SlaDueAt = (push.Sla ?? sla.Value).DueAt(current.Severity, current.FirstSeenAt);
                    if (!change.Reopen)
                    {
                        events.Add(Event(current.Id, FindingEventKind.Updated, push, actor,
                            before == current.Severity ? "Reported content changed." : $"Severity {before} → {current.Severity}."));
                        updated++;
                    }
                }
                if (change.Reopen)
                {
                    current.Status = FindingStatus.Open;
                    current.ClosedAt = null;
                    events.Add(Event(current.Id, FindingEventKind.Reopened, push, actor,
                        (change.ContentChanged ? "Reported again, with changed content" : "Reported again") + $" by {source}."));
                    reopened++;
                }
            }
        }
        // Findings whose owner or cluster moved were saved above but count as unchanged: what was found did not change.
        var unchanged = incoming.Count - created.Count - updated - reopened;

        var closeCandidates = lapsed.Where(s => s.FindingStatus == FindingStatus.Open).Select(s => s.FindingId).ToList();
        var stillSeen = new HashSet<long>();
        foreach (var chunk in closeCandidates.Chunk(ChunkSize))
        {
            var seen = await db.FindingSightings.AsNoTracking()
                .Where(s => EF.Parameter(chunk).Contains(s.FindingId) && s.Source != source && s.IsOpen)
                .Select(s => s.FindingId)
                .ToListAsync(cancellationToken);
            stillSeen.UnionWith(seen);
        }
        var closedIds = closeCandidates.Where(id => !stillSeen.Contains(id)).ToList();
        clusters.UnionWith(lapsed.Where(s => s.FindingStatus == FindingStatus.Open && !stillSeen.Contains(s.FindingId)).Select(s => s.ClusterId));
        foreach (var id in closedIds)
        {
            events.Add(Event(id, FindingEventKind.Closed, push, actor, $"No longer reported in its scope (last seen by {source})."));
        }

        // Writes: new rows in bulk, then set-based updates, all in the caller's transaction.
        // New findings are built (content hash, copy, SLA) one chunk ahead of the insert, on another core.
        var pending = created.Chunk(BuildChunkSize).ToArray();
        var sqlite = db.Database.IsSqlite();
        var next = pending.Length > 0 ? Task.Run(() => Build(pending[0], findings, keys, source, scopeKey, push), cancellationToken) : null;
        long? firstCreatedId = null;
        for (var k = 0; k < pending.Length; k++)
        {
            var built = await next!;
            if (k + 1 < pending.Length)
            {
                var following = pending[k + 1];
                next = Task.Run(() => Build(following, findings, keys, source, scopeKey, push), cancellationToken);
            }
            var insertedWithIds = await BulkInserter.InsertAsync(db, built, assignIds: true, cancellationToken);
            if (!insertedWithIds)
            {
                await AssignIdsByFingerprintAsync(db, built, cancellationToken);
            }
            firstCreatedId = Math.Min(firstCreatedId ?? long.MaxValue, built.Min(f => f.Id));
            if (insertedWithIds && sqlite && built.Length >= BulkInserter.Threshold && push.Subjects is null)
            {
                // SQLite gave this chunk consecutive ids (checked): the first sighting and the Created event of each are
                // derived from the rows just written, inside SQLite, instead of being bound row by row.
                await AddFirstSightingsAndCreatedEventsAsync(db, built[0].Id, built[^1].Id, actor, cancellationToken);
                continue;
            }
            var chunkIndexes = pending[k];
            for (var i = 0; i < built.Length; i++)
            {
                newSightings.Add(NewSighting(built[i].Id, source, keys[chunkIndexes[i]].CoverageKey, push));
                events.Add(Event(built[i].Id, FindingEventKind.Created, push, actor, null));
            }
        }
        await BulkInserter.InsertAsync(db, newSightings, assignIds: false, cancellationToken);
        await BulkInserter.InsertAsync(db, events, assignIds: false, cancellationToken);

        foreach (var chunk in unchangedIds.Chunk(ChunkSize))
        {
            await db.Findings.Where(f => EF.Parameter(chunk).Contains(f.Id))
                .ExecuteUpdateAsync(s => s.SetProperty(f => f.LastSeenAt, now).SetProperty(f => f.LastBatchId, push.BatchId), cancellationToken);
        }
        foreach (var chunk in refreshedSightingIds.Chunk(ChunkSize))
        {
            await db.FindingSightings.Where(s => EF.Parameter(chunk).Contains(s.Id))
                .ExecuteUpdateAsync(s => s.SetProperty(x => x.LastSeenAt, now).SetProperty(x => x.LastBatchId, push.BatchId), cancellationToken);
        }
        foreach (var chunk in reopenedSightingIds.Chunk(ChunkSize))
        {
            await ReopenSightingsAsync(db, chunk, now, push.BatchId, cancellationToken);
        }
        foreach (var (coverageKey, ids) in rekeyed)
        {
            foreach (var chunk in ids.Chunk(ChunkSize))
            {
                await db.FindingSightings.Where(s => EF.Parameter(chunk).Contains(s.Id))
                    .ExecuteUpdateAsync(s => s.SetProperty(x => x.ScopeKey, coverageKey).SetProperty(x => x.IsOpen, true)
                        .SetProperty(x => x.LastSeenAt, now).SetProperty(x => x.LastBatchId, push.BatchId), cancellationToken);
            }
        }
        foreach (var chunk in lapsed.Select(s => s.Id).Chunk(ChunkSize))
        {
            await db.FindingSightings.Where(s => EF.Parameter(chunk).Contains(s.Id))
                .ExecuteUpdateAsync(s => s.SetProperty(x => x.IsOpen, false), cancellationToken);
        }
        foreach (var chunk in closedIds.Chunk(ChunkSize))
        {
            await CloseFindingsAsync(db, chunk, now, cancellationToken);
            // A team's key that closes unowned findings takes them as its own, as it does the ones it reports.
            if (push.ConfinedToTeamId is { } owner)
            {
                await db.Findings.Where(f => EF.Parameter(chunk).Contains(f.Id) && f.OwnerTeamId == null)
                    .ExecuteUpdateAsync(s => s.SetProperty(f => f.OwnerTeamId, owner), cancellationToken);
            }
        }
        // A person said these were fixed, but the scanner still reports them: the remediation goes back to open.
        if (stillReportedAfterResolved.Count > 0)
        {
            await BulkInserter.InsertAsync(db, stillReportedAfterResolved.Select(id =>
                Event(id, FindingEventKind.WorkflowChanged, push, actor, $"Resolved → Open: still reported by {source}.")).ToList(), assignIds: false, cancellationToken);
            foreach (var chunk in stillReportedAfterResolved.Chunk(ChunkSize))
            {
                await db.Findings.Where(f => EF.Parameter(chunk).Contains(f.Id) && f.Workflow == FindingWorkflow.Resolved)
                    .ExecuteUpdateAsync(s => s.SetProperty(f => f.Workflow, FindingWorkflow.Open), cancellationToken);
            }
        }
        if (closedIds.Count > 0)
        {
            foreach (var followUp in _closedFollowUps)
            {
                await followUp.AfterClosedAsync(db, push, closedIds, cancellationToken);
            }
        }
        if (firstCreatedId is { } first)
        {
            foreach (var followUp in _followUps)
            {
                await followUp.AfterCreatedAsync(db, push, first, cancellationToken);
            }
        }
        return new FindingChangeCounts(created.Count, updated, unchanged, closedIds.Count, reopened) { Clusters = clusters };
    }

    /// <summary>Closes findings no source reports any more (set-based; the SQL Server checks parse what it sends).</summary>
    internal static Task<int> CloseFindingsAsync(K8PostureDbContext db, long[] findingIds, DateTimeOffset now, CancellationToken cancellationToken) =>
        db.Findings.Where(f => EF.Parameter(findingIds).Contains(f.Id))
            .ExecuteUpdateAsync(s => s.SetProperty(f => f.Status, FindingStatus.Closed).SetProperty(f => f.ClosedAt, now), cancellationToken);

    /// <summary>Reopens sightings their source reports again (set-based; the SQL Server checks parse what it sends).</summary>
    internal static Task<int> ReopenSightingsAsync(K8PostureDbContext db, long[] sightingIds, DateTimeOffset now, long batchId, CancellationToken cancellationToken) =>
        db.FindingSightings.Where(s => EF.Parameter(sightingIds).Contains(s.Id))
            .ExecuteUpdateAsync(s => s.SetProperty(x => x.IsOpen, true).SetProperty(x => x.LastSeenAt, now).SetProperty(x => x.LastBatchId, batchId), cancellationToken);

    /// <summary>
    /// The sightings of <paramref name="source"/> the push covers: its scope (a whole-scope push), the report objects it
    /// names, or — for a complete push — every object of the scope.
    /// </summary>
    private static async Task<List<SourceSighting>> CoveredSightingsAsync(K8PostureDbContext db, string source, string scopeKey, FindingPush push, CancellationToken cancellationToken)
    {
        var ofSource = db.FindingSightings.AsNoTracking().Where(s => s.Source == source);
        if (push.Subjects is null && !push.Complete)
        {
            return await Project(ofSource.Where(s => s.ScopeKey == scopeKey)).ToListAsync(cancellationToken);
        }
        if (push.Complete)
        {
            var objects = scopeKey + FindingIdentity.SubjectSeparator;
            // SQLite compares with BINARY collation, so a range is the prefix and uses the index; SQL Server's collation
            // orders punctuation its own way, where LIKE 'prefix%' is the indexed form.
            var covered = db.Database.IsSqlite()
                ? ofSource.Where(s => s.ScopeKey == scopeKey
                    || (string.Compare(s.ScopeKey, objects) > 0 && string.Compare(s.ScopeKey, scopeKey + (char)(FindingIdentity.SubjectSeparator + 1)) < 0))
                : ofSource.Where(s => s.ScopeKey == scopeKey || s.ScopeKey.StartsWith(objects));
            return await Project(covered).ToListAsync(cancellationToken);
        }
        var keys = push.Subjects!.Select(subject => FindingIdentity.CoverageKey(scopeKey, subject)).Distinct(StringComparer.Ordinal).ToList();
        var sightings = new List<SourceSighting>();
        foreach (var chunk in keys.Chunk(ChunkSize))
        {
            sightings.AddRange(await Project(ofSource.Where(s => EF.Parameter(chunk).Contains(s.ScopeKey))).ToListAsync(cancellationToken));
        }
        return sightings;

        static IQueryable<SourceSighting> Project(IQueryable<FindingSighting> query) =>
            query.Select(s => new SourceSighting(s.Id, s.FindingId, s.ScopeKey, s.IsOpen, s.Finding!.Fingerprint, s.Finding.Status, s.Finding.OwnerTeamId, s.Finding.ClusterId));
    }

    private static string CoverageKey(string scopeKey, FindingPush push, NormalisedFinding finding) =>
        push.Subjects is null || finding.Subject is null ? scopeKey : FindingIdentity.CoverageKey(scopeKey, finding.Subject.Key);

    private static void Rekey(Dictionary<string, List<long>> rekeyed, string coverageKey, long sightingId)
    {
        if (!rekeyed.TryGetValue(coverageKey, out var ids))
        {
            rekeyed[coverageKey] = ids = [];
        }
        ids.Add(sightingId);
    }

    /// <summary>Findings [<paramref name="firstId"/>, <paramref name="lastId"/>] were just created by this push: open their reporter's sighting and record their creation.</summary>
    private static async Task AddFirstSightingsAndCreatedEventsAsync(K8PostureDbContext db, long firstId, long lastId, string? actor, CancellationToken cancellationToken)
    {
        var created = (int)FindingEventKind.Created;
        await db.Database.ExecuteSqlAsync($"""
            INSERT INTO "FindingSightings" ("FindingId", "Source", "ScopeKey", "FirstSeenAt", "LastSeenAt", "LastBatchId", "IsOpen")
            SELECT "Id", "Source", "ScopeKey", "FirstSeenAt", "FirstSeenAt", "LastBatchId", 1 FROM "Findings" WHERE "Id" BETWEEN {firstId} AND {lastId} ORDER BY "Id"
            """, cancellationToken);
        await db.Database.ExecuteSqlAsync($"""
            INSERT INTO "FindingEvents" ("FindingId", "Kind", "At", "BatchId", "Actor", "Detail")
            SELECT "Id", {created}, "FirstSeenAt", "LastBatchId", {actor}, NULL FROM "Findings" WHERE "Id" BETWEEN {firstId} AND {lastId} ORDER BY "Id"
            """, cancellationToken);
    }

    /// <summary>SQL Server's bulk copy returns no identities; the fingerprint is unique, so it finds them.</summary>
    private static async Task AssignIdsByFingerprintAsync(K8PostureDbContext db, Finding[] created, CancellationToken cancellationToken)
    {
        var byFingerprint = created.ToDictionary(f => f.Fingerprint, StringComparer.Ordinal);
        foreach (var chunk in byFingerprint.Keys.Chunk(ChunkSize))
        {
            var ids = await db.Findings.AsNoTracking()
                .Where(f => EF.Parameter(chunk).Contains(f.Fingerprint))
                .Select(f => new { f.Id, f.Fingerprint })
                .ToListAsync(cancellationToken);
            foreach (var row in ids)
            {
                byFingerprint[row.Fingerprint].Id = row.Id;
            }
        }
    }

    private static FindingSighting NewSighting(long findingId, string source, string scopeKey, FindingPush push) => new()
    {
        FindingId = findingId,
        Source = source,
        ScopeKey = scopeKey,
        FirstSeenAt = push.At,
        LastSeenAt = push.At,
        LastBatchId = push.BatchId,
        IsOpen = true,
    };

    private static FindingEvent Event(long findingId, FindingEventKind kind, FindingPush push, string? actor, string? detail) => new()
    {
        FindingId = findingId,
        Kind = kind,
        At = push.At,
        BatchId = push.BatchId,
        Actor = actor,
        Detail = Clip(detail, FindingEventConfiguration.DetailMaxLength),
    };

    /// <summary>Copies what the scanner reports; lifecycle, ownership and Resolution stay as they are.</summary>
    private static void CopyContent(NormalisedFinding source, Finding target)
    {
        target.Category = source.Category;
        target.Severity = source.Severity;
        target.Title = Clip(source.Title, FindingConfiguration.TitleMaxLength) ?? "";
        target.Description = source.Remediation is null ? source.Description : source.Description + "\n\nRemediation: " + source.Remediation;
        target.RuleId = Clip(source.RuleId, FindingConfiguration.RuleIdMaxLength);
        target.VulnerabilityId = Clip(source.VulnerabilityId, FindingConfiguration.VulnerabilityIdMaxLength);
        target.Cwe = Clip(source.Cwe, FindingConfiguration.CweMaxLength);
        target.CvssScore = source.CvssScore;
        target.CvssVector = Clip(source.CvssVector, FindingConfiguration.CvssVectorMaxLength);
        target.Epss = source.Epss;
        target.PackageName = Clip(source.PackageName, FindingConfiguration.PackageNameMaxLength);
        target.PackageType = Clip(source.PackageType, FindingConfiguration.PackageTypeMaxLength);
        target.Purl = Clip(source.Purl, FindingConfiguration.PurlMaxLength);
        target.InstalledVersion = Clip(source.InstalledVersion, FindingConfiguration.InstalledVersionMaxLength);
        target.FixedVersion = Clip(source.FixedVersion, FindingConfiguration.FixedVersionMaxLength);
        target.NamespaceName = Clip(source.NamespaceName, FindingConfiguration.NamespaceNameMaxLength);
        target.ResourceKind = Clip(source.ResourceKind, FindingConfiguration.ResourceKindMaxLength);
        target.ResourceName = Clip(source.ResourceName, FindingConfiguration.ResourceNameMaxLength);
        target.Container = Clip(source.Container, FindingConfiguration.ContainerMaxLength);
        target.ImageRegistry = Clip(source.ImageRegistry, FindingConfiguration.ImageRegistryMaxLength);
        target.ImageRepository = Clip(source.ImageRepository, FindingConfiguration.ImageRepositoryMaxLength);
        target.ImageTag = Clip(source.ImageTag, FindingConfiguration.ImageTagMaxLength);
        target.ImageDigest = Clip(source.ImageDigest, FindingConfiguration.ImageDigestMaxLength);
        target.OwaspK8s = Clip(source.OwaspK8s, FindingConfiguration.OwaspK8sMaxLength);
        target.PssControl = Clip(source.PssControl, FindingConfiguration.PssControlMaxLength);
        target.PrimaryUrl = Clip(source.PrimaryUrl, FindingConfiguration.PrimaryUrlMaxLength);
        target.References = source.References.Count == 0 ? null : string.Join('\n', source.References);
        target.IntelCveId = Intel.VulnerabilityAliases.CveFor(target.VulnerabilityId, target.PrimaryUrl, target.References);
    }
}
