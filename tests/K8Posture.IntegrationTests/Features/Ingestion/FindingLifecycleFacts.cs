using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using K8Posture.Data;
using K8Posture.Features.Ingestion;
using K8Posture.IntegrationTests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace K8Posture.IntegrationTests.Features.Ingestion;

/// <summary>The lifecycle rules (docs/ARCHITECTURE.md, Finding identity and lifecycle) across tools: one finding per problem, one sighting per tool that sees it.</summary>
public sealed class FindingLifecycleFacts(K8PostureAppFactory app) : IClassFixture<K8PostureAppFactory>
{
    private sealed record Vulnerability(string Cve, string Package, string Version, string Severity = "HIGH");

    private static string UniqueImage() => "registry.example.com/lifecycle/app-" + Guid.NewGuid().ToString("N")[..10];

    /// <summary>A Trivy image report in the shape of tests/fixtures/trivy (SchemaVersion 2, os-pkgs result).</summary>
    private static byte[] Trivy(string image, params Vulnerability[] vulnerabilities) => Encoding.UTF8.GetBytes(new JsonObject
    {
        ["SchemaVersion"] = 2,
        ["Trivy"] = new JsonObject { ["Version"] = "0.72.0" },
        ["ArtifactName"] = image + ":1.0.0",
        ["ArtifactType"] = "container_image",
        ["Results"] = new JsonArray(new JsonObject
        {
            ["Target"] = image + ":1.0.0 (debian 12.5)",
            ["Class"] = "os-pkgs",
            ["Type"] = "debian",
            ["Vulnerabilities"] = new JsonArray(vulnerabilities.Select(v => (JsonNode)new JsonObject
            {
                ["VulnerabilityID"] = v.Cve,
                ["PkgName"] = v.Package,
                ["InstalledVersion"] = v.Version,
                ["Severity"] = v.Severity,
                ["Title"] = $"{v.Package}: {v.Cve}",
            }).ToArray()),
        }),
    }.ToJsonString());

    /// <summary>A Grype report in the shape of tests/fixtures/grype (matches, source image, descriptor).</summary>
    private static byte[] Grype(string image, params Vulnerability[] vulnerabilities) => Encoding.UTF8.GetBytes(new JsonObject
    {
        ["matches"] = new JsonArray(vulnerabilities.Select(v => (JsonNode)new JsonObject
        {
            ["vulnerability"] = new JsonObject
            {
                ["id"] = v.Cve,
                ["dataSource"] = "https://security-tracker.debian.org/tracker/" + v.Cve,
                ["namespace"] = "debian:12",
                ["severity"] = "High",
                ["urls"] = new JsonArray(),
                ["cvss"] = new JsonArray(),
                ["fix"] = new JsonObject { ["versions"] = new JsonArray(), ["state"] = "not-fixed" },
            },
            ["relatedVulnerabilities"] = new JsonArray(),
            ["artifact"] = new JsonObject { ["name"] = v.Package, ["version"] = v.Version, ["type"] = "deb" },
        }).ToArray()),
        ["source"] = new JsonObject
        {
            ["type"] = "image",
            ["target"] = new JsonObject { ["userInput"] = image + ":1.0.0", ["tags"] = new JsonArray(image + ":1.0.0") },
        },
        ["descriptor"] = new JsonObject { ["name"] = "grype", ["version"] = "0.80.0" },
    }.ToJsonString());

    private static readonly Vulnerability Shared = new("CVE-2025-1001", "openssl", "3.0.11-1");
    private static readonly Vulnerability TrivyOnly = new("CVE-2025-1002", "zlib", "1.2.13");
    private static readonly Vulnerability GrypeOnly = new("CVE-2025-1003", "curl", "7.88.1");

    private async Task<HttpClient> ClientAsync() => app.CreateApiClient(await app.CreateApiKeyAsync("ingest"));

