using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using K8Posture.Features.Ingestion;
using K8Posture.IntegrationTests.Infrastructure;
using YamlDotNet.RepresentationModel;

namespace K8Posture.IntegrationTests.Features.Ingestion;

/// <summary>
/// trivy k8s reports, Trivy Operator reports and PolicyReports pushed through POST /api/v1/ingest/scans: each creates
/// one finding per distinct problem, counted here from the fixture itself.
/// </summary>
public sealed class KubernetesReportIngestFacts(K8PostureAppFactory app) : IClassFixture<K8PostureAppFactory>
{
    private static readonly string[] FindingVerdicts = ["fail", "warn", "error"];

    public static TheoryData<string, string> TrivyK8sFixtures => new()
    {
        { "trivy/defectdojo-trivy-k8s-eks-cluster.json", "trivy-k8s" },
        { "trivy/trivy-k8s-cluster-minikube-docs.json", "trivy-k8s" },
    };

    public static TheoryData<string, string> ClusterReportFixtures => new()
    {
        { "trivy-operator/configauditreport-nginx-docs.yaml", "trivy-operator" },
        { "trivy-operator/defectdojo-configauditreport-nginx.json", "trivy-operator" },
        { "trivy-operator/defectdojo-vulnerabilityreport-nginx-alpine.json", "trivy-operator" },
        { "trivy-operator/rbacassessmentreport-role-docs.yaml", "trivy-operator" },
        { "trivy-operator/vulnerabilityreport-nginx-docs.yaml", "trivy-operator" },
        { "policyreport/openreports-image-scanner-list.json", "policyreport" },
        { "policyreport/trivy-adapter-policyreport-zipkin.yaml", "policyreport" },
        { "kyverno/kyverno-clusterpolicyreport-namespace-properties.yaml", "policyreport" },
        { "kyverno/kyverno-policyreport-kube-apiserver-docs.yaml", "policyreport" },
        { "kyverno/kyverno-policyreport-v1beta1-sample.yaml", "policyreport" },
    };

    [Theory]
    [MemberData(nameof(TrivyK8sFixtures))]
    public async Task A_trivy_k8s_report_is_scoped_by_its_cluster_and_creates_each_distinct_finding(string path, string format)
    {
        var report = TestFixtures.Read(path);
        var root = JsonDocument.Parse(report).RootElement;
        // A vulnerability is (image repository, package, installed version, id); a misconfiguration (object, check, message).
        var keys = new HashSet<string>(StringComparer.Ordinal);
        foreach (var section in new[] { "Resources", "Vulnerabilities", "Misconfigurations" })
        {
            foreach (var resource in Items(root, section))
            {
                var obj = $"{Str(resource, "Namespace")}/{Str(resource, "Kind")}/{Str(resource, "Name")}";
                foreach (var result in Items(resource, "Results"))
                {
                    foreach (var v in Items(result, "Vulnerabilities"))
                    {
                        var image = Str(result, "Target")!.Split(" (")[0];
                        var repository = image[..image.LastIndexOf(':')];
                        keys.Add($"v|{repository}|{Str(v, "PkgName")}|{Str(v, "InstalledVersion")}|{Str(v, "VulnerabilityID")}");
                    }
                    foreach (var m in Items(result, "Misconfigurations").Where(m => (Str(m, "Status") ?? "FAIL") == "FAIL"))
                    {
                        keys.Add($"m|{obj}|{Str(m, "ID")}|{Str(m, "Message")}");
                    }
                }
            }
        }
        using var client = app.CreateApiClient(await app.CreateApiKeyAsync("ingest"));

        var outcome = await OutcomeAsync(await client.PostAsync("/api/v1/ingest/scans", new ByteArrayContent(report)));

        Assert.NotEmpty(keys);
        Assert.Equal((format, "processed", keys.Count), (outcome.Format, outcome.Status, outcome.Created));
        Assert.Equal("cluster:" + Str(root, "ClusterName"), outcome.ScopeKey);
    }

    [Theory]
    [MemberData(nameof(ClusterReportFixtures))]
    public async Task Operator_and_policy_reports_pushed_for_a_cluster_create_each_distinct_finding(string path, string format)
    {
        var report = TestFixtures.Read(path);
        var expected = format == "trivy-operator" ? OperatorKeys(report) : PolicyReportKeys(report);
        var cluster = "it-" + Guid.NewGuid().ToString("N")[..12];
        using var client = app.CreateApiClient(await app.CreateApiKeyAsync("ingest"));

        // These reports name no cluster: the push's cluster= gives it. scope= is passed as well because
        // FindingIdentity.ScopeKey does not yet fall back to cluster= for a cluster-wide hint without a name (it answers
        // "Scope unknown"); with that fixed, cluster= alone will do and derive the same key.
        var outcome = await OutcomeAsync(await client.PostAsync($"/api/v1/ingest/scans?cluster={cluster}&scope=cluster:{cluster}", new ByteArrayContent(report)));

        // All-pass reports (the Kyverno samples) create nothing, and that is the count too.
        Assert.Equal((format, "processed", expected.Count), (outcome.Format, outcome.Status, outcome.Created));
        Assert.Equal("cluster:" + cluster, outcome.ScopeKey);
    }

