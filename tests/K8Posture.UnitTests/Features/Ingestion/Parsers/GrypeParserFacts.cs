using System.Text.Json;
using System.Text.Json.Nodes;
using K8Posture.Data;
using K8Posture.Features.Ingestion;
using K8Posture.Features.Ingestion.Parsers;

namespace K8Posture.UnitTests.Features.Ingestion.Parsers;

public sealed class GrypeParserFacts
{
    private const string Debian = "grype/defectdojo-grype-0.28.0-debian10.json";
    private const string Busybox = "grype/defectdojo-grype-0.94.0-busybox-epss.json";
    private const string Chainguard = "grype/grype-0.61.1-chainguard-ruby.json";
    private const string Keycloak = "grype/grype-0.66.0-keycloak-21.0.2.json";

    private static readonly Dictionary<string, FindingSeverity> GrypeSeverities = new(StringComparer.Ordinal)
    {
        ["Critical"] = FindingSeverity.Critical,
        ["High"] = FindingSeverity.High,
        ["Medium"] = FindingSeverity.Medium,
        ["Low"] = FindingSeverity.Low,
        ["Negligible"] = FindingSeverity.Info,
        ["Unknown"] = FindingSeverity.Unknown,
    };

    private readonly GrypeJsonParser _parser = new();

    public static TheoryData<string> Fixtures() => ParserFixtures.Data(ParserFixtures.Grype);

    [Theory]
    [MemberData(nameof(Fixtures))]
    public void Every_match_becomes_a_finding_with_its_severity(string path)
    {
        using var json = ParserFixtures.Json(path);
        var matches = json.RootElement.Items("matches").ToList();

        var result = _parser.Parse(ParserFixtures.Bytes(path));

        Assert.NotEmpty(matches);
        Assert.Equal(matches.Count, result.Findings.Count);
        for (var i = 0; i < matches.Count; i++)
        {
            var vulnerability = matches[i].GetProperty("vulnerability");
            Assert.Equal(GrypeSeverities[vulnerability.Str("severity")!], result.Findings[i].Severity);
            Assert.Equal(matches[i].GetProperty("artifact").Str("name"), result.Findings[i].PackageName);
            Assert.Equal(matches[i].GetProperty("artifact").Str("version"), result.Findings[i].InstalledVersion);
            Assert.Equal(FindingCategory.Vulnerability, result.Findings[i].Category);
        }
    }

    [Theory]
    [MemberData(nameof(Fixtures))]
    public void The_tool_version_comes_from_the_descriptor(string path)
    {
        using var json = ParserFixtures.Json(path);

        var result = _parser.Parse(ParserFixtures.Bytes(path));

        Assert.Equal(json.RootElement.GetProperty("descriptor").Str("version"), result.ToolVersion);
    }

    [Fact]
    public void A_match_without_severity_is_kept_as_unknown()
    {
        var node = JsonNode.Parse(ParserFixtures.Bytes(Chainguard))!;
        var matches = node["matches"]!.AsArray();
        matches[0]!["vulnerability"]!.AsObject().Remove("severity");
        matches[1]!["vulnerability"]!["severity"] = "";

        var result = _parser.Parse(ParserFixtures.Utf8(node.ToJsonString()));

        Assert.Equal(matches.Count, result.Findings.Count);
        Assert.Equal(FindingSeverity.Unknown, result.Findings[0].Severity);
        Assert.Equal(FindingSeverity.Unknown, result.Findings[1].Severity);
        Assert.Equal(FindingSeverity.High, result.Findings[2].Severity);
    }

    [Fact]
    public void Cvss_is_the_highest_3x_of_the_vulnerability_then_of_its_related_records()
    {
        var debian = _parser.Parse(ParserFixtures.Bytes(Debian)).Findings;
        // CVE-2021-32626 lists v2 6.5 first and v3.1 8.8 second.
        var redis = Assert.Single(debian, f => f.VulnerabilityId == "CVE-2021-32626");
        Assert.Equal(8.8, redis.CvssScore);
        Assert.StartsWith("CVSS:3.1/", redis.CvssVector, StringComparison.Ordinal);
        // CVE-2021-33574 has no CVSS of its own; NVD's related record has 3.1 9.8.
        Assert.All(debian.Where(f => f.VulnerabilityId == "CVE-2021-33574"), f => Assert.Equal(9.8, f.CvssScore));
        // CVE-2004-0971 has only v2 anywhere: better than nothing.
        Assert.Equal(2.1, Assert.Single(debian, f => f.VulnerabilityId == "CVE-2004-0971").CvssScore);

        var busybox = _parser.Parse(ParserFixtures.Bytes(Busybox)).Findings[0];
        Assert.Equal(8.8, busybox.CvssScore);
        Assert.Equal("CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:U/C:H/I:H/A:H", busybox.CvssVector);
    }

