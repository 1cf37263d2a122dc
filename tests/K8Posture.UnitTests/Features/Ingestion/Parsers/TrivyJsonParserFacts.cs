using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using K8Posture.Data;
using K8Posture.Features.Ingestion;
using K8Posture.Features.Ingestion.Parsers;
using K8Posture.UnitTests.Features.Ingestion;

namespace K8Posture.UnitTests.Features.Ingestion.Parsers;

public sealed class TrivyJsonParserFacts
{
    private readonly TrivyJsonParser _parser = new();

    [Theory]
    [InlineData("ubuntu-1804.json.golden")]
    [InlineData("alpine-310.json.golden")]
    [InlineData("trivy-0.72.0-alpine-3.10-image.json")]
    public void Image_reports_give_one_vulnerability_finding_per_reported_vulnerability(string fixture)
    {
        var expected = TrivyFixtures.Entries(fixture, "Vulnerabilities");

        var result = _parser.Parse(TrivyFixtures.Read(fixture));

        Assert.Equal(expected.Count, result.Findings.Count);
        Assert.All(result.Findings, f => Assert.Equal(FindingCategory.Vulnerability, f.Category));
        Assert.Equal(ScanArtifactKind.ContainerImage, result.ScopeHint.ArtifactKind);
        var expectedKeys = expected.Select(v => (v.GetProperty("VulnerabilityID").GetString(), v.GetProperty("PkgName").GetString(), v.GetProperty("InstalledVersion").GetString())).ToList();
        Assert.Equal(expectedKeys, result.Findings.Select(f => (f.VulnerabilityId, f.PackageName, f.InstalledVersion)).ToList());
    }

    [Theory]
    [InlineData("ubuntu-1804.json.golden")]
    [InlineData("alpine-310.json.golden")]
    [InlineData("trivy-0.72.0-alpine-3.10-image.json")]
    public void Severities_and_fixed_versions_follow_the_report(string fixture)
    {
        var expected = TrivyFixtures.Entries(fixture, "Vulnerabilities");

        var findings = _parser.Parse(TrivyFixtures.Read(fixture)).Findings;

        for (var i = 0; i < expected.Count; i++)
        {
            var severity = expected[i].GetProperty("Severity").GetString();
            Assert.Equal(severity, findings[i].Severity.ToString().ToUpperInvariant());
            var fixedVersion = expected[i].TryGetProperty("FixedVersion", out var f) ? f.GetString() : null;
            Assert.Equal(fixedVersion, findings[i].FixedVersion);
            Assert.Equal(expected[i].GetProperty("PkgIdentifier").GetProperty("PURL").GetString(), findings[i].Purl);
        }
    }

    [Fact]
    public void Ubuntu_report_has_no_fixed_version_for_bash_and_keeps_severity_counts()
    {
        var findings = _parser.Parse(TrivyFixtures.Read("ubuntu-1804.json.golden")).Findings;

        var bash = Assert.Single(findings, f => f.PackageName == "bash");
        Assert.Null(bash.FixedVersion);
        Assert.Equal(FindingSeverity.Low, bash.Severity);
        Assert.Equal(4, findings.Count(f => f.Severity == FindingSeverity.Medium));
    }

    [Fact]
    public void An_archive_artifact_name_falls_back_to_the_repo_tag_for_the_image()
    {
        var result = _parser.Parse(TrivyFixtures.Read("ubuntu-1804.json.golden"));

        Assert.Equal(new ImageReference("ghcr.io", "aquasecurity/trivy-test-images", "ubuntu-1804", null), result.ScopeHint.Image);
        Assert.All(result.Findings, f =>
        {
            Assert.Equal("ghcr.io", f.ImageRegistry);
            Assert.Equal("aquasecurity/trivy-test-images", f.ImageRepository);
            Assert.Equal("ubuntu-1804", f.ImageTag);
        });
    }

    [Fact]
    public void A_bare_docker_hub_name_gets_the_library_namespace_and_the_digest_from_repo_digests()
    {
        var result = _parser.Parse(TrivyFixtures.Read("trivy-0.72.0-alpine-3.10-image.json"));

        var image = result.ScopeHint.Image!;
        Assert.Equal("docker.io", image.Registry);
        Assert.Equal("library/alpine", image.Repository);
        Assert.Equal("3.10", image.Tag);
        Assert.Equal("sha256:451eee8bedcb2f029756dc3e9d73bab0e7943c1ac55cff3a4861c52a0fdd3e98", image.Digest);
        Assert.Equal("0.72.0", result.ToolVersion);
    }

