using System.Text;
using System.Text.Json;
using K8Posture.Data;
using K8Posture.Features.Ingestion;
using K8Posture.Features.Ingestion.Parsers;

namespace K8Posture.UnitTests.Features.Ingestion.Parsers;

public sealed class SbomParserFacts
{
    private const string Centos = "cyclonedx/trivy-image-centos-7-sbom.cdx.json";
    private const string Fluentd = "cyclonedx/trivy-image-fluentd-multiple-lockfiles-vulns.cdx.json";
    private const string Kbom = "cyclonedx/trivy-k8s-kbom-minikube.cdx.json";
    private const string Alpine = "spdx/trivy-0.58.0-image-alpine-3.15.spdx.json";

    private readonly CycloneDxParser _cyclonedx = new();
    private readonly SpdxJsonParser _spdx = new();

    /// <summary>Every component of a CycloneDX BOM, nested ones included, counted independently of the parser.</summary>
    private static int CountComponents(JsonElement holder) =>
        holder.TryGetProperty("components", out var list) ? list.EnumerateArray().Sum(c => 1 + CountComponents(c)) : 0;

    public static TheoryData<string> CycloneDxFixtures() => ParserFixtures.Data(ParserFixtures.CycloneDx);

    [Theory]
    [MemberData(nameof(CycloneDxFixtures))]
    public void Every_component_of_a_CycloneDX_BOM_is_listed_nested_ones_too(string path)
    {
        using var json = ParserFixtures.Json(path);
        var result = _cyclonedx.Parse(ParserFixtures.Bytes(path));
        Assert.NotNull(result.Sbom);
        Assert.Equal(CountComponents(json.RootElement), result.Sbom.Components.Count);
        Assert.StartsWith("CycloneDX 1.", result.Sbom.Format, StringComparison.Ordinal);
    }

    [Fact]
    public void The_centos_SBOM_names_its_image_by_RepoTag_and_keeps_licences_and_purls()
    {
        var result = _cyclonedx.Parse(ParserFixtures.Bytes(Centos));

        Assert.Equal(new ImageReference("ghcr.io", "aquasecurity/trivy-test-images", "centos-7", null), result.Sbom!.Image);
        Assert.Equal(ScanArtifactKind.ContainerImage, result.ScopeHint.ArtifactKind);
        var openssl = Assert.Single(result.Sbom.Components, c => c.Name == "openssl-libs");
        Assert.Equal("1.0.2k-16.el7", openssl.Version);
        Assert.Equal("OpenSSL+", openssl.Licences);
        Assert.Equal("pkg:rpm/centos/openssl-libs@1.0.2k-16.el7?arch=x86_64&epoch=1&distro=centos-7.6.1810", openssl.Purl);
        var os = Assert.Single(result.Sbom.Components, c => c.Type == "operating-system");
        Assert.Null(os.Purl);
        // No vulnerabilities array: an inventory, which covers (and so closes) no findings.
        Assert.Empty(result.Findings);
        Assert.NotNull(result.Subjects);
        Assert.Empty(result.Subjects);
        Assert.Equal("trivy-cyclonedx", result.SourceTool);
    }

    [Fact]
    public void Each_affected_component_of_a_CycloneDX_vulnerability_becomes_a_finding()
    {
        using var json = ParserFixtures.Json(Fluentd);
        var expected = json.RootElement.GetProperty("vulnerabilities").EnumerateArray().Sum(v => v.GetProperty("affects").GetArrayLength());

        var result = _cyclonedx.Parse(ParserFixtures.Bytes(Fluentd));

        Assert.Equal(expected, result.Findings.Count);
        Assert.Null(result.Subjects);
        var libidn = Assert.Single(result.Findings, f => f.VulnerabilityId == "CVE-2019-18224");
        Assert.Equal("libidn2-0", libidn.PackageName);
        Assert.Equal("2.0.5-1", libidn.InstalledVersion);
        Assert.Equal("pkg:deb/debian/libidn2-0@2.0.5-1?distro=debian-10.2", libidn.Purl);
        Assert.Equal("deb", libidn.PackageType);
        // NVD's CVSS v3.1 rating (9.8, critical) is the one the BOM's other sources are measured against.
        Assert.Equal(FindingSeverity.Critical, libidn.Severity);
        Assert.Equal(9.8, libidn.CvssScore);
        Assert.Equal("2.0.5-1+deb10u1", libidn.FixedVersion);
        Assert.Equal("CWE-787", libidn.Cwe);
        Assert.Equal(FindingIdentityKind.Vulnerability, libidn.IdentityKind);
        var activesupport = Assert.Single(result.Findings, f => f.VulnerabilityId == "CVE-2020-8165");
        Assert.Equal("activesupport", activesupport.PackageName);
        Assert.Equal("6.0.2.1", activesupport.InstalledVersion);
    }

    [Fact]
    public void A_KBOM_describes_its_cluster_and_flattens_the_node_components()
    {
        var result = _cyclonedx.Parse(ParserFixtures.Bytes(Kbom));

        Assert.Null(result.Sbom!.Image);
        Assert.Equal(ScanArtifactKind.Cluster, result.ScopeHint.ArtifactKind);
        Assert.Equal("minikube", result.ScopeHint.ClusterName);
        Assert.Contains(result.Sbom.Components, c => c.Purl == "pkg:k8s/k8s.io%2Fkubelet@1.27.4");
        Assert.Contains(result.Sbom.Components, c => c.Type == "container" && c.Purl!.StartsWith("pkg:oci/coredns@sha256:", StringComparison.Ordinal));
    }

