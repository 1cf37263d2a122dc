using static K8Posture.Shared.ColumnLengths;
using System.Globalization;
using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;
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
public sealed class InventoryIngestor(
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
        if (payload.IsEmpty)
        {
            throw new IngestRejectedException("Empty payload", "The request body is empty; send the inventory export as the body.");
        }
        await using var systemScope = scopes.CreateAsyncScope();
        systemScope.ServiceProvider.GetRequiredService<DataScope>().SetSystem(caller.Actor);
        var contexts = systemScope.ServiceProvider.GetRequiredService<IDbContextFactory<K8PostureDbContext>>();
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);

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
            parsed = Parse(parser, payload);
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
            var sla = PolicySla.SlaOf(await systemScope.ServiceProvider.GetRequiredService<PolicyStore>().GetCurrentAsync(ct));
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

    private static InventoryParseResult Parse(IInventoryParser parser, ReadOnlyMemory<byte> payload)
    {
        try
        {
            return parser.Parse(payload);
        }
        catch (ScanParseException ex)
        {
            throw new IngestRejectedException($"Malformed {parser.Format} payload", ex.Message, pointer: ex.Pointer);
        }
        catch (Exception ex) when (ex is not OperationCanceledException and not OutOfMemoryException)
        {
            throw new IngestRejectedException($"Malformed {parser.Format} payload", $"The {parser.Format} payload could not be read: {ex.Message}");
        }
    }

    private async Task ApplyClustersAsync(PushWork work, IReadOnlyList<ParsedCloudCluster> clusters, SlaOptions? sla, CancellationToken ct)
    {
        if (clusters.Count == 0)
        {
            return;
        }
        var db = work.Db;
        var keys = clusters.Select(c => c.ResourceId).ToList();
        var existing = await db.InventoryRecords.IgnoreQueryFilters()
            .Where(r => r.Kind == InventoryKind.CloudCluster && keys.Contains(r.NaturalKey))
            .ToDictionaryAsync(r => r.NaturalKey, StringComparer.Ordinal, ct);
        // Clusters another cloud record already stands for: a name match must not steal them.
        var linkedElsewhere = (await db.InventoryRecords.IgnoreQueryFilters()
                .Where(r => r.Kind == InventoryKind.CloudCluster && r.MatchedClusterId != null && !keys.Contains(r.NaturalKey))
                .Select(r => r.MatchedClusterId!.Value).ToListAsync(ct)).ToHashSet();

        foreach (var cloud in clusters.DistinctBy(c => c.ResourceId))
        {
            var tagTeam = TeamTags.Select(t => cloud.Tags.GetValueOrDefault(t)).FirstOrDefault(v => !string.IsNullOrWhiteSpace(v));
            var tagUnit = UnitTags.Select(t => cloud.Tags.GetValueOrDefault(t)).FirstOrDefault(v => !string.IsNullOrWhiteSpace(v));
            existing.TryGetValue(cloud.ResourceId, out var record);
            var (cluster, matchedBy) = Match(work.PushDirectory, cloud.ApiEndpoint, cloud.Name, record, linkedElsewhere);
            var ownerTeamId = work.PushDirectory.TeamOf(tagTeam) ?? cluster?.OwnerTeamId;
            if (work.PushDirectory.TeamBound)
            {
                // A team's key files cloud clusters for its own team only: it may neither re-own another team's record nor
                // describe a cluster another team owns.
                var team = work.PushDirectory.PushTeamId;
                if ((record?.OwnerTeamId is { } recordOwner && recordOwner != team) || (cluster?.OwnerTeamId is { } clusterOwner && clusterOwner != team))
                {
                    throw new IngestRejectedException("Cloud cluster of another team",
                        $"The cloud cluster {Clip(cloud.ResourceId, 300)} belongs to another team (its inventory record or its registered cluster is another team's); "
                        + "a team's key may only file its own team's clusters. Push shared subscriptions with an organisation-wide key.",
                        StatusCodes.Status403Forbidden);
                }
            }
            var unitId = work.PushDirectory.UnitOf(tagUnit, ownerTeamId, cluster?.BusinessUnitId);
            if (cluster is null)
            {
                cluster = await DiscoverClusterAsync(work, cloud, ownerTeamId, unitId, ct);
                matchedBy = null;
            }
            if (cluster.IsManaged)
            {
                work.ClustersMatched++;
            }
            else
            {
                work.ClustersDiscovered++;
            }

            var evidence = new Dictionary<string, object?>(cloud.Evidence.ToDictionary(e => e.Key, e => (object?)e.Value))
            {
                ["status"] = cloud.Status,
                ["tags"] = cloud.Tags.Count == 0 ? null : cloud.Tags,
                ["exposures"] = cloud.Exposures.Select(e => new { e.RuleId, e.Severity, path = e.EvidencePath, value = e.EvidenceValue }).ToList(),
            };
            record = Upsert(work, record, InventoryKind.CloudCluster, cloud.ResourceId, cloud.Name, work.Now, r =>
            {
                r.Provider = cloud.Provider;
                r.CloudAccount = Clip(cloud.Account, 200);
                r.Vpc = Clip(cloud.Vpc, 300);
                r.Region = Clip(cloud.Region, 100);
                r.Endpoint = Clip(cloud.ApiEndpoint, 500);
                r.Version = Clip(cloud.Version, 100);
                r.MatchedClusterId = cluster.Id;
                r.MatchedBy = matchedBy ?? (cluster.IsManaged ? r.MatchedBy : null);
                r.OwnerTeamId = ownerTeamId ?? r.OwnerTeamId;
                r.BusinessUnitId = unitId ?? r.BusinessUnitId;
                r.EvidenceJson = Evidence(evidence);
            });
            existing[cloud.ResourceId] = record;
            // Two cloud clusters are never one registered cluster (private endpoint addresses repeat across VPCs).
            linkedElsewhere.Add(cluster.Id);

            var findings = cloud.Exposures.Select(e => CloudExposureRules.ToFinding(e, cloud)).ToList();
            var counts = await findingStore.ApplyAsync(db,
                new FindingPush(work.BatchId, work.Source, "cloud:" + cloud.ResourceId, cluster.Id, ownerTeamId ?? cluster.OwnerTeamId,
                    new Dictionary<string, int>(), db.Scope.Actor, work.Now, sla) { ConfinedToTeamId = work.PushDirectory.TeamBound ? work.PushDirectory.PushTeamId : null },
                findings, ct);
            work.FindingsCreated += counts.Created;
            work.FindingsUpdated += counts.Updated;
            work.FindingsUnchanged += counts.Unchanged;
            work.FindingsClosed += counts.Closed;
            work.FindingsReopened += counts.Reopened;
        }
        await db.SaveChangesAsync(ct);
    }

    /// <summary>
    /// Registered (managed) clusters first: the one this record was linked to before, else by API endpoint host, else by
    /// name; then the same among discovered clusters. Endpoint and name only match a cluster no other cloud record
    /// stands for.
    /// </summary>
    private static (ClusterRef? Cluster, string? MatchedBy) Match(PushDirectory directory, string? endpoint, string name, InventoryRecord? record, HashSet<int> linkedElsewhere)
    {
        var host = HostOf(endpoint);
        foreach (var managed in new[] { true, false })
        {
            var candidates = directory.Clusters.Where(c => c.IsManaged == managed).ToList();
            if (record?.MatchedClusterId is { } linked && candidates.FirstOrDefault(c => c.Id == linked) is { } previous)
            {
                return (previous, record.MatchedBy ?? (managed ? "cloud resource id" : null));
            }
            if (host is not null && candidates.FirstOrDefault(c => string.Equals(c.Host, host, StringComparison.OrdinalIgnoreCase) && !linkedElsewhere.Contains(c.Id)) is { } byEndpoint)
            {
                return (byEndpoint, "API endpoint");
            }
            if (candidates.FirstOrDefault(c => string.Equals(c.Name, name, StringComparison.OrdinalIgnoreCase) && !linkedElsewhere.Contains(c.Id)) is { } byName)
            {
                return (byName, "name");
            }
        }
        return (null, null);
    }

    private async Task<ClusterRef> DiscoverClusterAsync(PushWork work, ParsedCloudCluster cloud, int? ownerTeamId, int? unitId, CancellationToken ct)
    {
        var name = Clip(cloud.Name, 200)!;
        if (work.PushDirectory.Clusters.Any(c => string.Equals(c.Name, name, StringComparison.OrdinalIgnoreCase)))
        {
            // Same name in another account or location: keep both, told apart by where they run.
            name = Clip($"{cloud.Name} ({cloud.Account}/{cloud.Region})", 200)!;
        }
        var cluster = new Cluster
        {
            Name = name,
            Provider = cloud.Provider,
            Region = Clip(cloud.Region, 100),
            CloudAccount = Clip(cloud.Account, 200),
            Vpc = Clip(cloud.Vpc, 300),
            ServerUrl = Clip(cloud.ApiEndpoint, 500),
            IsManaged = false,
            OwnerTeamId = ownerTeamId,
            BusinessUnitId = unitId,
            CreatedAt = work.Now,
        };
        work.Db.Clusters.Add(cluster);
        await work.Db.SaveChangesAsync(ct);
        audit.Record(work.Db, "cluster.discover", nameof(Cluster), cluster.Id.ToString(CultureInfo.InvariantCulture),
            after: new { cluster.Name, cluster.Provider, cluster.CloudAccount, cluster.Region, cluster.ServerUrl, cluster.IsManaged, DiscoveredBy = "ingest.inventory", CloudResourceId = cloud.ResourceId });
        var reference = new ClusterRef(cluster.Id, cluster.Name, cluster.ServerUrl, false, ownerTeamId, unitId);
        work.PushDirectory.Clusters.Add(reference);
        return reference;
    }

    private static async Task ApplyEndpointsAsync(PushWork work, IReadOnlyList<ParsedEndpoint> endpoints, CancellationToken ct)
    {
        if (endpoints.Count == 0)
        {
            return;
        }
        var keys = endpoints.Select(e => e.Address.ToLowerInvariant()).Distinct().ToList();
        var existing = await work.Db.InventoryRecords.IgnoreQueryFilters()
            .Where(r => r.Kind == InventoryKind.NetworkEndpoint && keys.Contains(r.NaturalKey))
            .ToDictionaryAsync(r => r.NaturalKey, StringComparer.Ordinal, ct);
        foreach (var endpoint in endpoints.DistinctBy(e => e.Address.ToLowerInvariant()))
        {
            var key = endpoint.Address.ToLowerInvariant();
            var names = endpoint.Hostnames.Prepend(endpoint.Address).ToList();
            var cluster = work.PushDirectory.Clusters
                .Where(c => c.Host is not null && names.Contains(c.Host, StringComparer.OrdinalIgnoreCase))
                .OrderByDescending(c => c.IsManaged)
                .FirstOrDefault();
            if (cluster is not null)
            {
                work.EndpointsMatched++;
            }
            else
            {
                work.EndpointsDiscovered++;
            }
            var ownerTeamId = work.PushDirectory.TeamOf(null) ?? cluster?.OwnerTeamId;
            existing.TryGetValue(key, out var record);
            var seen = endpoint.SeenAt ?? work.Now;
            var record2 = Upsert(work, record, InventoryKind.NetworkEndpoint, key, endpoint.Hostnames.FirstOrDefault() ?? endpoint.Address, seen, r =>
            {
                r.Endpoint = Clip(endpoint.Address, 500);
                r.Hostname = Clip(endpoint.Hostnames.FirstOrDefault(), 253);
                r.Ports = Clip(string.Join(",", endpoint.Ports.Select(p => p.Port.ToString(CultureInfo.InvariantCulture))), 500);
                r.Product = endpoint.Ports.Any(p => p.Strong) ? "Kubernetes port" : "Possible Kubernetes port";
                r.MatchedClusterId = cluster?.Id;
                r.MatchedBy = cluster is null ? null : "API endpoint";
                r.OwnerTeamId = ownerTeamId ?? r.OwnerTeamId;
                r.BusinessUnitId = work.PushDirectory.UnitOf(null, r.OwnerTeamId, cluster?.BusinessUnitId) ?? r.BusinessUnitId;
                r.EvidenceJson = Evidence(new Dictionary<string, object?>
                {
                    ["address"] = endpoint.Address,
                    ["hostnames"] = endpoint.Hostnames,
                    ["ports"] = endpoint.Ports.Select(p => new { p.Port, p.Protocol, p.Role, p.Strong, p.Service }).ToList(),
                });
            });
            existing[key] = record2;
        }
        await work.Db.SaveChangesAsync(ct);
    }

    private static async Task ApplyDesktopsAsync(PushWork work, IReadOnlyList<ParsedDesktop> desktops, CancellationToken ct)
    {
        if (desktops.Count == 0)
        {
            return;
        }
        var keyed = desktops.Select(d => (Key: $"{d.Hostname.ToLowerInvariant()}|{(MdmDesktopCsvParser.Engine(d.Product) ?? d.Product).ToLowerInvariant()}", Desktop: d)).ToList();
        var keys = keyed.Select(k => k.Key).Distinct().ToList();
        var existing = await work.Db.InventoryRecords.IgnoreQueryFilters()
            .Where(r => r.Kind == InventoryKind.Desktop && keys.Contains(r.NaturalKey))
            .ToDictionaryAsync(r => r.NaturalKey, StringComparer.Ordinal, ct);
        foreach (var (key, desktop) in keyed)
        {
            existing.TryGetValue(key, out var record);
            var ownerTeamId = work.PushDirectory.TeamOf(desktop.Team);
            var product = MdmDesktopCsvParser.Engine(desktop.Product) ?? desktop.Product;
            existing[key] = Upsert(work, record, InventoryKind.Desktop, key, desktop.Hostname, desktop.LastSeen ?? work.Now, r =>
            {
                r.Hostname = Clip(desktop.Hostname, 253);
                r.UserName = Clip(desktop.User, 200);
                r.Product = Clip(product, 100);
                r.Version = Clip(desktop.Version, 100);
                r.OwnerTeamId = ownerTeamId ?? r.OwnerTeamId;
                r.BusinessUnitId = work.PushDirectory.UnitOf(desktop.BusinessUnit, r.OwnerTeamId, null) ?? r.BusinessUnitId;
                r.EvidenceJson = Evidence(new Dictionary<string, object?>
                {
                    ["row"] = desktop.Row,
                    ["product"] = desktop.Product,
                    ["version"] = desktop.Version,
                    ["team"] = desktop.Team,
                    ["teamKnown"] = desktop.Team is null ? null : ownerTeamId is not null,
                    ["businessUnit"] = desktop.BusinessUnit,
                });
            });
        }
        await work.Db.SaveChangesAsync(ct);
    }

    private static async Task ApplyEgressAsync(PushWork work, IReadOnlyList<ParsedEgress> pulls, CancellationToken ct)
    {
        if (pulls.Count == 0)
        {
            return;
        }
        var db = work.Db;
        var hashed = pulls.Select(p => (Hash: LineHash(p), Pull: p)).DistinctBy(p => p.Hash).ToList();
        var known = new HashSet<string>(StringComparer.Ordinal);
        foreach (var chunk in hashed.Select(h => h.Hash).Chunk(FindingStore.ChunkSize))
        {
            known.UnionWith(await db.EgressObservations.IgnoreQueryFilters().Where(o => EF.Parameter(chunk).Contains(o.LineHash)).Select(o => o.LineHash).ToListAsync(ct));
        }
        var fresh = hashed.Where(h => !known.Contains(h.Hash)).ToList();
        work.EgressDuplicates = pulls.Count - fresh.Count;
        work.EgressNew = fresh.Count;
        var observations = fresh.Select(h => new EgressObservation
        {
            LineHash = h.Hash,
            At = h.Pull.At,
            SourceHost = Clip(h.Pull.SourceHost, 253)!,
            UserName = Clip(h.Pull.User, 200),
            OwnerTeamId = work.PushDirectory.TeamOf(h.Pull.Team),
            DestinationHost = Clip(h.Pull.DestinationHost, 253)!,
            Bytes = h.Pull.Bytes,
            BatchId = work.BatchId,
        }).ToList();
        await BulkInserter.InsertAsync(db, observations, assignIds: false, ct);

        // Daily aggregates: add what this push newly saw.
        foreach (var day in observations.GroupBy(o => (Day: DateOnly.FromDateTime(o.At.UtcDateTime), o.OwnerTeamId, o.SourceHost, o.DestinationHost)))
        {
            var (date, team, sourceHost, destination) = day.Key;
            var aggregate = await db.EgressDaily.IgnoreQueryFilters()
                .FirstOrDefaultAsync(d => d.Day == date && d.OwnerTeamId == team && d.SourceHost == sourceHost && d.DestinationHost == destination, ct);
            if (aggregate is null)
            {
                aggregate = new EgressDaily { Day = date, OwnerTeamId = team, SourceHost = sourceHost, DestinationHost = destination, Registry = RegistryHosts.Classify(destination) ?? "helm" };
                db.EgressDaily.Add(aggregate);
            }
            aggregate.Requests += day.Count();
            aggregate.Bytes += day.Sum(o => o.Bytes);
        }

        // One record per source host → destination, with the log's own first and last times.
        var byPair = fresh.GroupBy(h => $"{h.Pull.SourceHost}|{h.Pull.DestinationHost}").ToList();
        var keys = byPair.Select(g => g.Key).ToList();
        var existing = await db.InventoryRecords.IgnoreQueryFilters()
            .Where(r => r.Kind == InventoryKind.EgressPull && keys.Contains(r.NaturalKey))
            .ToDictionaryAsync(r => r.NaturalKey, StringComparer.Ordinal, ct);
        foreach (var pair in byPair)
        {
            var first = pair.Min(p => p.Pull.At);
            var last = pair.Max(p => p.Pull.At);
            var sample = pair.OrderByDescending(p => p.Pull.At).First().Pull;
            existing.TryGetValue(pair.Key, out var record);
            var ownerTeamId = work.PushDirectory.TeamOf(sample.Team);
            record = Upsert(work, record, InventoryKind.EgressPull, pair.Key, $"{sample.SourceHost} → {sample.DestinationHost}", last, r =>
            {
                r.Hostname = Clip(sample.SourceHost, 253);
                r.UserName = Clip(sample.User, 200) ?? r.UserName;
                r.Endpoint = Clip(sample.DestinationHost, 500);
                r.Product = Clip(sample.Registry, 100);
                r.Requests += pair.Count();
                r.Bytes += pair.Sum(p => p.Pull.Bytes);
                r.OwnerTeamId = ownerTeamId ?? r.OwnerTeamId;
                r.BusinessUnitId = work.PushDirectory.UnitOf(null, r.OwnerTeamId, null) ?? r.BusinessUnitId;
                r.EvidenceJson = Evidence(new Dictionary<string, object?>
                {
                    ["lastRow"] = sample.Row,
                    ["team"] = sample.Team,
                    ["registry"] = sample.Registry,
                });
            });
            if (first < record.FirstSeenAt)
            {
                record.FirstSeenAt = first;
            }
        }
        await db.SaveChangesAsync(ct);
    }

    /// <summary>Creates or refreshes a record: first seen never moves later, last seen never moves earlier.</summary>
    private static InventoryRecord Upsert(PushWork work, InventoryRecord? record, InventoryKind kind, string key, string name, DateTimeOffset seen, Action<InventoryRecord> fill)
    {
        if (record is null)
        {
            record = new InventoryRecord
            {
                Kind = kind,
                NaturalKey = Clip(key, 450)!,
                Name = Clip(name, 300)!,
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
            record.Name = Clip(name, 300)!;
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

    private static string LineHash(ParsedEgress pull) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(string.Join('\u001f',
            pull.At.UtcTicks.ToString(CultureInfo.InvariantCulture), pull.SourceHost, pull.User, pull.Team, pull.DestinationHost, pull.Bytes.ToString(CultureInfo.InvariantCulture)))));

    private static string? Evidence(Dictionary<string, object?> values)
    {
        var json = JsonSerializer.Serialize(values.Where(v => v.Value is not null).ToDictionary(), EvidenceJson);
        return json.Length <= 8000 ? json : json[..8000];
    }

    internal static string? HostOf(string? url)
    {
        if (string.IsNullOrWhiteSpace(url))
        {
            return null;
        }
        var value = url.Contains("://", StringComparison.Ordinal) ? url : "https://" + url;
        return Uri.TryCreate(value, UriKind.Absolute, out var uri) && uri.Host.Length > 0 ? uri.Host.Trim('[', ']').ToLowerInvariant() : null;
    }


}
