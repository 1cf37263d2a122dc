using K8Posture.Data;

namespace K8Posture.Features.Organisation;

/// <summary>How sensitive an application's data is; drives tenancy decisions and report emphasis.</summary>
public enum DataClassification { Unknown = 0, Public = 1, Internal = 2, Confidential = 3, Restricted = 4 }

/// <summary>
/// A business application owned by a team. Namespaces and tenancy assessments name applications by
/// <see cref="Name"/>, so a rename rewrites those references in the same transaction.
/// </summary>
public sealed class Application
{
    public int Id { get; set; }
    public required string Name { get; set; }
    public int TeamId { get; set; }
    public Team? Team { get; set; }
    public string? Description { get; set; }
    public DataClassification DataClassification { get; set; }
    /// <summary>Regulations in scope, comma-separated as people write them (PCI-DSS, GDPR, SOX, HIPAA…).</summary>
    public string? RegulatoryScope { get; set; }
    /// <summary>A vendor product rather than in-house code: the study guide's "wildly insecure" candidates.</summary>
    public bool IsVendorProduct { get; set; }
    /// <summary>Elevated privileges the application needs on the cluster (host network, privileged pods, cluster-admin…).</summary>
    public string? RequiredPrivileges { get; set; }
}

/// <summary>
/// An Entra ID pipeline (an app registration's service principal) known to K8Posture. A token whose
/// <c>azp</c>/<c>appid</c> (application id) or <c>oid</c> (service principal object id) equals
/// <see cref="EntraId"/> acts for <see cref="TeamId"/>, or for the whole organisation when it is null,
/// exactly like a <c>k8p_</c> key with or without a team.
/// </summary>
public sealed class PipelineIdentity
{
    public int Id { get; set; }
    /// <summary>The application (client) id or the service principal's object id, lower-case.</summary>
    public required string EntraId { get; set; }
    public required string DisplayName { get; set; }
    public int? TeamId { get; set; }
    public Team? Team { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public required string CreatedBy { get; set; }
}
