using System.Text.Json;
using K8Posture.Data;
using K8Posture.Features.Ingestion;
using K8Posture.Features.Ingestion.Parsers;

namespace K8Posture.UnitTests.Features.Ingestion.Parsers;

public sealed class SarifParserFacts
{
    private const string TrivySarif = "trivy/alpine-310.sarif.golden";
    private readonly SarifParser _parser = new();

    [Fact]
    public void Every_result_of_every_run_becomes_a_finding()
    {
        using var json = ParserFixtures.Json(TrivySarif);
        var expected = json.RootElement.Items("runs").Sum(run => run.Items("results").Count());

        var result = _parser.Parse(ParserFixtures.Bytes(TrivySarif));

        Assert.True(expected > 0);
        Assert.Equal(expected, result.Findings.Count);
    }

    [Fact]
    public void Trivy_vulnerabilities_carry_package_versions_cvss_and_the_rule_text()
    {
        var result = _parser.Parse(ParserFixtures.Bytes(TrivySarif));

        var finding = result.Findings[0];
        Assert.Equal(FindingIdentityKind.Vulnerability, finding.IdentityKind);
        Assert.Equal(FindingCategory.Vulnerability, finding.Category);
        Assert.Equal("CVE-2019-1549", finding.VulnerabilityId);
        Assert.Equal("libcrypto1.1", finding.PackageName);
        Assert.Equal("1.1.1c-r0", finding.InstalledVersion);
        Assert.Equal("1.1.1d-r0", finding.FixedVersion);
        Assert.Equal(5.3, finding.CvssScore);
        Assert.Equal("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:L/I:N/A:N", finding.CvssVector);
        Assert.Equal(FindingSeverity.Medium, finding.Severity); // security-severity 5.3
        Assert.Equal("openssl: information disclosure in fork()", finding.Title);
        Assert.Equal("https://avd.aquasec.com/nvd/cve-2019-1549", finding.PrimaryUrl);
        Assert.Equal("testdata/fixtures/images/alpine-310.tar.gz", finding.Target);
        // Same CVE in two packages stays two findings.
        Assert.Equal(4, result.Findings.Select(f => (f.VulnerabilityId, f.PackageName)).Distinct().Count());
    }

    [Fact]
    public void The_image_comes_from_repo_tags_when_image_name_is_an_archive_path()
    {
        var result = _parser.Parse(ParserFixtures.Bytes(TrivySarif));

        Assert.Equal(ScanArtifactKind.ContainerImage, result.ScopeHint.ArtifactKind);
        Assert.Equal(new ImageReference("ghcr.io", "aquasecurity/trivy-test-images", "alpine-310", null), result.ScopeHint.Image);
        Assert.All(result.Findings, f =>
        {
            Assert.Equal("ghcr.io", f.ImageRegistry);
            Assert.Equal("aquasecurity/trivy-test-images", f.ImageRepository);
            Assert.Equal("alpine-310", f.ImageTag);
        });
    }

    [Fact]
    public void The_driver_name_is_the_reports_source_tool()
    {
        var result = _parser.Parse(ParserFixtures.Bytes(TrivySarif));

        Assert.Equal("trivy", result.SourceTool);
        Assert.Equal("dev", result.ToolVersion);
    }

