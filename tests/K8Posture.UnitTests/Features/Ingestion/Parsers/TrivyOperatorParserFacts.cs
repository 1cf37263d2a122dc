using K8Posture.Data;
using K8Posture.Features.Ingestion;
using K8Posture.Features.Ingestion.Parsers;
using YamlDotNet.RepresentationModel;

namespace K8Posture.UnitTests.Features.Ingestion.Parsers;

public sealed class TrivyOperatorParserFacts
{
    private const string VulnerabilityDocs = "trivy-operator/vulnerabilityreport-nginx-docs.yaml";
    private const string VulnerabilityJson = "trivy-operator/defectdojo-vulnerabilityreport-nginx-alpine.json";
    private const string ConfigAuditDocs = "trivy-operator/configauditreport-nginx-docs.yaml";
    private const string Rbac = "trivy-operator/rbacassessmentreport-role-docs.yaml";
    private const string SbomDocs = "trivy-operator/sbomreport-kube-apiserver-docs.yaml";

    private readonly TrivyOperatorParser _parser = new();

    /// <summary>Vulnerabilities, failed checks (success: false) and secrets of every report, in order.</summary>
    private static List<(YamlMappingNode Report, YamlNode Item)> Expected(string path) =>
        ParserFixtures.KubernetesObjects(path)
            .SelectMany(r => r.Child("report").Seq("vulnerabilities")
                .Concat(r.Child("report").Seq("checks").Where(c => c.Scalar("success") == "false"))
                .Concat(r.Child("report").Seq("secrets"))
                .Select(i => (r, i)))
            .ToList();

    public static TheoryData<string> Fixtures => ParserFixtures.Data(ParserFixtures.TrivyOperator);

    [Theory]
    [MemberData(nameof(Fixtures))]
    public void Every_vulnerability_and_failed_check_is_a_finding_on_the_labelled_object(string path)
    {
        var expected = Expected(path);

        var result = _parser.Parse(ParserFixtures.Bytes(path));

        Assert.NotEmpty(expected);
        Assert.Equal(expected.Count, result.Findings.Count);
        Assert.Equal(expected.Select(e => e.Item.Scalar("vulnerabilityID") ?? e.Item.Scalar("checkID")), result.Findings.Select(f => f.VulnerabilityId ?? f.RuleId));
        var labels = expected.Select(e => e.Report.Child("metadata").Child("labels")).ToList();
        Assert.Equal(labels.Select(l => l.Scalar("trivy-operator.resource.kind")), result.Findings.Select(f => f.ResourceKind));
        Assert.Equal(labels.Select(l => l.Scalar("trivy-operator.resource.namespace")), result.Findings.Select(f => f.NamespaceName));
        Assert.Equal(ScanArtifactKind.Cluster, result.ScopeHint.ArtifactKind);
        Assert.Null(result.ScopeHint.ClusterName);
    }

    [Theory]
    [InlineData(VulnerabilityDocs)]
    [InlineData(VulnerabilityJson)]
    public void Vulnerabilities_carry_the_reports_image_container_and_versions(string path)
    {
        var report = ParserFixtures.KubernetesObjects(path).Single();
        var body = report.Child("report");
        var items = body.Seq("vulnerabilities").ToList();

        var findings = _parser.Parse(ParserFixtures.Bytes(path)).Findings;

        Assert.All(findings, f =>
        {
            Assert.Equal(FindingIdentityKind.Vulnerability, f.IdentityKind);
            Assert.Equal(("docker.io", body.Child("artifact").Scalar("repository"), body.Child("artifact").Scalar("tag")), (f.ImageRegistry, f.ImageRepository, f.ImageTag));
            Assert.Equal("nginx", f.Container);
            Assert.Equal(report.Child("metadata").Child("labels").Scalar("trivy-operator.resource.name"), f.ResourceName);
        });
        Assert.Equal(items.Select(i => i.Scalar("resource")), findings.Select(f => f.PackageName));
        Assert.Equal(items.Select(i => i.Scalar("installedVersion")), findings.Select(f => f.InstalledVersion));
        Assert.Equal(items.Select(i => string.IsNullOrEmpty(i.Scalar("fixedVersion")) ? null : i.Scalar("fixedVersion")), findings.Select(f => f.FixedVersion));
        Assert.Equal(items.Select(i => i.Scalar("severity")), findings.Select(f => f.Severity.ToString().ToUpperInvariant()));
        Assert.Equal(items.Select(i => i.Scalar("score") is { } score ? double.Parse(score, System.Globalization.CultureInfo.InvariantCulture) : (double?)null), findings.Select(f => f.CvssScore));
    }

