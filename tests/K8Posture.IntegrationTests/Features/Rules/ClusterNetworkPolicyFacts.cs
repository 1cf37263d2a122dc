using System.Net.Http.Json;
using K8Posture.Features.Clusters;
using K8Posture.IntegrationTests.Features.Clusters;
using K8Posture.IntegrationTests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace K8Posture.IntegrationTests.Features.Rules;

/// <summary>A cluster collection evaluates its objects as one set: a NetworkPolicy covers the pods it selects in its namespace.</summary>
[Collection(HangfireCollection.Name)]
public sealed class ClusterNetworkPolicyFacts(K8PostureAppFactory app) : IClassFixture<K8PostureAppFactory>
{
    [Fact]
    public async Task A_collected_NetworkPolicy_covers_the_collected_pods_it_selects()
    {
        // pod-test-1 in testspace is selected by testapp-netpol (Ingress and Egress); pod-test-1 in default is selected by nothing.
        await using var fake = await new FakeKubernetesApi()
            .AddFixtures("kube-score/networkpolicy-matching.yaml", "kube-score/pod-image-tag-fixed.yaml")
            .AddNamespace("testspace")
            .AddNamespace("default")
            .StartAsync();
        using var client = app.CreateApiClient(await app.CreateApiKeyAsync("admin,read"));
        var name = "netpol-" + Guid.NewGuid().ToString("N")[..8];
        var response = await client.PostAsJsonAsync("/api/v1/clusters", new { name, serverUrl = fake.Address.ToString(), token = fake.Token });
        Assert.Equal(System.Net.HttpStatusCode.Created, response.StatusCode);
        var clusterId = await app.WithDbAsync(db => db.Clusters.AsNoTracking().Where(c => c.Name == name).Select(c => c.Id).SingleAsync());

        var result = await app.AsJobAsync(services => services.GetRequiredService<ClusterCollectionJob>().RunAsync(clusterId, CancellationToken.None));

        Assert.True(result.Succeeded, result.Error);
        var scope = "cluster:" + name;
        var uncovered = await app.WithDbAsync(db => db.Findings.AsNoTracking()
            .Where(f => f.ScopeKey == scope && f.Source == ClusterCollectionJob.RulesSource && f.RuleId == "K8P-NET-003")
            .Select(f => new { f.NamespaceName, f.ResourceName }).ToListAsync());
        var finding = Assert.Single(uncovered);
        Assert.Equal(("default", "pod-test-1"), (finding.NamespaceName, finding.ResourceName));
    }
}
