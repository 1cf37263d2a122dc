using System.Text.Json;
using K8Posture.Data;
using K8Posture.Features.Ingestion;
using K8Posture.Features.Ingestion.Parsers;

namespace K8Posture.UnitTests.Features.Ingestion.Parsers;

public sealed class TrivyK8sParserFacts
{
    private const string Eks = "trivy/defectdojo-trivy-k8s-eks-cluster.json";
    private const string Minikube = "trivy/trivy-k8s-cluster-minikube-docs.json";

    private readonly TrivyK8sParser _parser = new();

    private sealed record Expected(string Kind, string? Namespace, string ObjectKind, string Name, JsonElement Item, string Target);

    /// <summary>Every vulnerability, failed misconfiguration and secret of every object, with its object, in report order.</summary>
    private static List<Expected> Entries(JsonElement root)
    {
        var list = new List<Expected>();
        foreach (var section in new[] { "Resources", "Vulnerabilities", "Misconfigurations" })
        {
            foreach (var resource in root.Items(section))
            {
                foreach (var result in resource.Items("Results"))
                {
                    foreach (var kind in new[] { "Vulnerabilities", "Misconfigurations", "Secrets" })
                    {
                        list.AddRange(result.Items(kind)
                            .Where(i => kind != "Misconfigurations" || (i.Str("Status") ?? "FAIL") == "FAIL")
                            .Select(i => new Expected(kind, resource.Str("Namespace"), resource.Str("Kind")!, resource.Str("Name")!, i, result.Str("Target")!)));
                    }
                }
            }
        }
        return list;
    }

    public static TheoryData<string> Fixtures => ParserFixtures.Data(ParserFixtures.TrivyK8s);

    [Theory]
    [MemberData(nameof(Fixtures))]
    public void Every_vulnerability_and_failed_misconfiguration_of_every_object_is_a_finding(string path)
    {
        using var json = ParserFixtures.Json(path);
        var expected = Entries(json.RootElement);

        var result = _parser.Parse(ParserFixtures.Bytes(path));

        Assert.NotEmpty(expected);
        Assert.Equal(expected.Count, result.Findings.Count);
        Assert.Equal(expected.Count(e => e.Kind == "Vulnerabilities"), result.Findings.Count(f => f.IdentityKind == FindingIdentityKind.Vulnerability));
        Assert.Equal(expected.Count(e => e.Kind == "Misconfigurations"), result.Findings.Count(f => f.IdentityKind == FindingIdentityKind.Misconfiguration));
        Assert.Equal(
            expected.Select(e => (e.Namespace, (string?)e.ObjectKind, (string?)e.Name)),
            result.Findings.Select(f => (f.NamespaceName, f.ResourceKind, f.ResourceName)));
        Assert.Equal(
            expected.Select(e => e.Item.Str("VulnerabilityID") ?? e.Item.Str("ID")),
            result.Findings.Select(f => f.VulnerabilityId ?? f.RuleId));
        var cluster = json.RootElement.Str("ClusterName");
        Assert.Equal(new ScanScopeHint(ScanArtifactKind.Cluster, cluster, null, cluster), result.ScopeHint);
    }

    [Fact]
    public void Vulnerabilities_carry_the_image_of_their_result_target()
    {
        using var json = ParserFixtures.Json(Eks);
        var targets = Entries(json.RootElement).Where(e => e.Kind == "Vulnerabilities").Select(e => e.Target).ToList();

        var vulnerabilities = _parser.Parse(ParserFixtures.Bytes(Eks)).Findings.Where(f => f.IdentityKind == FindingIdentityKind.Vulnerability).ToList();

        Assert.Equal(targets.Count, vulnerabilities.Count);
        for (var i = 0; i < targets.Count; i++)
        {
            var image = ImageReference.TryParse(targets[i][..targets[i].IndexOf(" (", StringComparison.Ordinal)])!;
            Assert.Equal((image.Registry, image.Repository, image.Tag), (vulnerabilities[i].ImageRegistry, vulnerabilities[i].ImageRepository, vulnerabilities[i].ImageTag));
        }
        Assert.Contains(vulnerabilities, f => f is { ImageRegistry: "gcr.io", ImageRepository: "google_samples/gb-redis-follower", ImageTag: "v2" });
        Assert.Contains(vulnerabilities, f => f is { ImageRegistry: "docker.io", ImageRepository: "library/redis", ImageTag: "6.0.5" });
    }