    private static async Task<IngestOutcome> PushAsync(HttpClient client, byte[] body, string query = "")
    {
        var response = await client.PostAsync("/api/v1/ingest/scans?" + query, new ByteArrayContent(body));
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        return (await response.Content.ReadFromJsonAsync<IngestOutcome>(JsonSerializerOptions.Web))!;
    }

    private static (int Created, int Updated, int Unchanged, int Closed, int Reopened) Counts(IngestOutcome o) =>
        (o.Created, o.Updated, o.Unchanged, o.Closed, o.Reopened);

    private Task<Finding> FindingAsync(string scope, string cve) =>
        app.WithDbAsync(db => db.Findings.AsNoTracking().Include(f => f.Sightings).SingleAsync(f => f.ScopeKey == scope && f.VulnerabilityId == cve));

    [Fact]
    public async Task Two_tools_reporting_one_CVE_in_one_image_make_one_finding_that_closes_only_when_neither_sees_it()
    {
        using var client = await ClientAsync();
        var image = UniqueImage();

        var trivy = await PushAsync(client, Trivy(image, Shared, TrivyOnly));
        var grype = await PushAsync(client, Grype(image, Shared, GrypeOnly));

        var scope = "image:" + image;
        Assert.Equal((trivy.ScopeKey, grype.ScopeKey), (scope, scope));
        Assert.Equal(("trivy", "grype"), (trivy.Source, grype.Source));
        Assert.Equal((2, 0, 0, 0, 0), Counts(trivy));
        Assert.Equal((1, 0, 1, 0, 0), Counts(grype));
        Assert.Equal(3, await app.ScalarAsync("SELECT COUNT(*) FROM Findings WHERE ScopeKey = $s", ("$s", scope)));
        var shared = await FindingAsync(scope, Shared.Cve);
        Assert.Equal("trivy", shared.Source);
        Assert.Equal(["grype", "trivy"], shared.Sightings.Select(s => s.Source).Order());
        Assert.All(shared.Sightings, s => Assert.True(s.IsOpen));
        await app.WithDbAsync(db => db.Findings.Where(f => f.Id == shared.Id)
            .ExecuteUpdateAsync(s => s.SetProperty(f => f.Resolution, FindingResolution.FalsePositive)));

        // Grype no longer sees it; Trivy still does: the finding stays open, only Grype's sighting closes.
        var grypeWithout = await PushAsync(client, Grype(image, GrypeOnly));
        Assert.Equal((0, 0, 1, 0, 0), Counts(grypeWithout));
        shared = await FindingAsync(scope, Shared.Cve);
        Assert.Equal(FindingStatus.Open, shared.Status);
        Assert.False(shared.Sightings.Single(s => s.Source == "grype").IsOpen);
        Assert.True(shared.Sightings.Single(s => s.Source == "trivy").IsOpen);

        // Now Trivy drops it too: nobody sees it, it closes.
        var trivyWithout = await PushAsync(client, Trivy(image, TrivyOnly));
        Assert.Equal((0, 0, 1, 1, 0), Counts(trivyWithout));
        shared = await FindingAsync(scope, Shared.Cve);
        Assert.Equal(FindingStatus.Closed, shared.Status);
        Assert.NotNull(shared.ClosedAt);
        Assert.All(shared.Sightings, s => Assert.False(s.IsOpen));
        Assert.Equal(FindingStatus.Open, (await FindingAsync(scope, GrypeOnly.Cve)).Status);

        // Either tool seeing it again reopens it, with its history and the person's verdict.
        var grypeAgain = await PushAsync(client, Grype(image, Shared, GrypeOnly));
        Assert.Equal((0, 0, 1, 0, 1), Counts(grypeAgain));
        shared = await FindingAsync(scope, Shared.Cve);
        Assert.Equal((FindingStatus.Open, FindingResolution.FalsePositive), (shared.Status, shared.Resolution));
        Assert.True(shared.Sightings.Single(s => s.Source == "grype").IsOpen);
        Assert.False(shared.Sightings.Single(s => s.Source == "trivy").IsOpen);
        var kinds = await app.WithDbAsync(db => db.FindingEvents.Where(e => e.FindingId == shared.Id).OrderBy(e => e.Id).Select(e => e.Kind).ToListAsync());
        Assert.Equal([FindingEventKind.Created, FindingEventKind.Closed, FindingEventKind.Reopened], kinds);
        Assert.Equal(0, await app.ScalarAsync(
            "SELECT COUNT(*) FROM (SELECT Fingerprint FROM Findings GROUP BY Fingerprint HAVING COUNT(*) > 1)"));
    }

