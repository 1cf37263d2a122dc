using System.Text.Json;
using K8Posture.Data;
using K8Posture.Features.Ingestion;

namespace K8Posture.Features.Inventory.Parsing;

/// <summary>One exposure a cloud cluster list shows, with the field it rests on (JSON pointer into the push, and its value).</summary>
public sealed record CloudExposure(string RuleId, FindingSeverity Severity, string Title, string EvidencePath, string EvidenceValue, string Remediation, string Reference);

/// <summary>
/// Cloud IAM/VPC misconfigurations readable from the cluster list outputs alone. AKS control-plane logging is
/// configured through diagnostic settings, a separate resource that <c>az aks list</c> does not include, so it is not
/// judged here (the record says so); EKS and GKE carry their logging configuration in the cluster object.
/// </summary>
public static class CloudExposureRules
{
    public const string AksNoAuthorizedIpRanges = "CLOUD-AKS-001";
    public const string AksNotPrivate = "CLOUD-AKS-002";
    public const string EksPublicEndpointOpen = "CLOUD-EKS-001";
    public const string EksControlPlaneLoggingOff = "CLOUD-EKS-002";
    public const string GkeNoPrivateEndpoint = "CLOUD-GKE-001";
    public const string GkeNoMasterAuthorizedNetworks = "CLOUD-GKE-002";
    public const string GkeLoggingDisabled = "CLOUD-GKE-003";
    public const string GkeControlPlaneLogsOff = "CLOUD-GKE-004";

    public const string AksLoggingNote = "not in the list output: AKS control-plane logs are diagnostic settings of the cluster resource (az monitor diagnostic-settings list --resource <id>)";

    private static readonly string[] OpenCidrs = ["0.0.0.0/0", "::/0"];
    private static readonly string[] EksLogTypes = ["api", "audit", "authenticator", "controllerManager", "scheduler"];
    private static readonly string[] GkeControlPlaneComponents = ["API_SERVER", "SCHEDULER", "CONTROLLER_MANAGER"];

    /// <param name="props">The object holding the ManagedCluster properties (the item itself for az output, its "properties" for ARM).</param>
    /// <param name="propsPointer">JSON pointer of <paramref name="props"/>.</param>
    public static IReadOnlyList<CloudExposure> Aks(JsonElement props, string propsPointer)
    {
        var exposures = new List<CloudExposure>();
        var profile = props.Object("apiServerAccessProfile");
        var profilePointer = propsPointer + "/apiServerAccessProfile";
        var isPrivate = profile is { } p && p.TryGetProperty("enablePrivateCluster", out var priv) && priv.ValueKind == JsonValueKind.True;
        var ranges = profile?.Strings("authorizedIpRanges") ?? [];
        if (!isPrivate && (ranges.Count == 0 || ranges.Any(r => OpenCidrs.Contains(r.Trim()))))
        {
            var (path, value) = profile is null
                ? (profilePointer, Raw(props, "apiServerAccessProfile"))
                : (profilePointer + "/authorizedIpRanges", Raw(profile.Value, "authorizedIpRanges"));
            exposures.Add(new CloudExposure(AksNoAuthorizedIpRanges, FindingSeverity.High,
                "AKS API server reachable from any address (no authorised IP ranges)", path, value,
                "Restrict the public API server to known ranges: az aks update -g <group> -n <cluster> --api-server-authorized-ip-ranges <cidr,…>, or make it a private cluster.",
                "https://learn.microsoft.com/azure/aks/api-server-authorized-ip-ranges"));
        }
        if (!isPrivate)
        {
            var (path, value) = profile is null
                ? (profilePointer, Raw(props, "apiServerAccessProfile"))
                : (profilePointer + "/enablePrivateCluster", Raw(profile.Value, "enablePrivateCluster"));
            exposures.Add(new CloudExposure(AksNotPrivate, FindingSeverity.Medium,
                "AKS cluster is not a private cluster (public API server endpoint)", path, value,
                "Create the cluster with --enable-private-cluster, or enable API Server VNet Integration (--enable-apiserver-vnet-integration) and disable public access.",
                "https://learn.microsoft.com/azure/aks/private-clusters"));
        }
        return exposures;
    }

