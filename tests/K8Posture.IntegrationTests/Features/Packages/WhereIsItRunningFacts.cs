using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using K8Posture.Data;
using K8Posture.Features.Admin;
using K8Posture.Features.Packages;
using K8Posture.IntegrationTests.Infrastructure;
using K8Posture.Security;
using Microsoft.EntityFrameworkCore;

namespace K8Posture.IntegrationTests.Features.Packages;

/// <summary>SBOMs through the scan API, workloads from Trivy Operator reports, the package search and watches, on the real app and file.</summary>
public sealed class WhereIsItRunningFacts(K8PostureAppFactory app) : IClassFixture<K8PostureAppFactory>
{
    private const string Centos = "cyclonedx/trivy-image-centos-7-sbom.cdx.json";
    private const string Fluentd = "cyclonedx/trivy-image-fluentd-multiple-lockfiles-vulns.cdx.json";
    private const string Alpine = "spdx/trivy-0.58.0-image-alpine-3.15.spdx.json";
    private const string AlpineDigest = "sha256:19b4bcc4f60e99dd5ebdca0cbce22c503bbcff197549d7e19dab4f22254dc864";

    private sealed record Seeded(string Suffix, string Cluster, int TeamA, int TeamB, string Image);

    /// <summary>The centos SBOM renamed to an image of this test's own (the fixture otherwise unchanged), optionally without openssl-libs.</summary>
    private static byte[] CentosSbom(string image, bool withOpenssl = true)
    {
        var bom = JsonNode.Parse(TestFixtures.Read(Centos))!.AsObject();
        foreach (var property in bom["metadata"]!["component"]!["properties"]!.AsArray())
        {
            if (property!["name"]!.GetValue<string>() is "aquasecurity:trivy:RepoTag" or "aquasecurity:trivy:Reference")
            {
                property["value"] = image;
            }
        }
        if (!withOpenssl)
        {
            var components = bom["components"]!.AsArray();
            components.Remove(components.Single(c => c!["name"]!.GetValue<string>() == "openssl-libs"));
        }
        return Encoding.UTF8.GetBytes(bom.ToJsonString());
    }

    /// <summary>A Trivy Operator VulnerabilityReport (no vulnerabilities) of one Deployment container running <paramref name="image"/>.</summary>
    private static JsonObject Report(string ns, string deployment, string image, string? digest) => new()
    {
        ["apiVersion"] = "aquasecurity.github.io/v1alpha1",
        ["kind"] = "VulnerabilityReport",
        ["metadata"] = new JsonObject
        {
            ["name"] = $"replicaset-{deployment}-app",
            ["namespace"] = ns,
            ["labels"] = new JsonObject
            {
                ["trivy-operator.resource.kind"] = "Deployment",
                ["trivy-operator.resource.name"] = deployment,
                ["trivy-operator.resource.namespace"] = ns,
                ["trivy-operator.container.name"] = "app",
            },
        },
        ["report"] = new JsonObject
        {
            ["registry"] = new JsonObject { ["server"] = image.Split('/')[0] },
            ["artifact"] = new JsonObject { ["repository"] = image.Split('/', 2)[1].Split(':')[0], ["tag"] = image.Split(':')[^1], ["digest"] = digest },
            ["scanner"] = new JsonObject { ["name"] = "Trivy", ["version"] = "0.58.0" },
            ["vulnerabilities"] = new JsonArray(),
        },
    };

    private async Task<Seeded> SeedAsync()
    {
        var suffix = Guid.NewGuid().ToString("N")[..6];
        var teamA = await app.SeedTeamAsync("Storefront-" + suffix);
        var teamB = await app.SeedTeamAsync("Ledger-" + suffix);
        var cluster = "prod-" + suffix;
        await app.SeedClusterAsync(cluster, ("shop", teamA), ("ledger", teamB));
        var image = $"ghcr.io/acme-{suffix}/centos:7";
        var reports = new JsonObject
        {
            ["apiVersion"] = "v1",
            ["kind"] = "List",
            ["items"] = new JsonArray(Report("shop", "web", image, null), Report("ledger", "api", "index.docker.io/library/alpine:3.15", AlpineDigest)),
        };
        using var ingest = app.CreateApiClient(await app.CreateApiKeyAsync("ingest"));
        await PushAsync(ingest, "cluster=" + cluster, Encoding.UTF8.GetBytes(reports.ToJsonString()));
        return new Seeded(suffix, cluster, teamA, teamB, image);
    }

