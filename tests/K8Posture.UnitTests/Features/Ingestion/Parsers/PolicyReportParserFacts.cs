using K8Posture.Data;
using K8Posture.Features.Ingestion;
using K8Posture.Features.Ingestion.Parsers;
using YamlDotNet.RepresentationModel;

namespace K8Posture.UnitTests.Features.Ingestion.Parsers;

public sealed class PolicyReportParserFacts
{
    private const string OpenReports = "policyreport/openreports-image-scanner-list.json";
    private const string TrivyAdapter = "policyreport/trivy-adapter-policyreport-zipkin.yaml";
    private const string KubeApiServer = "kyverno/kyverno-policyreport-kube-apiserver-docs.yaml";

    private static readonly string[] FindingVerdicts = ["fail", "warn", "error"];

    private readonly PolicyReportParser _parser = new();

    /// <summary>The verdict of a result: result, else v1alpha1's status, else (no verdict at all) fail.</summary>
    private static string Verdict(YamlNode result) => result.Scalar("result") ?? result.Scalar("status") ?? "fail";

    /// <summary>One finding per failed/warned/errored result per resource it names (at least one).</summary>
    private static List<YamlNode> Expected(string path) =>
        ParserFixtures.KubernetesObjects(path)
            .SelectMany(r => r.Seq("results"))
            .Where(r => FindingVerdicts.Contains(Verdict(r)))
            .SelectMany(r => Enumerable.Repeat(r, Math.Max(1, r.Seq("resources").Count() + r.Seq("subjects").Count())))
            .ToList();

    public static TheoryData<string> Fixtures => ParserFixtures.Data(ParserFixtures.PolicyReport);

    [Theory]
    [MemberData(nameof(Fixtures))]
    public void Failed_warned_and_errored_results_are_findings_and_passes_are_not(string path)
    {
        var expected = Expected(path);

        var result = _parser.Parse(ParserFixtures.Bytes(path));

        Assert.Equal(expected.Count, result.Findings.Count);
        Assert.Equal(ScanArtifactKind.Cluster, result.ScopeHint.ArtifactKind);
        Assert.Null(result.ScopeHint.ClusterName);
        var sources = ParserFixtures.KubernetesObjects(path).SelectMany(r => r.Seq("results")).Select(r => r.Scalar("source")!.ToLowerInvariant()).Distinct().ToList();
        Assert.Equal(sources.Count == 1 ? sources[0] : "policyreport", result.SourceTool);
    }

    [Fact]
    public void Open_reports_cve_policies_are_vulnerabilities_and_other_policies_misconfigurations_of_the_scope()
    {
        var reports = ParserFixtures.KubernetesObjects(OpenReports);
        var cves = reports.SelectMany(r => r.Seq("results").Select(x => (Report: r, Result: x)))
            .Where(x => x.Result.Scalar("policy")!.StartsWith("CVE-", StringComparison.Ordinal)).ToList();

        var findings = _parser.Parse(ParserFixtures.Bytes(OpenReports)).Findings;

        var vulnerabilities = findings.Where(f => f.IdentityKind == FindingIdentityKind.Vulnerability).ToList();
        Assert.Equal(cves.Select(c => c.Result.Scalar("policy")), vulnerabilities.Select(v => v.VulnerabilityId));
        Assert.Equal(cves.Select(c => c.Result.Child("properties").Scalar("pkgName")), vulnerabilities.Select(v => v.PackageName));
        Assert.Equal(cves.Select(c => c.Result.Child("properties").Scalar("installedVersion")), vulnerabilities.Select(v => v.InstalledVersion));
        Assert.Equal(cves.Select(c => c.Report.Child("scope").Scalar("name")), vulnerabilities.Select(v => v.ResourceName));
        Assert.All(vulnerabilities, v => Assert.Equal(("test", "Deployment", FindingCategory.Vulnerability), (v.NamespaceName, v.ResourceKind, v.Category)));
        var config = Assert.Single(findings, f => f.IdentityKind == FindingIdentityKind.Misconfiguration);
        Assert.Equal(("SECURITY-001", FindingCategory.KubernetesMisconfiguration, FindingSeverity.Medium), (config.RuleId, config.Category, config.Severity));
        Assert.Equal(FindingSeverity.High, vulnerabilities.Single(v => v.VulnerabilityId == "CVE-2025-47907").Severity);
    }

