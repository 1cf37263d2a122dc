using K8Posture.Data;
using K8Posture.Features.Ingestion;

namespace K8Posture.Features.Inventory.Parsing;

/// <summary>One inventory format (cloud cluster list, scan, CSV export). Stateless singletons.</summary>
public interface IInventoryParser
{
    /// <summary>The <c>format=</c> value, e.g. "aks-json".</summary>
    string Format { get; }

    IReadOnlyList<string> Aliases { get; }

    /// <summary>Cheap content sniff; never throws.</summary>
    bool CanParse(ReadOnlySpan<byte> payload);

    /// <exception cref="ScanParseException">Malformed input, with where (JSON pointer, line/position, CSV row and column).</exception>
    InventoryParseResult Parse(ReadOnlyMemory<byte> payload);
}

/// <summary>A managed Kubernetes cluster from a cloud provider's list, with its exposure checks already evaluated.</summary>
public sealed record ParsedCloudCluster(
    ClusterProvider Provider,
    string ResourceId,
    string Name,
    string? Account,
    string? Vpc,
    string? Region,
    string? ApiEndpoint,
    string? Version,
    string? Status,
    IReadOnlyDictionary<string, string> Tags,
    string Pointer,
    IReadOnlyDictionary<string, string?> Evidence,
    IReadOnlyList<CloudExposure> Exposures);

/// <summary>A scanned host with at least one open Kubernetes-looking port.</summary>
public sealed record ParsedEndpoint(string Address, IReadOnlyList<string> Hostnames, IReadOnlyList<KubernetesPortHit> Ports, DateTimeOffset? SeenAt);

public sealed record ParsedDesktop(int Row, string Hostname, string? User, string Product, string? Version, DateTimeOffset? LastSeen, string? Team, string? BusinessUnit);

public sealed record ParsedEgress(int Row, DateTimeOffset At, string SourceHost, string? User, string? Team, string DestinationHost, string Registry, long Bytes);

public sealed record InventoryParseResult(string Format)
{
    public IReadOnlyList<ParsedCloudCluster> Clusters { get; init; } = [];
    public IReadOnlyList<ParsedEndpoint> Endpoints { get; init; } = [];
    public IReadOnlyList<ParsedDesktop> Desktops { get; init; } = [];
    public IReadOnlyList<ParsedEgress> Egress { get; init; } = [];
    /// <summary>Hosts in a scan (with or without Kubernetes ports), rows of a CSV that are not container related, etc.</summary>
    public int Examined { get; init; }
    public int Ignored { get; init; }
}
