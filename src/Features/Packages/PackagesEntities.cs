using K8Posture.Data;

namespace K8Posture.Features.Packages;

/// <summary>
/// The image an SBOM describes, keyed by <see cref="ImageKey"/> (its digest when the SBOM names one, else
/// registry/repository:tag, else the scan's scope). A new SBOM of the same image replaces its components.
/// </summary>
public sealed class SbomImage
{
    public long Id { get; set; }
    public required string ImageKey { get; set; }
    public string? ImageRegistry { get; set; }
    public string? ImageRepository { get; set; }
    public string? ImageTag { get; set; }
    public string? ImageDigest { get; set; }
    /// <summary>"CycloneDX 1.5", "SPDX-2.3".</summary>
    public required string SbomFormat { get; set; }
    public required string Source { get; set; }
    /// <summary>The team whose key pushed it; a team's key replaces only its own team's (or unowned) SBOMs.</summary>
    public int? OwnerTeamId { get; set; }
    public long BatchId { get; set; }
    public DateTimeOffset IngestedAt { get; set; }
    public int ComponentCount { get; set; }
}

/// <summary>One package an SBOM lists, indexed by its purl's type/namespace/name so "where is log4j-core?" is one seek.</summary>
public sealed class SoftwareComponent
{
    public long Id { get; set; }
    public long SbomImageId { get; set; }
    /// <summary>purl type ("maven", "deb", …); "" when the component has no purl.</summary>
    public required string PurlType { get; set; }
    public required string PurlNamespace { get; set; }
    /// <summary>purl name, else the component's name.</summary>
    public required string PurlName { get; set; }
    public string? Purl { get; set; }
    public required string Name { get; set; }
    public string? Version { get; set; }
    /// <summary>SPDX ids, names or expressions, joined with " AND "… as the SBOM gives them; null when unknown (NOASSERTION).</summary>
    public string? Licences { get; set; }
    /// <summary>CycloneDX component type or SPDX primaryPackagePurpose, lower-case ("library", "operating-system").</summary>
    public string? ComponentType { get; set; }
}

/// <summary>
/// A container of a workload running an image, as cluster collection or a Trivy Operator report saw it. Owned by the
/// namespace's team, and scoped like findings.
/// </summary>
public sealed class WorkloadImage
{
    public long Id { get; set; }
    public int ClusterId { get; set; }
    public Cluster? Cluster { get; set; }
    public required string NamespaceName { get; set; }
    public required string WorkloadKind { get; set; }
    public required string WorkloadName { get; set; }
    public required string Container { get; set; }
    public required string ImageRegistry { get; set; }
    public required string ImageRepository { get; set; }
    public string? ImageTag { get; set; }
    public string? ImageDigest { get; set; }
    /// <summary>"collection" (pods and controllers) or "trivy-operator" (its reports).</summary>
    public required string Source { get; set; }
    public int? OwnerTeamId { get; set; }
    public Team? OwnerTeam { get; set; }
    public DateTimeOffset SeenAt { get; set; }
}

/// <summary>
/// A saved package query (a zero-day before any scanner knows it): every workload running a matching component gets a
/// finding, owned by the workload's team, kept while the match holds.
/// </summary>
public sealed class PackageWatch
{
    public int Id { get; set; }
    public required string Name { get; set; }
    public required string Purl { get; set; }
    public string? VersionRange { get; set; }
    public FindingSeverity Severity { get; set; } = FindingSeverity.High;
    public required string CreatedBy { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset? LastEvaluatedAt { get; set; }
    public int LastMatches { get; set; }
}
