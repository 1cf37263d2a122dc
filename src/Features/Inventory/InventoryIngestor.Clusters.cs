using static K8Posture.Shared.ColumnLengths;
using System.Globalization;
using K8Posture.Data;
using K8Posture.Data.EntityConfigurations;
using K8Posture.Features.Ingestion;
using K8Posture.Features.Inventory.Parsing;
using K8Posture.Shared;
using Microsoft.EntityFrameworkCore;

namespace K8Posture.Features.Inventory;

/// <summary>Cloud cluster records: matched to the registered clusters (or discovered), and their exposure turned into findings.</summary>
public sealed partial class InventoryIngestor
{
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
                r.CloudAccount = Clip(cloud.Account, InventoryRecordConfiguration.CloudAccountMaxLength);
                r.Vpc = Clip(cloud.Vpc, InventoryRecordConfiguration.VpcMaxLength);
                r.Region = Clip(cloud.Region, InventoryRecordConfiguration.RegionMaxLength);
                r.Endpoint = Clip(cloud.ApiEndpoint, InventoryRecordConfiguration.EndpointMaxLength);
                r.Version = Clip(cloud.Version, InventoryRecordConfiguration.VersionMaxLength);
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
        var name = Clip(cloud.Name, ClusterConfiguration.NameMaxLength)!;
        if (work.PushDirectory.Clusters.Any(c => string.Equals(c.Name, name, StringComparison.OrdinalIgnoreCase)))
        {
            // Same name in another account or location: keep both, told apart by where they run.
            name = Clip($"{cloud.Name} ({cloud.Account}/{cloud.Region})", ClusterConfiguration.NameMaxLength)!;
        }
        var cluster = new Cluster
        {
            Name = name,
            Provider = cloud.Provider,
            Region = Clip(cloud.Region, ClusterConfiguration.RegionMaxLength),
            CloudAccount = Clip(cloud.Account, ClusterConfiguration.CloudAccountMaxLength),
            Vpc = Clip(cloud.Vpc, ClusterConfiguration.VpcMaxLength),
            ServerUrl = Clip(cloud.ApiEndpoint, ClusterConfiguration.ServerUrlMaxLength),
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
