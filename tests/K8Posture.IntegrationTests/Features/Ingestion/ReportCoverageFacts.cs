using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using K8Posture.Data;
using K8Posture.Features.Ingestion;
using K8Posture.IntegrationTests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace K8Posture.IntegrationTests.Features.Ingestion;

/// <summary>
/// A push covers exactly the report objects it carries (issue 15): Trivy Operator and PolicyReport objects, kube-bench node
/// types. Pushed one at a time, as Trivy Operator's webhook, Policy Reporter and kubectl send them, one report never closes
/// another's findings; pushed all at once the open set is the same; a complete push still closes what vanished.
/// </summary>
public sealed class ReportCoverageFacts(K8PostureAppFactory app) : IClassFixture<K8PostureAppFactory>
{
    private static readonly string[] OperatorFixtures =
    [
        "trivy-operator/configauditreport-nginx-docs.yaml",
        "trivy-operator/vulnerabilityreport-nginx-docs.yaml",
        "trivy-operator/rbacassessmentreport-role-docs.yaml",
        "trivy-operator/defectdojo-vulnerabilityreport-nginx-alpine.json",
    ];

    [Fact]
    public async Task A_vulnerability_report_of_another_workload_closes_nothing_the_config_audit_report_found()
    {
        var cluster = NewCluster();
        using var client = await ClientAsync();

        var audit = await PushAsync(client, TestFixtures.Read("trivy-operator/configauditreport-nginx-docs.yaml"), cluster);
        var vulnerabilities = await PushAsync(client, TestFixtures.Read("trivy-operator/vulnerabilityreport-nginx-docs.yaml"), cluster);
        var auditAgain = await PushAsync(client, TestFixtures.Read("trivy-operator/configauditreport-nginx-docs.yaml"), cluster);

        Assert.True(audit.Created > 0 && vulnerabilities.Created > 0, $"created {audit.Created} and {vulnerabilities.Created}");
        Assert.Equal(0, vulnerabilities.Closed);
        Assert.Equal((0, 0, 0, audit.Created), (auditAgain.Created, auditAgain.Closed, auditAgain.Reopened, auditAgain.Unchanged));
        Assert.Equal(audit.Created + vulnerabilities.Created, (await OpenFindingsAsync(cluster)).Count);
    }

    [Fact]
    public async Task Reports_pushed_one_by_one_end_in_the_same_open_set_as_pushed_together_and_a_repush_changes_nothing_else()
    {
        var oneByOne = NewCluster();
        var together = NewCluster();
        using var client = await ClientAsync();

        var closedOneByOne = 0;
        foreach (var fixture in OperatorFixtures)
        {
            closedOneByOne += (await PushAsync(client, TestFixtures.Read(fixture), oneByOne)).Closed;
        }
        var all = await PushAsync(client, MultiDocument(OperatorFixtures), together);
        var repush = await PushAsync(client, TestFixtures.Read(OperatorFixtures[2]), oneByOne);

        var openOneByOne = await OpenFindingsAsync(oneByOne);
        Assert.Equal(0, closedOneByOne);
        Assert.Equal(all.Created, openOneByOne.Count);
        Assert.Equal(await OpenFindingsAsync(together), openOneByOne);
        Assert.Equal((0, 0, 0), (repush.Created, repush.Closed, repush.Reopened));
        Assert.Equal(openOneByOne, await OpenFindingsAsync(oneByOne));
    }

    [Fact]
    public async Task A_complete_push_closes_the_findings_of_report_objects_that_vanished_and_only_those()
    {
        var cluster = NewCluster();
        using var client = await ClientAsync();
        var first = await PushAsync(client, MultiDocument(OperatorFixtures), cluster, complete: true);
        var vanished = await PushAsync(client, TestFixtures.Read(OperatorFixtures[1]), NewCluster());

        var withoutOne = await PushAsync(client, MultiDocument(OperatorFixtures.Where(f => f != OperatorFixtures[1])), cluster, complete: true);

        Assert.Equal(first.Created - vanished.Created, (await OpenFindingsAsync(cluster)).Count);
        Assert.Equal(vanished.Created, withoutOne.Closed);
        Assert.Equal(0, withoutOne.Created);
    }

    [Fact]
    public async Task A_clean_policy_report_closes_its_own_findings_and_not_those_of_the_other_reports_of_its_namespace()
    {
        var cluster = NewCluster();
        using var client = await ClientAsync();
        var list = JsonNode.Parse(TestFixtures.Read("policyreport/openreports-image-scanner-list.json"))!;
        var app1 = list["items"]![0]!.DeepClone();
        var app2 = list["items"]![1]!.DeepClone();
        var app2Results = app2["results"]!.AsArray().Count;

        var both = await PushAsync(client, Encoding.UTF8.GetBytes(list.ToJsonString()), cluster);
        var app1Alone = await PushAsync(client, Encoding.UTF8.GetBytes(app1.ToJsonString()), cluster);
        app2["results"] = new JsonArray();
        var app2Clean = await PushAsync(client, Encoding.UTF8.GetBytes(app2.ToJsonString()), cluster);

        Assert.Equal(3, both.Created);
        Assert.Equal((0, 1), (app1Alone.Closed, app1Alone.Unchanged));
        Assert.Equal(app2Results, app2Clean.Closed);
        Assert.Single(await OpenFindingsAsync(cluster));
    }

