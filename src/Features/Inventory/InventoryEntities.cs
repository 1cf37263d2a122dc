using K8Posture.Data;

namespace K8Posture.Features.Inventory;

/// <summary>What an inventory record stands for; the natural key is unique per kind.</summary>
public enum InventoryKind
{
    /// <summary>A managed Kubernetes service cluster from a cloud list (AKS, EKS, GKE); key: the cloud resource id.</summary>
    CloudCluster,
    /// <summary>A host answering on a Kubernetes port in a network scan; key: the address.</summary>
    NetworkEndpoint,
    /// <summary>A desktop running a container engine (Docker Desktop, Rancher Desktop, Podman Desktop); key: host + product.</summary>
    Desktop,
    /// <summary>A host pulling from a public registry or Helm repository; key: source host → destination host.</summary>
    EgressPull,
}

/// <summary>
/// Something that runs, reaches or fetches containers, as an inventory source saw it. One row per natural key and kind;
/// a re-push refreshes it (last seen moves, first seen stays). Cloud clusters and scan hits are reconciled against
/// <see cref="Cluster"/>: <see cref="MatchedClusterId"/> is the registered cluster they are, or the discovered
/// (unmanaged) cluster created for them.
/// </summary>
public sealed class InventoryRecord
{
    public long Id { get; set; }
    public InventoryKind Kind { get; set; }
    /// <summary>Cloud resource id, scanned address, "host|product", or "source host|destination host".</summary>
    public required string NaturalKey { get; set; }
    public required string Name { get; set; }
    /// <summary>The format that reported it last: az-aks, aws-eks, gcloud-gke, nmap-xml, mdm-csv, egress-csv.</summary>
    public required string Source { get; set; }
    public ClusterProvider? Provider { get; set; }
    public string? CloudAccount { get; set; }
    public string? Vpc { get; set; }
    public string? Region { get; set; }
    /// <summary>API server URL, scanned address:ports, or destination host.</summary>
    public string? Endpoint { get; set; }
    public string? Hostname { get; set; }
    public string? UserName { get; set; }
    /// <summary>Kubernetes version, desktop product version.</summary>
    public string? Version { get; set; }
    /// <summary>Desktop product, registry or Helm repository class of an egress destination.</summary>
    public string? Product { get; set; }
    /// <summary>Open Kubernetes-looking ports, comma-separated (network endpoints).</summary>
    public string? Ports { get; set; }
    /// <summary>Egress: pulls and bytes counted so far (each log line once).</summary>
    public long Requests { get; set; }
    public long Bytes { get; set; }
    public int? BusinessUnitId { get; set; }
    public BusinessUnit? BusinessUnit { get; set; }
    public int? OwnerTeamId { get; set; }
    public Team? OwnerTeam { get; set; }
    public int? MatchedClusterId { get; set; }
    public Cluster? MatchedCluster { get; set; }
    /// <summary>How it was reconciled: "cloud resource id", "API endpoint", "name", or null (discovered).</summary>
    public string? MatchedBy { get; set; }
    public DateTimeOffset FirstSeenAt { get; set; }
    public DateTimeOffset LastSeenAt { get; set; }
    public long? LastBatchId { get; set; }
    /// <summary>The source fields this record rests on, as a small JSON object (path → value).</summary>
    public string? EvidenceJson { get; set; }
}

/// <summary>
/// One proxy/flow log line to a flagged registry or Helm repository, kept once (by a hash of the line's fields) so that
/// overlapping pushes never count a pull twice. The daily aggregates are built from the rows a push newly adds.
/// </summary>
public sealed class EgressObservation
{
    public long Id { get; set; }
    public required string LineHash { get; set; }
    public DateTimeOffset At { get; set; }
    public required string SourceHost { get; set; }
    public string? UserName { get; set; }
    public int? OwnerTeamId { get; set; }
    public required string DestinationHost { get; set; }
    public long Bytes { get; set; }
    public long BatchId { get; set; }
}

/// <summary>Pulls per day × team × source host × destination; the egress charts read these, never the raw lines.</summary>
public sealed class EgressDaily
{
    public long Id { get; set; }
    public DateOnly Day { get; set; }
    public int? OwnerTeamId { get; set; }
    public required string SourceHost { get; set; }
    public required string DestinationHost { get; set; }
    /// <summary>The destination's class: docker-hub, ghcr, quay, gcr, ecr-public, helm.</summary>
    public required string Registry { get; set; }
    public long Requests { get; set; }
    public long Bytes { get; set; }
}
