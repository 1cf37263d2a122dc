using System.Text;
using System.Text.Json;
using K8Posture.Features.Ingestion;
using K8Posture.Features.Vex;

namespace K8Posture.UnitTests.Features.Vex;

public sealed class VexDocumentParserFacts
{
    private static byte[] Fixture(string path) => File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "fixtures", path));

    [Fact]
    public void The_go_vex_document_yields_one_statement_per_product_with_its_subcomponents_and_the_document_timestamp()
    {
        var bytes = Fixture("openvex/go-vex-v0.2.0-alpine-openssl.openvex.json");
        using var expected = JsonDocument.Parse(bytes);

        var document = VexDocumentParser.Parse(bytes);

        Assert.Equal(VexFormat.OpenVex, document.Format);
        Assert.Equal(expected.RootElement.GetProperty("@id").GetString(), document.DocumentId);
        Assert.Equal("The OpenVEX Project <openvex@openssf.org>", document.Author);
        Assert.Equal(1, document.Version);
        Assert.Equal(expected.RootElement.GetProperty("statements").GetArrayLength(), document.Statements.Count);
        var notAffected = document.Statements.Where(s => s.Status == VexStatus.NotAffected).ToList();
        Assert.Equal(["CVE-2023-3446", "CVE-2023-3817"], notAffected.Select(s => s.VulnerabilityId));
        Assert.All(notAffected, s =>
        {
            Assert.Equal("vulnerable_code_not_present", s.Justification);
            Assert.Equal("affected functions were removed before packaging", s.ImpactStatement);
            Assert.Equal("pkg:oci/alpine@sha256%3A124c7d2707904eea7431fffe91522a01e5a861a624ee31d03372cc1d138a3126", s.ProductId);
            Assert.Equal(["pkg:apk/alpine/libssl3@3.0.8-r3", "pkg:apk/alpine/libcrypto3@3.0.8-r3"], s.Subcomponents);
            // No statement timestamp: the document's (Go's nanoseconds read to the tick).
            Assert.Equal(new DateTimeOffset(2023, 7, 18, 0, 28, 47, TimeSpan.Zero).AddTicks(6960043), s.Timestamp);
        });
        Assert.Equal(3, document.Statements.Count(s => s.Status == VexStatus.Fixed));
    }

    [Fact]
    public void A_document_without_an_id_is_known_by_the_sha256_of_its_bytes()
    {
        var bytes = Fixture("openvex/trivy-openvex-affected-then-not-affected.openvex.json");

        var document = VexDocumentParser.Parse(bytes);

        Assert.Equal("sha256:" + Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(bytes)), document.DocumentId);
        Assert.Equal([VexStatus.Affected, VexStatus.NotAffected], document.Statements.Select(s => s.Status));
        // The first statement has its own timestamp, the second inherits the (later) document timestamp.
        Assert.True(document.Statements[1].Timestamp > document.Statements[0].Timestamp);
    }

    [Fact]
    public void Vulnerability_aliases_are_kept()
    {
        var document = VexDocumentParser.Parse(Fixture("openvex/vexctl-nginx-sample-2vulns.openvex.json"));

        var statement = Assert.Single(document.Statements, s => s.Status == VexStatus.NotAffected);
        Assert.Equal("CVE-2023-27103", statement.VulnerabilityId);
        Assert.Equal(["SNYK-DEBIAN12-LIBDE265-3361563"], statement.Aliases);
        Assert.Equal("component_not_present", statement.Justification);
    }

    [Fact]
    public void The_CycloneDX_VEX_example_maps_its_analysis_and_resolves_the_bom_link_to_the_purl()
    {
        var document = VexDocumentParser.Parse(Fixture("cyclonedx/cyclonedx-vex-jackson-databind-not-affected.json"));

        Assert.Equal(VexFormat.CycloneDx, document.Format);
        var statement = Assert.Single(document.Statements);
        Assert.Equal("CVE-2020-25649", statement.VulnerabilityId);
        Assert.Equal(["SNYK-JAVA-COMFASTERXMLJACKSONCORE-1048302"], statement.Aliases);
        Assert.Equal(VexStatus.NotAffected, statement.Status);
        Assert.Equal("code_not_reachable", statement.Justification);
        Assert.Equal("will_not_fix, update", statement.ActionStatement);
        Assert.StartsWith("Automated dataflow analysis", statement.ImpactStatement);
        Assert.Equal("pkg:maven/com.fasterxml.jackson.core/jackson-databind@2.10.0?type=jar", statement.ProductId);
        Assert.Equal(new DateTimeOffset(2021, 10, 26, 0, 0, 0, TimeSpan.Zero), statement.Timestamp);
    }

    [Theory]
    [InlineData("exploitable", VexStatus.Affected)]
    [InlineData("resolved", VexStatus.Fixed)]
    [InlineData("in_triage", VexStatus.UnderInvestigation)]
    [InlineData("false_positive", VexStatus.NotAffected)]
    public void CycloneDX_analysis_states_map_onto_the_OpenVEX_statuses(string state, VexStatus status)
    {
        var bom = $$"""
            {"bomFormat":"CycloneDX","specVersion":"1.5","serialNumber":"urn:uuid:3e671687-395b-41f5-a30f-a58921a69b79","version":2,
             "components":[{"bom-ref":"web","name":"web","purl":"pkg:oci/web@sha256%3Aabc"}],
             "vulnerabilities":[{"id":"CVE-2024-1","analysis":{"state":"{{state}}"},"affects":[{"ref":"web"}]}]}
            """;

        var document = VexDocumentParser.Parse(Encoding.UTF8.GetBytes(bom));

        Assert.Equal("urn:uuid:3e671687-395b-41f5-a30f-a58921a69b79", document.DocumentId);
        Assert.Equal(2, document.Version);
        var statement = Assert.Single(document.Statements);
        Assert.Equal(status, statement.Status);
        Assert.Equal("pkg:oci/web@sha256%3Aabc", statement.ProductId);
    }

    [Theory]
    [InlineData("""{"@context":"https://openvex.dev/ns/v0.2.0","statements":[{"vulnerability":{"name":"CVE-1"},"products":[{"@id":"pkg:npm/a@1"}],"status":"maybe"}]}""", "/statements/0/status")]
    [InlineData("""{"@context":"https://openvex.dev/ns/v0.2.0","statements":[{"vulnerability":{"name":"CVE-1"},"products":[{"@id":"pkg:npm/a@1"}],"status":"not_affected","justification":"trust_me"}]}""", "/statements/0/justification")]
    [InlineData("""{"@context":"https://openvex.dev/ns/v0.2.0","statements":[{"vulnerability":{"name":"CVE-1"},"products":[{"@id":"pkg:npm/a@1"}],"status":"not_affected"}]}""", "/statements/0")]
    [InlineData("""{"@context":"https://openvex.dev/ns/v0.2.0","statements":[{"products":[{"@id":"pkg:npm/a@1"}],"status":"fixed"}]}""", "/statements/0/vulnerability")]
    [InlineData("""{"@context":"https://openvex.dev/ns/v0.2.0","statements":[{"vulnerability":{"name":"CVE-1"},"products":[{}],"status":"fixed"}]}""", "/statements/0/products/0")]
    [InlineData("""{"bomFormat":"CycloneDX","specVersion":"1.5","components":[]}""", "/vulnerabilities")]
    [InlineData("""{"bomFormat":"CycloneDX","specVersion":"1.5","vulnerabilities":[{"id":"CVE-1","ratings":[]}]}""", "/vulnerabilities")]
    [InlineData("""{"bomFormat":"CycloneDX","vulnerabilities":[{"id":"CVE-1","analysis":{"state":"fine"},"affects":[{"ref":"x"}]}]}""", "/vulnerabilities/0/analysis/state")]
    [InlineData("""{"spdxVersion":"SPDX-2.3"}""", "")]
    public void A_bad_document_is_refused_naming_where(string json, string pointer)
    {
        var refusal = Assert.Throws<IngestRejectedException>(() => VexDocumentParser.Parse(Encoding.UTF8.GetBytes(json)));

        Assert.Equal(VexDocumentParser.Title, refusal.Title);
        Assert.Equal(pointer, refusal.Pointer);
    }
}