    [Fact]
    public void An_sbom_report_is_the_components_of_its_image_and_tells_which_workload_runs_it()
    {
        var result = _parser.Parse(ParserFixtures.Bytes(SbomDocs));

        Assert.Empty(result.Findings);
        Assert.Null(result.Sbom);
        var sbom = Assert.Single(result.ImageSboms!);
        Assert.Equal("CycloneDX 1.4", sbom.Format);
        Assert.Equal(new ImageReference("k8s.gcr.io", "kube-apiserver", "v1.21.1", null), sbom.Image);
        Assert.Equal("k8s.gcr.io/kube-apiserver:v1.21.1", sbom.SubjectName);
        Assert.Equal(
        [
            new SbomComponent(null, "debian", "10.9", null, "operating-system"),
            new SbomComponent("pkg:deb/debian/base-files@10.3+deb10u9?arch=amd64&distro=debian-10.9", "base-files", "10.3+deb10u9", "GPL-3.0", "library"),
            new SbomComponent("pkg:deb/debian/netbase@5.6?arch=all&distro=debian-10.9", "netbase", "5.6", "GPL-2.0", "library"),
            new SbomComponent("pkg:deb/debian/tzdata@2021a-0+deb10u1?arch=all&distro=debian-10.9", "tzdata", "2021a-0+deb10u1", null, "library"),
        ], sbom.Components);
        var runs = Assert.Single(result.WorkloadImages!);
        Assert.Equal(new ObservedWorkloadImage("kube-system", "Pod", "kube-apiserver-kind-control-plane", "kube-apiserver", sbom.Image!), runs);
        Assert.Equal("SbomReport/kube-system/Pod/kube-apiserver-kind-control-plane/kube-apiserver", Assert.Single(result.Subjects!).Key);
    }

    [Fact]
    public void Yaml_versions_stay_strings_and_the_tag_keeps_its_text()
    {
        var result = _parser.Parse(ParserFixtures.Bytes(VulnerabilityDocs));

        Assert.Equal("0.72.0", result.ToolVersion);
        Assert.All(result.Findings, f => Assert.Equal("1.16", f.ImageTag));
        Assert.Contains(result.Findings, f => f is { InstalledVersion: "0.9.1-2", FixedVersion: "0.9.1-2+deb10u1", PrimaryUrl: "https://avd.aquasec.com/nvd/cve-2019-20367" });
    }

    [Fact]
    public void Config_audit_checks_scoped_to_a_container_are_that_containers_findings()
    {
        var findings = _parser.Parse(ParserFixtures.Bytes(ConfigAuditDocs)).Findings;

        Assert.All(findings, f => Assert.Equal(("ReplicaSet", "default", "nginx-6d4cf56db6", "nginx"), (f.ResourceKind, f.NamespaceName, f.ResourceName, f.Container)));
        var escalation = findings.Single(f => f.RuleId == "privilegeEscalationAllowed");
        Assert.Equal((FindingSeverity.Critical, "K01", "restricted/privilege-escalation"), (escalation.Severity, escalation.OwaspK8s, escalation.PssControl));
    }

    [Fact]
    public void Rbac_reports_name_the_role_from_the_annotation_and_map_to_k02()
    {
        var finding = Assert.Single(_parser.Parse(ParserFixtures.Bytes(Rbac)).Findings);

        Assert.Equal(("Role", "system:controller:token-cleaner", "KSV041"), (finding.ResourceKind, finding.ResourceName, finding.RuleId));
        Assert.Equal("K02", finding.OwaspK8s);
        Assert.Equal(FindingSeverity.Critical, finding.Severity);
        Assert.Contains("Role permits management of secret(s)", finding.Description, StringComparison.Ordinal);
    }

