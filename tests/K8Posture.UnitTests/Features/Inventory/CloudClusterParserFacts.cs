using System.Text.Json.Nodes;
using K8Posture.Data;
using K8Posture.Features.Ingestion;
using K8Posture.Features.Inventory.Parsing;

namespace K8Posture.UnitTests.Features.Inventory;

public sealed class CloudClusterParserFacts
{
    private readonly AksClusterListParser _aks = new();
    private readonly EksClusterParser _eks = new();
    private readonly GkeClusterListParser _gke = new();

    [Fact]
    public void Aks_single_object_from_az_is_one_cluster_with_its_subscription_and_endpoint()
    {
        var result = _aks.Parse(InventoryFixtures.Read(InventoryFixtures.Aks));

        var cluster = Assert.Single(result.Clusters);
        Assert.Equal(ClusterProvider.Aks, cluster.Provider);
        Assert.Equal("recordingbotcluster", cluster.Name);
        Assert.Equal("yyyyyyyy-yyyy-yyyy-yyyy-yyyyyyyyyyyyy", cluster.Account);
        Assert.Equal("westeurope", cluster.Region);
        Assert.Equal("https://recordingb-recordingbottuto-yyyyyy-1585fl53.hcp.westeurope.azmk8s.io:443", cluster.ApiEndpoint);
        Assert.Equal("1.28.5", cluster.Version);
        Assert.Equal("AKS-managed VNet (MC_recordingbottutorial_recordingbotcluster_westeurope)", cluster.Vpc);
        Assert.Equal("/subscriptions/yyyyyyyy-yyyy-yyyy-yyyy-yyyyyyyyyyyyy/resourcegroups/recordingbottutorial/providers/microsoft.containerservice/managedclusters/recordingbotcluster", cluster.ResourceId);
        Assert.Equal(CloudExposureRules.AksLoggingNote, cluster.Evidence["controlPlaneLogging"]);
    }

    [Fact]
    public void Aks_fixture_has_no_authorised_ranges_and_is_not_private_each_with_its_evidence()
    {
        var cluster = Assert.Single(_aks.Parse(InventoryFixtures.Read(InventoryFixtures.Aks)).Clusters);

        Assert.Equal(2, cluster.Exposures.Count);
        var ranges = Assert.Single(cluster.Exposures, e => e.RuleId == CloudExposureRules.AksNoAuthorizedIpRanges);
        Assert.Equal(("/apiServerAccessProfile", "null", FindingSeverity.High), (ranges.EvidencePath, ranges.EvidenceValue, ranges.Severity));
        Assert.Contains("--api-server-authorized-ip-ranges", ranges.Remediation);
        var notPrivate = Assert.Single(cluster.Exposures, e => e.RuleId == CloudExposureRules.AksNotPrivate);
        Assert.Equal(("/apiServerAccessProfile", "null", FindingSeverity.Medium), (notPrivate.EvidencePath, notPrivate.EvidenceValue, notPrivate.Severity));
    }

    [Fact]
    public void Aks_list_and_arm_shapes_read_the_same_cluster_and_a_private_cluster_with_ranges_is_clean()
    {
        var item = JsonNode.Parse(InventoryFixtures.Text(InventoryFixtures.Aks))!;
        var list = _aks.Parse(InventoryFixtures.Bytes(new JsonArray(item.DeepClone()).ToJsonString()));
        Assert.Equal("/0/apiServerAccessProfile", Assert.Single(list.Clusters).Exposures[0].EvidencePath);

        // ARM shape: settings under "properties"; make it private with ranges.
        var properties = item.DeepClone().AsObject();
        properties["apiServerAccessProfile"] = new JsonObject { ["enablePrivateCluster"] = true, ["authorizedIpRanges"] = new JsonArray("10.0.0.0/8") };
        var arm = new JsonObject
        {
            ["value"] = new JsonArray(new JsonObject
            {
                ["id"] = item["id"]!.GetValue<string>(),
                ["name"] = "recordingbotcluster",
                ["location"] = "westeurope",
                ["type"] = "Microsoft.ContainerService/ManagedClusters",
                ["properties"] = properties,
            }),
        };
        var parsed = Assert.Single(_aks.Parse(InventoryFixtures.Bytes(arm.ToJsonString())).Clusters);
        Assert.Equal("recordingbotcluster", parsed.Name);
        Assert.Empty(parsed.Exposures);
    }

