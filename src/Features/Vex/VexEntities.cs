namespace K8Posture.Features.Vex;

public enum VexFormat { OpenVex = 0, CycloneDx = 1 }

/// <summary>The four OpenVEX statuses; CycloneDX analysis states map onto them (<see cref="VexDocumentParser"/>).</summary>
public enum VexStatus { NotAffected = 0, Affected = 1, Fixed = 2, UnderInvestigation = 3 }

/// <summary>
/// One VEX document in force (OpenVEX or CycloneDX VEX), keyed by its document id. A re-push of the same id with a version
/// at least as new replaces its statements; a DELETE withdraws it. Pushed by a team-bound key, it speaks only for that team's findings.
/// </summary>
public sealed class VexDocument
{
    public long Id { get; set; }
    /// <summary>OpenVEX <c>@id</c>, CycloneDX <c>serialNumber</c>, else <c>sha256:&lt;payload&gt;</c>.</summary>
    public required string DocumentId { get; set; }
    public VexFormat Format { get; set; }
    public int Version { get; set; }
    public string? Author { get; set; }
    public DateTimeOffset? Timestamp { get; set; }
    public DateTimeOffset LoadedAt { get; set; }
    public required string LoadedBy { get; set; }
    public required string PayloadSha256 { get; set; }
    /// <summary>Null: an organisation-wide key pushed it and it speaks for every team; else the one team whose findings it may mark.</summary>
    public int? OwnerTeamId { get; set; }
    public List<VexStatement> Statements { get; set; } = [];
}

/// <summary>One statement of a document for one product (a statement naming three products is three rows).</summary>
public sealed class VexStatement
{
    public long Id { get; set; }
    public long VexDocumentId { get; set; }
    public VexDocument? Document { get; set; }
    /// <summary>Position in the document: among statements of equal timestamp, the later one wins.</summary>
    public int Ordinal { get; set; }
    /// <summary>The vulnerability as named: CVE, GHSA or another id.</summary>
    public required string VulnerabilityId { get; set; }
    /// <summary>Its aliases, newline-separated.</summary>
    public string? Aliases { get; set; }
    /// <summary>The product: a purl (<c>pkg:oci/…@sha256:…</c> for an image) or, for CycloneDX, the purl behind the affects ref.</summary>
    public required string ProductId { get; set; }
    /// <summary>Package purls within the product the statement is limited to, newline-separated; null: the whole product.</summary>
    public string? Subcomponents { get; set; }
    public VexStatus Status { get; set; }
    /// <summary>OpenVEX justification or CycloneDX analysis justification (as written).</summary>
    public string? Justification { get; set; }
    /// <summary>OpenVEX impact_statement, or CycloneDX analysis detail.</summary>
    public string? ImpactStatement { get; set; }
    public string? ActionStatement { get; set; }
    /// <summary>The statement's timestamp, else the document's, else when it was loaded: the newest per (vulnerability, product) wins.</summary>
    public DateTimeOffset Timestamp { get; set; }
}
