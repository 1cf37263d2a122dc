using System.Diagnostics;
using static K8Posture.Shared.ColumnLengths;
using System.Security.Cryptography;
using K8Posture.Data;
using K8Posture.Data.EntityConfigurations;
using K8Posture.Features.Ingestion.Recovery;
using K8Posture.Features.Policy;
using K8Posture.Shared;
using K8Posture.Shared.Telemetry;
using Microsoft.EntityFrameworkCore;

namespace K8Posture.Features.Ingestion;

/// <summary>
/// The scan push use case (docs/ARCHITECTURE.md, Data flow: a push): keep the raw payload, parse it, decide scope and ownership, and apply it to
/// the findings in one transaction. Authorisation is decided against the caller's <see cref="DataScope"/>; the database
/// work then runs in a system scope, because ownership decisions must see every team's rows.
/// </summary>
public sealed class ScanIngestor(
    DataScope callerScope,
    IServiceScopeFactory scopes,
    ScanFormatDetector detector,
    IEnumerable<IScanPushContributor> contributors,
    FindingStore store,
    IngestPipeline pipeline,
    AuditLog audit,
    LandscapeChangeNotifier notifier,
    K8PostureMetrics metrics,
    TimeProvider clock)
{
    public Task<IngestOutcome> IngestAsync(ReadOnlyMemory<byte> payload, ScanPushOptions options, CancellationToken cancellationToken) =>
        ProcessAsync(ReceivedReport.InMemory(payload), options, PushCaller.Of(callerScope), null, cancellationToken);

    /// <summary>A report in memory or spooled (<see cref="ReceivedReport.ReceiveAsync"/>); the caller disposes it after the push.</summary>
    public Task<IngestOutcome> IngestAsync(ReceivedReport report, ScanPushOptions options, CancellationToken cancellationToken) =>
        ProcessAsync(report, options, PushCaller.Of(callerScope), null, cancellationToken);

    public Task<IngestOutcome> ResumeAsync(IngestBatch interrupted, ReadOnlyMemory<byte> payload, ScanPushOptions options, PushCaller caller, CancellationToken cancellationToken) =>
        ProcessAsync(ReceivedReport.InMemory(payload), options, caller, interrupted, cancellationToken);

    public Task<IngestOutcome> ResumeAsync(IngestBatch interrupted, ReceivedReport report, ScanPushOptions options, PushCaller caller, CancellationToken cancellationToken) =>
        ProcessAsync(report, options, caller, interrupted, cancellationToken);

    private async Task<IngestOutcome> ProcessAsync(ReceivedReport payload, ScanPushOptions options, PushCaller caller, IngestBatch? interrupted, CancellationToken cancellationToken)
    {
        if (payload.IsEmpty)
        {
            throw new IngestRejectedException("Empty payload", "The request body is empty; send the scanner's report as the body.");
        }

        await using var push = await PushScope.OpenAsync(scopes, caller, cancellationToken);
        var db = push.Db;

        var batch = NewBatch(payload, options, caller, interrupted);
        IScanParser parser;
        int? ownerTeamId;
        try
        {
            parser = SelectParser(payload.Head(), options.Format);
            batch.Format = parser.Format;
            batch.Source = parser.SourceTool;
            ownerTeamId = await ResolveOwnerTeamAsync(db, options.Team, caller, cancellationToken);
            batch.TeamId = ownerTeamId ?? batch.TeamId;
        }
        catch (IngestRejectedException ex)
        {
            batch.PayloadCompressed = payload.Gzip();
            throw await pipeline.RefuseAsync(db, batch, ex);
        }

        // An identical payload pushed the same way is known by its sha256 before it is parsed: nothing is read or written but the batch.
        if (await FindDuplicateAsync(db, batch, cancellationToken) is { } duplicate)
        {
            // The bytes are those of the batch it duplicates, which keeps them.
            batch.Source = duplicate.Source;
            batch.ScopeKey = duplicate.ScopeKey;
            batch.Status = IngestStatus.Duplicate;
            batch.DuplicateOfBatchId = duplicate.BatchId;
            batch.Unchanged = duplicate.FindingCount;
            batch.ProcessedAt = clock.GetUtcNow();
            await IngestBatchRecording.SaveAsync(db, batch, cancellationToken);
            return Outcome(batch, "duplicate", duplicate.ScopeKey);
        }

        // The raw payload is kept whatever happens next; compressing it runs beside the parse.
        var compression = Task.Run(payload.Gzip, CancellationToken.None);
        ScanParseResult parsed;
        string scopeKey;
        try
        {
            var parsing = Stopwatch.StartNew();
            parsed = PayloadParsing.Read(parser.Format, "report", () => payload.Parse(parser));
            metrics.PushParsed(parser.Format, parsing.Elapsed, parsed.Findings.Count);
            RequireValidNames(parsed, options.Cluster);
            // A generic format (SARIF) names the real tool inside the report.
            batch.Source = Clip(parsed.SourceTool ?? parser.SourceTool, IngestBatchConfiguration.SourceMaxLength);
            scopeKey = Clip(FindingIdentity.ScopeKey(parsed.ScopeHint, options.Scope, options.Cluster), IngestBatchConfiguration.ScopeKeyMaxLength)
                ?? throw new IngestRejectedException("Scope unknown", parsed.ScopeHint.ArtifactKind == ScanArtifactKind.Cluster
                    ? $"The {parser.Format} report does not name its cluster; pass cluster= (or scope=)."
                    : $"The {parser.Format} report names no image or artifact to scope its findings by; pass scope= (e.g. scope=repo:my-service).");
            batch.ScopeKey = scopeKey;
        }
        catch (IngestRejectedException ex)
        {
            batch.PayloadCompressed = await compression;
            throw await pipeline.RefuseAsync(db, batch, ex);
        }
        batch.PayloadCompressed = await compression;
        await pipeline.StoreAsync(db, batch, cancellationToken);

        // Each tool's report objects are applied as that tool's view (a List of PolicyReports can mix Kyverno and an adapter).
        var views = SourceViews(parsed, batch.Source!);
        // A team-bound caller changes only its own team's findings; an organisation-wide one any.
        var confinedTo = caller.SeesAllTeams ? null : ownerTeamId;
        var storing = Stopwatch.StartNew();
        ScanPushContext? pushContext = null;
        var counts = await pipeline.WriteAsync(db, batch, [scopeKey], "findings", async (db, ct) =>
        {
            var clusterId = string.IsNullOrWhiteSpace(options.Cluster)
                ? (int?)null
                : await IngestPipeline.ResolveClusterAsync(db, audit, Clip(options.Cluster.Trim(), ClusterConfiguration.NameMaxLength)!, "ingest.scans", clock.GetUtcNow(), ct);
            var namespaceOwners = clusterId is null
                ? new Dictionary<string, int>()
                : await db.Namespaces.AsNoTracking()
                    .Where(n => n.ClusterId == clusterId && n.OwnerTeamId != null)
                    .ToDictionaryAsync(n => n.Name, n => n.OwnerTeamId!.Value, StringComparer.Ordinal, ct);

            var now = clock.GetUtcNow();
            var sla = PolicySla.SlaOf(await push.Services.GetRequiredService<PolicyStore>().GetCurrentAsync(ct));
            // Tens of thousands of rows: one change scan before saving, not one per Add/Attach.
            db.ChangeTracker.AutoDetectChangesEnabled = false;
            var total = new FindingChangeCounts(0, 0, 0, 0, 0);
            foreach (var view in views.Concat(await CleanObjectsOfOtherToolsAsync(db, parsed, scopeKey, batch.Source!, ct)))
            {
                var applied = await store.ApplyAsync(db,
                    new FindingPush(batch.Id, view.Source, scopeKey, clusterId, ownerTeamId, namespaceOwners, db.Scope.Actor, now, sla)
                    {
                        Subjects = view.Subjects,
                        Complete = options.Complete,
                        ConfinedToTeamId = confinedTo,
                    },
                    view.Findings, ct);
                total = total.Plus(applied);
            }
            pushContext = new ScanPushContext(batch.Id, batch.Source!, scopeKey, clusterId, ownerTeamId, confinedTo, namespaceOwners, options.Complete, db.Scope.Actor, now);
            foreach (var contributor in contributors)
            {
                await contributor.ApplyAsync(db, parsed, pushContext, ct);
            }

            audit.Record(db, "ingest.scans", nameof(IngestBatch), batch.Id.ToString(System.Globalization.CultureInfo.InvariantCulture), after: new
            {
                batch.Format, batch.Source, batch.ScopeKey, batch.ClusterName, batch.TeamId, batch.Pipeline, batch.Commit, batch.PayloadSha256,
                ReportObjects = parsed.Subjects?.Count, options.Complete,
                total.Created, total.Updated, total.Unchanged, total.Closed, total.Reopened,
            });
            await IngestPipeline.MarkProcessedAsync(db, batch.Id, now, total, ct);
            return total;
        }, cancellationToken);
        metrics.PushStored(parser.Format, storing.Elapsed);
        batch.Status = IngestStatus.Processed;
        (batch.Created, batch.Updated, batch.Unchanged, batch.Closed, batch.Reopened) =
            (counts.Created, counts.Updated, counts.Unchanged, counts.Closed, counts.Reopened);

        notifier.NotifyFindingsChanged([.. counts.Clusters]);
        foreach (var contributor in contributors)
        {
            await contributor.AfterCommitAsync(parsed, pushContext!, cancellationToken);
        }
        return Outcome(batch, "processed", scopeKey);
    }

    /// <summary>format= by name (unknown → 415 listing the formats), else by content.</summary>
    private IScanParser SelectParser(ReadOnlyMemory<byte> payload, string? format)
    {
        try
        {
            return detector.Select(payload.Span, format);
        }
        catch (Exception ex) when (ex is not IngestRejectedException and not OutOfMemoryException)
        {
            throw new IngestRejectedException("Unrecognised scan format", "The payload could not be recognised as a scan report: " + ex.Message);
        }
    }

    /// <summary>Cluster and namespace names from the report become labels everywhere; one that breaks the rules refuses the push.</summary>
    private static void RequireValidNames(ScanParseResult parsed, string? clusterParameter)
    {
        if (string.IsNullOrEmpty(clusterParameter))
        {
            ResourceNames.RequireValidClusterInPayload(parsed.ScopeHint.ClusterName, "the report's cluster name");
        }
        // A list read from the payload knows its namespaces without reading each finding again.
        var namespaces = parsed.Findings as IFindingNamespaces;
        for (var i = 0; i < parsed.Findings.Count; i++)
        {
            var namespaceName = namespaces is null ? parsed.Findings[i].NamespaceName : namespaces.NamespaceAt(i);
            if (!ResourceNames.IsValidNamespaceInPayload(namespaceName))
            {
                var finding = parsed.Findings[i];
                ResourceNames.RequireValidNamespaceInPayload(namespaceName,
                    $"finding {i + 1} ({finding.ResourceKind}/{finding.ResourceName}, rule {finding.RuleId ?? finding.VulnerabilityId})");
            }
        }
    }


    private IngestBatch NewBatch(ReceivedReport payload, ScanPushOptions options, PushCaller caller, IngestBatch? interrupted) =>
        // A team-bound caller sees its own pushes, failed ones included. The payload is gzipped beside the parse.
        ReceivedBatch.Of(IngestKind.Scans, payload.Sha256(), payload.Length, caller, options, interrupted, clock.GetUtcNow(), options.Pipeline,
            teamId: !caller.SeesAllTeams && caller.TeamIds.Count == 1 ? caller.TeamIds[0] : null,
            clusterName: options.Cluster, requestedScope: options.Scope, commit: options.Commit);

    /// <summary>team= by name, checked against what the caller may push for; else the caller's own team; else null (namespace owners decide).</summary>
    private static async Task<int?> ResolveOwnerTeamAsync(K8PostureDbContext db, string? teamName, PushCaller caller, CancellationToken cancellationToken)
    {
        if (!string.IsNullOrWhiteSpace(teamName))
        {
            var name = teamName.Trim();
            var teamId = await db.Teams.AsNoTracking().Where(t => t.Name == name).Select(t => (int?)t.Id).FirstOrDefaultAsync(cancellationToken)
                ?? throw new IngestRejectedException("Unknown team", $"team={name} does not exist; use the exact name of a team registered in K8Posture.");
            if (!caller.SeesAllTeams && !caller.TeamIds.Contains(teamId))
            {
                throw new IngestRejectedException("Team not allowed", $"This key pushes for its own team only and may not push for team={name}.", StatusCodes.Status403Forbidden);
            }
            return teamId;
        }
        if (caller.SeesAllTeams)
        {
            return null;
        }
        return caller.TeamIds.Count switch
        {
            1 => caller.TeamIds[0],
            0 => throw new IngestRejectedException("No team", "The caller belongs to no team and cannot own findings; use a key bound to a team.", StatusCodes.Status403Forbidden),
            _ => throw new IngestRejectedException("Team required", "The caller belongs to several teams; pass team= to say which one owns these findings."),
        };
    }

    /// <summary>
    /// Only a re-push of the scope's latest processed payload is a duplicate; pushing an older report again must reopen what it
    /// has. The same bytes pushed the same way (format, scope=, cluster=, team) derive the same scope and source, so the
    /// earlier batch tells both without parsing.
    /// </summary>
    private sealed record DuplicateOf(long BatchId, string ScopeKey, string? Source, int FindingCount);

    private static async Task<DuplicateOf?> FindDuplicateAsync(K8PostureDbContext db, IngestBatch batch, CancellationToken cancellationToken)
    {
        var same = await db.IngestBatches.AsNoTracking()
            .Where(b => b.PayloadSha256 == batch.PayloadSha256 && b.Kind == IngestKind.Scans && b.Status == IngestStatus.Processed
                && b.Format == batch.Format && b.ClusterName == batch.ClusterName && b.RequestedScope == batch.RequestedScope && b.TeamId == batch.TeamId)
            .OrderByDescending(b => b.Id)
            .Select(b => new { b.Id, b.ScopeKey, b.Source })
            .FirstOrDefaultAsync(cancellationToken);
        if (same?.ScopeKey is null)
        {
            return null;
        }
        var latest = await db.IngestBatches.AsNoTracking()
            .Where(b => b.Kind == IngestKind.Scans && b.Status == IngestStatus.Processed && b.ScopeKey == same.ScopeKey && b.Source == same.Source)
            .OrderByDescending(b => b.Id)
            .Select(b => new { b.Id, b.Created, b.Updated, b.Unchanged, b.Reopened })
            .FirstOrDefaultAsync(cancellationToken);
        return latest is not null && latest.Id == same.Id
            ? new DuplicateOf(latest.Id, same.ScopeKey, same.Source, latest.Created + latest.Updated + latest.Unchanged + latest.Reopened)
            : null;
    }

    private static IngestOutcome Outcome(IngestBatch batch, string status, string scopeKey) =>
        new(batch.Id, status, batch.Format ?? "", batch.Source ?? "", scopeKey, batch.Created, batch.Updated, batch.Unchanged, batch.Closed, batch.Reopened);

    /// <summary>One tool's part of a push: the report objects it covers (null: the whole scope) and their findings.</summary>
    private sealed record SourceView(string Source, IReadOnlyCollection<string>? Subjects, IReadOnlyList<NormalisedFinding> Findings);

    /// <summary>
    /// A report object that carries no findings any more (a clean PolicyReport; an adapter lists no passes, so it may not
    /// even name its tool) covers every tool that reported in it before, so all of their findings in it close.
    /// </summary>
    private static async Task<List<SourceView>> CleanObjectsOfOtherToolsAsync(K8PostureDbContext db, ScanParseResult parsed, string scopeKey, string defaultSource, CancellationToken ct)
    {
        if (parsed.Subjects is null)
        {
            return [];
        }
        var carrying = parsed.Findings.Select(f => f.Subject?.Key).OfType<string>().ToHashSet(StringComparer.Ordinal);
        var clean = parsed.Subjects.Where(s => !carrying.Contains(s.Key))
            .GroupBy(s => FindingIdentity.CoverageKey(scopeKey, s.Key), StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => (Subject: g.First().Key, Tools: g.Select(s => s.Source ?? defaultSource).ToHashSet(StringComparer.Ordinal)), StringComparer.Ordinal);
        if (clean.Count == 0)
        {
            return [];
        }
        var keys = clean.Keys.ToList();
        var reportedBy = await db.FindingSightings.AsNoTracking()
            .Where(s => EF.Parameter(keys).Contains(s.ScopeKey) && s.IsOpen)
            .Select(s => new { s.Source, s.ScopeKey })
            .Distinct()
            .ToListAsync(ct);
        return reportedBy.Where(r => !clean[r.ScopeKey].Tools.Contains(r.Source))
            .GroupBy(r => r.Source, StringComparer.Ordinal)
            .Select(g => new SourceView(g.Key, g.Select(r => clean[r.ScopeKey].Subject).ToHashSet(StringComparer.Ordinal), []))
            .ToList();
    }

    private static List<SourceView> SourceViews(ScanParseResult parsed, string defaultSource)
    {
        if (parsed.Subjects is null)
        {
            return [new SourceView(defaultSource, null, parsed.Findings)];
        }
        var bySource = parsed.Subjects.GroupBy(subject => subject.Source ?? defaultSource, StringComparer.Ordinal).ToList();
        if (bySource.Count <= 1)
        {
            return [new SourceView(bySource.FirstOrDefault()?.Key ?? defaultSource, parsed.Subjects.Select(s => s.Key).ToHashSet(StringComparer.Ordinal), parsed.Findings)];
        }
        return bySource.Select(group => new SourceView(group.Key,
                group.Select(subject => subject.Key).ToHashSet(StringComparer.Ordinal),
                parsed.Findings.Where(f => (f.Subject?.Source ?? defaultSource) == group.Key).ToList()))
            .ToList();
    }

}

internal static class IngestRejectedExceptionExtensions
{
    public static string Detail(this IngestRejectedException exception) =>
        exception.Pointer is null ? exception.Message : $"{exception.Message} (at {exception.Pointer})";
}
