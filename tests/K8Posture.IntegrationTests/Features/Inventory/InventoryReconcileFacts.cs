using K8Posture.Shared.Http;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using K8Posture.Data;
using K8Posture.Features.Inventory;
using K8Posture.IntegrationTests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace K8Posture.IntegrationTests.Features.Inventory;

/// <summary>Cloud and scan finds against registered clusters; first and last seen across re-pushes.</summary>
public sealed class InventoryReconcileFacts(K8PostureAppFactory app) : IClassFixture<K8PostureAppFactory>
{
    private const string EksEndpoint = "https://JSA79429HJDASKJDJ8223829MNDNASW.yl4.us-east-2.eks.amazonaws.com";

    private Task<int> RegisterAsync(string name, string? serverUrl, string? businessUnit) => app.WithDbAsync(async db =>
    {
        BusinessUnit? unit = null;
        if (businessUnit is not null)
        {
            unit = await db.BusinessUnits.FirstOrDefaultAsync(u => u.Name == businessUnit) ?? new BusinessUnit { Name = businessUnit };
        }
        var cluster = new Cluster { Name = name, Provider = ClusterProvider.Unknown, ServerUrl = serverUrl, IsManaged = true, BusinessUnit = unit, CreatedAt = DateTimeOffset.UtcNow };
        db.Clusters.Add(cluster);
        await db.SaveChangesAsync();
        return cluster.Id;
    });

    [Fact]
    public async Task Cloud_clusters_match_registered_ones_by_endpoint_or_name_and_the_rest_are_discovered_with_counts_per_business_unit()
    {
        var payments = await RegisterAsync("payments-prod", EksEndpoint + ":443", "Finance");
        var gke4 = await RegisterAsync("gke4", null, "Digital");
        var k3s = await RegisterAsync("lab-k3s", "https://lab-k3s-01.dc2.example.com:6443", "Technology");
        using var client = app.CreateApiClient(await app.CreateApiKeyAsync("ingest"));

        var eks = await InventoryPush.OutcomeAsync(await InventoryPush.PostAsync(client, TestFixtures.Read(InventoryPush.Eks)));
        var gke = await InventoryPush.OutcomeAsync(await InventoryPush.PostAsync(client, TestFixtures.Read(InventoryPush.Gke)));
        var nmap = await InventoryPush.OutcomeAsync(await InventoryPush.PostAsync(client, TestFixtures.Read(InventoryPush.NmapKubernetes)));

        Assert.Equal((1, 0), (eks.ClustersMatched, eks.ClustersDiscovered));
        Assert.Equal((1, 6), (gke.ClustersMatched, gke.ClustersDiscovered));
        Assert.Equal((1, 3), (nmap.EndpointsMatched, nmap.EndpointsDiscovered));
        var records = await app.WithDbAsync(db => db.InventoryRecords.Include(r => r.MatchedCluster).ToListAsync());
        var eksRecord = records.Single(r => r.Name == "my-eks-cluster");
        Assert.Equal((payments, "API endpoint"), (eksRecord.MatchedClusterId, eksRecord.MatchedBy));
        Assert.Equal("Finance", await app.WithDbAsync(db => db.BusinessUnits.Where(u => u.Id == eksRecord.BusinessUnitId).Select(u => u.Name).SingleAsync()));
        Assert.Equal((gke4, "name"), (records.Single(r => r.Name == "gke4").MatchedClusterId, records.Single(r => r.Name == "gke4").MatchedBy));
        Assert.Equal(k3s, records.Single(r => r.Kind == InventoryKind.NetworkEndpoint && r.Endpoint == "192.0.2.10").MatchedClusterId);

        // The six unmatched GKE clusters are discovered (unmanaged) clusters with their cloud metadata, listed with the others.
        var discovered = await app.WithDbAsync(db => db.Clusters.Where(c => !c.IsManaged).OrderBy(c => c.Name).ToListAsync());
        Assert.Equal(["autopilot-gke1", "autopilot-gke2", "gke1", "gke2", "gke3", "gke6"], discovered.Select(c => c.Name));
        Assert.All(discovered, c => Assert.Equal((ClusterProvider.Gke, "gcpdiag-gke1-aaaa", "https://192.168.1.1"), (c.Provider, c.CloudAccount, c.ServerUrl)));
        Assert.All(records.Where(r => r.Kind == InventoryKind.CloudCluster && r.Provider == ClusterProvider.Gke && r.Name != "gke4"), r => Assert.False(r.MatchedCluster!.IsManaged));
        Assert.Equal(6, await app.ScalarAsync("SELECT COUNT(*) FROM AuditEvents WHERE Action = 'cluster.discover'"));
        // gke4's exposures belong to the registered cluster.
        Assert.Equal(2, await app.ScalarAsync("SELECT COUNT(*) FROM Findings WHERE ClusterId = $c AND Status = 0", ("$c", gke4)));

        // The API filters discovered records; the overview counts per business unit.
        using var reader = await app.SignedInClientAsync("Security.Analyst");
        var page = await reader.GetFromJsonAsync<InventoryApiPage>("/api/v1/inventory?kind=CloudCluster&discovered=true", HttpJson.Options);
        Assert.Equal(6, page!.Total);
        var overview = await app.AsSystemAsync(services => services.GetRequiredService<InventoryQueries>().OverviewAsync(CancellationToken.None));
        var finance = overview.ByBusinessUnit.Single(u => u.BusinessUnit == "Finance");
        Assert.Equal((1, 0), (finance.ManagedClusters, finance.DiscoveredClusters));
        Assert.Equal(6, overview.ByBusinessUnit.Single(u => u.BusinessUnit == "(no business unit)").DiscoveredClusters);
        Assert.Equal(1, overview.ByBusinessUnit.Single(u => u.BusinessUnit == "Technology").Endpoints);
    }