    [Fact]
    public async Task Another_tool_does_not_rewrite_the_first_reporters_content_so_alternating_pushes_change_nothing()
    {
        using var client = await ClientAsync();
        var image = UniqueImage();
        await PushAsync(client, Trivy(image, Shared with { Severity = "CRITICAL" }));
        await PushAsync(client, Grype(image, Shared));

        var trivyAgain = await PushAsync(client, Trivy(image, Shared with { Severity = "CRITICAL" }));
        var grypeAgain = await PushAsync(client, Grype(image, Shared));

        Assert.Equal(("duplicate", "duplicate"), (trivyAgain.Status, grypeAgain.Status));
        var rescan = await PushAsync(client, Grype(image, Shared, GrypeOnly));
        Assert.Equal((1, 0, 1, 0, 0), Counts(rescan));
        Assert.Equal(FindingSeverity.Critical, (await FindingAsync("image:" + image, Shared.Cve)).Severity);
    }

    [Fact]
    public async Task Enrichment_changes_are_saved_as_updates()
    {
        using var client = await ClientAsync();
        var scope = "test:" + Guid.NewGuid().ToString("N");
        var report = TestFixtures.Read("trivy/ubuntu-1804.json.golden");
        var first = await PushAsync(client, report, $"scope={scope}");

        var node = JsonNode.Parse(report)!;
        var vulnerability = node["Results"]![0]!["Vulnerabilities"]![0]!;
        vulnerability["Description"] = "Rewritten advisory text.";
        vulnerability["References"] = new JsonArray("https://example.com/advisory");
        var second = node["Results"]![0]!["Vulnerabilities"]![1]!;
        second["PrimaryURL"] = "https://example.com/primary";
        var enriched = await PushAsync(client, Encoding.UTF8.GetBytes(node.ToJsonString()), $"scope={scope}");

        Assert.Equal((0, 2, first.Created - 2, 0, 0), Counts(enriched));
        var updated = await app.ScalarAsync("SELECT COUNT(*) FROM FindingEvents e JOIN Findings f ON f.Id = e.FindingId WHERE f.ScopeKey = $s AND e.Kind = 1", ("$s", scope));
        Assert.Equal(2, updated);
        Assert.Equal(1, await app.ScalarAsync("SELECT COUNT(*) FROM Findings WHERE ScopeKey = $s AND Description = 'Rewritten advisory text.'", ("$s", scope)));
    }

