using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using K8Posture.IntegrationTests.Features.Alerts;
using K8Posture.IntegrationTests.Infrastructure;

namespace K8Posture.IntegrationTests.Features.Ingestion;

/// <summary>Cluster and namespace names become labels everywhere (charts, tables, exports): markup is refused at ingest.</summary>
public sealed class IngestNameRuleFacts(K8PostureAppFactory app) : IClassFixture<K8PostureAppFactory>
{
    private const string Hostile = "<img src=x onerror=alert(1)>";
    private const string TrivyK8s = "trivy/defectdojo-trivy-k8s-eks-cluster.json";

    private async Task<HttpClient> IngestClientAsync() => app.CreateApiClient(await app.CreateApiKeyAsync("ingest"));

    private Task<long> BatchCountAsync() => app.ScalarAsync("SELECT COUNT(*) FROM IngestBatches");

    private static async Task<JsonElement> ProblemAsync(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    public static TheoryData<string> BadClusterParameters => new() { Hostile, "prod cluster", "prod\"x", "a'b", "prod`x", "prod\tx", "-prod", "R&D", new string('a', 254) };

    [Theory]
    [MemberData(nameof(BadClusterParameters))]
    public async Task A_scan_push_with_a_bad_cluster_parameter_is_refused_naming_the_parameter_and_writes_nothing(string cluster)
    {
        using var client = await IngestClientAsync();
        var before = await BatchCountAsync();

        var response = await client.PostAsync("/api/v1/ingest/scans?cluster=" + Uri.EscapeDataString(cluster), new ByteArrayContent(TestFixtures.Read(TrivyK8s)));

        var problem = await ProblemAsync(response);
        Assert.Contains("cluster", problem.GetProperty("errors").EnumerateObject().Select(e => e.Name));
        Assert.Contains("letters, digits", problem.GetProperty("detail").GetString());
        Assert.Equal(before, await BatchCountAsync());
        Assert.Equal(0, await app.ScalarAsync("SELECT COUNT(*) FROM Clusters WHERE Name = $n", ("$n", cluster)));
    }

    [Fact]
    public async Task An_alert_push_with_a_bad_cluster_parameter_is_refused_and_writes_nothing()
    {
        using var client = await IngestClientAsync();
        var before = await app.ScalarAsync("SELECT COUNT(*) FROM RuntimeAlerts");

        var response = await AlertIngestFacts.PushAsync(client, AlertIngestFacts.Sidekick(Guid.NewGuid(), "Terminal shell in container", "payments", "api-0", null), "cluster=" + Uri.EscapeDataString(Hostile));

        var problem = await ProblemAsync(response);
        Assert.Contains("cluster", problem.GetProperty("errors").EnumerateObject().Select(e => e.Name));
        Assert.Equal(before, await app.ScalarAsync("SELECT COUNT(*) FROM RuntimeAlerts"));
    }

    /// <summary>Real names of every provider: AKS/EKS allow upper case and '_', an EKS kube-context is the cluster's ARN, eksctl's has '@'.</summary>
    [Theory]
    [InlineData("prod-aks-weu")]
    [InlineData("Prod_AKS_WEU01")]
    [InlineData("gke-europe-west1.prod")]
    [InlineData("arn:aws:eks:us-east-1:576036489467:cluster/monitoring-test-cluster")]
    [InlineData("admin@prod.us-east-1.eksctl.io")]
    public async Task Real_provider_cluster_names_are_accepted(string cluster)
    {
        using var client = await IngestClientAsync();

        var response = await client.PostAsync($"/api/v1/ingest/scans?cluster={Uri.EscapeDataString(cluster)}&scope=test:{Guid.NewGuid():N}", new ByteArrayContent(TestFixtures.Read(TrivyK8s)));

        Assert.True(response.StatusCode == HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task A_scan_report_with_a_hostile_namespace_is_refused_naming_where_and_stores_no_finding()
    {
        using var client = await IngestClientAsync();
        var report = JsonNode.Parse(TestFixtures.Read(TrivyK8s))!;
        var resource = report["Vulnerabilities"]!.AsArray().First(r => r!["Namespace"] is not null && r["Results"]?.AsArray().Count > 0)!;
        resource["Namespace"] = Hostile;
        var scope = "test:" + Guid.NewGuid().ToString("N");

        var response = await client.PostAsync($"/api/v1/ingest/scans?scope={scope}", new ByteArrayContent(Encoding.UTF8.GetBytes(report.ToJsonString())));

        var problem = await ProblemAsync(response);
        Assert.Equal("Invalid namespace name", problem.GetProperty("title").GetString());
        Assert.StartsWith("finding ", problem.GetProperty("pointer").GetString());
        Assert.Contains("DNS-1123", problem.GetProperty("detail").GetString());
        Assert.Equal(0, await app.ScalarAsync("SELECT COUNT(*) FROM Findings WHERE ScopeKey = $s OR NamespaceName = $n", ("$s", scope), ("$n", Hostile)));
    }

    [Fact]
    public async Task A_scan_report_naming_a_hostile_cluster_is_refused()
    {
        using var client = await IngestClientAsync();
        var report = JsonNode.Parse(TestFixtures.Read(TrivyK8s))!;
        report["ClusterName"] = Hostile;

        var response = await client.PostAsync("/api/v1/ingest/scans", new ByteArrayContent(Encoding.UTF8.GetBytes(report.ToJsonString())));

        var problem = await ProblemAsync(response);
        Assert.Equal("Invalid cluster name", problem.GetProperty("title").GetString());
        Assert.Equal(0, await app.ScalarAsync("SELECT COUNT(*) FROM Findings WHERE ScopeKey LIKE $s", ("$s", "%" + Hostile + "%")));
    }

    [Fact]
    public async Task An_alert_with_a_hostile_namespace_is_refused_and_stores_no_alert()
    {
        using var client = await IngestClientAsync();
        var before = await app.ScalarAsync("SELECT COUNT(*) FROM RuntimeAlerts");

        var response = await AlertIngestFacts.PushAsync(client, AlertIngestFacts.Sidekick(Guid.NewGuid(), "Terminal shell in container", Hostile, "api-0", null), "cluster=prod-aks-weu");

        var problem = await ProblemAsync(response);
        Assert.Equal("Invalid namespace name", problem.GetProperty("title").GetString());
        Assert.StartsWith("alert 1", problem.GetProperty("pointer").GetString());
        Assert.Equal(before, await app.ScalarAsync("SELECT COUNT(*) FROM RuntimeAlerts"));
    }
}
