using System.Text.Json;
using K8Posture.Data;
using K8Posture.Features.Ingestion;
using K8Posture.Features.Ingestion.Parsers;

namespace K8Posture.UnitTests.Features.Ingestion.Parsers;

public sealed class KubescapeParserFacts
{
    private const string Many = "kubescape/defectdojo-kubescape-many-findings.json";
    private const string AllPassed = "kubescape/defectdojo-kubescape-results-all-passed.json";

    private readonly KubescapeParser _parser = new();

    /// <summary>(resourceID, control) of every failed control: status.status in new reports, any failed rule in old ones.</summary>
    private static List<(string ResourceId, JsonElement Control)> Failed(JsonElement root) =>
        root.Items("results")
            .SelectMany(r => r.Items("controls").Select(c => (ResourceId: r.Str("resourceID")!, Control: c)))
            .Where(x => x.Control.TryGetProperty("status", out var s) && s.ValueKind == JsonValueKind.Object
                ? s.Str("status") == "failed"
                : x.Control.Items("rules").Any(rule => rule.Str("status") == "failed"))
            .ToList();

    [Fact]
    public void Every_failed_control_on_every_resource_becomes_a_finding()
    {
        using var json = ParserFixtures.Json(Many);
        var expected = Failed(json.RootElement);

        var findings = _parser.Parse(ParserFixtures.Bytes(Many)).Findings;

        Assert.NotEmpty(expected);
        Assert.Equal(expected.Count, findings.Count);
        Assert.Equal(expected.Select(e => e.Control.Str("controlID")), findings.Select(f => f.RuleId));
        Assert.All(findings, f => Assert.Equal(FindingIdentityKind.Misconfiguration, f.IdentityKind));
    }

    [Fact]
    public void An_all_passed_report_has_no_findings()
    {
        using var json = ParserFixtures.Json(AllPassed);
        Assert.Empty(Failed(json.RootElement));
        Assert.NotEmpty(json.RootElement.Items("results"));

        Assert.Empty(_parser.Parse(ParserFixtures.Bytes(AllPassed)).Findings);
    }

    [Fact]
    public void Severity_comes_from_the_summarys_score_factor()
    {
        using var json = ParserFixtures.Json(Many);
        var summaries = json.RootElement.GetProperty("summaryDetails").GetProperty("controls");

        var findings = _parser.Parse(ParserFixtures.Bytes(Many)).Findings;

        Assert.All(findings, f => Assert.Equal(
            KubescapeParser.MapScoreFactor(summaries.GetProperty(f.RuleId!).GetProperty("scoreFactor").GetDouble()), f.Severity));
        Assert.Contains(findings, f => f.Severity == FindingSeverity.High);
        Assert.Contains(findings, f => f.Severity == FindingSeverity.Low);
    }

    [Theory]
    [InlineData(0, FindingSeverity.Unknown)]
    [InlineData(1, FindingSeverity.Low)]
    [InlineData(3, FindingSeverity.Low)]
    [InlineData(4, FindingSeverity.Medium)]
    [InlineData(6, FindingSeverity.Medium)]
    [InlineData(7, FindingSeverity.High)]
    [InlineData(8, FindingSeverity.High)]
    [InlineData(9, FindingSeverity.Critical)]
    [InlineData(10, FindingSeverity.Critical)]
    public void Score_factor_bands(double scoreFactor, FindingSeverity expected)
    {
        Assert.Equal(expected, KubescapeParser.MapScoreFactor(scoreFactor));
    }

    [Fact]
    public void Results_are_joined_with_their_resource_objects()
    {
        var findings = _parser.Parse(ParserFixtures.Bytes(Many)).Findings;

        // metadata.namespace set
        Assert.Contains(findings, f => f is { ResourceKind: "Deployment", NamespaceName: "kubescape", ResourceName: "kubescape" });
        // no namespace in the manifest
        var payment = findings.Where(f => f.ResourceName == "paymentservice" && f.ResourceKind == "Deployment").ToList();
        Assert.NotEmpty(payment);
        Assert.All(payment, f => Assert.Null(f.NamespaceName));
        // composite RBAC subject: kind/name/namespace at the top of the object
        Assert.Contains(findings, f => f is { ResourceKind: "ServiceAccount", ResourceName: "kubescape-discovery", NamespaceName: "kubescape" });
    }

