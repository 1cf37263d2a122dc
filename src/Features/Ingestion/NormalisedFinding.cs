using K8Posture.Data;

namespace K8Posture.Features.Ingestion;

/// <summary>How a finding is identified (docs/ARCHITECTURE.md, Finding identity and lifecycle); decides which fields make up its fingerprint.</summary>
public enum FindingIdentityKind { Vulnerability, Misconfiguration, Secret }

/// <summary>
/// One finding as a parser reports it, tool-independent: every field of <see cref="Finding"/> a scanner can fill.
/// Identity, ownership, lifecycle and SLA are the store's business, not the parser's.
/// </summary>
public sealed record NormalisedFinding
{
    public required FindingIdentityKind IdentityKind { get; init; }
    public required FindingCategory Category { get; init; }
    public FindingSeverity Severity { get; init; }
    public required string Title { get; init; }
    public string? Description { get; init; }

    /// <summary>
    /// What to do about it, when the source says so apart from the description. Stored after the description; kept
    /// apart until then because one rule's remediation text is shared by thousands of findings of a collection.
    /// </summary>
    public string? Remediation { get; init; }
    public string? RuleId { get; init; }
    public string? VulnerabilityId { get; init; }
    public string? Cwe { get; init; }
    public double? CvssScore { get; init; }
    public string? CvssVector { get; init; }
    public double? Epss { get; init; }
    public string? PackageName { get; init; }
    public string? PackageType { get; init; }
    public string? Purl { get; init; }
    public string? InstalledVersion { get; init; }
    public string? FixedVersion { get; init; }
    public string? NamespaceName { get; init; }
    public string? ResourceKind { get; init; }
    public string? ResourceName { get; init; }
    public string? Container { get; init; }
    public string? ImageRegistry { get; init; }
    public string? ImageRepository { get; init; }
    public string? ImageTag { get; init; }
    public string? ImageDigest { get; init; }
    public string? OwaspK8s { get; init; }
    public string? PssControl { get; init; }
    public string? PrimaryUrl { get; init; }
    public IReadOnlyList<string> References { get; init; } = [];
    /// <summary>The file or artifact inside the scanned target (lock file, manifest, Dockerfile) the tool reported it in.</summary>
    public string? Target { get; init; }
    /// <summary>First line of the finding in <see cref="Target"/>; part of a secret's identity.</summary>
    public int? StartLine { get; init; }
    /// <summary>The report object that carried it, for formats whose pushes cover report objects rather than a whole scope.</summary>
    public ReportSubject? Subject { get; init; }
}

/// <summary>
/// One report object a push carries (a Trivy Operator report of one workload, a PolicyReport, a kube-bench node type):
/// a push that names subjects covers exactly those, so only findings those reports used to carry can close.
/// <paramref name="Source"/> is the tool behind this object when one push mixes tools (a List of PolicyReports).
/// </summary>
public sealed record ReportSubject(string Key, string? Source = null);

/// <summary>What was scanned, as far as the report says; the ingestor derives the scope key from it unless <c>scope=</c> is given.</summary>
public sealed record ScanScopeHint(ScanArtifactKind ArtifactKind, string? ArtifactName, ImageReference? Image, string? ClusterName = null);

public enum ScanArtifactKind { Unknown, ContainerImage, Repository, Filesystem, Cluster }

/// <summary>The result of parsing one report.</summary>
public sealed record ScanParseResult(ScanScopeHint ScopeHint, IReadOnlyList<NormalisedFinding> Findings, string? ToolVersion = null)
{
    /// <summary>
    /// The tool that produced this particular report, for formats several tools write (SARIF: Checkov, KICS, Trivy, …);
    /// null means the parser's <see cref="IScanParser.SourceTool"/>.
    /// </summary>
    public string? SourceTool { get; init; }

    /// <summary>
    /// The report objects this push covers (each finding names its own); null when the report describes its whole scope
    /// (an image, a repository, a cluster scan). An object without findings is still covered: its old findings close.
    /// </summary>
    public IReadOnlyList<ReportSubject>? Subjects { get; init; }

    /// <summary>The components of an SBOM push (CycloneDX, SPDX); stored per image beside the findings.</summary>
    public SbomDocument? Sbom { get; init; }

    /// <summary>The SBOMs of several images in one push (Trivy Operator SbomReports), each stored like <see cref="Sbom"/>.</summary>
    public IReadOnlyList<SbomDocument>? ImageSboms { get; init; }

    /// <summary>The workloads and images a cluster report names (Trivy Operator), for "where is it running?".</summary>
    public IReadOnlyList<ObservedWorkloadImage>? WorkloadImages { get; init; }
}

/// <summary>What an SBOM lists: the subject (an image, else a named artifact) and its components, flattened.</summary>
public sealed record SbomDocument(string Format, ImageReference? Image, string? SubjectName, IReadOnlyList<SbomComponent> Components);

/// <summary>One component of an SBOM; <paramref name="Purl"/> as written (null when the SBOM gives none).</summary>
public sealed record SbomComponent(string? Purl, string Name, string? Version, string? Licences, string? Type);

/// <summary>A container of a workload and the image it runs, as a report about a cluster names them.</summary>
public sealed record ObservedWorkloadImage(string NamespaceName, string WorkloadKind, string WorkloadName, string Container, ImageReference Image);
