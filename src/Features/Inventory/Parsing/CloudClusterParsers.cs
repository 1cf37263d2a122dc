using System.Text.Json;
using K8Posture.Data;
using K8Posture.Features.Ingestion;

namespace K8Posture.Features.Inventory.Parsing;

/// <summary>Shared walking of cloud list shapes: a bare array, one object, or a wrapper property holding the array.</summary>
internal static class CloudShapes
{
    public static IEnumerable<(JsonElement Item, string Pointer)> Items(JsonElement root, string? wrapper, string format)
    {
        if (root.ValueKind == JsonValueKind.Array)
        {
            return root.EnumerateArray().Select((item, i) => (item, $"/{i}"));
        }
        if (root.ValueKind != JsonValueKind.Object)
        {
            throw new ScanParseException($"A {format} payload is a JSON object or array, not {JsonPayload.Describe(root.ValueKind)}.", "");
        }
        if (wrapper is not null && root.TryGetProperty(wrapper, out var wrapped))
        {
            return root.Array(wrapper, "");
        }
        return [(root, "")];
    }

    public static void RequireObject(JsonElement item, string pointer, string what)
    {
        if (item.ValueKind != JsonValueKind.Object)
        {
            throw new ScanParseException($"The {what} at {(pointer.Length == 0 ? "/" : pointer)} should be an object but is {JsonPayload.Describe(item.ValueKind)}.", pointer.Length == 0 ? "/" : pointer);
        }
    }

    public static string Required(JsonElement item, string name, string pointer, string what) =>
        item.String(name) ?? throw new ScanParseException($"The {what} at {(pointer.Length == 0 ? "/" : pointer)} has no '{name}'.", pointer + "/" + name);

    public static IReadOnlyDictionary<string, string> Tags(JsonElement? tags)
    {
        var result = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        if (tags is { ValueKind: JsonValueKind.Object } t)
        {
            foreach (var property in t.EnumerateObject())
            {
                if (property.Value.ValueKind == JsonValueKind.String)
                {
                    result[property.Name] = property.Value.GetString() ?? "";
                }
            }
        }
        return result;
    }

    public static bool HasAny(ReadOnlySpan<byte> payload, params string[] needles)
    {
        var head = JsonPayload.WithoutBom(payload);
        if (head.Length > 16 * 1024)
        {
            head = head[..(16 * 1024)];
        }
        var text = System.Text.Encoding.UTF8.GetString(head);
        return needles.Any(n => text.Contains(n, StringComparison.Ordinal));
    }

    public static bool LooksLikeJson(ReadOnlySpan<byte> payload)
    {
        var trimmed = JsonPayload.WithoutBom(payload).TrimStart(" \t\r\n"u8);
        return trimmed.Length > 0 && (trimmed[0] == (byte)'{' || trimmed[0] == (byte)'[');
    }
}

/// <summary>
/// <c>az aks list</c> / <c>az aks show</c> / <c>az aks create</c> output (flattened camelCase ManagedCluster objects; a bare
/// array or one object) and the ARM REST list shape <c>{"value":[{"id":…,"properties":{…}}]}</c>.
/// </summary>
public sealed class AksClusterListParser : IInventoryParser
{
    public string Format => "aks-json";
    public IReadOnlyList<string> Aliases => ["aks", "az-aks", "arm-aks"];

    public bool CanParse(ReadOnlySpan<byte> payload) =>
        CloudShapes.LooksLikeJson(payload) && CloudShapes.HasAny(payload, "Microsoft.ContainerService/", "\"agentPoolProfiles\"", ".azmk8s.io");

