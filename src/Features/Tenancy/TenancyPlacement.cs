using K8Posture.Data;
using Microsoft.EntityFrameworkCore;

namespace K8Posture.Features.Tenancy;

/// <summary>Where an application runs: one cluster, its tenancy model and the application's namespaces on it.</summary>
public sealed record ClusterPlacement(int ClusterId, string ClusterName, TenancyModel Tenancy, IReadOnlyList<string> Namespaces)
{
    /// <summary>The cluster is less isolated than <paramref name="recommended"/> (an unknown tenancy model counts as not isolated).</summary>
    public bool IsWeakerThan(TenancyModel recommended) => TenancyScoring.IsolationLevel(Tenancy) < TenancyScoring.IsolationLevel(recommended);
}

public static class TenancyPlacement
{
    /// <summary>
    /// The clusters each (application, owner team) runs on, from the namespaces that name the application and belong to the
    /// team — the same ownership that scopes findings. Reads through <paramref name="db"/>'s filters.
    /// </summary>
    public static async Task<Dictionary<(string Application, int? TeamId), List<ClusterPlacement>>> LoadAsync(
        K8PostureDbContext db, IEnumerable<(string Application, int? TeamId)> applications, CancellationToken cancellationToken)
    {
        var wanted = applications.Distinct().ToList();
        var names = wanted.Select(a => a.Application).Distinct(StringComparer.Ordinal).ToArray();
        var rows = names.Length == 0 ? [] : await db.Namespaces.AsNoTracking()
            .Where(n => n.Application != null && names.Contains(n.Application))
            .Select(n => new { n.Application, n.OwnerTeamId, n.Name, n.ClusterId, ClusterName = n.Cluster!.Name, n.Cluster.Tenancy })
            .ToListAsync(cancellationToken);
        var result = new Dictionary<(string, int?), List<ClusterPlacement>>();
        foreach (var key in wanted)
        {
            result[key] = rows.Where(r => r.Application == key.Application && r.OwnerTeamId == key.TeamId)
                .GroupBy(r => (r.ClusterId, r.ClusterName, r.Tenancy))
                .OrderBy(g => g.Key.ClusterName, StringComparer.Ordinal)
                .Select(g => new ClusterPlacement(g.Key.ClusterId, g.Key.ClusterName, g.Key.Tenancy, g.Select(r => r.Name).Order(StringComparer.Ordinal).ToList()))
                .ToList();
        }
        return result;
    }
}
