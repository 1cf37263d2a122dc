using K8Posture.Data;

namespace K8Posture.Features.Landscape;

/// <summary>Which aggregate a <see cref="LandscapeCell"/> row belongs to.</summary>
public enum LandscapeDimension
{
    /// <summary>Open findings per namespace (Key; null for cluster-scoped or image-only findings).</summary>
    Namespace = 0,
    /// <summary>Open findings per OWASP Kubernetes Top 10 id (Key: K01…K10).</summary>
    Owasp = 1,
    /// <summary>Open findings per image (Key: registry/repository).</summary>
    Image = 2,
    /// <summary>Findings remediated on a day (Key: yyyy-MM-dd): count, on time, late (in OverdueCount), remediation hours.</summary>
    Closed = 3,
    /// <summary>Daily snapshot totals over all teams (Key: yyyy-MM-dd), for organisation-wide trend reads.</summary>
    TrendAllTeams = 4,
    /// <summary>Namespace cells summed over every team, cluster and namespace (Key null): the organisation-wide open counts.</summary>
    OpenAllTeams = 5,
    /// <summary>Owasp cells summed over every team and cluster.</summary>
    OwaspAllTeams = 6,
    /// <summary>Image cells summed over every team and cluster.</summary>
    ImageAllTeams = 7,
    /// <summary>Closed cells summed over every team and cluster.</summary>
    ClosedAllTeams = 8,
}

public static class LandscapeDimensions
{
    /// <summary>
    /// The organisation-wide rollup of a per-team dimension: a reader who sees every team and filters by neither team nor
    /// cluster (the home page of the Security Team and leadership) sums a few thousand rollup cells instead of every
    /// team's and cluster's. Rollup cells have no team, so the query filter never shows them to an app team.
    /// </summary>
    public static LandscapeDimension AllTeams(this LandscapeDimension dimension) => dimension switch
    {
        LandscapeDimension.Namespace => LandscapeDimension.OpenAllTeams,
        LandscapeDimension.Owasp => LandscapeDimension.OwaspAllTeams,
        LandscapeDimension.Image => LandscapeDimension.ImageAllTeams,
        LandscapeDimension.Closed => LandscapeDimension.ClosedAllTeams,
        _ => throw new ArgumentOutOfRangeException(nameof(dimension), dimension, "No all-teams rollup."),
    };
}

/// <summary>
/// One pre-aggregated cell of the landscape: counts of findings for a dimension value, team, cluster, category and
/// severity, counted with the shared definitions (<see cref="K8Posture.Shared.PostureDefinitions"/>). Rebuilt from the Findings table by <see cref="LandscapeCubeBuilder"/> with GROUP BY in SQL, so the
/// landscape reads tens of thousands of cells instead of millions of findings. Scoped by team like findings.
/// </summary>
public sealed class LandscapeCell
{
    public const int MaxKeyLength = 760;

    public long Id { get; set; }
    public LandscapeDimension Dimension { get; set; }
    public string? Key { get; set; }
    public int? TeamId { get; set; }
    public int? ClusterId { get; set; }
    public FindingCategory Category { get; set; }
    public FindingSeverity Severity { get; set; }
    public int Count { get; set; }
    /// <summary>Open dimensions: open and past their SLA due date at rebuild time. Closed dimension: remediated after the due date.</summary>
    public int OverdueCount { get; set; }
    /// <summary>Open findings that expose a workload outside the cluster (LoadBalancer/NodePort, host ports, OWASP K06).</summary>
    public int ExposedCount { get; set; }
    /// <summary>Open findings of privileged workloads (privileged or HostProcess containers, runtime socket mounts).</summary>
    public int PrivilegedCount { get; set; }
    /// <summary>Closed dimension: remediated on or before the SLA due date (findings without one are neither on time nor late).</summary>
    public int OnTimeCount { get; set; }
    /// <summary>Closed dimension: sum of (ClosedAt − FirstSeenAt) in hours.</summary>
    public double RemediationHours { get; set; }
}