    /// <summary>Vulnerabilities (object, container, package, installed version, id), failed checks (object, check) and secrets.</summary>
    private static HashSet<string> OperatorKeys(byte[] payload)
    {
        var keys = new HashSet<string>(StringComparer.Ordinal);
        foreach (var report in KubernetesObjects(payload))
        {
            var labels = Child(Child(report, "metadata"), "labels");
            var obj = $"{Scalar(labels, "trivy-operator.resource.namespace")}/{Scalar(labels, "trivy-operator.resource.kind")}/{Scalar(labels, "trivy-operator.resource.name")}";
            var body = Child(report, "report");
            var repository = Scalar(Child(body, "artifact"), "repository");
            foreach (var v in Seq(body, "vulnerabilities"))
            {
                keys.Add($"v|{repository}|{Scalar(v, "resource")}|{Scalar(v, "installedVersion")}|{Scalar(v, "vulnerabilityID")}");
            }
            foreach (var c in Seq(body, "checks").Where(c => Scalar(c, "success") == "false"))
            {
                keys.Add($"c|{obj}|{Scalar(Child(c, "scope"), "value")}|{Scalar(c, "checkID")}");
            }
            foreach (var s in Seq(body, "secrets"))
            {
                keys.Add($"s|{Scalar(s, "target")}|{Scalar(s, "ruleID")}");
            }
        }
        return keys;
    }

    /// <summary>Each failed, warned or errored result (no verdict counts as fail) on each resource it names, else on the report's subject.</summary>
    private static HashSet<string> PolicyReportKeys(byte[] payload)
    {
        var keys = new HashSet<string>(StringComparer.Ordinal);
        foreach (var report in KubernetesObjects(payload))
        {
            var scope = Child(report, "scope");
            var subject = $"{Scalar(scope, "namespace")}/{Scalar(scope, "kind")}/{Scalar(scope, "name")}";
            foreach (var (result, index) in Seq(report, "results").Select((r, i) => (r, i)))
            {
                var verdict = Scalar(result, "result") ?? Scalar(result, "status") ?? "fail";
                if (!FindingVerdicts.Contains(verdict))
                {
                    continue;
                }
                var resources = Seq(result, "resources").Concat(Seq(result, "subjects"))
                    .Select(r => $"{Scalar(r, "namespace")}/{Scalar(r, "kind")}/{Scalar(r, "name")}").DefaultIfEmpty(subject);
                var properties = Child(result, "properties");
                var problem = $"{Scalar(result, "policy")}|{Scalar(result, "rule")}|{Scalar(properties, "VulnerabilityID")}|{Scalar(properties, "pkgName") ?? Scalar(result, "category")}|{Scalar(properties, "installedVersion") ?? Scalar(properties, "InstalledVersion")}";
                foreach (var resource in resources)
                {
                    keys.Add($"{resource}|{problem}");
                }
            }
        }
        return keys;
    }

    private static async Task<IngestOutcome> OutcomeAsync(HttpResponseMessage response)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, body);
        return JsonSerializer.Deserialize<IngestOutcome>(body, JsonSerializerOptions.Web)!;
    }

    private static List<YamlMappingNode> KubernetesObjects(byte[] payload)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(Encoding.UTF8.GetString(payload)));
        return stream.Documents.Select(d => d.RootNode).OfType<YamlMappingNode>()
            .SelectMany(root => Scalar(root, "kind") is { } kind && kind.EndsWith("List", StringComparison.Ordinal) ? Seq(root, "items").OfType<YamlMappingNode>() : [root])
            .ToList();
    }

    private static YamlNode? Child(YamlNode? node, string name) =>
        node is YamlMappingNode mapping && mapping.Children.TryGetValue(new YamlScalarNode(name), out var value) ? value : null;

    private static string? Scalar(YamlNode? node, string name) => (Child(node, name) as YamlScalarNode)?.Value;

    private static IEnumerable<YamlNode> Seq(YamlNode? node, string name) => Child(node, name) is YamlSequenceNode s ? s.Children : [];

    private static IEnumerable<JsonElement> Items(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Array ? value.EnumerateArray() : [];

    private static string? Str(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