    [Fact]
    public void The_trivy_adapters_results_without_a_verdict_are_vulnerabilities_of_the_owner_pod_and_container()
    {
        var results = ParserFixtures.KubernetesObjects(TrivyAdapter).Single().Seq("results").ToList();

        var result = _parser.Parse(ParserFixtures.Bytes(TrivyAdapter));

        Assert.Equal("trivy", result.SourceTool);
        Assert.Equal(results.Select(r => r.Child("properties").Scalar("VulnerabilityID")), result.Findings.Select(f => f.VulnerabilityId));
        Assert.Equal(results.Select(r => r.Child("properties").Scalar("FixedVersion")), result.Findings.Select(f => f.FixedVersion));
        Assert.Equal(results.Select(r => r.Scalar("category")), result.Findings.Select(f => f.PackageName));
        Assert.Equal(results.Select(r => r.Scalar("severity")?.ToUpperInvariant() ?? "UNKNOWN"), result.Findings.Select(f => f.Severity.ToString().ToUpperInvariant()));
        Assert.All(result.Findings, f => Assert.Equal(("default", "Pod", "zipkin-6b59cc5ddb-bp9h8", "zipkin"), (f.NamespaceName, f.ResourceKind, f.ResourceName, f.Container)));
    }

    [Fact]
    public void Kyverno_pod_security_policies_map_to_pss_controls()
    {
        var finding = Assert.Single(_parser.Parse(ParserFixtures.Bytes(KubeApiServer)).Findings);

        Assert.Equal(("disallow-host-namespaces/host-namespaces", "K01", "baseline/host-namespaces"), (finding.RuleId, finding.OwaspK8s, finding.PssControl));
        Assert.Equal(("kube-system", "Pod", "kube-apiserver-kind-control-plane"), (finding.NamespaceName, finding.ResourceKind, finding.ResourceName));
        Assert.Equal(FindingSeverity.Medium, finding.Severity);
        Assert.Contains("Sharing the host namespaces is disallowed", finding.Description, StringComparison.Ordinal);
    }

    [Fact]
    public void Old_and_new_api_versions_resources_errors_and_network_policies()
    {
        const string reports = """
            apiVersion: wgpolicyk8s.io/v1alpha1
            kind: PolicyReport
            metadata: { name: polr-ns-shop, namespace: shop }
            results:
            - policy: disallow-privileged-containers
              rule: privileged-containers
              status: fail
              severity: high
              resources:
              - { apiVersion: v1, kind: Pod, name: web-1, namespace: shop }
              - { apiVersion: v1, kind: Pod, name: web-2, namespace: shop }
            - policy: require-labels
              status: pass
              resources: [ { kind: Pod, name: web-1, namespace: shop } ]
            ---
            apiVersion: wgpolicyk8s.io/v1beta1
            kind: ClusterPolicyReport
            metadata: { name: cpol }
            results:
            - policy: require-network-policy
              result: warn
              source: kyverno
              resources: [ { kind: Namespace, name: shop } ]
            - policy: kube-bench-1.2.1
              result: error
              source: kube-bench
              message: could not read the configuration
            - policy: skipped
              result: skip
            """;

        var result = _parser.Parse(ParserFixtures.Utf8(reports));

        Assert.Equal(4, result.Findings.Count);
        Assert.Equal(["web-1", "web-2"], result.Findings.Take(2).Select(f => f.ResourceName!));
        Assert.All(result.Findings.Take(2), f => Assert.Equal(("disallow-privileged-containers/privileged-containers", "baseline/privileged-containers", FindingSeverity.High),
            (f.RuleId, f.PssControl, f.Severity)));
        Assert.Equal((FindingCategory.NetworkPolicyMisconfiguration, "K05"), (result.Findings[2].Category, result.Findings[2].OwaspK8s));
        Assert.Equal(FindingSeverity.Unknown, result.Findings[3].Severity);
        Assert.Null(result.Findings[3].ResourceName);
        Assert.Equal("policyreport", result.SourceTool);
    }

    [Fact]
    public void Malformed_yaml_throws_with_line_and_position()
    {
        var ex = Assert.Throws<ScanParseException>(() => _parser.Parse(ParserFixtures.Utf8("apiVersion: wgpolicyk8s.io/v1alpha2\nkind: PolicyReport\nresults:\n- policy: \"unterminated\n")));

        Assert.Matches(@"^line \d+, position \d+$", ex.Pointer);
    }

    [Theory]
    [InlineData("""{"apiVersion": "wgpolicyk8s.io/v1alpha2", "kind": "PolicyReport", "results": {}}""", "/results")]
    [InlineData("""{"apiVersion": "wgpolicyk8s.io/v1alpha2", "kind": "PolicyReport", "results": [ {"result": "fail"} ]}""", "/results/0/policy")]
    [InlineData("""{"apiVersion": "v1", "kind": "List", "items": [ {"apiVersion": "wgpolicyk8s.io/v1alpha2", "kind": "PolicyReport"}, {"apiVersion": "v1", "kind": "Pod"} ]}""", "/items/1/kind")]
    [InlineData("""{"apiVersion": "wgpolicyk8s.io/v1alpha2", "kind": "PolicyReport", "results": [ {"policy": "p", "result": "fail", "resources": [ "x" ]} ]}""", "/results/0/resources/0")]
    public void Structural_errors_throw_with_a_json_pointer(string report, string pointer)
    {
        var ex = Assert.Throws<ScanParseException>(() => _parser.Parse(ParserFixtures.Utf8(report)));

        Assert.Equal(pointer, ex.Pointer);
    }
}