    [Fact]
    public async Task A_worker_nodes_kube_bench_report_leaves_the_control_planes_findings_open()
    {
        var cluster = NewCluster();
        using var client = await ClientAsync();
        var full = JsonNode.Parse(TestFixtures.Read("kube-bench/kube-bench-cis-1.6-kind-full.json"))!;
        var nodeOnly = full.DeepClone();
        var controls = nodeOnly["Controls"]!.AsArray();
        foreach (var control in controls.Where(c => (string?)c!["node_type"] != "node").ToList())
        {
            controls.Remove(control);
        }
        var nodeControl = Assert.Single(controls)!;
        foreach (var result in nodeControl["tests"]!.AsArray().SelectMany(t => t!["results"]!.AsArray()))
        {
            result!["status"] = "PASS";
        }

        var all = await PushAsync(client, Encoding.UTF8.GetBytes(full.ToJsonString()), cluster);
        var nodeFindings = (await OpenFindingsAsync(cluster)).Count(f => f.StartsWith("node|", StringComparison.Ordinal));
        var nodeClean = await PushAsync(client, Encoding.UTF8.GetBytes(nodeOnly.ToJsonString()), cluster);

        Assert.True(nodeFindings > 0 && nodeFindings < all.Created, $"{nodeFindings} of {all.Created} findings are the worker node's");
        Assert.Equal(nodeFindings, nodeClean.Closed);
        Assert.Equal(all.Created - nodeFindings, (await OpenFindingsAsync(cluster)).Count);
    }

    [Fact]
    public async Task An_image_report_still_describes_its_whole_scope()
    {
        using var client = await ClientAsync();
        var report = JsonNode.Parse(TestFixtures.Read("trivy/trivy-0.72.0-alpine-3.10-image.json"))!;
        var scope = "image-it-" + Guid.NewGuid().ToString("N")[..8];
        var first = await PushScopeAsync(client, Encoding.UTF8.GetBytes(report.ToJsonString()), scope);
        foreach (var result in report["Results"]!.AsArray())
        {
            result!.AsObject().Remove("Vulnerabilities");
        }

        var clean = await PushScopeAsync(client, Encoding.UTF8.GetBytes(report.ToJsonString()), scope);

        Assert.True(first.Created > 0);
        Assert.Equal(first.Created, clean.Closed);
    }

    private static string NewCluster() => "cov-" + Guid.NewGuid().ToString("N")[..10];

    private async Task<HttpClient> ClientAsync() => app.CreateApiClient(await app.CreateApiKeyAsync("ingest"));

    private static byte[] MultiDocument(IEnumerable<string> fixtures) =>
        Encoding.UTF8.GetBytes(string.Join("\n---\n", fixtures.Select(f => Encoding.UTF8.GetString(TestFixtures.Read(f)))));

    private static async Task<IngestOutcome> PushAsync(HttpClient client, byte[] body, string cluster, bool complete = false)
    {
        var response = await client.PostAsync($"/api/v1/ingest/scans?cluster={cluster}{(complete ? "&complete=true" : "")}", new ByteArrayContent(body));
        Assert.True(response.StatusCode == HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<IngestOutcome>())!;
    }

    private static async Task<IngestOutcome> PushScopeAsync(HttpClient client, byte[] body, string scope)
    {
        var response = await client.PostAsync($"/api/v1/ingest/scans?scope={scope}", new ByteArrayContent(body));
        Assert.True(response.StatusCode == HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<IngestOutcome>())!;
    }

    /// <summary>The open findings of a cluster by what they are (not their fingerprint, which includes the cluster).</summary>
    private Task<List<string>> OpenFindingsAsync(string cluster) => app.WithDbAsync(async db =>
        (await db.Findings.AsNoTracking()
            .Where(f => f.ScopeKey == "cluster:" + cluster && f.Status == FindingStatus.Open)
            .Select(f => new { f.ResourceKind, f.NamespaceName, f.ResourceName, f.Container, f.RuleId, f.VulnerabilityId, f.PackageName, f.InstalledVersion })
            .ToListAsync())
        .Select(f => string.Join('|', f.ResourceKind, f.NamespaceName, f.ResourceName, f.Container, f.RuleId, f.VulnerabilityId, f.PackageName, f.InstalledVersion))
        .Order(StringComparer.Ordinal)
        .ToList());
}
