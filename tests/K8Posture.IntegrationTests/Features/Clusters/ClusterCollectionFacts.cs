using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Hangfire;
using Hangfire.Storage;
using K8Posture.Data;
using K8Posture.Features.Clusters;
using K8Posture.Features.Landscape;
using K8Posture.IntegrationTests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace K8Posture.IntegrationTests.Features.Clusters;

[Collection(HangfireCollection.Name)]
public sealed class ClusterCollectionFacts(K8PostureAppFactory app) : IClassFixture<K8PostureAppFactory>
{
    private static string Unique(string prefix) => prefix + "-" + Guid.NewGuid().ToString("N")[..8];

    private async Task<HttpClient> AdminClientAsync() => app.CreateApiClient(await app.CreateApiKeyAsync("admin,read"));

    private static async Task<(HttpResponseMessage Response, string Body)> RegisterAsync(HttpClient client, object request)
    {
        var response = await client.PostAsJsonAsync("/api/v1/clusters", request);
        return (response, await response.Content.ReadAsStringAsync());
    }

    private Task<ClusterCollectionResult> RunJobAsync(int clusterId) =>
        app.AsJobAsync(services => services.GetRequiredService<ClusterCollectionJob>().RunAsync(clusterId, CancellationToken.None));

    private Task<Cluster> LoadClusterAsync(string name) =>
        app.WithDbAsync(db => db.Clusters.AsNoTracking().Include(c => c.Namespaces).SingleAsync(c => c.Name == name));

