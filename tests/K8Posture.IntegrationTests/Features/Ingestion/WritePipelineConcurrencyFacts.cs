using System.Net;
using System.Net.Http.Json;
using K8Posture.Data;
using K8Posture.Features.Clusters;
using K8Posture.Features.Tenancy;
using K8Posture.IntegrationTests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace K8Posture.IntegrationTests.Features.Ingestion;

/// <summary>
/// Every writer goes through the one write pipeline (issue 15): a cluster collection, scan and alert pushes and the
/// tenancy job writing the same cluster at once lose nothing, duplicate nothing, and never answer "database is locked"
/// or a 500; an alert pushed with the scan that first names its cluster links to that one cluster (issue 22, item 3).
/// </summary>
public sealed class WritePipelineConcurrencyFacts(K8PostureAppFactory app) : IClassFixture<K8PostureAppFactory>
{
    [Fact]
    public async Task A_collection_pushes_and_the_tenancy_job_writing_one_cluster_at_once_lose_and_duplicate_nothing()
    {
        await using var fake = await new FakeKubernetesApi()
            .InstallCrds("aquasecurity.github.io", "wgpolicyk8s.io")
            .AddFixtures(
                "kubernetes-goat/health-check-deployment.yaml",
                "trivy-operator/configauditreport-nginx-docs.yaml",
                "trivy-operator/vulnerabilityreport-nginx-docs.yaml")
            .AddNamespace("default")
            .AddPods(200, 2)
            .StartAsync();
        var name = "conc-" + Guid.NewGuid().ToString("N")[..8];
        using var admin = app.CreateApiClient(await app.CreateApiKeyAsync("admin,read"));
        var registered = await admin.PostAsJsonAsync("/api/v1/clusters", new { name, serverUrl = fake.Address.ToString(), token = fake.Token });
        Assert.Equal(HttpStatusCode.Created, registered.StatusCode);
        var clusterId = await app.WithDbAsync(db => db.Clusters.Where(c => c.Name == name).Select(c => c.Id).SingleAsync());
        var sequential = await CollectAsync(clusterId);
        Assert.True(sequential.Succeeded, sequential.Error);
        var scope = "cluster:" + name;
        var openBefore = await OpenAsync(scope);
        using var pipeline = app.CreateApiClient(await app.CreateApiKeyAsync("ingest"));
        var report = TestFixtures.Read("trivy-operator/vulnerabilityreport-nginx-docs.yaml");
        var alert = TestFixtures.Read("falco/falco-terminal-shell-in-container-k8s.json");

        var collections = new List<Task<ClusterCollectionResult>> { CollectAsync(clusterId) };
        var pushes = Enumerable.Range(0, 4).Select(_ => pipeline.PostAsync($"/api/v1/ingest/scans?cluster={name}", new ByteArrayContent(report))).ToList();
        var alerts = Enumerable.Range(0, 2).Select(_ => pipeline.PostAsync($"/api/v1/ingest/alerts?cluster={name}", new ByteArrayContent(alert))).ToList();
        var tenancy = Enumerable.Range(0, 2).Select(_ => app.AsJobAsync(s => s.GetRequiredService<TenancyMismatchJob>().RunAsync(CancellationToken.None))).ToList();
        await Task.WhenAll(Task.WhenAll(collections), Task.WhenAll(pushes), Task.WhenAll(alerts), Task.WhenAll(tenancy));

        foreach (var collection in collections)
        {
            Assert.True((await collection).Succeeded, (await collection).Error);
        }
        foreach (var response in pushes.Concat(alerts).Select(p => p.Result))
        {
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"{(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        }
        Assert.Equal(openBefore, await OpenAsync(scope));
        Assert.Equal(0, await app.ScalarAsync("SELECT COUNT(*) FROM (SELECT FindingId, Source FROM FindingSightings GROUP BY FindingId, Source HAVING COUNT(*) > 1)"));
        Assert.Equal(0, await app.ScalarAsync("SELECT COUNT(*) FROM IngestBatches WHERE Status = $failed AND ClusterName = $c", ("$failed", (int)IngestStatus.Failed), ("$c", name)));
        Assert.Equal(1, await app.ScalarAsync("SELECT COUNT(*) FROM RuntimeAlerts WHERE ClusterName = $c", ("$c", name)));
    }

    [Fact]
    public async Task An_alert_pushed_with_the_scan_that_first_names_its_cluster_links_to_that_one_cluster()
    {
        using var pipeline = app.CreateApiClient(await app.CreateApiKeyAsync("ingest"));
        var report = TestFixtures.Read("trivy-operator/configauditreport-nginx-docs.yaml");
        var alert = TestFixtures.Read("falco/falco-terminal-shell-in-container-k8s.json");

        for (var attempt = 0; attempt < 8; attempt++)
        {
            var name = "race-" + Guid.NewGuid().ToString("N")[..8];
            var responses = await Task.WhenAll(
                pipeline.PostAsync($"/api/v1/ingest/alerts?cluster={name}", new ByteArrayContent(alert)),
                pipeline.PostAsync($"/api/v1/ingest/scans?cluster={name}", new ByteArrayContent(report)));

            Assert.All(responses, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
            var clusterIds = await app.WithDbAsync(db => db.Clusters.Where(c => c.Name == name).Select(c => c.Id).ToListAsync());
            var clusterId = Assert.Single(clusterIds);
            Assert.Equal(clusterId, await app.WithDbAsync(db => db.RuntimeAlerts.Where(a => a.ClusterName == name).Select(a => a.ClusterId).SingleAsync()));
            Assert.Equal(clusterId, await app.WithDbAsync(db => db.Findings.Where(f => f.ScopeKey == "cluster:" + name).Select(f => f.ClusterId).Distinct().SingleAsync()));
        }
    }

    private Task<ClusterCollectionResult> CollectAsync(int clusterId) =>
        app.AsJobAsync(services => services.GetRequiredService<ClusterCollectionJob>().RunAsync(clusterId, CancellationToken.None));

    private Task<List<string>> OpenAsync(string scope) => app.WithDbAsync(async db =>
        await db.Findings.AsNoTracking().Where(f => f.ScopeKey == scope && f.Status == FindingStatus.Open)
            .OrderBy(f => f.Fingerprint).Select(f => f.Fingerprint + "|" + f.Source).ToListAsync());
}