    [Fact]
    public void The_SPDX_document_describes_its_image_by_oci_purl_and_RepoDigest()
    {
        using var json = ParserFixtures.Json(Alpine);
        var packages = json.RootElement.GetProperty("packages").GetArrayLength();

        var result = _spdx.Parse(ParserFixtures.Bytes(Alpine));

        Assert.Equal(new ImageReference("docker.io", "library/alpine", "3.15", "sha256:19b4bcc4f60e99dd5ebdca0cbce22c503bbcff197549d7e19dab4f22254dc864"), result.Sbom!.Image);
        Assert.Equal("SPDX-2.3", result.Sbom.Format);
        Assert.Equal(packages - 1, result.Sbom.Components.Count);
        var musl = Assert.Single(result.Sbom.Components, c => c.Name == "musl");
        Assert.StartsWith("pkg:apk/alpine/musl@", musl.Purl, StringComparison.Ordinal);
        Assert.Equal("MIT", musl.Licences);
        Assert.Equal("library", musl.Type);
        Assert.Equal("trivy-spdx", result.SourceTool);
        Assert.Empty(result.Findings);
        Assert.Empty(result.Subjects!);
    }

    [Fact]
    public void CycloneDX_licence_expressions_names_and_ids_and_a_missing_purl_are_read_as_the_spec_allows()
    {
        const string bom = """
            {"bomFormat":"CycloneDX","specVersion":"1.6","metadata":{"component":{"type":"container","name":"registry.example/app","version":"1.2",
              "purl":"pkg:oci/app@sha256%3Aabc?repository_url=registry.example%2Fapp&tag=1.2"}},
             "components":[
              {"type":"library","group":"org.apache.logging.log4j","name":"log4j-core","version":"2.14.1","purl":"pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1",
               "licenses":[{"license":{"id":"Apache-2.0"}},{"license":{"name":"Custom"}}]},
              {"type":"library","name":"vendored","version":"0.1","licenses":[{"expression":"MIT OR Apache-2.0"}],
               "components":[{"type":"file","name":"inner.jar"}]}]}
            """;
        var result = _cyclonedx.Parse(Encoding.UTF8.GetBytes(bom));

        Assert.Equal(new ImageReference("registry.example", "app", "1.2", "sha256:abc"), result.Sbom!.Image);
        var log4j = result.Sbom.Components[0];
        Assert.Equal("org.apache.logging.log4j:log4j-core", log4j.Name);
        Assert.Equal("Apache-2.0, Custom", log4j.Licences);
        Assert.Equal("MIT OR Apache-2.0", result.Sbom.Components[1].Licences);
        Assert.Null(result.Sbom.Components[1].Purl);
        Assert.Equal("inner.jar", result.Sbom.Components[2].Name);
    }

    [Fact]
    public void SPDX_NOASSERTION_licences_fall_back_to_the_declared_one_or_to_unknown()
    {
        const string document = """
            {"spdxVersion":"SPDX-2.3","SPDXID":"SPDXRef-DOCUMENT","name":"ghcr.io/acme/shop:1.0","documentDescribes":["SPDXRef-root"],
             "packages":[
              {"SPDXID":"SPDXRef-root","name":"ghcr.io/acme/shop:1.0","primaryPackagePurpose":"CONTAINER"},
              {"SPDXID":"SPDXRef-a","name":"a","versionInfo":"1","licenseConcluded":"NOASSERTION","licenseDeclared":"BSD-3-Clause",
               "externalRefs":[{"referenceCategory":"PACKAGE_MANAGER","referenceType":"purl","referenceLocator":"pkg:npm/a@1"}]},
              {"SPDXID":"SPDXRef-b","name":"b","licenseConcluded":"NOASSERTION","licenseDeclared":"NOASSERTION"}]}
            """;
        var result = _spdx.Parse(Encoding.UTF8.GetBytes(document));

        Assert.Equal(new ImageReference("ghcr.io", "acme/shop", "1.0", null), result.Sbom!.Image);
        Assert.Equal(["BSD-3-Clause", null], result.Sbom.Components.Select(c => c.Licences));
        Assert.Equal("pkg:npm/a@1", result.Sbom.Components[0].Purl);
        Assert.Null(result.Sbom.Components[1].Purl);
    }

    [Theory]
    [InlineData("""{"bomFormat":"CycloneDX","specVersion":"2.0","components":[]}""", "/specVersion")]
    [InlineData("""{"bomFormat":"CycloneDX","specVersion":"1.5","components":[{"type":"library"}]}""", "/components/0/name")]
    [InlineData("""{"bomFormat":"CycloneDX","specVersion":"1.5","components":{}}""", "/components")]
    [InlineData("""{"bomFormat":"CycloneDX","specVersion":"1.5","vulnerabilities":[{"id":"CVE-1","affects":[{}]}]}""", "/vulnerabilities/0/affects/0/ref")]
    public void A_malformed_CycloneDX_BOM_is_refused_naming_where(string bom, string pointer)
    {
        var error = Assert.Throws<ScanParseException>(() => _cyclonedx.Parse(Encoding.UTF8.GetBytes(bom)));
        Assert.Equal(pointer, error.Pointer);
    }
}
