using K8Posture.Data;
using Microsoft.EntityFrameworkCore;

namespace K8Posture.Features.Findings;

/// <summary>
/// The organisational filters shared by the landscape, the cluster and team pages and the findings explorer, by name
/// (names are unique and make readable links): business unit (through the owner team's unit), team, cluster and
/// environment (through the cluster).
/// </summary>
public sealed record OrgFilter(string? BusinessUnit = null, string? Team = null, string? Cluster = null, string? Environment = null)
{
    public bool IsEmpty => BusinessUnit is null && Team is null && Cluster is null && Environment is null;
}

/// <summary>
/// An <see cref="OrgFilter"/> resolved to ids: null means "no constraint"; an empty list matches nothing (a name that
/// does not exist). The caller's team scope still applies on top through the query filters.
/// </summary>
public sealed record ResolvedScope(IReadOnlyList<int>? TeamIds, IReadOnlyList<int>? ClusterIds)
{
    public static readonly ResolvedScope Everything = new(null, null);

    public static async Task<ResolvedScope> ResolveAsync(K8PostureDbContext db, OrgFilter filter, CancellationToken cancellationToken)
    {
        if (filter.IsEmpty)
        {
            return Everything;
        }
        List<int>? teamIds = null;
        if (filter.Team is { } team)
        {
            teamIds = await db.Teams.AsNoTracking().Where(t => t.Name == team).Select(t => t.Id).ToListAsync(cancellationToken);
        }
        if (filter.BusinessUnit is { } unit)
        {
            var ofUnit = await db.Teams.AsNoTracking().Where(t => t.BusinessUnit!.Name == unit).Select(t => t.Id).ToListAsync(cancellationToken);
            teamIds = teamIds is null ? ofUnit : teamIds.Intersect(ofUnit).ToList();
        }
        List<int>? clusterIds = null;
        // Names only: findings stay scoped by their own filter, so a cluster an app team sees findings in may be named.
        var clusters = db.Clusters.AsNoTracking().IgnoreQueryFilters([K8PostureDbContext.ClusterVisibilityFilter]);
        if (filter.Cluster is { } cluster)
        {
            clusterIds = await clusters.Where(c => c.Name == cluster).Select(c => c.Id).ToListAsync(cancellationToken);
        }
        if (filter.Environment is { } environment)
        {
            var ofEnvironment = await clusters.Where(c => c.Environment == environment).Select(c => c.Id).ToListAsync(cancellationToken);
            clusterIds = clusterIds is null ? ofEnvironment : clusterIds.Intersect(ofEnvironment).ToList();
        }
        return new ResolvedScope(teamIds, clusterIds);
    }

    public IQueryable<Finding> Apply(IQueryable<Finding> findings)
    {
        if (TeamIds is { } teams)
        {
            findings = findings.Where(f => f.OwnerTeamId != null && teams.Contains(f.OwnerTeamId.Value));
        }
        if (ClusterIds is { } clusters)
        {
            findings = findings.Where(f => f.ClusterId != null && clusters.Contains(f.ClusterId.Value));
        }
        return findings;
    }
}