    [Theory]
    [InlineData("9.8", null, FindingSeverity.Critical)]
    [InlineData("9.0", null, FindingSeverity.Critical)]
    [InlineData("8.9", null, FindingSeverity.High)]
    [InlineData("7.0", null, FindingSeverity.High)]
    [InlineData("6.9", null, FindingSeverity.Medium)]
    [InlineData("4.0", null, FindingSeverity.Medium)]
    [InlineData("3.9", null, FindingSeverity.Low)]
    [InlineData("0.1", null, FindingSeverity.Low)]
    [InlineData("0.0", null, FindingSeverity.Info)]
    [InlineData(null, "error", FindingSeverity.High)]
    [InlineData(null, "warning", FindingSeverity.Medium)]
    [InlineData(null, "note", FindingSeverity.Low)]
    [InlineData(null, "none", FindingSeverity.Info)]
    [InlineData(null, null, FindingSeverity.Medium)] // SARIF's default level is warning
    [InlineData("2.0", "error", FindingSeverity.Low)] // security-severity wins over level
    public void Severity_comes_from_security_severity_bands_else_from_the_level(string? securitySeverity, string? level, FindingSeverity expected)
    {
        var properties = securitySeverity is null ? "" : $$""", "properties": { "security-severity": "{{securitySeverity}}" }""";
        var levelJson = level is null ? "" : $$""", "level": "{{level}}" """;
        var sarif = $$"""
            { "version": "2.1.0", "runs": [ { "tool": { "driver": { "name": "kube-linter", "rules": [ { "id": "R1"{{properties}} } ] } },
              "results": [ { "ruleId": "R1", "message": { "text": "m" }{{levelJson}} } ] } ] }
            """;

        var finding = Assert.Single(_parser.Parse(ParserFixtures.Utf8(sarif)).Findings);

        Assert.Equal(expected, finding.Severity);
    }

    private const string MisconfigurationLog = """
        {
          "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
          "version": "2.1.0",
          "runs": [
            {
              "tool": { "driver": { "name": "Checkov", "version": "3.2.0", "rules": [
                { "id": "KSV017", "shortDescription": { "text": "Privileged container" }, "fullDescription": { "text": "Privileged containers share namespaces with the host." },
                  "helpUri": "https://avd.aquasec.com/misconfig/ksv017", "properties": { "security-severity": "8.0", "tags": [ "security", "CWE-250" ] } },
                { "id": "DS002", "shortDescription": { "text": "Image user should not be root" } },
                { "id": "C-0260", "shortDescription": { "text": "Missing network policy" } }
              ] } },
              "versionControlProvenance": [ { "repositoryUri": "https://github.com/example/app" } ],
              "results": [
                { "ruleId": "KSV017", "level": "error", "message": { "text": "Container 'web' of Deployment 'web' should set privileged to false" },
                  "locations": [ { "physicalLocation": { "artifactLocation": { "uri": "charts/web/templates/deployment.yaml" }, "region": { "startLine": 21 } },
                                   "logicalLocations": [ { "name": "web", "kind": "Deployment" } ] } ] },
                { "ruleId": "DS002", "level": "warning", "message": { "text": "Specify at least one USER" },
                  "locations": [ { "physicalLocation": { "artifactLocation": { "uri": "build/Dockerfile" }, "region": { "startLine": 1 } } } ] },
                { "ruleId": "C-0260", "level": "warning", "message": { "text": "No network policy" },
                  "locations": [ { "physicalLocation": { "artifactLocation": { "uri": "k8s/namespace.yml" } } } ] },
                { "ruleId": "KSV017", "kind": "pass", "message": { "text": "passed" } },
                { "ruleId": "KSV017", "message": { "text": "suppressed" }, "suppressions": [ { "kind": "inSource" } ] },
                { "ruleId": "KSV017", "message": { "text": "under review" }, "suppressions": [ { "kind": "external", "status": "underReview" } ] }
              ]
            }
          ]
        }
        """;

    [Fact]
    public void Misconfigurations_are_categorised_by_artifact_and_mapped_to_owasp_and_pss()
    {
        var result = _parser.Parse(ParserFixtures.Utf8(MisconfigurationLog));

        Assert.Equal("checkov", result.SourceTool);
        Assert.Equal(new ScanScopeHint(ScanArtifactKind.Repository, "https://github.com/example/app", null), result.ScopeHint);
        Assert.Equal(4, result.Findings.Count); // pass and accepted suppression skipped, the one under review kept

        var privileged = result.Findings[0];
        Assert.Equal(FindingIdentityKind.Misconfiguration, privileged.IdentityKind);
        Assert.Equal(FindingCategory.KubernetesMisconfiguration, privileged.Category);
        Assert.Equal(FindingSeverity.High, privileged.Severity);
        Assert.Equal("KSV017", privileged.RuleId);
        Assert.Equal("CWE-250", privileged.Cwe);
        Assert.Equal("K01", privileged.OwaspK8s);
        Assert.Equal("baseline/privileged-containers", privileged.PssControl);
        Assert.Equal("Deployment", privileged.ResourceKind);
        Assert.Equal("web", privileged.ResourceName);
        Assert.Equal(21, privileged.StartLine);
        Assert.Contains("should set privileged to false", privileged.Description, StringComparison.Ordinal);

        var dockerfile = result.Findings[1];
        Assert.Equal(FindingCategory.ContainerMisconfiguration, dockerfile.Category);
        Assert.Equal("build/Dockerfile", dockerfile.ResourceName);
        Assert.Null(dockerfile.OwaspK8s);

        var network = result.Findings[2];
        Assert.Equal(FindingCategory.NetworkPolicyMisconfiguration, network.Category);
        Assert.Equal("K05", network.OwaspK8s);
    }

