using static K8Posture.Shared.ColumnLengths;
using K8Posture.Data;
using K8Posture.Features.Ingestion;
using K8Posture.Features.Inventory.Parsing;
using Microsoft.EntityFrameworkCore;

namespace K8Posture.Features.Inventory;

/// <summary>Managed desktops (MDM export).</summary>
public sealed partial class InventoryIngestor
{
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
                r.Hostname = Clip(desktop.Hostname, InventoryRecordConfiguration.HostnameMaxLength);
                r.UserName = Clip(desktop.User, InventoryRecordConfiguration.UserNameMaxLength);
                r.Product = Clip(product, InventoryRecordConfiguration.ProductMaxLength);
                r.Version = Clip(desktop.Version, InventoryRecordConfiguration.VersionMaxLength);
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
}