    private static async Task<JsonElement> PushAsync(HttpClient client, string query, byte[] body, HttpStatusCode expected = HttpStatusCode.OK)
    {
        var response = await client.PostAsync("/api/v1/ingest/scans?" + query, new ByteArrayContent(body));
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(expected == response.StatusCode, $"{response.StatusCode}: {text}");
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    private static async Task<JsonElement> SearchAsync(HttpClient client, string purl, string? range = null)
    {
        var response = await client.GetAsync($"/api/v1/packages?purl={Uri.EscapeDataString(purl)}{(range is null ? "" : "&versionRange=" + Uri.EscapeDataString(range))}");
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"{response.StatusCode}: {text}");
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    private static List<JsonElement> Matches(JsonElement result, string cluster) =>
        result.GetProperty("matches").EnumerateArray().Where(m => m.GetProperty("cluster").GetString() == cluster).ToList();

    [Fact]
    public async Task An_SBOM_tells_which_workloads_run_a_package_by_tag_and_by_digest_scoped_to_the_caller()
    {
        var seeded = await SeedAsync();
        using var ingest = app.CreateApiClient(await app.CreateApiKeyAsync("ingest"));
        await PushAsync(ingest, "", CentosSbom(seeded.Image));
        await PushAsync(ingest, "", TestFixtures.Read(Alpine));
        using var reader = app.CreateApiClient(await app.CreateApiKeyAsync("read"));
        using var teamBReader = app.CreateApiClient(await app.CreateApiKeyAsync("read", seeded.TeamB));

        // The rpm epoch (a purl qualifier) is part of the version the range is judged by.
        var openssl = Matches(await SearchAsync(reader, "pkg:rpm/centos/openssl-libs@9.9", "<1:1.0.2k-20.el7"), seeded.Cluster);
        var match = Assert.Single(openssl);
        Assert.Equal(("shop", "Deployment", "web", "app", "1:1.0.2k-16.el7", "Storefront-" + seeded.Suffix),
            (match.GetProperty("namespace").GetString(), match.GetProperty("workloadKind").GetString(), match.GetProperty("workloadName").GetString(),
             match.GetProperty("container").GetString(), match.GetProperty("componentVersion").GetString(), match.GetProperty("team").GetString()));
        Assert.Empty(Matches(await SearchAsync(reader, "pkg:rpm/centos/openssl-libs", "<1:1.0.2k-16.el7"), seeded.Cluster));

        var musl = Matches(await SearchAsync(reader, "pkg:apk/alpine/musl"), seeded.Cluster);
        Assert.Equal(["ledger"], musl.Select(m => m.GetProperty("namespace").GetString()));
        Assert.Equal(AlpineDigest, musl[0].GetProperty("imageDigest").GetString());

        // Team B sees its alpine workload, not team A's centos one.
        Assert.Empty(Matches(await SearchAsync(teamBReader, "pkg:rpm/centos/openssl-libs"), seeded.Cluster));
        Assert.Single(Matches(await SearchAsync(teamBReader, "pkg:apk/alpine/musl"), seeded.Cluster));

        // A new SBOM of the same image replaces its components.
        await PushAsync(ingest, "", CentosSbom(seeded.Image, withOpenssl: false));
        Assert.Empty(Matches(await SearchAsync(reader, "pkg:rpm/centos/openssl-libs"), seeded.Cluster));
        Assert.Single(Matches(await SearchAsync(reader, "pkg:rpm/centos/bash"), seeded.Cluster));
        var components = await app.ScalarAsync("""
            SELECT COUNT(*) FROM "SoftwareComponents" c JOIN "SbomImages" i ON i."Id" = c."SbomImageId" WHERE i."ImageKey" = $key
            """, ("$key", seeded.Image));
        Assert.Equal(2, components);
    }

    [Theory]
    [InlineData("purl=maven/log4j", "purl")]
    [InlineData("purl=pkg:maven/org.apache.logging.log4j/log4j-core&versionRange=%3E%3D", "versionRange")]
    [InlineData("purl=pkg:maven/org.apache.logging.log4j/log4j-core&versionRange=vers:cobol/%3C1", "versionRange")]
    [InlineData("", "purl")]
    public async Task A_bad_purl_or_range_is_a_problem_naming_it(string query, string field)
    {
        using var reader = app.CreateApiClient(await app.CreateApiKeyAsync("read"));
        var response = await reader.GetAsync("/api/v1/packages?" + query);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(field, problem.GetProperty("field").GetString());
    }

    [Fact]
    public async Task A_CycloneDX_BOM_with_vulnerabilities_yields_findings_that_close_when_a_later_BOM_drops_them()
    {
        var scope = "repo:fluentd-" + Guid.NewGuid().ToString("N")[..6];
        using var ingest = app.CreateApiClient(await app.CreateApiKeyAsync("ingest"));
        var first = await PushAsync(ingest, "scope=" + scope, TestFixtures.Read(Fluentd));
        Assert.Equal(3, first.GetProperty("created").GetInt32());
        Assert.Equal("trivy-cyclonedx", first.GetProperty("source").GetString());

        var bom = JsonNode.Parse(TestFixtures.Read(Fluentd))!.AsObject();
        var vulnerabilities = bom["vulnerabilities"]!.AsArray();
        vulnerabilities.Remove(vulnerabilities.Single(v => v!["id"]!.GetValue<string>() == "CVE-2020-8165"));
        var second = await PushAsync(ingest, "scope=" + scope, Encoding.UTF8.GetBytes(bom.ToJsonString()));
        Assert.Equal((2, 1), (second.GetProperty("unchanged").GetInt32(), second.GetProperty("closed").GetInt32()));

        // An SBOM without vulnerabilities is an inventory: it closes nothing.
        bom.Remove("vulnerabilities");
        var third = await PushAsync(ingest, "scope=" + scope, Encoding.UTF8.GetBytes(bom.ToJsonString()));
        Assert.Equal(0, third.GetProperty("closed").GetInt32());
        Assert.Equal(2, await app.ScalarAsync("""SELECT COUNT(*) FROM "Findings" WHERE "ScopeKey" = $s AND "Status" = 0""", ("$s", scope)));
    }

    [Fact]
    public async Task A_team_key_replaces_only_its_own_teams_SBOM()
    {
        var suffix = Guid.NewGuid().ToString("N")[..6];
        var teamA = await app.SeedTeamAsync("Payments-" + suffix);
        var teamB = await app.SeedTeamAsync("Search-" + suffix);
        var image = $"ghcr.io/acme-{suffix}/shared:1";
        using var keyA = app.CreateApiClient(await app.CreateApiKeyAsync("ingest", teamA));
        using var keyB = app.CreateApiClient(await app.CreateApiKeyAsync("ingest", teamB));
        await PushAsync(keyA, "", CentosSbom(image));

        var refused = await keyB.PostAsync("/api/v1/ingest/scans", new ByteArrayContent(CentosSbom(image, withOpenssl: false)));

        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        var owner = await app.WithDbAsync(db => db.SbomImages.Where(i => i.ImageKey == image).Select(i => new { i.OwnerTeamId, i.ComponentCount }).SingleAsync());
        Assert.Equal((teamA, 3), (owner.OwnerTeamId!.Value, owner.ComponentCount));
    }

    [Fact]
    public async Task A_watch_raises_a_finding_per_matching_workload_for_its_team_and_closes_it_when_the_match_goes()
    {
        var seeded = await SeedAsync();
        using var ingest = app.CreateApiClient(await app.CreateApiKeyAsync("ingest"));
        await PushAsync(ingest, "", CentosSbom(seeded.Image));

        await Assert.ThrowsAsync<SecurityTeamRequiredException>(() => app.AsCallerAsync<PackageWatchService, PackageWatchView>(
            Callers.Person(Roles.AppTeamMember, seeded.TeamA), s => s.CreateAsync(new PackageWatchRequest("nope-" + seeded.Suffix, "pkg:rpm/centos/openssl-libs", null, null), default)));

        var watch = await app.AsCallerAsync<PackageWatchService, PackageWatchView>(Callers.Person(Roles.SecurityAnalyst),
            s => s.CreateAsync(new PackageWatchRequest("openssl-" + seeded.Suffix, "pkg:rpm/centos/openssl-libs", "vers:rpm/<1:1.0.2k-20.el7", FindingSeverity.Critical), default));

        var rule = PackageWatchEvaluator.RulePrefix + watch.Id;
        var finding = await app.WithDbAsync(db => db.Findings.AsNoTracking().SingleAsync(f => f.RuleId == rule && f.NamespaceName == "shop"));
        Assert.Equal((FindingStatus.Open, seeded.TeamA, FindingSeverity.Critical, "Deployment", "web"),
            (finding.Status, finding.OwnerTeamId!.Value, finding.Severity, finding.ResourceKind, finding.ResourceName));
        Assert.True(watch.LastMatches >= 1);
        Assert.Equal(1, await app.ScalarAsync("""SELECT COUNT(*) FROM "AuditEvents" WHERE "Action" = 'package-watch.create' AND "After" LIKE $n""", ("$n", "%openssl-" + seeded.Suffix + "%")));

        // The next SBOM of the image lacks the package: the push evaluates the watch and the finding closes.
        await PushAsync(ingest, "", CentosSbom(seeded.Image, withOpenssl: false));
        Assert.Equal(FindingStatus.Closed, await app.WithDbAsync(db => db.Findings.AsNoTracking().Where(f => f.Id == finding.Id).Select(f => f.Status).SingleAsync()));

        // It comes back with the package, as the same finding reopened.
        await PushAsync(ingest, "", CentosSbom(seeded.Image));
        Assert.Equal(FindingStatus.Open, await app.WithDbAsync(db => db.Findings.AsNoTracking().Where(f => f.Id == finding.Id).Select(f => f.Status).SingleAsync()));
    }
}