    [Fact]
    public void A_ghsa_match_is_keyed_by_its_single_cve_alias_and_keeps_the_ghsa_in_the_title()
    {
        var django = _parser.Parse(ParserFixtures.Bytes(Debian)).Findings.Where(f => f.PackageName == "Django").ToList();

        Assert.NotEmpty(django);
        Assert.All(django, f =>
        {
            Assert.Equal("CVE-2021-44420", f.VulnerabilityId);
            Assert.Contains("GHSA-v6rh-hp5x-86rv", f.Title, StringComparison.Ordinal);
            Assert.Equal("pkg:pypi/Django@3.2.9", f.Purl);
            Assert.Equal("python", f.PackageType);
        });
    }

    [Fact]
    public void Epss_is_read_where_present()
    {
        using var json = ParserFixtures.Json(Busybox);
        var expected = json.RootElement.Items("matches")
            .Select(m => m.GetProperty("vulnerability").GetProperty("epss")[0].GetProperty("epss").GetDouble())
            .ToList();

        var findings = _parser.Parse(ParserFixtures.Bytes(Busybox)).Findings;

        Assert.Equal(expected, findings.Select(f => f.Epss!.Value));
        Assert.All(_parser.Parse(ParserFixtures.Bytes(Debian)).Findings, f => Assert.Null(f.Epss));
    }

    [Fact]
    public void Fix_versions_and_state_are_kept()
    {
        var findings = _parser.Parse(ParserFixtures.Bytes(Chainguard)).Findings;
        Assert.Equal("3.0.6-r0", findings[0].FixedVersion);
        Assert.Contains("Fix state: fixed", findings[0].Description, StringComparison.Ordinal);

        var wontFix = _parser.Parse(ParserFixtures.Bytes(Keycloak)).Findings[0];
        Assert.Null(wontFix.FixedVersion);
        Assert.Contains("Fix state: wont-fix", wontFix.Description, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(Keycloak, "docker.io", "keycloak/keycloak", "21.0.2", "sha256:347a0d748d05a050dc64b92de2246d2240db6eb38afbc17c3c08d0acb0db1b50")]
    [InlineData(Chainguard, "cgr.dev", "chainguard/ruby", "latest-3.0", "sha256:3c9afb4f188827ea1062ec3b8acea32893236a0d7df31e0498df93486cff0978")]
    [InlineData(Busybox, "docker.io", "library/busybox", "1.32.1", null)]
    [InlineData(Debian, "docker.io", "library/vulnerable-image", "latest", "sha256:9d8825ab20ac86b40eb71495bece1608a302fb180384740697a28c2b0a5a0fc6")]
    public void The_image_is_split_from_the_source_target(string path, string registry, string repository, string tag, string? digest)
    {
        var result = _parser.Parse(ParserFixtures.Bytes(path));

        Assert.Equal(ScanArtifactKind.ContainerImage, result.ScopeHint.ArtifactKind);
        var image = result.ScopeHint.Image!;
        Assert.Equal((registry, repository, tag), (image.Registry, image.Repository, image.Tag));
        if (digest is not null)
        {
            Assert.Equal(digest, image.Digest);
        }
        Assert.All(result.Findings, f => Assert.Equal((registry, repository, tag), (f.ImageRegistry, f.ImageRepository, f.ImageTag)));
    }

    [Fact]
    public void A_directory_scan_is_scoped_by_its_path()
    {
        const string grype = """
            { "matches": [ { "vulnerability": { "id": "GHSA-xxxx-xxxx-xxxx", "severity": "Medium" }, "relatedVulnerabilities": [],
                             "artifact": { "name": "lodash", "version": "4.17.15", "type": "npm", "locations": [ { "path": "/package-lock.json" } ] } } ],
              "source": { "type": "directory", "target": "/src/app" }, "descriptor": { "name": "grype", "version": "0.24.0" } }
            """;

        var result = _parser.Parse(ParserFixtures.Utf8(grype));

        Assert.Equal(new ScanScopeHint(ScanArtifactKind.Filesystem, "/src/app", null), result.ScopeHint);
        var finding = Assert.Single(result.Findings);
        Assert.Equal("/package-lock.json", finding.Target);
        Assert.Equal("GHSA-xxxx-xxxx-xxxx", finding.VulnerabilityId);
    }

    [Fact]
    public void A_truncated_report_throws_with_line_and_position()
    {
        var ex = Assert.Throws<ScanParseException>(() => _parser.Parse(ParserFixtures.Truncated(Keycloak)));

        Assert.StartsWith("line ", ex.Pointer, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{ "matches": [ { "artifact": {} } ] }""", "/matches/0/vulnerability")]
    [InlineData("""{ "matches": [ { "vulnerability": { "severity": "High" } } ] }""", "/matches/0/vulnerability/id")]
    [InlineData("""{ "matches": {} }""", "/matches")]
    [InlineData("""{ "source": {} }""", "/matches")]
    [InlineData("""{ "matches": [ { "vulnerability": { "id": "CVE-1" }, "relatedVulnerabilities": 3 } ] }""", "/matches/0/relatedVulnerabilities")]
    public void Structural_errors_throw_with_a_json_pointer(string grype, string pointer)
    {
        var ex = Assert.Throws<ScanParseException>(() => _parser.Parse(ParserFixtures.Utf8(grype)));

        Assert.Equal(pointer, ex.Pointer);
    }
}
