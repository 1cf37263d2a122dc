using static K8Posture.Shared.ColumnLengths;
using System.Globalization;
using K8Posture.Features.Ingestion;
using K8Posture.Features.Inventory.Parsing;
using Microsoft.EntityFrameworkCore;

namespace K8Posture.Features.Inventory;

/// <summary>Scanned endpoints (nmap): hosts and open ports, linked to the cluster whose API they expose.</summary>
public sealed partial class InventoryIngestor
{
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
                r.Endpoint = Clip(endpoint.Address, InventoryRecordConfiguration.EndpointMaxLength);
                r.Hostname = Clip(endpoint.Hostnames.FirstOrDefault(), InventoryRecordConfiguration.HostnameMaxLength);
                r.Ports = Clip(string.Join(",", endpoint.Ports.Select(p => p.Port.ToString(CultureInfo.InvariantCulture))), InventoryRecordConfiguration.PortsMaxLength);
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
}