    [Fact]
    public async Task A_re_push_keeps_first_seen_moves_last_seen_and_closes_fixed_exposures()
    {
        using var client = app.CreateApiClient(await app.CreateApiKeyAsync("ingest"));
        var aks = TestFixtures.Read(InventoryPush.Aks);

        var first = await InventoryPush.OutcomeAsync(await InventoryPush.PostAsync(client, aks));
        var seenFirst = await app.WithDbAsync(db => db.InventoryRecords.SingleAsync(r => r.Name == "recordingbotcluster"));
        await Task.Delay(50);
        var second = await InventoryPush.OutcomeAsync(await InventoryPush.PostAsync(client, aks));
        var seenSecond = await app.WithDbAsync(db => db.InventoryRecords.SingleAsync(r => r.Name == "recordingbotcluster"));

        Assert.Equal((1, 0, 2), (first.RecordsCreated, first.RecordsUpdated, first.Findings.Created));
        Assert.Equal((0, 1, 0, 2), (second.RecordsCreated, second.RecordsUpdated, second.Findings.Created, second.Findings.Unchanged));
        Assert.Equal(seenFirst.FirstSeenAt, seenSecond.FirstSeenAt);
        Assert.True(seenSecond.LastSeenAt > seenFirst.LastSeenAt, $"last seen {seenSecond.LastSeenAt:O} did not move past {seenFirst.LastSeenAt:O}");
        Assert.Equal(seenFirst.MatchedClusterId, seenSecond.MatchedClusterId);
        Assert.Equal(1, await app.ScalarAsync("SELECT COUNT(*) FROM Clusters WHERE Name = 'recordingbotcluster' AND IsManaged = 0"));

        // Fixed in the cloud: a private cluster with authorised ranges. The re-push closes both findings.
        var node = JsonNode.Parse(aks)!;
        node["apiServerAccessProfile"] = new JsonObject { ["enablePrivateCluster"] = true, ["authorizedIpRanges"] = new JsonArray("10.0.0.0/8") };
        var fixedPush = await InventoryPush.OutcomeAsync(await InventoryPush.PostAsync(client, Encoding.UTF8.GetBytes(node.ToJsonString())));
        Assert.Equal((0, 2), (fixedPush.Findings.Created, fixedPush.Findings.Closed));
        Assert.Equal(0, await app.ScalarAsync("SELECT COUNT(*) FROM Findings WHERE RuleId LIKE 'CLOUD-AKS-%' AND Status = 0"));
        // Broken again: the same findings reopen (stable identity), nothing new is created.
        var reopened = await InventoryPush.OutcomeAsync(await InventoryPush.PostAsync(client, aks));
        Assert.Equal((0, 2), (reopened.Findings.Created, reopened.Findings.Reopened));
    }

    [Fact]
    public async Task Egress_lines_count_once_across_overlapping_pushes()
    {
        using var client = app.CreateApiClient(await app.CreateApiKeyAsync("ingest"));
        var egress = TestFixtures.Read(InventoryPush.Egress);

        var first = await InventoryPush.OutcomeAsync(await InventoryPush.PostAsync(client, egress));
        var again = await InventoryPush.OutcomeAsync(await InventoryPush.PostAsync(client, egress));

        Assert.Equal((20, 0), (first.EgressPulls, first.EgressDuplicates));
        Assert.Equal((0, 20), (again.EgressPulls, again.EgressDuplicates));
        Assert.Equal(14, await app.ScalarAsync("SELECT SUM(Requests) FROM EgressDaily WHERE Registry = 'docker-hub'"));
        Assert.Equal(20, await app.ScalarAsync("SELECT SUM(Requests) FROM InventoryRecords WHERE Kind = 3"));
        var ci = await app.WithDbAsync(db => db.InventoryRecords.SingleAsync(r => r.NaturalKey == "ci-runner-03.build.example.com|registry-1.docker.io"));
        Assert.Equal(3, ci.Requests);
        Assert.Equal(DateTimeOffset.Parse("2026-11-21T13:15:00Z", System.Globalization.CultureInfo.InvariantCulture), ci.FirstSeenAt);
        Assert.Equal(DateTimeOffset.Parse("2026-11-26T09:15:00Z", System.Globalization.CultureInfo.InvariantCulture), ci.LastSeenAt);
    }
}