    public InventoryParseResult Parse(ReadOnlyMemory<byte> payload)
    {
        using var document = JsonPayload.Parse(payload, "AKS cluster list");
        var clusters = new List<ParsedCloudCluster>();
        foreach (var (item, pointer) in CloudShapes.Items(document.RootElement, "value", "AKS cluster list"))
        {
            CloudShapes.RequireObject(item, pointer, "AKS cluster");
            // ARM REST responses nest the cluster's settings under "properties"; az flattens them.
            var props = item.Object("properties") ?? item;
            var propsPointer = item.Object("properties") is null ? pointer : pointer + "/properties";
            var id = CloudShapes.Required(item, "id", pointer, "AKS cluster");
            var name = CloudShapes.Required(item, "name", pointer, "AKS cluster");
            var fqdn = props.String("privateFqdn") is { } privateFqdn && props.String("fqdn") is null ? privateFqdn : props.String("fqdn");
            var subnet = FirstSubnet(props);
            var evidence = new Dictionary<string, string?>
            {
                [propsPointer + "/fqdn"] = props.String("fqdn"),
                [propsPointer + "/privateFqdn"] = props.String("privateFqdn"),
                [propsPointer + "/apiServerAccessProfile"] = CloudExposureRules.Raw(props, "apiServerAccessProfile"),
                [propsPointer + "/kubernetesVersion"] = props.String("currentKubernetesVersion") ?? props.String("kubernetesVersion"),
                ["controlPlaneLogging"] = CloudExposureRules.AksLoggingNote,
            };
            clusters.Add(new ParsedCloudCluster(
                ClusterProvider.Aks,
                id.ToLowerInvariant(),
                name,
                Segment(id, "subscriptions"),
                subnet ?? (props.String("nodeResourceGroup") is { } mc ? $"AKS-managed VNet ({mc})" : null),
                item.String("location"),
                fqdn is null ? null : "https://" + fqdn + ":443",
                props.String("currentKubernetesVersion") ?? props.String("kubernetesVersion"),
                props.Object("powerState")?.String("code") ?? props.String("provisioningState"),
                CloudShapes.Tags(item.Object("tags")),
                pointer,
                evidence,
                CloudExposureRules.Aks(props, propsPointer)));
        }
        return new InventoryParseResult(Format) { Clusters = clusters, Examined = clusters.Count };
    }

    /// <summary>"vnet/subnet" of the first node pool placed in a customer VNet.</summary>
    private static string? FirstSubnet(JsonElement props)
    {
        if (!props.TryGetProperty("agentPoolProfiles", out var pools) || pools.ValueKind != JsonValueKind.Array)
        {
            return null;
        }
        foreach (var pool in pools.EnumerateArray())
        {
            if (pool.String("vnetSubnetId") is { } subnetId)
            {
                var vnet = Segment(subnetId, "virtualNetworks");
                var subnet = Segment(subnetId, "subnets");
                return vnet is null ? subnetId : $"{vnet}/{subnet}";
            }
        }
        return null;
    }

    /// <summary>The value after a segment name in an ARM id (case-insensitive).</summary>
    internal static string? Segment(string resourceId, string name)
    {
        var parts = resourceId.Split('/', StringSplitOptions.RemoveEmptyEntries);
        for (var i = 0; i < parts.Length - 1; i++)
        {
            if (parts[i].Equals(name, StringComparison.OrdinalIgnoreCase))
            {
                return parts[i + 1];
            }
        }
        return null;
    }
}

/// <summary><c>aws eks describe-cluster</c> output (<c>{"cluster":{…}}</c>), a list of those, or a bare cluster object.</summary>
public sealed class EksClusterParser : IInventoryParser
{
    public string Format => "eks-json";
    public IReadOnlyList<string> Aliases => ["eks", "aws-eks"];

    public bool CanParse(ReadOnlySpan<byte> payload) =>
        CloudShapes.LooksLikeJson(payload) && CloudShapes.HasAny(payload, ":eks:", "resourcesVpcConfig", ".eks.amazonaws.com");

    public InventoryParseResult Parse(ReadOnlyMemory<byte> payload)
    {
        using var document = JsonPayload.Parse(payload, "EKS describe-cluster");
        var clusters = new List<ParsedCloudCluster>();
        var root = document.RootElement;
        IEnumerable<(JsonElement Item, string Pointer)> items = root.ValueKind == JsonValueKind.Object && root.TryGetProperty("clusters", out _)
            ? root.Array("clusters", "")
            : CloudShapes.Items(root, null, "EKS describe-cluster");
        foreach (var (outer, outerPointer) in items)
        {
            CloudShapes.RequireObject(outer, outerPointer, "EKS describe-cluster result");
            var (cluster, pointer) = outer.Object("cluster") is { } inner ? (inner, outerPointer + "/cluster") : (outer, outerPointer);
            var arn = CloudShapes.Required(cluster, "arn", pointer, "EKS cluster");
            var name = CloudShapes.Required(cluster, "name", pointer, "EKS cluster");
            var arnParts = arn.Split(':');
            var vpc = cluster.Object("resourcesVpcConfig");
            var evidence = new Dictionary<string, string?>
            {
                [pointer + "/endpoint"] = cluster.String("endpoint"),
                [pointer + "/resourcesVpcConfig/endpointPublicAccess"] = vpc is { } v1 ? CloudExposureRules.Raw(v1, "endpointPublicAccess") : null,
                [pointer + "/resourcesVpcConfig/endpointPrivateAccess"] = vpc is { } v2 ? CloudExposureRules.Raw(v2, "endpointPrivateAccess") : null,
                [pointer + "/resourcesVpcConfig/publicAccessCidrs"] = vpc is { } v3 ? CloudExposureRules.Raw(v3, "publicAccessCidrs") : null,
                [pointer + "/logging/clusterLogging"] = cluster.Object("logging") is { } l ? CloudExposureRules.Raw(l, "clusterLogging") : null,
            };
            clusters.Add(new ParsedCloudCluster(
                ClusterProvider.Eks,
                arn,
                name,
                arnParts.Length > 4 && arnParts[4].Length > 0 ? arnParts[4] : null,
                vpc?.String("vpcId"),
                arnParts.Length > 3 && arnParts[3].Length > 0 ? arnParts[3] : null,
                cluster.String("endpoint"),
                cluster.String("version"),
                cluster.String("status"),
                CloudShapes.Tags(cluster.Object("tags")),
                pointer,
                evidence,
                CloudExposureRules.Eks(cluster, pointer)));
        }
        return new InventoryParseResult(Format) { Clusters = clusters, Examined = clusters.Count };
    }
}