    /// <param name="cluster">The object under "cluster" of describe-cluster.</param>
    public static IReadOnlyList<CloudExposure> Eks(JsonElement cluster, string pointer)
    {
        var exposures = new List<CloudExposure>();
        var vpc = cluster.Object("resourcesVpcConfig");
        var vpcPointer = pointer + "/resourcesVpcConfig";
        if (vpc is { } config && config.TryGetProperty("endpointPublicAccess", out var pub) && pub.ValueKind == JsonValueKind.True)
        {
            var cidrs = config.Strings("publicAccessCidrs");
            // Without publicAccessCidrs EKS applies its default, 0.0.0.0/0.
            if (cidrs.Count == 0 || cidrs.Any(c => OpenCidrs.Contains(c.Trim())))
            {
                exposures.Add(new CloudExposure(EksPublicEndpointOpen, FindingSeverity.High,
                    "EKS public API endpoint open to 0.0.0.0/0",
                    vpcPointer + "/publicAccessCidrs", Raw(config, "publicAccessCidrs"),
                    "Turn the public endpoint off (aws eks update-cluster-config --name <cluster> --resources-vpc-config endpointPublicAccess=false,endpointPrivateAccess=true) or restrict publicAccessCidrs to known ranges.",
                    "https://docs.aws.amazon.com/eks/latest/userguide/cluster-endpoint.html"));
            }
        }

        var enabled = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        if (cluster.Object("logging") is { } logging && logging.TryGetProperty("clusterLogging", out var setups) && setups.ValueKind == JsonValueKind.Array)
        {
            foreach (var setup in setups.EnumerateArray())
            {
                if (setup.TryGetProperty("enabled", out var on) && on.ValueKind == JsonValueKind.True)
                {
                    enabled.UnionWith(setup.Strings("types"));
                }
            }
        }
        var off = EksLogTypes.Where(t => !enabled.Contains(t)).ToList();
        if (off.Count > 0)
        {
            var severe = off.Contains("audit") || off.Contains("api");
            exposures.Add(new CloudExposure(EksControlPlaneLoggingOff, severe ? FindingSeverity.Medium : FindingSeverity.Low,
                $"EKS control-plane logging off for: {string.Join(", ", off)}",
                pointer + "/logging/clusterLogging", cluster.Object("logging") is { } l ? Raw(l, "clusterLogging") : "null",
                "Enable all control-plane log types: aws eks update-cluster-config --name <cluster> --logging '{\"clusterLogging\":[{\"types\":[\"api\",\"audit\",\"authenticator\",\"controllerManager\",\"scheduler\"],\"enabled\":true}]}'.",
                "https://docs.aws.amazon.com/eks/latest/userguide/control-plane-logs.html"));
        }
        return exposures;
    }