    [Fact]
    public async Task A_cluster_scan_is_scoped_by_its_cluster_and_needs_one()
    {
        using var client = await ClientAsync();
        var cluster = "kb-" + Guid.NewGuid().ToString("N")[..8];
        var report = TestFixtures.Read("kube-bench/kube-bench-cis-1.5-minikube-trimmed.json");

        var scoped = await PushAsync(client, report, $"cluster={cluster}");
        var unnamed = await client.PostAsync("/api/v1/ingest/scans", new ByteArrayContent(report));

        Assert.Equal($"cluster:{cluster}", scoped.ScopeKey);
        Assert.Equal("kube-bench", scoped.Source);
        // kube-bench covers the node types it ran: each sighting is kept under its cluster and node type.
        Assert.Equal(scoped.Created, await app.ScalarAsync(
            "SELECT COUNT(*) FROM FindingSightings WHERE ScopeKey LIKE $s AND Source = 'kube-bench' AND IsOpen = 1", ("$s", scoped.ScopeKey + "#kube-bench/%")));
        Assert.Equal(HttpStatusCode.BadRequest, unnamed.StatusCode);
        Assert.Contains("cluster=", (await unnamed.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public void A_cluster_name_given_with_the_push_wins_over_the_reports_own()
    {
        var hint = new ScanScopeHint(ScanArtifactKind.Cluster, "kind-local", null, "kind-local");

        Assert.Equal("cluster:prod-eu", FindingIdentity.ScopeKey(hint, null, "prod-eu"));
        Assert.Equal("cluster:kind-local", FindingIdentity.ScopeKey(hint, null, null));
    }

    [Fact]
    public async Task Concurrent_pushes_to_one_scope_lose_and_duplicate_nothing()
    {
        using var client = await ClientAsync();
        var scope = "test:" + Guid.NewGuid().ToString("N");
        var full = TestFixtures.Read("trivy/ubuntu-1804.json.golden");
        var node = JsonNode.Parse(full)!;
        var expected = node["Results"]!.AsArray().Sum(r => r!["Vulnerabilities"]?.AsArray().Count ?? 0);
        node["Results"]![0]!["Vulnerabilities"]!.AsArray().RemoveAt(0);
        var reduced = Encoding.UTF8.GetBytes(node.ToJsonString());

        var outcomes = await Task.WhenAll(Enumerable.Range(0, 8).Select(i => PushAsync(client, i % 2 == 0 ? full : reduced, $"scope={scope}")));

        Assert.Equal(expected, await app.ScalarAsync("SELECT COUNT(*) FROM Findings WHERE ScopeKey = $s", ("$s", scope)));
        Assert.Equal(0, await app.ScalarAsync(
            "SELECT COUNT(*) FROM (SELECT Fingerprint FROM Findings WHERE ScopeKey = $s GROUP BY Fingerprint HAVING COUNT(*) > 1)", ("$s", scope)));
        Assert.Equal(expected, await app.ScalarAsync(
            "SELECT COUNT(*) FROM FindingSightings WHERE ScopeKey = $s AND Source = 'trivy'", ("$s", scope)));
        Assert.Equal(expected, outcomes.Sum(o => o.Created));
        var closedMinusReopened = outcomes.Sum(o => o.Closed) - outcomes.Sum(o => o.Reopened);
        var open = await app.ScalarAsync("SELECT COUNT(*) FROM Findings WHERE ScopeKey = $s AND Status = 0", ("$s", scope));
        Assert.Equal(expected - closedMinusReopened, open);
        Assert.Contains(open, new long[] { expected, expected - 1 });
        var events = await app.ScalarAsync("SELECT COUNT(*) FROM FindingEvents e JOIN Findings f ON f.Id = e.FindingId WHERE f.ScopeKey = $s", ("$s", scope));
        Assert.Equal(outcomes.Sum(o => o.Created + o.Closed + o.Reopened + o.Updated), events);
    }

    private static Vulnerability[] Many(int count, int skip = 0) => Enumerable.Range(0, count)
        .Where(i => i >= skip)
        .Select(i => new Vulnerability($"CVE-2025-{20000 + i}", "pkg" + (i % 37), $"1.{i}.0", i % 2 == 0 ? "HIGH" : "LOW"))
        .ToArray();

    [Fact]
    public async Task Large_pushes_take_the_bulk_path_and_read_back_exactly_as_written()
    {
        using var client = await ClientAsync();
        var image = UniqueImage();
        var scope = "image:" + image;
        var before = DateTimeOffset.UtcNow.AddSeconds(-5);

        var first = await PushAsync(client, Trivy(image, Many(300)));
        var reduced = await PushAsync(client, Trivy(image, Many(300, skip: 10)));
        var restored = await PushAsync(client, Trivy(image, Many(300)));

        Assert.Equal((300, 0, 0, 0, 0), Counts(first));
        Assert.Equal((0, 0, 290, 10, 0), Counts(reduced));
        Assert.Equal((0, 0, 290, 0, 10), Counts(restored));
        Assert.Equal(300, await app.ScalarAsync(
            "SELECT COUNT(*) FROM FindingEvents e JOIN Findings f ON f.Id = e.FindingId WHERE f.ScopeKey = $s AND e.Kind = 0 AND e.BatchId = $b", ("$s", scope), ("$b", first.BatchId)));
        Assert.Equal(300, await app.ScalarAsync(
            "SELECT COUNT(*) FROM FindingSightings s JOIN Findings f ON f.Id = s.FindingId WHERE f.ScopeKey = $s AND s.ScopeKey = $s AND s.IsOpen = 1", ("$s", scope)));
        var finding = await FindingAsync(scope, "CVE-2025-20002");
        Assert.Equal(("pkg2", "1.2.0", FindingSeverity.High, FindingStatus.Open, "trivy"), (finding.PackageName, finding.InstalledVersion, finding.Severity, finding.Status, finding.Source));
        Assert.InRange(finding.FirstSeenAt, before, DateTimeOffset.UtcNow.AddSeconds(5));
        Assert.NotNull(finding.SlaDueAt);
        Assert.Equal(restored.BatchId, finding.Sightings.Single().LastBatchId);
        var reopenedOne = await FindingAsync(scope, "CVE-2025-20000");
        var kinds = await app.WithDbAsync(db => db.FindingEvents.Where(e => e.FindingId == reopenedOne.Id).OrderBy(e => e.Id).Select(e => e.Kind).ToListAsync());
        Assert.Equal([FindingEventKind.Created, FindingEventKind.Closed, FindingEventKind.Reopened], kinds);
    }

    [Fact]
    public async Task Concurrent_large_pushes_to_one_scope_lose_and_duplicate_nothing()
    {
        using var client = await ClientAsync();
        var image = UniqueImage();
        var scope = "image:" + image;
        var full = Trivy(image, Many(400));
        var reduced = Trivy(image, Many(400, skip: 50));

        var outcomes = await Task.WhenAll(Enumerable.Range(0, 8).Select(i => PushAsync(client, i % 2 == 0 ? full : reduced)));

        Assert.Equal(400, await app.ScalarAsync("SELECT COUNT(*) FROM Findings WHERE ScopeKey = $s", ("$s", scope)));
        Assert.Equal(400, await app.ScalarAsync("SELECT COUNT(DISTINCT Fingerprint) FROM Findings WHERE ScopeKey = $s", ("$s", scope)));
        Assert.Equal(400, outcomes.Sum(o => o.Created));
        var open = await app.ScalarAsync("SELECT COUNT(*) FROM Findings WHERE ScopeKey = $s AND Status = 0", ("$s", scope));
        Assert.Equal(400 - (outcomes.Sum(o => o.Closed) - outcomes.Sum(o => o.Reopened)), open);
        Assert.Equal(open, await app.ScalarAsync("SELECT COUNT(*) FROM FindingSightings WHERE ScopeKey = $s AND IsOpen = 1", ("$s", scope)));
    }

    [Fact]
    public async Task Concurrent_pushes_to_different_scopes_each_create_everything()
    {
        using var client = await ClientAsync();
        var report = TestFixtures.Read("trivy/alpine-310.json.golden");
        var scopes = Enumerable.Range(0, 4).Select(_ => "test:" + Guid.NewGuid().ToString("N")).ToList();

        var outcomes = await Task.WhenAll(scopes.Select(s => PushAsync(client, report, $"scope={s}")));

        foreach (var (scope, outcome) in scopes.Zip(outcomes))
        {
            Assert.Equal(outcome.Created, await app.ScalarAsync("SELECT COUNT(*) FROM Findings WHERE ScopeKey = $s AND Status = 0", ("$s", scope)));
        }
        Assert.Single(outcomes.Select(o => o.Created).Distinct());
        Assert.True(outcomes[0].Created > 0);
    }
}
