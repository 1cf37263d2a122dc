using K8Posture.Data;
using K8Posture.Features.Ingestion;

namespace K8Posture.Features.Clusters;

/// <summary>
/// Body of <c>POST /api/v1/clusters</c>: register or update a cluster by name. Give either <see cref="Kubeconfig"/> (with an
/// optional <see cref="Context"/>) or <see cref="ServerUrl"/> + <see cref="Token"/> (+ <see cref="CaCertificate"/> PEM).
/// On an update, leaving out both keeps the stored connection.
/// </summary>
public sealed record RegisterClusterRequest(
    string? Name,
    string? Kubeconfig = null,
    string? Context = null,
    string? ServerUrl = null,
    string? Token = null,
    string? CaCertificate = null,
    string? Provider = null,
    string? Environment = null,
    string? Region = null,
    string? OwnerTeam = null,
    int? RefreshIntervalMinutes = null);

/// <summary>A cluster as APIs and pages show it: never the connection secret, only whether one is stored.</summary>
public sealed record ClusterDto(
    int Id,
    string Name,
    ClusterProvider Provider,
    string? Environment,
    string? Region,
    bool IsManaged,
    string? ServerUrl,
    string? KubeconfigContext,
    bool HasConnection,
    string? OwnerTeam,
    int RefreshIntervalMinutes,
    DateTimeOffset? LastAttemptAt,
    DateTimeOffset? LastSuccessAt,
    string? LastError,
    long? LastDurationMs,
    string? ServerVersion,
    IReadOnlyDictionary<string, int> Counts,
    int Namespaces,
    ClusterState State);

public sealed record ClusterSaveResult(ClusterDto? Cluster, bool Created, IReadOnlyDictionary<string, string[]>? Errors);

public sealed record ConnectionTestResult(bool Ok, string? ServerVersion, string? Error);

/// <summary>What unregistering a cluster did: the findings of its scope that closed, per source.</summary>
public sealed record ClusterUnregistered(string Cluster, IReadOnlyDictionary<string, int> ClosedFindings);