    [Fact]
    public void Cvss_prefers_the_nvd_v3_score_and_vector()
    {
        var expected = TrivyFixtures.Entries("trivy-0.72.0-alpine-3.10-image.json", "Vulnerabilities")[0].GetProperty("CVSS").GetProperty("nvd");

        var finding = Assert.Single(_parser.Parse(TrivyFixtures.Read("trivy-0.72.0-alpine-3.10-image.json")).Findings);

        Assert.Equal(expected.GetProperty("V3Score").GetDouble(), finding.CvssScore);
        Assert.Equal(expected.GetProperty("V3Vector").GetString(), finding.CvssVector);
        Assert.Equal("CWE-125", finding.Cwe);
        Assert.Equal(FindingSeverity.Critical, finding.Severity);
        Assert.Equal("https://avd.aquasec.com/nvd/cve-2021-36159", finding.PrimaryUrl);
        Assert.Contains("https://nvd.nist.gov/vuln/detail/CVE-2021-36159", finding.References);
    }

    [Fact]
    public void Cvss_falls_back_to_a_vendor_score_when_nvd_has_none()
    {
        var cvss = JsonDocument.Parse("""{"nvd":{"V2Score":5.0,"V2Vector":"AV:N"},"redhat":{"V3Score":7.5,"V3Vector":"CVSS:3.1/X"}}""").RootElement;

        var (score, vector) = TrivyJsonParser.ReadCvss(cvss);

        Assert.Equal(7.5, score);
        Assert.Equal("CVSS:3.1/X", vector);
    }

    [Fact]
    public void Secrets_are_redacted_and_identified_by_rule_and_line()
    {
        var raw = TrivyFixtures.Entries("secrets.json.golden", "Secrets");

        var findings = _parser.Parse(TrivyFixtures.Read("secrets.json.golden")).Findings;

        Assert.Equal(raw.Count, findings.Count);
        for (var i = 0; i < raw.Count; i++)
        {
            Assert.Equal(FindingIdentityKind.Secret, findings[i].IdentityKind);
            Assert.Equal(FindingCategory.ContainerMisconfiguration, findings[i].Category);
            Assert.Equal(raw[i].GetProperty("RuleID").GetString(), findings[i].RuleId);
            Assert.Equal(raw[i].GetProperty("StartLine").GetInt32(), findings[i].StartLine);
            Assert.Equal("deploy.sh", findings[i].Target);
            var match = raw[i].GetProperty("Match").GetString()!;
            var everything = JsonSerializer.Serialize(findings[i]);
            Assert.DoesNotContain(match, everything, StringComparison.Ordinal);
            foreach (var line in raw[i].GetProperty("Code").GetProperty("Lines").EnumerateArray())
            {
                var content = line.GetProperty("Content").GetString()!;
                if (content.Length > 8)
                {
                    Assert.DoesNotContain(content, everything, StringComparison.Ordinal);
                }
            }
        }
        Assert.Equal(FindingSeverity.Critical, findings[0].Severity);
    }

    [Fact]
    public void Helm_misconfigurations_are_kubernetes_findings_of_failed_checks_only()
    {
        var raw = TrivyFixtures.Entries("helm_testchart.json.golden", "Misconfigurations");
        var failed = raw.Where(m => m.GetProperty("Status").GetString() == "FAIL").ToList();

        var findings = _parser.Parse(TrivyFixtures.Read("helm_testchart.json.golden")).Findings;

        Assert.Equal(failed.Count, findings.Count);
        Assert.All(findings, f => Assert.Equal(FindingCategory.KubernetesMisconfiguration, f.Category));
        Assert.Equal(failed.Select(m => m.GetProperty("ID").GetString()), findings.Select(f => f.RuleId));
        Assert.Equal(failed.Select(m => m.GetProperty("Severity").GetString()), findings.Select(f => f.Severity.ToString().ToUpperInvariant()));
        Assert.All(findings, f => Assert.Equal("templates/deployment.yaml", f.ResourceName));
    }

    [Fact]
    public void Dockerfile_misconfigurations_are_container_findings_and_passes_are_ignored()
    {
        var payload = """
            {"SchemaVersion":2,"ArtifactName":".","ArtifactType":"filesystem","Results":[{"Target":"Dockerfile","Class":"config","Type":"dockerfile",
              "Misconfigurations":[
                {"ID":"DS002","AVDID":"AVD-DS-0002","Title":"Image user should not be 'root'","Severity":"HIGH","Status":"FAIL","CauseMetadata":{"Provider":"Dockerfile","StartLine":3}},
                {"ID":"DS001","AVDID":"AVD-DS-0001","Title":"':latest' tag used","Severity":"MEDIUM","Status":"PASS"}]}]}
            """u8.ToArray();

        var finding = Assert.Single(_parser.Parse(payload).Findings);

        Assert.Equal(FindingCategory.ContainerMisconfiguration, finding.Category);
        Assert.Equal("DS-0002", finding.RuleId);
        Assert.Equal(FindingSeverity.High, finding.Severity);
    }

