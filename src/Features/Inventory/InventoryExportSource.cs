using System.Runtime.CompilerServices;
using K8Posture.Data;
using K8Posture.Features.Clusters;
using K8Posture.Features.Reports;
using Microsoft.EntityFrameworkCore;

namespace K8Posture.Features.Inventory;

/// <summary>The inventory as an export (CSV/XLSX by the Reports slice); filters: kind, discovered, q.</summary>
public sealed class InventoryExportSource(TimeProvider clock) : IExportSource
{
    public string Key => "inventory";

    public string Title => "Inventory";

    public IReadOnlyList<string> Columns { get; } =
    [
        "Kind", "Name", "Cluster state", "Cluster", "Matched by", "Provider", "Cloud account", "VPC", "Region", "Endpoint", "Host", "User",
        "Product", "Version", "Ports", "Requests", "Bytes", "Business unit", "Owner team", "Source", "First seen", "Last seen",
    ];

    public async IAsyncEnumerable<object?[]> ReadRowsAsync(K8PostureDbContext db, IReadOnlyDictionary<string, string> filters, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        InventoryKind? kind = filters.TryGetValue("kind", out var k) && Enum.TryParse<InventoryKind>(k, true, out var parsed) ? parsed : null;
        bool? discovered = filters.TryGetValue("discovered", out var d) && bool.TryParse(d, out var flag) ? flag : null;
        filters.TryGetValue("q", out var q);
        var now = clock.GetUtcNow();
        var rows = InventoryQueries.Project(InventoryQueries.Filter(db, new InventoryCriteria(kind, discovered, q)).OrderBy(r => r.Kind).ThenBy(r => r.Id)).AsAsyncEnumerable();
        await foreach (var r in rows.WithCancellation(cancellationToken))
        {
            yield return
            [
                r.Kind, r.Name, r.ClusterState is { } state ? ClusterState.Of(state, now).Label : null, r.ClusterName, r.MatchedBy, r.Provider, r.CloudAccount, r.Vpc, r.Region, r.Endpoint,
                r.Hostname, r.UserName, r.Product, r.Version, r.Ports, r.Requests, r.Bytes, r.BusinessUnit, r.OwnerTeam, r.Source, r.FirstSeenAt, r.LastSeenAt,
            ];
        }
    }
}
