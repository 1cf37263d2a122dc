using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using K8Posture.Data;
using K8Posture.IntegrationTests.Infrastructure;
using K8Posture.Shared;
using Microsoft.EntityFrameworkCore;

namespace K8Posture.IntegrationTests.Features.Vex;

/// <summary>
/// The real OpenVEX and CycloneDX VEX fixtures through <c>/api/v1/ingest/vex</c> against findings pushed through
/// <c>/api/v1/ingest/scans</c> (the real Trivy fixture, re-pointed at the VEX documents' image and packages).
/// </summary>
public sealed class VexIngestFacts(K8PostureAppFactory app) : IClassFixture<K8PostureAppFactory>
{
    private const string GoVex = "openvex/go-vex-v0.2.0-alpine-openssl.openvex.json";
    private const string TrivyVex = "openvex/trivy-openvex-affected-then-not-affected.openvex.json";
    private const string CycloneDxVex = "cyclonedx/cyclonedx-vex-jackson-databind-not-affected.json";
    private const string AlpineDigest = "sha256:124c7d2707904eea7431fffe91522a01e5a861a624ee31d03372cc1d138a3126";

    private sealed record Vulnerability(string Id, string Package, string Version, string Purl);

    private static readonly Vulnerability Libssl3446 = new("CVE-2023-3446", "libssl3", "3.0.8-r3", "pkg:apk/alpine/libssl3@3.0.8-r3?arch=x86_64&distro=3.18.2");
    private static readonly Vulnerability Libssl1255 = new("CVE-2023-1255", "libssl3", "3.0.8-r3", "pkg:apk/alpine/libssl3@3.0.8-r3?arch=x86_64&distro=3.18.2");
    private static readonly Vulnerability Busybox3817 = new("CVE-2023-3817", "busybox", "1.36.1-r0", "pkg:apk/alpine/busybox@1.36.1-r0?arch=x86_64&distro=3.18.2");
    private static readonly Vulnerability Libcrypto3817 = new("CVE-2023-3817", "libcrypto3", "3.0.8-r3", "pkg:apk/alpine/libcrypto3@3.0.8-r3?arch=x86_64&distro=3.18.2");

    /// <summary>The real Trivy image report, its image digest and vulnerabilities replaced (the first vulnerability is the template).</summary>
    private static byte[] TrivyReport(string repoDigest, params Vulnerability[] vulnerabilities)
    {
        var report = JsonNode.Parse(TestFixtures.Read("trivy/trivy-0.72.0-alpine-3.10-image.json"))!;
        report["Metadata"]!["RepoDigests"] = new JsonArray(repoDigest);
        var result = report["Results"]![0]!;
        var template = result["Vulnerabilities"]![0]!;
        var list = new JsonArray();
        foreach (var v in vulnerabilities)
        {
            var copy = template.DeepClone();
            copy["VulnerabilityID"] = v.Id;
            copy["PkgName"] = v.Package;
            copy["PkgID"] = $"{v.Package}@{v.Version}";
            copy["InstalledVersion"] = v.Version;
            copy["PkgIdentifier"] = new JsonObject { ["PURL"] = v.Purl };
            copy["PrimaryURL"] = "https://avd.aquasec.com/nvd/" + v.Id.ToLowerInvariant();
            list.Add(copy);
        }
        result["Vulnerabilities"] = list;
        return Encoding.UTF8.GetBytes(report.ToJsonString());
    }