    [Fact]
    public void Aks_authorised_ranges_of_everything_count_as_none()
    {
        var item = JsonNode.Parse(InventoryFixtures.Text(InventoryFixtures.Aks))!.AsObject();
        item["apiServerAccessProfile"] = new JsonObject { ["authorizedIpRanges"] = new JsonArray("0.0.0.0/0"), ["enablePrivateCluster"] = false };
        var cluster = Assert.Single(_aks.Parse(InventoryFixtures.Bytes(item.ToJsonString())).Clusters);

        var ranges = Assert.Single(cluster.Exposures, e => e.RuleId == CloudExposureRules.AksNoAuthorizedIpRanges);
        Assert.Equal("/apiServerAccessProfile/authorizedIpRanges", ranges.EvidencePath);
        Assert.Equal("[\"0.0.0.0/0\"]", ranges.EvidenceValue);
        Assert.Equal("false", Assert.Single(cluster.Exposures, e => e.RuleId == CloudExposureRules.AksNotPrivate).EvidenceValue);
    }

    [Fact]
    public void Eks_fixture_is_one_cluster_restricted_to_one_cidr_with_all_logs_on_so_nothing_is_exposed()
    {
        var cluster = Assert.Single(_eks.Parse(InventoryFixtures.Read(InventoryFixtures.Eks)).Clusters);

        Assert.Equal(("my-eks-cluster", "111122223333", "us-east-2", "vpc-0012b8e1cc0abb17d"), (cluster.Name, cluster.Account, cluster.Region, cluster.Vpc));
        Assert.Equal("arn:aws:eks:us-east-2:111122223333:cluster/my-eks-cluster", cluster.ResourceId);
        Assert.Equal("https://JSA79429HJDASKJDJ8223829MNDNASW.yl4.us-east-2.eks.amazonaws.com", cluster.ApiEndpoint);
        Assert.Equal("[\"22.19.18.2/32\"]", cluster.Evidence["/cluster/resourcesVpcConfig/publicAccessCidrs"]);
        Assert.Empty(cluster.Exposures);
    }

    [Fact]
    public void Eks_open_public_endpoint_and_logging_off_are_exposures_with_evidence()
    {
        var node = JsonNode.Parse(InventoryFixtures.Text(InventoryFixtures.Eks))!;
        node["cluster"]!["resourcesVpcConfig"]!["publicAccessCidrs"] = new JsonArray("0.0.0.0/0");
        node["cluster"]!["logging"]!["clusterLogging"]![0]!["enabled"] = false;
        // A list of describe-cluster results is accepted too.
        var cluster = Assert.Single(_eks.Parse(InventoryFixtures.Bytes(new JsonArray(node).ToJsonString())).Clusters);

        var open = Assert.Single(cluster.Exposures, e => e.RuleId == CloudExposureRules.EksPublicEndpointOpen);
        Assert.Equal(("/0/cluster/resourcesVpcConfig/publicAccessCidrs", "[\"0.0.0.0/0\"]", FindingSeverity.High), (open.EvidencePath, open.EvidenceValue, open.Severity));
        var logging = Assert.Single(cluster.Exposures, e => e.RuleId == CloudExposureRules.EksControlPlaneLoggingOff);
        Assert.Equal("/0/cluster/logging/clusterLogging", logging.EvidencePath);
        Assert.Contains("api, audit, authenticator, controllerManager, scheduler", logging.Title);
        Assert.Equal(FindingSeverity.Medium, logging.Severity);
    }

    [Fact]
    public void Eks_public_endpoint_without_cidrs_is_open_to_everyone()
    {
        var node = JsonNode.Parse(InventoryFixtures.Text(InventoryFixtures.Eks))!;
        node["cluster"]!["resourcesVpcConfig"]!.AsObject().Remove("publicAccessCidrs");
        var cluster = Assert.Single(_eks.Parse(InventoryFixtures.Bytes(node.ToJsonString())).Clusters);

        Assert.Equal("(absent)", Assert.Single(cluster.Exposures).EvidenceValue);
    }

    [Fact]
    public void Gke_fixture_has_seven_clusters_in_one_project()
    {
        var result = _gke.Parse(InventoryFixtures.Read(InventoryFixtures.Gke));

        Assert.Equal(7, result.Clusters.Count);
        Assert.Equal(["autopilot-gke1", "autopilot-gke2", "gke2", "gke3", "gke1", "gke4", "gke6"], result.Clusters.Select(c => c.Name));
        Assert.All(result.Clusters, c => Assert.Equal("gcpdiag-gke1-aaaa", c.Account));
        var gke1 = result.Clusters.Single(c => c.Name == "gke1");
        Assert.Equal("projects/gcpdiag-gke1-aaaa/locations/europe-west4-a/clusters/gke1", gke1.ResourceId);
        Assert.Equal("default/gke1-subnet", gke1.Vpc);
        Assert.Equal("https://192.168.1.1", gke1.ApiEndpoint);
    }

