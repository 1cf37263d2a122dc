using K8Posture.Data;

namespace K8Posture.Features.Clusters;

public static class TeamClusters
{
    /// <summary>
    /// The clusters of these teams: those a team is accountable for (<see cref="Cluster.OwnerTeamId"/>) or runs a namespace in —
    /// the rule the cluster visibility filter applies to an app team, so a team page and the landscape filtered by a team count
    /// the same clusters.
    /// </summary>
    public static IQueryable<Cluster> OfTeams(this IQueryable<Cluster> clusters, IReadOnlyList<int> teamIds) =>
        clusters.Where(c => (c.OwnerTeamId != null && teamIds.Contains(c.OwnerTeamId.Value))
            || c.Namespaces.Any(n => n.OwnerTeamId != null && teamIds.Contains(n.OwnerTeamId.Value)));
}
