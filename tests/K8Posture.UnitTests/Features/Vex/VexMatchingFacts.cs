using K8Posture.Features.Vex;

namespace K8Posture.UnitTests.Features.Vex;

public sealed class VexMatchingFacts
{
    private const string AlpineDigest = "sha256:124c7d2707904eea7431fffe91522a01e5a861a624ee31d03372cc1d138a3126";
    private const string AlpineImage = "pkg:oci/alpine@sha256%3A124c7d2707904eea7431fffe91522a01e5a861a624ee31d03372cc1d138a3126";

    private static VexFindingFacts Finding(string vulnerability = "CVE-2023-3446", string? digest = AlpineDigest, string? purl = "pkg:apk/alpine/libssl3@3.0.8-r3?arch=x86_64&distro=3.18.2",
        string? package = "libssl3", string? version = "3.0.8-r3", string? repository = "library/alpine", string? tag = "3.18", string? cve = null) =>
        new(vulnerability, cve ?? (vulnerability.StartsWith("CVE-", StringComparison.Ordinal) ? vulnerability : null), "index.docker.io", repository, tag, digest, purl, package, version);

    [Fact]
    public void An_image_digest_product_matches_the_findings_of_that_digest_only()
    {
        Assert.True(VexMatching.ProductMatches(AlpineImage, [], Finding()));
        Assert.False(VexMatching.ProductMatches(AlpineImage, [], Finding(digest: "sha256:0000000000000000000000000000000000000000000000000000000000000000")));
        Assert.False(VexMatching.ProductMatches(AlpineImage, [], Finding(digest: null)));
    }

    [Fact]
    public void Subcomponents_narrow_an_image_to_their_packages_ignoring_purl_qualifiers()
    {
        string[] openssl = ["pkg:apk/alpine/libssl3@3.0.8-r3", "pkg:apk/alpine/libcrypto3@3.0.8-r3"];

        Assert.True(VexMatching.ProductMatches(AlpineImage, openssl, Finding()));
        Assert.False(VexMatching.ProductMatches(AlpineImage, openssl, Finding(purl: "pkg:apk/alpine/busybox@1.36.1-r0", package: "busybox", version: "1.36.1-r0")));
        Assert.False(VexMatching.ProductMatches(AlpineImage, openssl, Finding(purl: "pkg:apk/alpine/libssl3@3.0.9-r0", version: "3.0.9-r0")));
    }

    [Fact]
    public void A_package_product_matches_by_type_namespace_name_and_version_or_by_name_when_the_finding_has_no_purl()
    {
        const string jackson = "pkg:maven/com.fasterxml.jackson.core/jackson-databind@2.10.0?type=jar";
        var withPurl = Finding("CVE-2020-25649", digest: null, purl: "pkg:maven/com.fasterxml.jackson.core/jackson-databind@2.10.0", package: "com.fasterxml.jackson.core:jackson-databind", version: "2.10.0");

        Assert.True(VexMatching.ProductMatches(jackson, [], withPurl));
        Assert.True(VexMatching.ProductMatches(jackson, [], withPurl with { Purl = null }));
        Assert.False(VexMatching.ProductMatches(jackson, [], withPurl with { Purl = "pkg:maven/com.fasterxml.jackson.core/jackson-databind@2.12.1" }));
        Assert.False(VexMatching.ProductMatches(jackson, [], withPurl with { Purl = null, InstalledVersion = "2.12.1" }));
        // Without a version the statement speaks for every version of the package.
        Assert.True(VexMatching.ProductMatches("pkg:maven/com.fasterxml.jackson.core/jackson-databind", [], withPurl with { Purl = "pkg:maven/com.fasterxml.jackson.core/jackson-databind@2.12.1" }));
    }

    [Fact]
    public void An_image_without_a_digest_matches_by_repository_and_tag()
    {
        Assert.True(VexMatching.ProductMatches("pkg:oci/alpine?tag=3.18", [], Finding(digest: null)));
        Assert.False(VexMatching.ProductMatches("pkg:oci/alpine?tag=3.19", [], Finding(digest: null)));
        Assert.True(VexMatching.ProductMatches("pkg:oci/alpine?repository_url=index.docker.io/library/alpine", [], Finding(digest: null)));
        Assert.False(VexMatching.ProductMatches("pkg:oci/nginx", [], Finding(digest: null)));
    }

    [Fact]
    public void Identifiers_that_are_not_purls_match_nothing()
    {
        Assert.False(VexMatching.ProductMatches("cpe:2.3:a:openssl:openssl:3.0.8:*:*:*:*:*:*:*", [], Finding()));
        Assert.False(VexMatching.ProductMatches("web-frontend", [], Finding()));
    }

    [Fact]
    public void The_vulnerability_matches_by_id_alias_or_the_findings_CVE_alias_ignoring_case()
    {
        Assert.True(VexMatching.VulnerabilityMatches("CVE-2023-3446", [], Finding()));
        Assert.True(VexMatching.VulnerabilityMatches("GHSA-jfh8-c2jp-5v3q", ["CVE-2021-44228"], Finding("CVE-2021-44228")));
        // A GHSA finding whose CVE alias the statement names.
        Assert.True(VexMatching.VulnerabilityMatches("CVE-2021-44228", [], Finding("GHSA-jfh8-c2jp-5v3q", cve: "CVE-2021-44228")));
        Assert.True(VexMatching.VulnerabilityMatches("ghsa-JFH8-c2jp-5v3q", [], Finding("GHSA-jfh8-c2jp-5v3q", cve: "CVE-2021-44228")));
        Assert.False(VexMatching.VulnerabilityMatches("CVE-2023-3817", [], Finding()));
    }
}