    [Fact]
    public void Reports_without_the_trivy_block_and_with_nulls_and_unknown_severities_still_parse()
    {
        var node = JsonNode.Parse(TrivyFixtures.Read("alpine-310.json.golden"))!.AsObject();
        node.Remove("Trivy");
        var first = node["Results"]![0]!["Vulnerabilities"]![0]!.AsObject();
        first["Severity"] = "UNKNOWN";
        first["Title"] = null;
        first["CVSS"] = null;
        first.Remove("FixedVersion");
        node["Results"]![0]!["Misconfigurations"] = null;
        var expectedCount = node["Results"]![0]!["Vulnerabilities"]!.AsArray().Count;

        var result = _parser.Parse(Encoding.UTF8.GetBytes(node.ToJsonString()));

        Assert.Equal(expectedCount, result.Findings.Count);
        Assert.Null(result.ToolVersion);
        Assert.Equal(FindingSeverity.Unknown, result.Findings[0].Severity);
        Assert.Equal(first["VulnerabilityID"]!.GetValue<string>(), result.Findings[0].Title);
        Assert.Null(result.Findings[0].CvssScore);
        Assert.Null(result.Findings[0].FixedVersion);
    }

    [Fact]
    public void A_truncated_report_is_rejected_with_the_line_and_position_where_it_ends()
    {
        var full = TrivyFixtures.Read("ubuntu-1804.json.golden");
        var truncated = full[..(full.Length / 2)];
        var expectedLine = truncated.Count(b => b == (byte)'\n') + 1;

        var error = Assert.Throws<ScanParseException>(() => _parser.Parse(truncated));

        Assert.StartsWith($"line {expectedLine}, position ", error.Pointer);
        Assert.Contains(error.Pointer!, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Malformed_json_names_the_line_and_position()
    {
        var payload = "{\n  \"SchemaVersion\": 2,\n  \"Results\": [ { \"Target\": \"x\",, } ]\n}"u8.ToArray();

        var error = Assert.Throws<ScanParseException>(() => _parser.Parse(payload));

        Assert.StartsWith("line 3, position ", error.Pointer);
    }

    [Fact]
    public void A_value_of_the_wrong_shape_is_reported_with_its_json_pointer()
    {
        var payload = """{"SchemaVersion":2,"ArtifactName":"alpine:3.10","ArtifactType":"container_image","Results":[{"Target":"t","Vulnerabilities":[{"VulnerabilityID":"CVE-1"},"oops"]}]}"""u8.ToArray();

        var error = Assert.Throws<ScanParseException>(() => _parser.Parse(payload));

        Assert.Equal("/Results/0/Vulnerabilities/1", error.Pointer);
    }

    [Fact]
    public void A_vulnerability_without_an_id_is_reported_with_its_json_pointer()
    {
        var payload = """{"SchemaVersion":2,"ArtifactName":"alpine:3.10","Results":[{"Target":"t","Vulnerabilities":[{"PkgName":"x"}]}]}"""u8.ToArray();

        var error = Assert.Throws<ScanParseException>(() => _parser.Parse(payload));

        Assert.Equal("/Results/0/Vulnerabilities/0/VulnerabilityID", error.Pointer);
    }

    [Theory]
    [InlineData("nginx", "docker.io", "library/nginx", null, null)]
    [InlineData("nginx:1.25", "docker.io", "library/nginx", "1.25", null)]
    [InlineData("bitnami/redis:7", "docker.io", "bitnami/redis", "7", null)]
    [InlineData("ghcr.io/org/app:v1@sha256:abc", "ghcr.io", "org/app", "v1", "sha256:abc")]
    [InlineData("localhost:5000/app", "localhost:5000", "app", null, null)]
    [InlineData("registry.example.com:443/team/app@sha256:def", "registry.example.com:443", "team/app", null, "sha256:def")]
    public void Image_references_are_split_into_registry_repository_tag_and_digest(string reference, string registry, string repository, string? tag, string? digest)
    {
        Assert.Equal(new ImageReference(registry, repository, tag, digest), ImageReference.TryParse(reference));
    }

    [Theory]
    [InlineData("testdata/fixtures/images/ubuntu-1804.tar.gz")]
    [InlineData("")]
    [InlineData("/home/runner/work")]
    public void File_paths_are_not_image_references(string reference)
    {
        Assert.Null(ImageReference.TryParse(reference));
    }
}