    [Fact]
    public void A_list_of_mixed_reports_with_secrets_never_keeps_the_match()
    {
        const string reports = """
            apiVersion: v1
            kind: List
            items:
            - apiVersion: aquasecurity.github.io/v1alpha1
              kind: ExposedSecretReport
              metadata:
                name: replicaset-api-7d9-api
                namespace: shop
                labels:
                  trivy-operator.resource.kind: ReplicaSet
                  trivy-operator.resource.name: api-7d9
                  trivy-operator.resource.namespace: shop
                  trivy-operator.container.name: api
              report:
                artifact: { repository: acme/api, tag: "2.0", digest: "sha256:0123" }
                registry: { server: ghcr.io }
                scanner: { name: Trivy, version: 0.50.1 }
                secrets:
                - ruleID: aws-access-key-id
                  category: AWS
                  severity: CRITICAL
                  title: AWS Access Key ID
                  target: /app/.env
                  match: "AWS_ACCESS_KEY_ID=AKIAVERYSECRETVALUE1"
            ---
            apiVersion: aquasecurity.github.io/v1alpha1
            kind: ClusterRbacAssessmentReport
            metadata:
              name: clusterrole-admin
              ownerReferences:
              - { apiVersion: rbac.authorization.k8s.io/v1, kind: ClusterRole, name: admin, controller: true }
            report:
              checks:
              - { checkID: KSV044, title: No wildcard verb and resource roles, severity: CRITICAL, success: false, messages: [ "Role permits wildcard verb on wildcard resource" ] }
              - { checkID: KSV045, severity: CRITICAL, success: true }
            """;

        var result = _parser.Parse(ParserFixtures.Utf8(reports));

        Assert.Equal(2, result.Findings.Count);
        var secret = result.Findings[0];
        Assert.Equal((FindingIdentityKind.Secret, "aws-access-key-id", "/app/.env", "api"), (secret.IdentityKind, secret.RuleId, secret.Target, secret.Container));
        Assert.Equal(("ghcr.io", "acme/api", "2.0", "sha256:0123"), (secret.ImageRegistry, secret.ImageRepository, secret.ImageTag, secret.ImageDigest));
        Assert.DoesNotContain("AKIA", secret.Description + secret.Title, StringComparison.Ordinal);
        var rbac = result.Findings[1];
        Assert.Equal(("ClusterRole", null, "admin", "K02"), (rbac.ResourceKind, rbac.NamespaceName, rbac.ResourceName, rbac.OwaspK8s));
        Assert.Equal("0.50.1", result.ToolVersion);
    }

    [Fact]
    public void Malformed_yaml_throws_with_line_and_position()
    {
        var ex = Assert.Throws<ScanParseException>(() => _parser.Parse(ParserFixtures.Utf8(
            "apiVersion: aquasecurity.github.io/v1alpha1\nkind: VulnerabilityReport\nreport:\n  vulnerabilities: [ { vulnerabilityID: CVE-1\n")));

        Assert.StartsWith("line ", ex.Pointer, StringComparison.Ordinal);
        Assert.Contains("position", ex.Pointer, StringComparison.Ordinal);
    }

    [Fact]
    public void A_truncated_json_report_throws_with_line_and_position()
    {
        var ex = Assert.Throws<ScanParseException>(() => _parser.Parse(ParserFixtures.Truncated(VulnerabilityJson)));

        Assert.StartsWith("line ", ex.Pointer, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("apiVersion: v1\nkind: Pod\n", "/kind")]
    [InlineData("apiVersion: aquasecurity.github.io/v1alpha1\nkind: VulnerabilityReport\n", "/report")]
    [InlineData("apiVersion: aquasecurity.github.io/v1alpha1\nkind: VulnerabilityReport\nreport:\n  vulnerabilities:\n  - resource: curl\n", "/report/vulnerabilities/0/vulnerabilityID")]
    [InlineData("apiVersion: aquasecurity.github.io/v1alpha1\nkind: ConfigAuditReport\nreport:\n  checks: {}\n", "/report/checks")]
    [InlineData("kind: List\napiVersion: v1\nitems:\n- apiVersion: aquasecurity.github.io/v1alpha1\n  kind: ConfigAuditReport\n  report: { checks: [ { success: false } ] }\n", "/items/0/report/checks/0/checkID")]
    [InlineData("- 1\n- 2\n", "")]
    public void Structural_errors_throw_with_a_json_pointer(string report, string pointer)
    {
        var ex = Assert.Throws<ScanParseException>(() => _parser.Parse(ParserFixtures.Utf8(report)));

        Assert.Equal(pointer, ex.Pointer);
    }
}