    [Fact]
    public void A_vulnerability_scanner_run_is_categorised_as_vulnerabilities_even_without_cve_ids()
    {
        const string sarif = """
            { "version": "2.1.0", "runs": [ { "tool": { "driver": { "name": "Grype", "rules": [ { "id": "ALAS-2023-1234-openssl" } ] } },
              "results": [ { "ruleId": "ALAS-2023-1234-openssl", "level": "error", "message": { "text": "vulnerable" } } ] } ] }
            """;

        var finding = Assert.Single(_parser.Parse(ParserFixtures.Utf8(sarif)).Findings);

        Assert.Equal(FindingCategory.Vulnerability, finding.Category);
        Assert.Equal(FindingIdentityKind.Vulnerability, finding.IdentityKind);
    }

    [Fact]
    public void A_truncated_log_throws_with_line_and_position()
    {
        var ex = Assert.Throws<ScanParseException>(() => _parser.Parse(ParserFixtures.Truncated(TrivySarif)));

        Assert.StartsWith("line ", ex.Pointer, StringComparison.Ordinal);
        Assert.Contains("truncated", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{ "version": "2.1.0", "runs": [ { "results": {} } ] }""", "/runs/0/results")]
    [InlineData("""{ "version": "2.1.0", "runs": [ { "results": [ { "message": { "text": "x" } } ] } ] }""", "/runs/0/results/0/ruleId")]
    [InlineData("""{ "version": "2.1.0", "runs": [ 42 ] }""", "/runs/0")]
    [InlineData("""{ "version": "2.0.0", "runs": [] }""", "/version")]
    [InlineData("""{ "version": "2.1.0" }""", "/runs")]
    [InlineData("""[ 1 ]""", "")]
    public void Structural_errors_throw_with_a_json_pointer(string sarif, string pointer)
    {
        var ex = Assert.Throws<ScanParseException>(() => _parser.Parse(ParserFixtures.Utf8(sarif)));

        Assert.Equal(pointer, ex.Pointer);
    }

    [Fact]
    public void Secrets_keep_no_message_text()
    {
        const string sarif = """
            { "version": "2.1.0", "runs": [ { "tool": { "driver": { "name": "Trivy", "rules": [ { "id": "aws-access-key-id", "shortDescription": { "text": "AWS Access Key ID" },
              "properties": { "tags": [ "secret", "security", "CRITICAL" ], "security-severity": "9.5" } } ] } },
              "results": [ { "ruleId": "aws-access-key-id", "message": { "text": "Artifact: app/.env\nMatch: AWS_ACCESS_KEY_ID=AKIA****" },
                "locations": [ { "physicalLocation": { "artifactLocation": { "uri": "app/.env" }, "region": { "startLine": 3 } } } ] } ] } ] }
            """;

        var finding = Assert.Single(_parser.Parse(ParserFixtures.Utf8(sarif)).Findings);

        Assert.Equal(FindingIdentityKind.Secret, finding.IdentityKind);
        Assert.Equal(FindingSeverity.Critical, finding.Severity);
        Assert.Equal(3, finding.StartLine);
        Assert.DoesNotContain("AKIA", finding.Description ?? "", StringComparison.Ordinal);
    }
}