/// <summary>GKE clusters: the API's <c>{"clusters":[…]}</c> (projects.locations.clusters.list) or gcloud's bare array.</summary>
public sealed class GkeClusterListParser : IInventoryParser
{
    public string Format => "gke-json";
    public IReadOnlyList<string> Aliases => ["gke", "gcloud-gke"];

    public bool CanParse(ReadOnlySpan<byte> payload) =>
        CloudShapes.LooksLikeJson(payload) && CloudShapes.HasAny(payload, "container.googleapis.com", "\"currentMasterVersion\"", "\"masterAuth\"");

    public InventoryParseResult Parse(ReadOnlyMemory<byte> payload)
    {
        using var document = JsonPayload.Parse(payload, "GKE cluster list");
        var clusters = new List<ParsedCloudCluster>();
        foreach (var (cluster, pointer) in CloudShapes.Items(document.RootElement, "clusters", "GKE cluster list"))
        {
            CloudShapes.RequireObject(cluster, pointer, "GKE cluster");
            var name = CloudShapes.Required(cluster, "name", pointer, "GKE cluster");
            var location = cluster.String("location") ?? cluster.String("zone");
            var selfLink = cluster.String("selfLink");
            var project = ProjectOf(selfLink);
            var resourceId = selfLink is null
                ? $"projects/{project ?? "unknown"}/locations/{location ?? "unknown"}/clusters/{name}"
                : Normalise(selfLink);
            var network = cluster.Object("networkConfig")?.String("network") ?? cluster.String("network");
            var subnetwork = cluster.Object("networkConfig")?.String("subnetwork") ?? cluster.String("subnetwork");
            var endpoint = cluster.String("endpoint");
            var evidence = new Dictionary<string, string?>
            {
                [pointer + "/endpoint"] = endpoint,
                [pointer + "/privateClusterConfig"] = CloudExposureRules.Raw(cluster, "privateClusterConfig"),
                [pointer + "/masterAuthorizedNetworksConfig"] = CloudExposureRules.Raw(cluster, "masterAuthorizedNetworksConfig"),
                [pointer + "/loggingService"] = cluster.String("loggingService"),
                [pointer + "/loggingConfig"] = CloudExposureRules.Raw(cluster, "loggingConfig"),
            };
            clusters.Add(new ParsedCloudCluster(
                ClusterProvider.Gke,
                resourceId,
                name,
                project,
                ShortName(network) is { } net ? (ShortName(subnetwork) is { } sub ? $"{net}/{sub}" : net) : null,
                location,
                endpoint is null ? null : "https://" + endpoint,
                cluster.String("currentMasterVersion"),
                cluster.String("status"),
                CloudShapes.Tags(cluster.Object("resourceLabels")),
                pointer,
                evidence,
                CloudExposureRules.Gke(cluster, pointer)));
        }
        return new InventoryParseResult(Format) { Clusters = clusters, Examined = clusters.Count };
    }

    private static string? ProjectOf(string? selfLink) => selfLink is null ? null : AksClusterListParser.Segment(selfLink, "projects");

    /// <summary>"projects/p/locations/l/clusters/c" from a selfLink (zonal links say zones/).</summary>
    private static string Normalise(string selfLink)
    {
        var index = selfLink.IndexOf("projects/", StringComparison.Ordinal);
        var path = index >= 0 ? selfLink[index..] : selfLink;
        return path.Replace("/zones/", "/locations/", StringComparison.Ordinal);
    }

    private static string? ShortName(string? path) => path is null ? null : path[(path.LastIndexOf('/') + 1)..];
}
