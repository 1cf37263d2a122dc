using System.Text;
using System.Text.Json.Nodes;
using K8Posture.Data;
using K8Posture.Features.Ingestion;
using K8Posture.Features.Ingestion.Parsers;

namespace K8Posture.UnitTests.Features.Ingestion;

public sealed class FindingIdentityFacts
{
    private static readonly TrivyJsonParser Parser = new();

    private static NormalisedFinding Vulnerability(string? tag = "1.0", string installed = "1.2.3", string severity = "HIGH") => new()
    {
        IdentityKind = FindingIdentityKind.Vulnerability,
        Category = FindingCategory.Vulnerability,
        Severity = TrivyJsonParser.MapSeverity(severity),
        Title = "t",
        VulnerabilityId = "CVE-2024-0001",
        PackageName = "openssl",
        InstalledVersion = installed,
        ImageRegistry = "docker.io",
        ImageRepository = "library/nginx",
        ImageTag = tag,
    };

    [Fact]
    public void The_fingerprint_is_a_sha256_hex_string()
    {
        var fingerprint = FindingIdentity.Fingerprint("image:docker.io/library/nginx", Vulnerability());

        Assert.Matches("^[0-9a-f]{64}$", fingerprint);
    }

    [Fact]
    public void Parsing_the_same_report_twice_gives_the_same_fingerprints()
    {
        var payload = TrivyFixtures.Read("ubuntu-1804.json.golden");

        var first = Parser.Parse(payload).Findings.Select(f => FindingIdentity.Fingerprint("s", f)).ToList();
        var second = Parser.Parse(payload).Findings.Select(f => FindingIdentity.Fingerprint("s", f)).ToList();

        Assert.Equal(first, second);
        Assert.Equal(first.Count, first.Distinct().Count());
    }

    [Fact]
    public void Image_tag_and_digest_are_not_part_of_a_vulnerability_identity()
    {
        var a = FindingIdentity.Fingerprint("s", Vulnerability(tag: "1.0"));
        var b = FindingIdentity.Fingerprint("s", Vulnerability(tag: "2.0") with { ImageDigest = "sha256:x" });

        Assert.Equal(a, b);
    }

    [Fact]
    public void Scope_installed_version_and_kind_change_the_identity()
    {
        var baseline = FindingIdentity.Fingerprint("s", Vulnerability());

        Assert.NotEqual(baseline, FindingIdentity.Fingerprint("other", Vulnerability()));
        Assert.NotEqual(baseline, FindingIdentity.Fingerprint("s", Vulnerability(installed: "1.2.4")));
        Assert.NotEqual(baseline, FindingIdentity.Fingerprint("s", Vulnerability() with { IdentityKind = FindingIdentityKind.Misconfiguration }));
    }

    [Fact]
    public void Content_changes_change_the_content_hash_but_not_the_fingerprint()
    {
        var high = Vulnerability(severity: "HIGH");
        var critical = Vulnerability(severity: "CRITICAL");

        Assert.Equal(FindingIdentity.Fingerprint("s", high), FindingIdentity.Fingerprint("s", critical));
        Assert.NotEqual(FindingIdentity.ContentHash(high), FindingIdentity.ContentHash(critical));
        Assert.NotEqual(FindingIdentity.ContentHash(high), FindingIdentity.ContentHash(high with { FixedVersion = "1.2.5" }));
        Assert.Equal(FindingIdentity.ContentHash(high), FindingIdentity.ContentHash(high with { ImageTag = "other" }));
    }

    [Fact]
    public void A_separate_remediation_is_content_and_its_text_is_not_the_description()
    {
        var withRemediation = Vulnerability() with { Remediation = "Upgrade the package." };

        Assert.NotEqual(FindingIdentity.ContentHash(Vulnerability()), FindingIdentity.ContentHash(withRemediation));
        Assert.NotEqual(FindingIdentity.ContentHash(withRemediation), FindingIdentity.ContentHash(withRemediation with { Remediation = "Remove the package." }));
        // Moving text between the two fields is a change too (the parts are hashed apart, not concatenated).
        Assert.NotEqual(FindingIdentity.ContentHash(withRemediation with { Description = "a", Remediation = "b" }),
            FindingIdentity.ContentHash(withRemediation with { Description = "ab", Remediation = "" }));
        Assert.Equal(FindingIdentity.Fingerprint("s", Vulnerability()), FindingIdentity.Fingerprint("s", withRemediation));
    }

    [Fact]
    public void Every_reported_field_a_rescan_can_change_is_in_the_content_hash()
    {
        var baseline = Vulnerability();
        var hash = FindingIdentity.ContentHash(baseline);
        NormalisedFinding[] changed =
        [
            baseline with { Category = FindingCategory.ContainerMisconfiguration },
            baseline with { Title = "other title" },
            baseline with { Description = "enriched advisory" },
            baseline with { Cwe = "CWE-79" },
            baseline with { CvssScore = 7.5 },
            baseline with { CvssVector = "CVSS:3.1/AV:L" },
            baseline with { Epss = 0.973 },
            baseline with { FixedVersion = "9.9.9" },
            baseline with { OwaspK8s = "K01" },
            baseline with { PssControl = "privileged" },
            baseline with { PrimaryUrl = "https://example.com/advisory" },
            baseline with { References = ["https://example.com/ref"] },
            baseline with { Purl = "pkg:deb/debian/openssl@1.2.3" },
        ];

        Assert.All(changed, c => Assert.NotEqual(hash, FindingIdentity.ContentHash(c)));
        Assert.Equal(changed.Length, changed.Select(FindingIdentity.ContentHash).Distinct().Count());
        Assert.Equal(hash, FindingIdentity.ContentHash(baseline with { ImageDigest = "sha256:abc", ImageTag = "2.0" }));
    }