    [Fact]
    public void Misconfigurations_map_to_owasp_and_pss_and_name_their_container()
    {
        var findings = _parser.Parse(ParserFixtures.Bytes(Minikube)).Findings;

        var escalation = findings.Single(f => f.RuleId == "KSV001");
        Assert.Equal(("K01", "restricted/privilege-escalation"), (escalation.OwaspK8s, escalation.PssControl));
        Assert.Equal("app", escalation.Container);
        Assert.Equal(FindingCategory.KubernetesMisconfiguration, escalation.Category);
        var vulnerability = findings.Single(f => f.IdentityKind == FindingIdentityKind.Vulnerability);
        Assert.Equal(("docker.io", "library/ubuntu", "latest"), (vulnerability.ImageRegistry, vulnerability.ImageRepository, vulnerability.ImageTag));
        Assert.Equal(6.5, vulnerability.CvssScore);
    }

    [Fact]
    public void The_newer_resources_layout_with_metadata_and_summary_only_entries()
    {
        const string report = """
            { "ClusterName": "prod-eu",
              "Resources": [
                { "Namespace": "shop", "Kind": "Deployment", "Name": "web",
                  "Metadata": [ { "RepoTags": [ "ghcr.io/acme/web:1.2" ], "RepoDigests": [ "ghcr.io/acme/web@sha256:abc" ] } ],
                  "Results": [
                    { "Target": "ghcr.io/acme/web:1.2 (alpine 3.19.1)", "Class": "os-pkgs", "Type": "alpine",
                      "Vulnerabilities": [ { "VulnerabilityID": "CVE-2024-0001", "PkgName": "musl", "InstalledVersion": "1.2.4-r2", "Severity": "HIGH" } ] },
                    { "Target": "app/package-lock.json", "Class": "lang-pkgs", "Type": "npm",
                      "Vulnerabilities": [ { "VulnerabilityID": "GHSA-aaaa-bbbb-cccc", "PkgName": "lodash", "InstalledVersion": "4.17.20" } ] },
                    { "Target": "Deployment/web", "Class": "config", "Type": "kubernetes", "MisconfSummary": { "Successes": 3, "Failures": 1 },
                      "Misconfigurations": [
                        { "ID": "KSV017", "AVDID": "AVD-KSV-0017", "Title": "Privileged", "Message": "Container 'web' of Deployment 'web' should set 'securityContext.privileged' to false", "Severity": "HIGH", "Status": "FAIL" },
                        { "ID": "KSV012", "Title": "Runs as root", "Severity": "MEDIUM", "Status": "PASS" } ] } ] },
                { "Namespace": "shop", "Kind": "Service", "Name": "web" },
                { "Namespace": "shop", "Kind": "ConfigMap", "Name": "cfg", "Results": [ { "Target": "ConfigMap/cfg", "Class": "config", "MisconfSummary": { "Successes": 1, "Failures": 0 } } ] },
                { "Namespace": "kube-system", "Kind": "Pod", "Name": "broken", "Error": "image pull failed" } ] }
            """;

        var result = _parser.Parse(ParserFixtures.Utf8(report));

        Assert.Equal(3, result.Findings.Count);
        Assert.All(result.Findings, f => Assert.Equal(("shop", "Deployment", "web"), (f.NamespaceName, f.ResourceKind, f.ResourceName)));
        Assert.All(result.Findings.Take(2), f => Assert.Equal(("ghcr.io", "acme/web", "1.2", "sha256:abc"), (f.ImageRegistry, f.ImageRepository, f.ImageTag, f.ImageDigest)));
        Assert.Equal("app/package-lock.json", result.Findings[1].Target);
        var privileged = result.Findings[2];
        Assert.Equal(("KSV-0017", "web", "K01", "baseline/privileged-containers"), (privileged.RuleId, privileged.Container, privileged.OwaspK8s, privileged.PssControl));
        Assert.Null(privileged.ImageRepository);
        Assert.Equal("prod-eu", result.ScopeHint.ClusterName);
    }

    [Fact]
    public void A_truncated_report_throws_with_line_and_position()
    {
        var ex = Assert.Throws<ScanParseException>(() => _parser.Parse(ParserFixtures.Truncated(Eks)));

        Assert.StartsWith("line ", ex.Pointer, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{ "Resources": [] }""", "/ClusterName")]
    [InlineData("""{ "ClusterName": "c", "Resources": {} }""", "/Resources")]
    [InlineData("""{ "ClusterName": "c", "Vulnerabilities": [ 1 ] }""", "/Vulnerabilities/0")]
    [InlineData("""{ "ClusterName": "c", "Resources": [ { "Kind": "Pod", "Name": "p", "Results": [ { "Vulnerabilities": [ {} ] } ] } ] }""", "/Resources/0/Results/0/Vulnerabilities/0/VulnerabilityID")]
    [InlineData("""[ 1 ]""", "")]
    public void Structural_errors_throw_with_a_json_pointer(string report, string pointer)
    {
        var ex = Assert.Throws<ScanParseException>(() => _parser.Parse(ParserFixtures.Utf8(report)));

        Assert.Equal(pointer, ex.Pointer);
    }
}
