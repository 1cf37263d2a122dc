using K8Posture.Data;
using K8Posture.Features.Clusters;
using K8Posture.IntegrationTests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using System.Net;
using System.Net.Http.Json;

namespace K8Posture.IntegrationTests.Features.Clusters;

/// <summary>
/// Issue 23: a cluster collection stopped half-way through paging the cluster (the Hangfire job's token cancelled, as at
/// shutdown) closes nothing and records no success, though the cluster has lost its operator reports meanwhile; the
/// retry then ends in the state an uninterrupted run reaches.
/// </summary>
[Collection(HangfireCollection.Name)]
public sealed class InterruptedCollectionFacts(K8PostureAppFactory app) : IClassFixture<K8PostureAppFactory>
{
    [Fact]
    public async Task A_collection_stopped_mid_paging_closes_nothing_and_its_retry_ends_like_an_uninterrupted_run()
    {
        await using var fake = await new FakeKubernetesApi()
            .InstallCrds("aquasecurity.github.io")
            .AddFixtures("kubernetes-goat/health-check-deployment.yaml", "trivy-operator/vulnerabilityreport-nginx-docs.yaml")
            .AddNamespace("default")
            .AddPods(1200, 2)
            .StartAsync();
        using var admin = app.CreateApiClient(await app.CreateApiKeyAsync("admin,read"));
        var name = "half-" + Guid.NewGuid().ToString("N")[..8];
        var registered = await admin.PostAsJsonAsync("/api/v1/clusters", new { name, serverUrl = fake.Address.ToString(), token = fake.Token });
        Assert.Equal(HttpStatusCode.Created, registered.StatusCode);
        var clusterId = await app.WithDbAsync(db => db.Clusters.AsNoTracking().Where(c => c.Name == name).Select(c => c.Id).SingleAsync());
        var scope = "cluster:" + name;

        var first = await RunAsync(clusterId, CancellationToken.None);
        Assert.True(first.Succeeded, first.Error);
        var openAfterFirst = await OpenAsync(scope);
        Assert.True(openAfterFirst.Operator > 0 && openAfterFirst.Rules > 0, $"{openAfterFirst}");
        var firstSuccess = await app.WithDbAsync(db => db.Clusters.AsNoTracking().Where(c => c.Id == clusterId).Select(c => c.LastSuccessAt).SingleAsync());

        // The operator's reports vanish from the cluster; the next collection is stopped on the second page of pods.
        fake.Remove(o => ((string?)o["apiVersion"])?.StartsWith("aquasecurity.github.io/", StringComparison.Ordinal) == true);
        var held = fake.HoldPage("/api/v1/pods", "off:500");
        using var stop = new CancellationTokenSource();
        var interrupted = RunAsync(clusterId, stop.Token);
        await held.WaitAsync(TimeSpan.FromMinutes(1));
        await stop.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => interrupted);
        fake.Release();

        // Nothing closed by the half-read cluster, no success recorded.
        Assert.Equal(openAfterFirst, await OpenAsync(scope));
        Assert.Equal(firstSuccess, await app.WithDbAsync(db => db.Clusters.AsNoTracking().Where(c => c.Id == clusterId).Select(c => c.LastSuccessAt).SingleAsync()));

        // Hangfire's retry runs it whole: the operator's findings close as after any complete collection, the rules' stay.
        var retried = await RunAsync(clusterId, CancellationToken.None);
        Assert.True(retried.Succeeded, retried.Error);
        Assert.Equal((0, openAfterFirst.Rules), await OpenAsync(scope));
        Assert.Equal(0, await app.ScalarAsync("SELECT count(*) FROM IngestBatches WHERE ScopeKey = $s AND Status = 0", ("$s", scope)));
    }

    private Task<ClusterCollectionResult> RunAsync(int clusterId, CancellationToken cancellationToken) =>
        app.AsJobAsync(services => services.GetRequiredService<ClusterCollectionJob>().RunAsync(clusterId, cancellationToken));

    private Task<(int Operator, int Rules)> OpenAsync(string scope) => app.WithDbAsync(async db =>
    {
        var open = db.Findings.AsNoTracking().Where(f => f.ScopeKey == scope && f.Status == FindingStatus.Open);
        return (await open.CountAsync(f => f.Source == "trivy-operator"), await open.CountAsync(f => f.Source == ClusterCollectionJob.RulesSource));
    });
}