    [Fact]
    public void A_cluster_scan_is_scoped_by_cluster_alone_with_the_pushed_name_winning()
    {
        var kubeBench = new ScanScopeHint(ScanArtifactKind.Cluster, "kube-bench", null);
        var kubescape = new ScanScopeHint(ScanArtifactKind.Cluster, "minikube", null, "minikube");

        Assert.Equal("cluster:prod-eu", FindingIdentity.ScopeKey(kubeBench, null, "prod-eu"));
        Assert.Null(FindingIdentity.ScopeKey(kubeBench, null, null));
        Assert.Equal("cluster:minikube", FindingIdentity.ScopeKey(kubescape, null, null));
        Assert.Equal("cluster:prod-eu", FindingIdentity.ScopeKey(kubescape, null, " prod-eu "));
        Assert.Equal("cluster:x/extra", FindingIdentity.ScopeKey(kubescape, "cluster:x/extra", "prod-eu"));
    }

    [Fact]
    public void Re_tagging_an_image_in_a_report_keeps_every_fingerprint()
    {
        var original = TrivyFixtures.Read("trivy-0.72.0-alpine-3.10-image.json");
        var node = JsonNode.Parse(original)!.AsObject();
        node["ArtifactName"] = "alpine:3.10.9";
        node["Metadata"]!["RepoTags"] = new JsonArray("alpine:3.10.9");
        var retagged = Encoding.UTF8.GetBytes(node.ToJsonString());

        var first = Parser.Parse(original);
        var second = Parser.Parse(retagged);

        Assert.Equal(FindingIdentity.ScopeKey(first.ScopeHint, null, null), FindingIdentity.ScopeKey(second.ScopeHint, null, null));
        var scope = FindingIdentity.ScopeKey(first.ScopeHint, null, null)!;
        Assert.Equal(first.Findings.Select(f => FindingIdentity.Fingerprint(scope, f)), second.Findings.Select(f => FindingIdentity.Fingerprint(scope, f)));
    }

    [Fact]
    public void Scope_keys_are_derived_from_the_image_or_artifact_and_prefixed_by_the_cluster()
    {
        var image = Parser.Parse(TrivyFixtures.Read("ubuntu-1804.json.golden")).ScopeHint;
        var repository = Parser.Parse(TrivyFixtures.Read("secrets.json.golden")).ScopeHint;

        Assert.Equal("image:ghcr.io/aquasecurity/trivy-test-images", FindingIdentity.ScopeKey(image, null, null));
        Assert.Equal("cluster:prod-eu/image:ghcr.io/aquasecurity/trivy-test-images", FindingIdentity.ScopeKey(image, null, "prod-eu"));
        Assert.Equal("repo:testdata/fixtures/repo/secrets", FindingIdentity.ScopeKey(repository, null, null));
        Assert.Equal("pipeline:payments", FindingIdentity.ScopeKey(image, " pipeline:payments ", "prod-eu"));
        Assert.Null(FindingIdentity.ScopeKey(new ScanScopeHint(ScanArtifactKind.Unknown, null, null), null, null));
    }

    [Fact]
    public void Secrets_on_different_lines_are_different_findings()
    {
        var secret = new NormalisedFinding { IdentityKind = FindingIdentityKind.Secret, Category = FindingCategory.ContainerMisconfiguration, Title = "k", RuleId = "aws-access-key-id", Target = "deploy.sh", StartLine = 3 };

        Assert.NotEqual(FindingIdentity.Fingerprint("s", secret), FindingIdentity.Fingerprint("s", secret with { StartLine = 4 }));
        Assert.Equal(FindingIdentity.Fingerprint("s", secret), FindingIdentity.Fingerprint("s", secret with { Title = "renamed" }));
    }

    [Theory]
    [InlineData(FindingSeverity.Critical, 7)]
    [InlineData(FindingSeverity.High, 30)]
    [InlineData(FindingSeverity.Medium, 90)]
    [InlineData(FindingSeverity.Low, 180)]
    public void Sla_due_dates_follow_the_default_days_per_severity(FindingSeverity severity, int days)
    {
        var seen = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

        Assert.Equal(seen.AddDays(days), new SlaOptions().DueAt(severity, seen));
    }

    [Theory]
    [InlineData(FindingSeverity.Info)]
    [InlineData(FindingSeverity.Unknown)]
    public void Info_and_unknown_findings_have_no_sla(FindingSeverity severity)
    {
        Assert.Null(new SlaOptions().DueAt(severity, DateTimeOffset.UnixEpoch));
    }
}