    public static IReadOnlyList<CloudExposure> Gke(JsonElement cluster, string pointer)
    {
        var exposures = new List<CloudExposure>();
        var privateConfig = cluster.Object("privateClusterConfig");
        var privateEndpoint = privateConfig is { } pc && pc.TryGetProperty("enablePrivateEndpoint", out var pe) && pe.ValueKind == JsonValueKind.True;
        // Newer clusters describe the same switch as controlPlaneEndpointsConfig.ipEndpointsConfig.enablePublicEndpoint.
        var publicDisabled = cluster.Object("controlPlaneEndpointsConfig")?.Object("ipEndpointsConfig") is { } ip
            && ip.TryGetProperty("enablePublicEndpoint", out var epe) && epe.ValueKind == JsonValueKind.False;
        var publicEndpoint = !privateEndpoint && !publicDisabled;
        if (publicEndpoint)
        {
            var (path, value) = privateConfig is null
                ? (pointer + "/privateClusterConfig", "(absent)")
                : (pointer + "/privateClusterConfig/enablePrivateEndpoint", privateConfig.Value.TryGetProperty("enablePrivateEndpoint", out _) ? Raw(privateConfig.Value, "enablePrivateEndpoint") : "(absent)");
            exposures.Add(new CloudExposure(GkeNoPrivateEndpoint, FindingSeverity.Medium,
                "GKE control plane has a public endpoint (no private endpoint)", path, value,
                "Use the private endpoint only: gcloud container clusters update <cluster> --enable-private-endpoint (private clusters), or disable the public IP endpoint.",
                "https://cloud.google.com/kubernetes-engine/docs/how-to/private-clusters"));
        }

        var authorized = cluster.Object("masterAuthorizedNetworksConfig");
        var authorizedOn = authorized is { } a && a.TryGetProperty("enabled", out var en) && en.ValueKind == JsonValueKind.True;
        if (!authorizedOn)
        {
            exposures.Add(new CloudExposure(GkeNoMasterAuthorizedNetworks, publicEndpoint ? FindingSeverity.High : FindingSeverity.Medium,
                "GKE master authorised networks disabled" + (publicEndpoint ? " on a public endpoint" : ""),
                pointer + "/masterAuthorizedNetworksConfig", authorized is null ? "(absent)" : Raw(cluster, "masterAuthorizedNetworksConfig"),
                "Allow only known ranges to reach the control plane: gcloud container clusters update <cluster> --enable-master-authorized-networks --master-authorized-networks <cidr,…>.",
                "https://cloud.google.com/kubernetes-engine/docs/how-to/authorized-networks"));
        }

        var loggingService = cluster.String("loggingService");
        var components = cluster.Object("loggingConfig")?.Object("componentConfig")?.Strings("enableComponents") ?? [];
        if (string.Equals(loggingService, "none", StringComparison.OrdinalIgnoreCase) || (loggingService is null && components.Count == 0))
        {
            exposures.Add(new CloudExposure(GkeLoggingDisabled, FindingSeverity.Medium,
                "GKE cluster logging disabled", pointer + "/loggingService", Raw(cluster, "loggingService"),
                "Send logs to Cloud Logging: gcloud container clusters update <cluster> --logging=SYSTEM,WORKLOAD,API_SERVER,SCHEDULER,CONTROLLER_MANAGER.",
                "https://cloud.google.com/kubernetes-engine/docs/how-to/config-logging"));
        }
        else
        {
            var missing = GkeControlPlaneComponents.Where(c => !components.Contains(c, StringComparer.OrdinalIgnoreCase)).ToList();
            if (missing.Count > 0)
            {
                exposures.Add(new CloudExposure(GkeControlPlaneLogsOff, FindingSeverity.Low,
                    $"GKE control-plane component logs not collected: {string.Join(", ", missing)}",
                    pointer + "/loggingConfig/componentConfig/enableComponents",
                    cluster.Object("loggingConfig")?.Object("componentConfig") is { } cc ? Raw(cc, "enableComponents") : "(absent)",
                    "Add the control-plane components: gcloud container clusters update <cluster> --logging=SYSTEM,WORKLOAD,API_SERVER,SCHEDULER,CONTROLLER_MANAGER.",
                    "https://cloud.google.com/kubernetes-engine/docs/how-to/config-logging"));
            }
        }
        return exposures;
    }

    /// <summary>The finding the store keeps for an exposure; its identity is (cloud scope, cluster, rule).</summary>
    public static NormalisedFinding ToFinding(CloudExposure exposure, ParsedCloudCluster cluster) => new()
    {
        IdentityKind = FindingIdentityKind.Misconfiguration,
        Category = FindingCategory.CloudIamVpcMisconfiguration,
        Severity = exposure.Severity,
        Title = $"{exposure.Title}: {cluster.Name}",
        Description = $"Evidence: {exposure.EvidencePath} = {exposure.EvidenceValue}\nRemediation: {exposure.Remediation}",
        RuleId = exposure.RuleId,
        ResourceKind = cluster.Provider switch
        {
            ClusterProvider.Aks => "AKS ManagedCluster",
            ClusterProvider.Eks => "EKS Cluster",
            ClusterProvider.Gke => "GKE Cluster",
            _ => "Cloud cluster",
        },
        ResourceName = cluster.ResourceId,
        PrimaryUrl = exposure.Reference,
        References = [exposure.Reference],
    };

    private static readonly JsonSerializerOptions Compact = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>The JSON of a property, compact, "(absent)" when missing.</summary>
    public static string Raw(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) ? JsonSerializer.Serialize(value, Compact) : "(absent)";
}