    [Fact]
    public void Gke_fixture_exposures_one_by_one()
    {
        var clusters = _gke.Parse(InventoryFixtures.Read(InventoryFixtures.Gke)).Clusters.ToDictionary(c => c.Name);
        string[] Rules(string name) => clusters[name].Exposures.Select(e => e.RuleId).Order().ToArray();

        // No cluster has a private endpoint or master authorised networks.
        Assert.All(clusters.Values, c => Assert.Contains(c.Exposures, e => e.RuleId == CloudExposureRules.GkeNoPrivateEndpoint));
        Assert.All(clusters.Values, c => Assert.Contains(c.Exposures, e => e.RuleId == CloudExposureRules.GkeNoMasterAuthorizedNetworks && e.Severity == FindingSeverity.High));
        // gke1 sends no logs at all; gke4 collects the control-plane components; the others only system and workload logs.
        Assert.Equal([CloudExposureRules.GkeNoPrivateEndpoint, CloudExposureRules.GkeNoMasterAuthorizedNetworks, CloudExposureRules.GkeLoggingDisabled], Rules("gke1"));
        Assert.Equal([CloudExposureRules.GkeNoPrivateEndpoint, CloudExposureRules.GkeNoMasterAuthorizedNetworks], Rules("gke4"));
        foreach (var name in new[] { "autopilot-gke1", "autopilot-gke2", "gke2", "gke3", "gke6" })
        {
            Assert.Equal([CloudExposureRules.GkeNoPrivateEndpoint, CloudExposureRules.GkeNoMasterAuthorizedNetworks, CloudExposureRules.GkeControlPlaneLogsOff], Rules(name));
        }
        Assert.Equal(20, clusters.Values.Sum(c => c.Exposures.Count));

        var logging = clusters["gke1"].Exposures.Single(e => e.RuleId == CloudExposureRules.GkeLoggingDisabled);
        Assert.Equal(("/clusters/4/loggingService", "\"none\""), (logging.EvidencePath, logging.EvidenceValue));
        var network = clusters["gke3"].Exposures.Single(e => e.RuleId == CloudExposureRules.GkeNoMasterAuthorizedNetworks);
        Assert.Equal(("/clusters/3/masterAuthorizedNetworksConfig", "{\"gcpPublicCidrsAccessEnabled\":true}"), (network.EvidencePath, network.EvidenceValue));
        var endpoint = clusters["gke2"].Exposures.Single(e => e.RuleId == CloudExposureRules.GkeNoPrivateEndpoint);
        Assert.Equal(("/clusters/2/privateClusterConfig", "(absent)"), (endpoint.EvidencePath, endpoint.EvidenceValue));
        var components = clusters["gke2"].Exposures.Single(e => e.RuleId == CloudExposureRules.GkeControlPlaneLogsOff);
        Assert.Equal("/clusters/2/loggingConfig/componentConfig/enableComponents", components.EvidencePath);
        Assert.Contains("API_SERVER, SCHEDULER, CONTROLLER_MANAGER", components.Title);
    }

    [Fact]
    public void Gke_bare_array_from_gcloud_reads_the_same_clusters()
    {
        var clusters = JsonNode.Parse(InventoryFixtures.Text(InventoryFixtures.Gke))!["clusters"]!.ToJsonString();
        var result = _gke.Parse(InventoryFixtures.Bytes(clusters));

        Assert.Equal(7, result.Clusters.Count);
        Assert.Equal("/4/loggingService", result.Clusters[4].Exposures.Single(e => e.RuleId == CloudExposureRules.GkeLoggingDisabled).EvidencePath);
    }

    [Fact]
    public void Gke_private_endpoint_with_authorised_networks_is_clean_of_network_exposures()
    {
        var node = JsonNode.Parse(InventoryFixtures.Text(InventoryFixtures.Gke))!;
        var gke4 = node["clusters"]![5]!;
        gke4["privateClusterConfig"]!["enablePrivateEndpoint"] = true;
        gke4["masterAuthorizedNetworksConfig"] = new JsonObject { ["enabled"] = true, ["cidrBlocks"] = new JsonArray(new JsonObject { ["cidrBlock"] = "10.0.0.0/8" }) };
        var cluster = _gke.Parse(InventoryFixtures.Bytes(node.ToJsonString())).Clusters.Single(c => c.Name == "gke4");

        Assert.Empty(cluster.Exposures);
    }

    [Fact]
    public void Truncated_cloud_json_names_the_line_and_a_missing_name_names_its_pointer()
    {
        var text = InventoryFixtures.Text(InventoryFixtures.Eks);
        var truncated = Assert.Throws<ScanParseException>(() => _eks.Parse(InventoryFixtures.Bytes(text[..(text.Length / 2)])));
        Assert.StartsWith("line ", truncated.Pointer);
        Assert.Contains("truncated", truncated.Message);

        var node = JsonNode.Parse(InventoryFixtures.Text(InventoryFixtures.Gke))!;
        node["clusters"]![2]!.AsObject().Remove("name");
        var missing = Assert.Throws<ScanParseException>(() => _gke.Parse(InventoryFixtures.Bytes(node.ToJsonString())));
        Assert.Equal("/clusters/2/name", missing.Pointer);
    }
}