    [Fact]
    public void Network_controls_are_network_policy_findings_and_workload_controls_map_to_pss()
    {
        var findings = _parser.Parse(ParserFixtures.Bytes(Many)).Findings;

        var internalNetworking = findings.Where(f => f.RuleId is "C-0054" or "CIS-5.3.2").ToList();
        Assert.NotEmpty(internalNetworking);
        Assert.All(internalNetworking, f =>
        {
            Assert.Equal(FindingCategory.NetworkPolicyMisconfiguration, f.Category);
            Assert.Equal("K05", f.OwaspK8s);
        });
        var escalation = findings.First(f => f.RuleId == "C-0016");
        Assert.Equal(FindingCategory.KubernetesMisconfiguration, escalation.Category);
        Assert.Equal("K01", escalation.OwaspK8s);
        Assert.Equal("restricted/privilege-escalation", escalation.PssControl);
        Assert.Equal("Allow privilege escalation", escalation.Title);
        Assert.Contains("allowPrivilegeEscalation", escalation.Description, StringComparison.Ordinal);
    }

    [Fact]
    public void The_new_shape_uses_the_control_status()
    {
        const string report = """
            { "clusterName": "prod-eu", "summaryDetails": { "controls": { "C-0260": { "controlID": "C-0260", "name": "Missing network policy", "scoreFactor": 5 } },
                                        "complianceScore": 80, "resourcesSeverityCounters": {} },
              "resources": [ { "resourceID": "/v1/shop/Pod/web", "object": { "apiVersion": "v1", "kind": "Pod", "metadata": { "name": "web", "namespace": "shop" } } } ],
              "results": [ { "resourceID": "/v1/shop/Pod/web", "controls": [
                  { "controlID": "C-0260", "name": "Missing network policy", "status": { "status": "failed" }, "rules": [ { "name": "ensure_network_policy_configured_in_labels", "status": "failed" } ] },
                  { "controlID": "C-0017", "status": { "status": "passed" }, "rules": [ { "status": "failed" } ] },
                  { "controlID": "C-0013", "status": { "status": "skipped" } } ] },
                { "resourceID": "apps/v1/shop/Deployment/api", "controls": [ { "controlID": "C-0999", "status": { "status": "failed" } } ] } ] }
            """;

        var result = _parser.Parse(ParserFixtures.Utf8(report));

        Assert.Equal(new ScanScopeHint(ScanArtifactKind.Cluster, "prod-eu", null, "prod-eu"), result.ScopeHint);
        Assert.Equal(2, result.Findings.Count);
        var network = result.Findings[0];
        Assert.Equal(FindingCategory.NetworkPolicyMisconfiguration, network.Category);
        Assert.Equal(FindingSeverity.Medium, network.Severity);
        Assert.Equal(("Pod", "shop", "web"), (network.ResourceKind, network.NamespaceName, network.ResourceName));
        // Not in resources[]: the resource comes from the id; not in the summary: severity unknown, kept.
        var unknown = result.Findings[1];
        Assert.Equal(("Deployment", "shop", "api"), (unknown.ResourceKind, unknown.NamespaceName, unknown.ResourceName));
        Assert.Equal(FindingSeverity.Unknown, unknown.Severity);
    }

    [Fact]
    public void A_truncated_report_throws_with_line_and_position()
    {
        var ex = Assert.Throws<ScanParseException>(() => _parser.Parse(ParserFixtures.Truncated(AllPassed)));

        Assert.StartsWith("line ", ex.Pointer, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{ "summaryDetails": {}, "results": [ { "controls": [] } ] }""", "/results/0/resourceID")]
    [InlineData("""{ "summaryDetails": {}, "results": [ { "resourceID": "x", "controls": [ { "status": { "status": "failed" } } ] } ] }""", "/results/0/controls/0/controlID")]
    [InlineData("""{ "summaryDetails": {}, "results": {} }""", "/results")]
    [InlineData("""{ "summaryDetails": {}, "resources": [ 1 ] }""", "/resources/0")]
    [InlineData("""{ "reportGUID": "" }""", "/results")]
    public void Structural_errors_throw_with_a_json_pointer(string report, string pointer)
    {
        var ex = Assert.Throws<ScanParseException>(() => _parser.Parse(ParserFixtures.Utf8(report)));

        Assert.Equal(pointer, ex.Pointer);
    }
}