    /// <summary>The open findings the landscape cells count in a cluster, once they are <paramref name="expected"/> (the rebuild follows a change, debounced) or after 30 s.</summary>
    private async Task<int> OpenInCellsAsync(int clusterId, int expected)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            var counted = await app.WithDbAsync(db => db.LandscapeCells.AsNoTracking()
                .Where(c => c.ClusterId == clusterId && c.Dimension == LandscapeDimension.Namespace).SumAsync(c => c.Count));
            if (counted == expected || DateTime.UtcNow > deadline)
            {
                return counted;
            }
            await Task.Delay(100);
        }
    }

    [Fact]
    public async Task Register_with_token_stores_it_encrypted_and_never_echoes_it()
    {
        await using var fake = await new FakeKubernetesApi().StartAsync();
        var client = await AdminClientAsync();
        var name = Unique("tok");

        var (response, body) = await RegisterAsync(client, new { name, serverUrl = fake.Address.ToString(), token = fake.Token, provider = "aks", environment = "prod" });

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.DoesNotContain(fake.Token, body, StringComparison.Ordinal);
        Assert.Contains("\"hasConnection\":true", body, StringComparison.Ordinal);
        var stored = await LoadClusterAsync(name);
        Assert.NotNull(stored.ConnectionSecretProtected);
        Assert.DoesNotContain(fake.Token, stored.ConnectionSecretProtected, StringComparison.Ordinal);
        Assert.Equal(ClusterProvider.Aks, stored.Provider);
        Assert.Equal(15, stored.RefreshIntervalMinutes);
        var audits = await app.WithDbAsync(db => db.AuditEvents.AsNoTracking().Where(a => a.EntityType == nameof(Cluster) && a.EntityId == stored.Id.ToString()).ToListAsync());
        var register = Assert.Single(audits, a => a.Action == "cluster.register");
        Assert.DoesNotContain(fake.Token, register.After, StringComparison.Ordinal);
        Assert.Contains("redacted", register.After, StringComparison.Ordinal);

        // The list and an update never show it either; the update keeps the stored connection.
        var list = await client.GetStringAsync("/api/v1/clusters");
        Assert.DoesNotContain(fake.Token, list, StringComparison.Ordinal);
        var (updated, updatedBody) = await RegisterAsync(client, new { name, refreshIntervalMinutes = 30 });
        Assert.Equal(HttpStatusCode.OK, updated.StatusCode);
        Assert.DoesNotContain(fake.Token, updatedBody, StringComparison.Ordinal);
        var after = await LoadClusterAsync(name);
        Assert.Equal(stored.ConnectionSecretProtected, after.ConnectionSecretProtected);
        Assert.Equal(30, after.RefreshIntervalMinutes);

        // Saving schedules the recurring refresh.
        using var connection = app.Services.GetRequiredService<JobStorage>().GetConnection();
        var recurring = connection.GetRecurringJobs();
        var job = Assert.Single(recurring, r => r.Id == ClusterService.RecurringId(stored.Id));
        Assert.Equal("*/30 * * * *", job.Cron);

        // A lost schedule comes back with the hourly sync.
        app.Services.GetRequiredService<IRecurringJobManager>().RemoveIfExists(ClusterService.RecurringId(stored.Id));
        Assert.True(await app.AsJobAsync(services => services.GetRequiredService<ClusterScheduleSyncJob>().RunAsync(CancellationToken.None)) >= 1);
        using var again = app.Services.GetRequiredService<JobStorage>().GetConnection();
        Assert.Equal("*/30 * * * *", Assert.Single(again.GetRecurringJobs(), r => r.Id == ClusterService.RecurringId(stored.Id)).Cron);
    }

    [Fact]
    public async Task Invalid_registrations_are_problem_details_and_store_nothing()
    {
        await using var fake = await new FakeKubernetesApi().StartAsync();
        var client = await AdminClientAsync();

        var (noName, noNameBody) = await RegisterAsync(client, new { serverUrl = fake.Address.ToString(), token = "t" });
        Assert.Equal(HttpStatusCode.BadRequest, noName.StatusCode);
        Assert.Contains("\"name\"", noNameBody, StringComparison.Ordinal);

        var name = Unique("bad");
        var (noToken, noTokenBody) = await RegisterAsync(client, new { name, serverUrl = "not a url" });
        Assert.Equal(HttpStatusCode.BadRequest, noToken.StatusCode);
        Assert.Contains("serverUrl", noTokenBody, StringComparison.Ordinal);
        Assert.Contains("token", noTokenBody, StringComparison.Ordinal);

        var exec = """
            apiVersion: v1
            kind: Config
            clusters: [{name: c, cluster: {server: "https://example.com"}}]
            users: [{name: u, user: {exec: {apiVersion: client.authentication.k8s.io/v1, command: /bin/sh, args: ["-c", "id"]}}}]
            contexts: [{name: x, context: {cluster: c, user: u}}]
            current-context: x
            """;
        var (execResponse, execBody) = await RegisterAsync(client, new { name, kubeconfig = exec });
        Assert.Equal(HttpStatusCode.BadRequest, execResponse.StatusCode);
        Assert.Contains("exec", execBody, StringComparison.Ordinal);

        var (badContext, badContextBody) = await RegisterAsync(client, new { name, kubeconfig = fake.Kubeconfig(), context = "nope" });
        Assert.Equal(HttpStatusCode.BadRequest, badContext.StatusCode);
        Assert.Contains("fake, other", badContextBody, StringComparison.Ordinal);

        Assert.Equal(0, await app.ScalarAsync("SELECT COUNT(*) FROM Clusters WHERE Name = $n", ("$n", name)));

        // A reader key may not register.
        var reader = app.CreateApiClient(await app.CreateApiKeyAsync("read"));
        var (forbidden, _) = await RegisterAsync(reader, new { name, serverUrl = fake.Address.ToString(), token = "t" });
        Assert.Equal(HttpStatusCode.Forbidden, forbidden.StatusCode);
    }

    [Fact]
    public async Task Test_connection_answers_the_server_version_or_a_secret_free_error()
    {
        await using var fake = await new FakeKubernetesApi().StartAsync();
        var client = await AdminClientAsync();
        var name = Unique("kc");
        var (response, body) = await RegisterAsync(client, new { name, kubeconfig = fake.Kubeconfig("fake") });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.DoesNotContain(fake.Token, body, StringComparison.Ordinal);
        Assert.Contains("\"kubeconfigContext\":\"fake\"", body, StringComparison.Ordinal);

        var ok = await (await client.PostAsync($"/api/v1/clusters/{name}/test", null)).Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(ok.GetProperty("ok").GetBoolean());
        Assert.Equal("v1.31.0-fake", ok.GetProperty("serverVersion").GetString());

        fake.Token = "rotated-on-the-cluster";
        var failed = await (await client.PostAsync($"/api/v1/clusters/{name}/test", null)).Content.ReadAsStringAsync();
        Assert.Contains("\"ok\":false", failed, StringComparison.Ordinal);
        Assert.Contains("401", failed, StringComparison.Ordinal);
        Assert.DoesNotContain(FakeKubernetesApi.DefaultToken, failed, StringComparison.Ordinal);

        Assert.Equal(HttpStatusCode.NotFound, (await client.PostAsync($"/api/v1/clusters/{Unique("none")}/test", null)).StatusCode);
    }

    [Fact]
    public async Task Collection_upserts_namespaces_records_counts_and_applies_rule_and_operator_findings()
    {
        var teamName = Unique("goat-team");
        var teamId = await app.SeedTeamAsync(teamName);
        await using var fake = await new FakeKubernetesApi()
            .InstallCrds("aquasecurity.github.io", "wgpolicyk8s.io")
            .AddFixtures(
                "kubernetes-goat/health-check-deployment.yaml",
                "kubernetes-goat/system-monitor-deployment.yaml",
                "kubernetes-goat/insecure-rbac-setup.yaml",
                "kubernetes-goat/cache-store-deployment.yaml",
                "polaris/runAsPrivileged.failure.yaml",
                "trivy-operator/configauditreport-nginx-docs.yaml",
                "trivy-operator/vulnerabilityreport-nginx-docs.yaml",
                "policyreport/trivy-adapter-policyreport-zipkin.yaml")
            .AddNamespace("default", teamName)
            .AddNamespace("kube-system")
            .AddPods(1203, 3)
            .StartAsync();
        var client = await AdminClientAsync();
        var name = Unique("goat");
        var (response, _) = await RegisterAsync(client, new { name, serverUrl = fake.Address.ToString(), token = fake.Token });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var clusterId = (await LoadClusterAsync(name)).Id;

        var result = await RunJobAsync(clusterId);

        Assert.True(result.Succeeded, result.Error);
        var cluster = await LoadClusterAsync(name);
        Assert.Null(cluster.LastError);
        Assert.NotNull(cluster.LastSuccessAt);
        Assert.NotNull(cluster.LastDurationMs);
        Assert.Equal("v1.31.0-fake", cluster.ServerVersion);
        var counts = ClusterService.ParseCounts(cluster.ObjectCountsJson);
        Assert.True(counts["pods"] >= 1203, cluster.ObjectCountsJson);
        Assert.True(counts["deployments"] >= 3, cluster.ObjectCountsJson);
        Assert.True(counts["clusterrolebindings"] >= 1, cluster.ObjectCountsJson);

        // Namespaces: the team label names the owner.
        var owned = Assert.Single(cluster.Namespaces, n => n.Name == "default");
        Assert.Equal(teamId, owned.OwnerTeamId);
        Assert.Contains(cluster.Namespaces, n => n.Name == "ns-2" && n.OwnerTeamId is null);

        // Paging: every pod page after the first was asked for with the continue token of the one before.
        var podRequests = fake.Requests.Where(r => r.Path == "/api/v1/pods").ToList();
        Assert.All(podRequests, r => Assert.Equal(ClusterCollectionJob.PageSize, r.Limit));
        Assert.Equal(new[] { "", "off:500", "off:1000" }, podRequests.Select(r => r.Continue ?? "").ToArray());

        // Built-in rules: the privileged kubernetes-goat deployment, owned by the default namespace's team.
        var scope = "cluster:" + name;
        var ruleFindings = await app.WithDbAsync(db => db.Findings.AsNoTracking().Where(f => f.ScopeKey == scope && f.Source == ClusterCollectionJob.RulesSource).ToListAsync());
        var privileged = Assert.Single(ruleFindings, f => f.RuleId == "K8P-PSS-002" && f.ResourceName == "health-check-deployment");
        Assert.Equal(FindingStatus.Open, privileged.Status);
        Assert.Equal(clusterId, privileged.ClusterId);
        Assert.Equal(teamId, privileged.OwnerTeamId);
        Assert.Contains("\n\nRemediation: ", privileged.Description, StringComparison.Ordinal);
        Assert.Equal(result.RuleFindings, ruleFindings.Count);

        // Operator reports went through the ingestion path with the cluster scope.
        Assert.Contains("trivy-operator", result.OperatorSources);
        var operatorFindings = await app.WithDbAsync(db => db.Findings.AsNoTracking().CountAsync(f => f.ScopeKey == scope && f.Source == "trivy-operator"));
        Assert.True(operatorFindings > 0);
        Assert.True(await app.WithDbAsync(db => db.IngestBatches.AsNoTracking().AnyAsync(b => b.ScopeKey == scope && b.Source == "trivy-operator" && b.Status == IngestStatus.Processed)));

        // A second run changes nothing and creates nothing.
        var before = await app.ScalarAsync("SELECT COUNT(*) FROM Findings WHERE ScopeKey = $s", ("$s", scope));
        var again = await RunJobAsync(clusterId);
        Assert.True(again.Succeeded, again.Error);
        Assert.Equal(before, await app.ScalarAsync("SELECT COUNT(*) FROM Findings WHERE ScopeKey = $s", ("$s", scope)));
        Assert.Equal(0, await app.ScalarAsync("SELECT COUNT(*) FROM Findings WHERE ScopeKey = $s AND Status = 1", ("$s", scope)));

        // The operator's reports are gone from the cluster (CRDs still installed, no objects): its findings close, the rules' stay open.
        Assert.True(fake.Remove(o => ((string?)o["apiVersion"])?.StartsWith("aquasecurity.github.io/", StringComparison.Ordinal) == true) > 0);
        var third = await RunJobAsync(clusterId);
        Assert.True(third.Succeeded, third.Error);
        Assert.Equal(0, await app.WithDbAsync(db => db.Findings.AsNoTracking().CountAsync(f => f.ScopeKey == scope && f.Source == "trivy-operator" && f.Status == FindingStatus.Open)));
        Assert.Equal(ruleFindings.Count, await app.WithDbAsync(db => db.Findings.AsNoTracking().CountAsync(f => f.ScopeKey == scope && f.Source == ClusterCollectionJob.RulesSource && f.Status == FindingStatus.Open)));
    }

    [Fact]
    public async Task A_cluster_that_cannot_be_reached_records_its_error_and_the_job_returns()
    {
        var client = await AdminClientAsync();
        var name = Unique("down");
        int port;
        using (var listener = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0))
        {
            listener.Start();
            port = ((IPEndPoint)listener.LocalEndpoint).Port;
        }
        var (response, _) = await RegisterAsync(client, new { name, serverUrl = $"http://127.0.0.1:{port}", token = "down-token-123" });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var clusterId = (await LoadClusterAsync(name)).Id;

        var result = await RunJobAsync(clusterId);

        Assert.False(result.Succeeded);
        var cluster = await LoadClusterAsync(name);
        Assert.NotNull(cluster.LastAttemptAt);
        Assert.Null(cluster.LastSuccessAt);
        Assert.False(string.IsNullOrEmpty(cluster.LastError));
        Assert.DoesNotContain("down-token-123", cluster.LastError, StringComparison.Ordinal);
        Assert.True(cluster.LastError!.Length <= 1000);
    }

    [Fact]
    public async Task Refresh_now_queues_the_job_for_a_registered_cluster()
    {
        await using var fake = await new FakeKubernetesApi().StartAsync();
        var client = await AdminClientAsync();
        var name = Unique("refresh");
        await RegisterAsync(client, new { name, serverUrl = fake.Address.ToString(), token = fake.Token });

        var queued = await client.PostAsync($"/api/v1/clusters/{name}/refresh", null);
        Assert.Equal(HttpStatusCode.Accepted, queued.StatusCode);
        var body = await queued.Content.ReadFromJsonAsync<JsonElement>();
        Assert.False(string.IsNullOrEmpty(body.GetProperty("jobId").GetString()));

        Assert.Equal(HttpStatusCode.NotFound, (await client.PostAsync($"/api/v1/clusters/{Unique("none")}/refresh", null)).StatusCode);
    }

    [Fact]
    public async Task A_namespace_deleted_from_the_cluster_is_removed_on_the_next_run_and_audited()
    {
        await using var fake = await new FakeKubernetesApi().AddNamespace("payments").AddNamespace("sandbox").StartAsync();
        var client = await AdminClientAsync();
        var name = Unique("vanish");
        await RegisterAsync(client, new { name, serverUrl = fake.Address.ToString(), token = fake.Token });
        var clusterId = (await LoadClusterAsync(name)).Id;
        Assert.True((await RunJobAsync(clusterId)).Succeeded);
        Assert.Contains((await LoadClusterAsync(name)).Namespaces, n => n.Name == "sandbox");

        Assert.Equal(1, fake.Remove(o => (string?)o["kind"] == "Namespace" && (string?)o["metadata"]?["name"] == "sandbox"));
        Assert.True((await RunJobAsync(clusterId)).Succeeded);

        var names = (await LoadClusterAsync(name)).Namespaces.Select(n => n.Name).ToList();
        Assert.Contains("payments", names);
        Assert.DoesNotContain("sandbox", names);
        var audit = await app.WithDbAsync(db => db.AuditEvents.AsNoTracking()
            .Where(a => a.Action == "cluster.namespaces" && a.EntityId == clusterId.ToString()).OrderBy(a => a.Id).Select(a => a.After).ToListAsync());
        Assert.Contains("\"sandbox\"", audit[^1]);
    }

    [Fact]
    public async Task Unregistering_removes_schedule_and_secret_closes_the_cluster_scope_and_keeps_the_history()
    {
        await using var fake = await new FakeKubernetesApi().AddFixtures("polaris/runAsPrivileged.failure.yaml").AddNamespace("default").StartAsync();
        var client = await AdminClientAsync();
        var name = Unique("retire");
        await RegisterAsync(client, new { name, serverUrl = fake.Address.ToString(), token = fake.Token });
        var clusterId = (await LoadClusterAsync(name)).Id;
        await app.Services.GetRequiredService<LandscapeCubeRefresher>().EnsureBuiltAsync();
        var collected = await RunJobAsync(clusterId);
        Assert.True(collected.Succeeded, collected.Error);
        var scope = "cluster:" + name;
        var open = await app.WithDbAsync(db => db.Findings.AsNoTracking().CountAsync(f => f.ScopeKey == scope && f.Status == FindingStatus.Open));
        Assert.True(open > 0);
        // The landscape counts the collection's findings without waiting for the periodic rebuild.
        Assert.Equal(open, await OpenInCellsAsync(clusterId, expected: open));
        using (var connection = app.Services.GetRequiredService<JobStorage>().GetConnection())
        {
            Assert.Contains(connection.GetRecurringJobs(), j => j.Id == ClusterService.RecurringId(clusterId));
        }

        var response = await client.DeleteAsync($"/api/v1/clusters/{name}");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(open, body.GetProperty("closedFindings").GetProperty(ClusterCollectionJob.RulesSource).GetInt32());
        var cluster = await LoadClusterAsync(name);
        Assert.False(cluster.IsManaged);
        Assert.Null(cluster.ConnectionSecretProtected);
        Assert.Contains(cluster.Namespaces, n => n.Name == "default");
        Assert.Equal(0, await app.WithDbAsync(db => db.Findings.AsNoTracking().CountAsync(f => f.ScopeKey == scope && f.Status == FindingStatus.Open)));
        Assert.Equal(0, await OpenInCellsAsync(clusterId, expected: 0));
        Assert.Equal(open, await app.WithDbAsync(db => db.FindingEvents.AsNoTracking()
            .CountAsync(e => e.Kind == FindingEventKind.Closed && e.Finding!.ScopeKey == scope)));
        using (var connection = app.Services.GetRequiredService<JobStorage>().GetConnection())
        {
            Assert.DoesNotContain(connection.GetRecurringJobs(), j => j.Id == ClusterService.RecurringId(clusterId));
        }
        var audit = await app.WithDbAsync(db => db.AuditEvents.AsNoTracking().SingleAsync(a => a.Action == "cluster.unregister" && a.EntityId == clusterId.ToString()));
        Assert.DoesNotContain(fake.Token, audit.Before + audit.After, StringComparison.Ordinal);

        // Gone from management: a second unregister and a refresh are 404s; a pipeline key without admin cannot unregister.
        Assert.Equal(HttpStatusCode.NotFound, (await client.DeleteAsync($"/api/v1/clusters/{name}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await client.PostAsync($"/api/v1/clusters/{name}/refresh", null)).StatusCode);
        var reader = app.CreateApiClient(await app.CreateApiKeyAsync("read,ingest"));
        Assert.Equal(HttpStatusCode.Forbidden, (await reader.DeleteAsync($"/api/v1/clusters/{Unique("any")}")).StatusCode);
    }
}
