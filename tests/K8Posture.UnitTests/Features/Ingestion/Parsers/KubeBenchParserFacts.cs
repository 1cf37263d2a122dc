using System.Text.Json;
using K8Posture.Data;
using K8Posture.Features.Ingestion;
using K8Posture.Features.Ingestion.Parsers;

namespace K8Posture.UnitTests.Features.Ingestion.Parsers;

public sealed class KubeBenchParserFacts
{
    private const string Trimmed = "kube-bench/kube-bench-cis-1.5-minikube-trimmed.json";
    private const string BareArray = "kube-bench/kube-bench-cis-1.5-passed-controls-trimmed.json";
    private const string Full = "kube-bench/kube-bench-cis-1.6-kind-full.json";

    private readonly KubeBenchParser _parser = new();

    public static TheoryData<string> Fixtures() => ParserFixtures.Data(ParserFixtures.KubeBench);

    /// <summary>(control, result) of every FAIL or WARN result, in report order, from either shape.</summary>
    private static List<(JsonElement Control, JsonElement Result)> FailOrWarn(JsonElement root)
    {
        var controls = root.ValueKind == JsonValueKind.Array ? root.EnumerateArray() : root.GetProperty("Controls").EnumerateArray();
        return controls
            .SelectMany(c => c.Items("tests").SelectMany(t => t.Items("results")).Select(r => (Control: c, Result: r)))
            .Where(x => x.Result.Str("status") is "FAIL" or "WARN")
            .ToList();
    }

    [Theory]
    [MemberData(nameof(Fixtures))]
    public void Every_fail_or_warn_result_becomes_a_finding_and_nothing_else(string path)
    {
        using var json = ParserFixtures.Json(path);
        var expected = FailOrWarn(json.RootElement);

        var findings = _parser.Parse(ParserFixtures.Bytes(path)).Findings;

        Assert.NotEmpty(expected);
        Assert.Equal(expected.Count, findings.Count);
        for (var i = 0; i < expected.Count; i++)
        {
            var (control, result) = expected[i];
            var finding = findings[i];
            Assert.Equal(result.Str("test_number"), finding.RuleId);
            Assert.Equal(result.Str("test_desc"), finding.Title);
            Assert.Equal(control.Str("node_type"), finding.ResourceKind);
            Assert.Equal("cis-" + control.Str("version"), finding.ResourceName);
            Assert.StartsWith(result.Str("remediation")!.Trim(), finding.Description, StringComparison.Ordinal);
            var scored = result.GetProperty("scored").GetBoolean();
            Assert.Equal(result.Str("status") == "FAIL" && scored ? FindingSeverity.High : FindingSeverity.Medium, finding.Severity);
            Assert.Equal(FindingIdentityKind.Misconfiguration, finding.IdentityKind);
            Assert.Contains($"CIS Kubernetes Benchmark (cis-{control.Str("version")}) {result.Str("test_number")}", finding.References);
        }
    }

    [Fact]
    public void The_full_run_has_both_severities_and_the_trimmed_totals_are_not_trusted()
    {
        var full = _parser.Parse(ParserFixtures.Bytes(Full)).Findings;
        Assert.Contains(full, f => f.Severity == FindingSeverity.High);
        Assert.Contains(full, f => f.Severity == FindingSeverity.Medium);

        using var json = ParserFixtures.Json(Trimmed);
        var totals = json.RootElement.GetProperty("Totals");
        var claimed = totals.GetProperty("total_fail").GetInt32() + totals.GetProperty("total_warn").GetInt32();
        var findings = _parser.Parse(ParserFixtures.Bytes(Trimmed)).Findings;
        Assert.NotEqual(claimed, findings.Count);
        Assert.Equal(FailOrWarn(json.RootElement).Count, findings.Count);
    }

    [Fact]
    public void The_bare_array_of_controls_is_parsed()
    {
        var result = _parser.Parse(ParserFixtures.Bytes(BareArray));

        var finding = Assert.Single(result.Findings);
        Assert.Equal("controlplane", finding.ResourceKind);
        Assert.Equal(ScanArtifactKind.Cluster, result.ScopeHint.ArtifactKind);
    }

    [Theory]
    [InlineData("5.1.1", "K02", FindingCategory.KubernetesMisconfiguration)]
    [InlineData("5.3.2", "K05", FindingCategory.NetworkPolicyMisconfiguration)]
    [InlineData("3.2.1", "K10", FindingCategory.KubernetesMisconfiguration)]
    [InlineData("1.2.16", "K07", FindingCategory.KubernetesMisconfiguration)]
    public void Cis_sections_map_to_owasp_kubernetes_top_10(string testNumber, string owasp, FindingCategory category)
    {
        var finding = Assert.Single(_parser.Parse(ParserFixtures.Bytes(Full)).Findings, f => f.RuleId == testNumber);

        Assert.Equal(owasp, finding.OwaspK8s);
        Assert.Equal(category, finding.Category);
        Assert.Null(finding.PssControl);
    }

    [Fact]
    public void Placeholders_and_missing_fields_are_tolerated()
    {
        const string report = """
            { "Controls": [ { "id": "4", "version": "", "node_type": "node", "tests": [ { "section": "4.2", "results": [
                { "test_number": "4.2.1", "test_desc": "", "remediation": "", "status": "FAIL", "scored": false, "actual_value": "" },
                { "test_number": "4.2.2", "status": "FAIL" },
                { "test_number": "4.2.3", "status": "INFO" },
                { "test_number": "4.2.4", "status": "PASS" } ] }, { "section": "4.3" } ] } ], "Totals": {} }
            """;

        var findings = _parser.Parse(ParserFixtures.Utf8(report)).Findings;

        Assert.Equal(2, findings.Count);
        Assert.Equal(FindingSeverity.Medium, findings[0].Severity); // FAIL but not scored
        Assert.Equal(FindingSeverity.High, findings[1].Severity);   // scored unless told otherwise
        Assert.Null(findings[0].ResourceName);
        Assert.Equal("CIS Kubernetes Benchmark 4.2.1", findings[0].Title);
        Assert.Null(findings[0].Description);
    }

    [Fact]
    public void A_truncated_report_throws_with_line_and_position()
    {
        var ex = Assert.Throws<ScanParseException>(() => _parser.Parse(ParserFixtures.Truncated(Full)));

        Assert.StartsWith("line ", ex.Pointer, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{ "Controls": [ { "tests": [ { "results": [ { "status": "FAIL" } ] } ] } ] }""", "/Controls/0/tests/0/results/0/test_number")]
    [InlineData("""[ { "tests": [ { "results": {} } ] } ]""", "/0/tests/0/results")]
    [InlineData("""{ "Totals": {} }""", "/Controls")]
    [InlineData("""{ "Controls": [ "1" ] }""", "/Controls/0")]
    [InlineData("\"x\"", "")]
    public void Structural_errors_throw_with_a_json_pointer(string report, string pointer)
    {
        var ex = Assert.Throws<ScanParseException>(() => _parser.Parse(ParserFixtures.Utf8(report)));

        Assert.Equal(pointer, ex.Pointer);
    }
}