    private async Task<JsonElement> PushAsync(string route, byte[] body, string? apiKey = null, HttpStatusCode expected = HttpStatusCode.OK, HttpMethod? method = null)
    {
        using var client = app.CreateApiClient(apiKey ?? await app.CreateApiKeyAsync("ingest"));
        using var request = new HttpRequestMessage(method ?? HttpMethod.Post, route) { Content = method == HttpMethod.Delete ? null : new ByteArrayContent(body) };
        var response = await client.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(expected == response.StatusCode, $"{route}: {(int)response.StatusCode} {text}");
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    private Task<List<Finding>> FindingsOfScopeAsync(string scope) =>
        app.WithDbAsync(db => db.Findings.AsNoTracking().Where(f => f.ScopeKey == scope).OrderBy(f => f.Id).ToListAsync());

    private static Finding Of(List<Finding> findings, Vulnerability v) => findings.Single(f => f.VulnerabilityId == v.Id && f.PackageName == v.Package);

    /// <summary>
    /// The go-vex fixture under another id and version, without the statements for <paramref name="dropped"/>, and, with
    /// <paramref name="digest"/>, about another image (so tests sharing the app do not mark each other's findings).
    /// </summary>
    private static byte[] GoVexVersion(int version, string id, string? digest = null, params string[] dropped)
    {
        var document = JsonNode.Parse(TestFixtures.Read(GoVex))!;
        if (digest is not null)
        {
            foreach (var statement in document["statements"]!.AsArray())
            {
                statement!["products"]![0]!["@id"] = "pkg:oci/alpine@" + Uri.EscapeDataString(digest);
            }
        }
        document["@id"] = id;
        document["version"] = version;
        var statements = document["statements"]!.AsArray();
        foreach (var statement in statements.Where(s => dropped.Contains(s!["vulnerability"]!["name"]!.GetValue<string>())).ToList())
        {
            statements.Remove(statement);
        }
        return Encoding.UTF8.GetBytes(document.ToJsonString());
    }

    [Fact]
    public async Task A_not_affected_statement_marks_the_matching_findings_keeps_them_audits_and_takes_them_out_of_the_open_figures()
    {
        var scope = "test:vex-" + Guid.NewGuid().ToString("N")[..8];
        await PushAsync($"/api/v1/ingest/scans?scope={scope}", TrivyReport("alpine@" + AlpineDigest, Libssl3446, Libssl1255, Busybox3817));
        var openBefore = await app.WithDbAsync(db => db.Findings.Where(f => f.ScopeKey == scope).CountAsync(PostureDefinitions.IsOpen));
        var auditBefore = await app.ScalarAsync("SELECT COUNT(*) FROM AuditEvents WHERE Action = 'vex.document.loaded'");

        // The document's @id is fixed, so this test loads its own copy (a distinct id) of the real fixture.
        var documentId = "https://example.test/vex/" + scope;
        var outcome = await PushAsync("/api/v1/ingest/vex", GoVexVersion(1, documentId));

        Assert.Equal("loaded", outcome.GetProperty("result").GetString());
        Assert.Equal(5, outcome.GetProperty("statements").GetInt32());
        var findings = await FindingsOfScopeAsync(scope);
        var marked = Of(findings, Libssl3446);
        Assert.Equal(FindingResolution.NotAffected, marked.Resolution);
        Assert.Equal(FindingStatus.Open, marked.Status);
        Assert.NotNull(marked.VexStatementId);
        // "fixed" is not "not affected"; busybox is not one of the statement's subcomponents.
        Assert.Equal(FindingResolution.None, Of(findings, Libssl1255).Resolution);
        Assert.Equal(FindingResolution.None, Of(findings, Busybox3817).Resolution);
        Assert.Equal(openBefore - 1, await app.WithDbAsync(db => db.Findings.Where(f => f.ScopeKey == scope).CountAsync(PostureDefinitions.IsOpen)));

        var history = await app.WithDbAsync(db => db.FindingEvents.AsNoTracking().Where(e => e.FindingId == marked.Id && e.Kind == FindingEventKind.ResolutionChanged).ToListAsync());
        Assert.Contains(history, e => e.Detail!.Contains("vulnerable_code_not_present", StringComparison.Ordinal) && e.Detail.Contains(documentId, StringComparison.Ordinal));
        Assert.Equal(auditBefore + 1, await app.ScalarAsync("SELECT COUNT(*) FROM AuditEvents WHERE Action = 'vex.document.loaded'"));
        var audit = await app.WithDbAsync(db => db.AuditEvents.AsNoTracking().SingleAsync(a => a.Action == "vex.document.loaded" && a.EntityId == documentId));
        Assert.Contains(marked.Id.ToString(System.Globalization.CultureInfo.InvariantCulture), audit.After);

        // A finding pushed after the statement exists is born not affected.
        await PushAsync($"/api/v1/ingest/scans?scope={scope}", TrivyReport("alpine@" + AlpineDigest, Libssl3446, Libssl1255, Busybox3817, Libcrypto3817));
        var born = Of(await FindingsOfScopeAsync(scope), Libcrypto3817);
        Assert.Equal(FindingResolution.NotAffected, born.Resolution);
        Assert.True(born.PriorityScoredAt is not null, "a push's new findings are scored in the push");

        // Withdrawing the document brings them back to open work.
        var withdrawn = await PushAsync("/api/v1/ingest/vex?id=" + Uri.EscapeDataString(documentId), [], method: HttpMethod.Delete);
        Assert.Equal(2, withdrawn.GetProperty("findingsBroughtBack").GetInt32());
        findings = await FindingsOfScopeAsync(scope);
        Assert.All(findings, f => Assert.Equal(FindingResolution.None, f.Resolution));
        Assert.All(findings, f => Assert.Null(f.VexStatementId));
        Assert.Equal(1, await app.ScalarAsync("SELECT COUNT(*) FROM AuditEvents WHERE Action = 'vex.document.withdrawn' AND EntityId = @id", ("@id", documentId)));
    }

    [Fact]
    public async Task A_newer_version_without_the_statement_brings_the_finding_back_and_an_older_version_is_refused()
    {
        var scope = "test:vex-" + Guid.NewGuid().ToString("N")[..8];
        var digest = "sha256:" + Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(Encoding.UTF8.GetBytes(scope)));
        await PushAsync($"/api/v1/ingest/scans?scope={scope}", TrivyReport("alpine@" + digest, Libssl3446));
        var documentId = "https://example.test/vex/" + scope;
        byte[] Versioned(int version, params string[] dropped) => GoVexVersion(version, documentId, digest, dropped);

        Assert.Equal(1, (await PushAsync("/api/v1/ingest/vex", Versioned(2))).GetProperty("findingsMarkedNotAffected").GetInt32());
        var older = await PushAsync("/api/v1/ingest/vex", Versioned(1), expected: HttpStatusCode.Conflict);
        Assert.Contains("older", older.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(FindingResolution.NotAffected, (await FindingsOfScopeAsync(scope)).Single().Resolution);

        var replaced = await PushAsync("/api/v1/ingest/vex", Versioned(3, "CVE-2023-3446"));

        Assert.Equal("replaced", replaced.GetProperty("result").GetString());
        Assert.Equal(1, replaced.GetProperty("findingsBroughtBack").GetInt32());
        Assert.Equal(FindingResolution.None, (await FindingsOfScopeAsync(scope)).Single().Resolution);
    }

    [Fact]
    public async Task The_newest_statement_per_vulnerability_and_product_wins_and_CycloneDX_VEX_marks_by_package_purl()
    {
        var scope = "test:vex-" + Guid.NewGuid().ToString("N")[..8];
        var log4shell = new Vulnerability("CVE-2021-44228", "org.springframework.boot:spring-boot", "2.6.0", "pkg:maven/org.springframework.boot/spring-boot@2.6.0");
        var jackson = new Vulnerability("CVE-2020-25649", "com.fasterxml.jackson.core:jackson-databind", "2.10.0", "pkg:maven/com.fasterxml.jackson.core/jackson-databind@2.10.0");
        var otherJackson = jackson with { Version = "2.12.0", Purl = "pkg:maven/com.fasterxml.jackson.core/jackson-databind@2.12.0" };
        await PushAsync($"/api/v1/ingest/scans?scope={scope}", TrivyReport("alpine@sha256:" + new string('a', 64), log4shell, jackson, otherJackson));

        await PushAsync("/api/v1/ingest/vex", TestFixtures.Read(TrivyVex));
        await PushAsync("/api/v1/ingest/vex", TestFixtures.Read(CycloneDxVex));

        var findings = await FindingsOfScopeAsync(scope);
        // Trivy's document says affected (15 Jan) and then, in the document of 16 Jan, not_affected: the later one wins.
        Assert.Equal(FindingResolution.NotAffected, Of(findings, log4shell).Resolution);
        Assert.Equal(FindingResolution.NotAffected, findings.Single(f => f.VulnerabilityId == jackson.Id && f.InstalledVersion == "2.10.0").Resolution);
        Assert.Equal(FindingResolution.None, findings.Single(f => f.VulnerabilityId == jackson.Id && f.InstalledVersion == "2.12.0").Resolution);
    }

    [Fact]
    public async Task A_team_key_marks_only_its_own_teams_findings_and_cannot_replace_an_organisation_document()
    {
        var suffix = Guid.NewGuid().ToString("N")[..8];
        var teamA = await app.SeedTeamAsync("Vex-A-" + suffix);
        var teamB = await app.SeedTeamAsync("Vex-B-" + suffix);
        var digest = "sha256:" + Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(Encoding.UTF8.GetBytes(suffix)));
        var keyA = await app.CreateApiKeyAsync("ingest", teamA);
        await PushAsync($"/api/v1/ingest/scans?scope=test:vex-a-{suffix}", TrivyReport("alpine@" + digest, Libssl3446), keyA);
        await PushAsync($"/api/v1/ingest/scans?scope=test:vex-b-{suffix}", TrivyReport("alpine@" + digest, Libssl3446), await app.CreateApiKeyAsync("ingest", teamB));

        var outcome = await PushAsync("/api/v1/ingest/vex", GoVexVersion(1, "https://example.test/vex/team-" + suffix, digest), keyA);

        Assert.Equal(1, outcome.GetProperty("findingsMarkedNotAffected").GetInt32());
        Assert.Equal(FindingResolution.NotAffected, (await FindingsOfScopeAsync($"test:vex-a-{suffix}")).Single().Resolution);
        Assert.Equal(FindingResolution.None, (await FindingsOfScopeAsync($"test:vex-b-{suffix}")).Single().Resolution);

        var organisationDocument = "https://example.test/vex/org-" + suffix;
        var otherDigest = "sha256:" + new string('b', 64);
        await PushAsync("/api/v1/ingest/vex", GoVexVersion(1, organisationDocument, otherDigest));
        await PushAsync("/api/v1/ingest/vex", GoVexVersion(2, organisationDocument, otherDigest), keyA, HttpStatusCode.Forbidden);
        await PushAsync("/api/v1/ingest/vex?id=" + Uri.EscapeDataString(organisationDocument), [], keyA, HttpStatusCode.Forbidden, HttpMethod.Delete);
    }

    [Theory]
    [InlineData("{\"@context\":\"https://openvex.dev/ns/v0.2.0\",\"statements\":[{\"vulnerability\":{\"name\":\"CVE-2023-3446\"},\"products\":[{\"@id\":\"pkg:oci/a@sha256%3A00\"}],\"status\":\"not_affected\",\"justification\":\"because\"}]}", "/statements/0/justification")]
    [InlineData("{\"bomFormat\":\"CycloneDX\",\"specVersion\":\"1.5\",\"components\":[]}", "/vulnerabilities")]
    [InlineData("{\"@context\":\"https://openvex.dev/ns/v0.2.0\",\"statements\":[", "line 1, position")]
    public async Task A_bad_document_gets_problem_details_naming_where_and_writes_nothing(string body, string pointer)
    {
        var documents = await app.ScalarAsync("SELECT COUNT(*) FROM VexDocuments");

        var problem = await PushAsync("/api/v1/ingest/vex", Encoding.UTF8.GetBytes(body), expected: HttpStatusCode.BadRequest);

        Assert.Equal("Invalid VEX document", problem.GetProperty("title").GetString());
        Assert.Contains(pointer, problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(documents, await app.ScalarAsync("SELECT COUNT(*) FROM VexDocuments"));
    }
}
