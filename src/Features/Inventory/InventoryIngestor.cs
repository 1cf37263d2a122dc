using static K8Posture.Shared.ColumnLengths;
using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using K8Posture.Data;
using K8Posture.Features.Ingestion;
using K8Posture.Features.Ingestion.Recovery;
using K8Posture.Features.Inventory.Parsing;
using K8Posture.Features.Policy;
using K8Posture.Shared;
using Microsoft.EntityFrameworkCore;

namespace K8Posture.Features.Inventory;

/// <summary>
/// The inventory push use case: keep the raw payload as an <see cref="IngestBatch"/> (Kind Inventory) before parsing,
/// parse, reconcile cloud clusters and scan hits with the registered clusters, upsert the records (first seen kept,
/// last seen moved), turn cloud exposure into Cloud IAM/VPC findings through the <see cref="FindingStore"/>, and count
/// egress pulls once per log line — all in one transaction. A payload that cannot be parsed leaves a Failed batch with
/// its error and nothing else.
/// </summary>
public sealed partial class InventoryIngestor(
    DataScope callerScope,
    IServiceScopeFactory scopes,
    InventoryFormatDetector detector,
    FindingStore findingStore,
    IngestPipeline pipeline,
    AuditLog audit,
    InventoryChangeNotifier inventoryNotifier,
    LandscapeChangeNotifier landscapeNotifier,
    TimeProvider clock)
{    private static readonly JsonSerializerOptions EvidenceJson = new(JsonSerializerDefaults.Web) { WriteIndented = false };
    private static readonly string[] TeamTags = ["team", "owner-team", "owner_team", "k8posture-team", "k8posture/team"];
    private static readonly string[] UnitTags = ["business-unit", "business_unit", "businessunit", "bu", "k8posture/business-unit"];

    public Task<InventoryOutcome> IngestAsync(ReadOnlyMemory<byte> payload, InventoryPushOptions options, CancellationToken cancellationToken) =>
        ProcessAsync(payload, options, PushCaller.Of(callerScope), null, cancellationToken);

    /// <summary>Processes an interrupted push again from its stored payload, as <paramref name="caller"/> sent it, into the batch it already has.</summary>
    public Task<InventoryOutcome> ResumeAsync(IngestBatch interrupted, ReadOnlyMemory<byte> payload, InventoryPushOptions options, PushCaller caller, CancellationToken cancellationToken) =>
        ProcessAsync(payload, options, caller, interrupted, cancellationToken);

    private async Task<InventoryOutcome> ProcessAsync(ReadOnlyMemory<byte> payload, InventoryPushOptions options, PushCaller caller, IngestBatch? interrupted, CancellationToken cancellationToken)
    {
        PushScope.RequirePayload(payload, "the inventory export");
        await using var push = await PushScope.OpenAsync(scopes, caller, cancellationToken);
        var db = push.Db;

        var batch = ReceivedBatch.Of(IngestKind.Inventory, payload, caller, options, interrupted, clock.GetUtcNow(), options.Pipeline,
            !caller.SeesAllTeams && caller.TeamIds.Count == 1 ? caller.TeamIds[0] : null);

        PushDirectory directory;
        InventoryParseResult parsed;
        IInventoryParser parser;
        try
        {
            parser = detector.Select(payload.Span, options.Format);
            batch.Format = parser.Format;
            batch.Source = parser.Format;
            directory = await PushDirectory.LoadAsync(db, cancellationToken);
            var pushTeamId = ResolvePushTeam(directory, options.Team, caller);
            batch.TeamId = pushTeamId ?? batch.TeamId;
            parsed = PayloadParsing.Read(parser.Format, "payload", () => parser.Parse(payload));
            batch.ScopeKey = "inventory:" + parser.Format;
            directory.PushTeamId = pushTeamId;
            CheckRowTeams(directory, parsed);
        }
        catch (IngestRejectedException ex)
        {
            throw await pipeline.RefuseAsync(db, batch, ex);
        }

        await pipeline.StoreAsync(db, batch, cancellationToken);
        var locks = parsed.Clusters.Select(c => "cloud:" + c.ResourceId).Prepend(batch.ScopeKey!);
        var outcome = await pipeline.WriteAsync(db, batch, locks, "inventory", async (db, ct) =>
        {
            var now = clock.GetUtcNow();
            var sla = PolicySla.SlaOf(await push.Services.GetRequiredService<PolicyStore>().GetCurrentAsync(ct));
            var work = new PushWork(db, batch.Id, parser.Format, now, directory);
            await ApplyClustersAsync(work, parsed.Clusters, sla, ct);
            await ApplyEndpointsAsync(work, parsed.Endpoints, ct);
            await ApplyDesktopsAsync(work, parsed.Desktops, ct);
            await ApplyEgressAsync(work, parsed.Egress, ct);

            var result = new InventoryOutcome(batch.Id, "processed", parser.Format, parsed.Examined, parsed.Ignored,
                work.Created, work.Updated, work.ClustersMatched, work.ClustersDiscovered, work.EndpointsMatched, work.EndpointsDiscovered,
                parsed.Desktops.Count, work.EgressNew, work.EgressDuplicates,
                new InventoryFindingCounts(work.FindingsCreated, work.FindingsUpdated, work.FindingsUnchanged, work.FindingsClosed, work.FindingsReopened));
            audit.Record(db, "ingest.inventory", nameof(IngestBatch), batch.Id.ToString(CultureInfo.InvariantCulture), after: result);
            // The batch's counters: Created/Updated are inventory records, Closed/Reopened exposure findings.
            await IngestPipeline.MarkProcessedAsync(db, batch.Id, now, new FindingChangeCounts(work.Created, work.Updated, 0, work.FindingsClosed, work.FindingsReopened), ct);
            return result;
        }, cancellationToken);

        inventoryNotifier.NotifyInventoryChanged();
        if (outcome.Findings.Created + outcome.Findings.Updated + outcome.Findings.Closed + outcome.Findings.Reopened > 0)
        {
            landscapeNotifier.NotifyFindingsChanged();
        }
        return outcome;
    }

    /// <summary>Teams and business units by name, and the registered clusters, read once per push.</summary>
    private sealed class PushDirectory
    {
        public required Dictionary<string, (int Id, int? BusinessUnitId)> Teams { get; init; }
        public required Dictionary<int, int?> TeamUnits { get; init; }
        public required Dictionary<string, int> Units { get; init; }
        public required List<ClusterRef> Clusters { get; init; }
        public int? PushTeamId { get; set; }
        public bool TeamBound { get; set; }

        public static async Task<PushDirectory> LoadAsync(K8PostureDbContext db, CancellationToken cancellationToken)
        {
            var teams = await db.Teams.AsNoTracking().Select(t => new { t.Id, t.Name, t.BusinessUnitId }).ToListAsync(cancellationToken);
            var units = await db.BusinessUnits.AsNoTracking().Select(u => new { u.Id, u.Name }).ToListAsync(cancellationToken);
            var clusters = await db.Clusters.AsNoTracking().IgnoreQueryFilters()
                .Select(c => new ClusterRef(c.Id, c.Name, c.ServerUrl, c.IsManaged, c.OwnerTeamId, c.BusinessUnitId)).ToListAsync(cancellationToken);
            return new PushDirectory
            {
                Teams = teams.GroupBy(t => t.Name, StringComparer.OrdinalIgnoreCase).ToDictionary(g => g.Key, g => (g.First().Id, g.First().BusinessUnitId), StringComparer.OrdinalIgnoreCase),
                TeamUnits = teams.ToDictionary(t => t.Id, t => t.BusinessUnitId),
                Units = units.GroupBy(u => u.Name, StringComparer.OrdinalIgnoreCase).ToDictionary(g => g.Key, g => g.First().Id, StringComparer.OrdinalIgnoreCase),
                Clusters = clusters,
            };
        }

        /// <summary>A team named in the data; a team-bound caller owns everything it pushes.</summary>
        public int? TeamOf(string? name) =>
            TeamBound ? PushTeamId : name is not null && Teams.TryGetValue(name.Trim(), out var team) ? team.Id : PushTeamId;

        public int? UnitOf(string? name, int? teamId, int? clusterUnitId)
        {
            if (name is not null && Units.TryGetValue(name.Trim(), out var unit))
            {
                return unit;
            }
            if (teamId is { } id && TeamUnits.TryGetValue(id, out var teamUnit) && teamUnit is not null)
            {
                return teamUnit;
            }
            return clusterUnitId;
        }
    }

    private sealed record ClusterRef(int Id, string Name, string? ServerUrl, bool IsManaged, int? OwnerTeamId, int? BusinessUnitId)
    {
        public string? Host => HostOf(ServerUrl);
    }

    private sealed class PushWork(K8PostureDbContext db, long batchId, string source, DateTimeOffset now, PushDirectory directory)
    {
        public K8PostureDbContext Db { get; } = db;
        public long BatchId { get; } = batchId;
        public string Source { get; } = source;
        public DateTimeOffset Now { get; } = now;
        public PushDirectory PushDirectory { get; } = directory;
        public int Created, Updated, ClustersMatched, ClustersDiscovered, EndpointsMatched, EndpointsDiscovered, EgressNew, EgressDuplicates;
        public int FindingsCreated, FindingsUpdated, FindingsUnchanged, FindingsClosed, FindingsReopened;
    }

    private static int? ResolvePushTeam(PushDirectory directory, string? teamName, PushCaller caller)
    {
        directory.TeamBound = !caller.SeesAllTeams;
        if (!string.IsNullOrWhiteSpace(teamName))
        {
            var name = teamName.Trim();
            if (!directory.Teams.TryGetValue(name, out var team))
            {
                throw new IngestRejectedException("Unknown team", $"team={Clip(name, 100)} does not exist; use the exact name of a team registered in K8Posture.");
            }
            if (!caller.SeesAllTeams && !caller.TeamIds.Contains(team.Id))
            {
                throw new IngestRejectedException("Team not allowed", $"This key pushes for its own team only and may not push for team={name}.", StatusCodes.Status403Forbidden);
            }
            return team.Id;
        }
        if (caller.SeesAllTeams)
        {
            return null;
        }
        return caller.TeamIds.Count switch
        {
            1 => caller.TeamIds[0],
            0 => throw new IngestRejectedException("No team", "The caller belongs to no team and cannot own inventory; use a key bound to a team.", StatusCodes.Status403Forbidden),
            _ => throw new IngestRejectedException("Team required", "The caller belongs to several teams; pass team= to say which one owns this inventory."),
        };
    }

    /// <summary>A team-bound caller may not file rows under another team.</summary>
    private static void CheckRowTeams(PushDirectory directory, InventoryParseResult parsed)
    {
        if (!directory.TeamBound)
        {
            return;
        }
        var pushTeam = directory.PushTeamId;
        foreach (var (row, team) in parsed.Desktops.Select(d => (d.Row, d.Team)).Concat(parsed.Egress.Select(e => (e.Row, e.Team))))
        {
            if (team is not null && (!directory.Teams.TryGetValue(team, out var named) || named.Id != pushTeam))
            {
                throw new IngestRejectedException("Team not allowed",
                    $"Row {row} names team '{Clip(team, 100)}', but this key pushes for its own team only.", StatusCodes.Status403Forbidden, pointer: $"row {row}, column team");
            }
        }
    }

    /// <summary>Creates or refreshes a record: first seen never moves later, last seen never moves earlier.</summary>
    private static InventoryRecord Upsert(PushWork work, InventoryRecord? record, InventoryKind kind, string key, string name, DateTimeOffset seen, Action<InventoryRecord> fill)
    {
        if (record is null)
        {
            record = new InventoryRecord
            {
                Kind = kind,
                NaturalKey = Clip(key, InventoryRecordConfiguration.NaturalKeyMaxLength)!,
                Name = Clip(name, InventoryRecordConfiguration.NameMaxLength)!,
                Source = work.Source,
                FirstSeenAt = seen,
                LastSeenAt = seen,
            };
            work.Db.InventoryRecords.Add(record);
            work.Created++;
        }
        else
        {
            work.Updated++;
            record.Name = Clip(name, InventoryRecordConfiguration.NameMaxLength)!;
            record.Source = work.Source;
            if (seen < record.FirstSeenAt)
            {
                record.FirstSeenAt = seen;
            }
            if (seen > record.LastSeenAt)
            {
                record.LastSeenAt = seen;
            }
        }
        record.LastBatchId = work.BatchId;
        fill(record);
        return record;
    }
}
