namespace K8Posture.Features.Intel;

/// <summary>One entry of the CISA Known Exploited Vulnerabilities catalog, keyed by CVE (organisation-wide, not team-owned).</summary>
public sealed class KevEntry
{
    public required string CveId { get; set; }
    public string? VendorProject { get; set; }
    public string? Product { get; set; }
    public string? VulnerabilityName { get; set; }
    public DateOnly DateAdded { get; set; }
    public DateOnly? DueDate { get; set; }
    public bool KnownRansomware { get; set; }
    public string? RequiredAction { get; set; }
}

/// <summary>One row of the FIRST EPSS daily scores, keyed by CVE (organisation-wide).</summary>
public sealed class EpssScore
{
    public required string CveId { get; set; }
    public double Score { get; set; }
    public double Percentile { get; set; }
}

public enum IntelFeedKind { Kev = 0, Epss = 1 }

/// <summary>One load of a feed: which version it was, who loaded it, how many rows; the newest of a kind is the one in force.</summary>
public sealed class IntelFeedLoad
{
    public long Id { get; set; }
    public IntelFeedKind Kind { get; set; }
    /// <summary>KEV catalogVersion, or EPSS model_version.</summary>
    public string? Version { get; set; }
    /// <summary>KEV dateReleased (as a day), or EPSS score_date.</summary>
    public DateOnly? FeedDate { get; set; }
    public DateTimeOffset LoadedAt { get; set; }
    public required string LoadedBy { get; set; }
    public int Rows { get; set; }
    public required string PayloadSha256 { get; set; }
    /// <summary>Findings whose intel or priority the re-score after this load changed.</summary>
    public int FindingsRescored { get; set; }
    public long DurationMs { get; set; }
}

public enum WorkloadSignalKind { Exposed = 1, Privileged = 2, RuntimeAlert = 3 }

/// <summary>
/// Scratch rows of the re-score: which workloads (cluster, namespace, "Kind/name"; "*" for the whole namespace) are exposed,
/// privileged or had a runtime alert, so the findings UPDATE looks each up by index instead of re-reading the findings per row.
/// Rebuilt by every re-score in its transaction; not shown, not team-owned.
/// </summary>
public sealed class IntelWorkloadSignal
{
    public long Id { get; set; }
    public int ClusterId { get; set; }
    public required string NamespaceName { get; set; }
    public required string Workload { get; set; }
    public WorkloadSignalKind Signal { get; set; }
}
