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

public sealed class IngestScansEndpointFacts(K8PostureAppFactory app) : IClassFixture<K8PostureAppFactory>
{
    private const string Ubuntu = "trivy/ubuntu-1804.json.golden";

    private static int VulnerabilityCount(byte[] report) =>
        JsonNode.Parse(report)!["Results"]!.AsArray().Sum(r => r!["Vulnerabilities"]?.AsArray().Count ?? 0);

    private static byte[] WithoutFirstVulnerability(byte[] report)
    {
        var node = JsonNode.Parse(report)!;
        node["Results"]![0]!["Vulnerabilities"]!.AsArray().RemoveAt(0);
        return Encoding.UTF8.GetBytes(node.ToJsonString());
    }

    private static string UniqueScope() => "test:" + Guid.NewGuid().ToString("N");

    private static async Task<HttpResponseMessage> PushAsync(HttpClient client, byte[] body, string query) =>
        await client.PostAsync("/api/v1/ingest/scans?" + query, new ByteArrayContent(body));

    private static async Task<IngestOutcome> OutcomeAsync(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<IngestOutcome>(JsonSerializerOptions.Web))!;
    }

    private static async Task<JsonElement> ProblemAsync(HttpResponseMessage response, HttpStatusCode expected)
    {
        Assert.Equal(expected, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        return (await response.Content.ReadFromJsonAsync<JsonElement>());
    }

    [Fact]
    public async Task The_app_runs_on_real_kestrel()
    {
        using var client = app.CreateApiClient();

        Assert.NotNull(client.BaseAddress);
        Assert.True(client.BaseAddress!.IsLoopback);
        Assert.NotEqual(80, client.BaseAddress.Port);
        var response = await client.GetAsync("/healthz");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task A_push_creates_one_finding_per_vulnerability_and_a_repeat_is_a_duplicate()
    {
        var report = TestFixtures.Read(Ubuntu);
        var expected = VulnerabilityCount(report);
        using var client = app.CreateApiClient(await app.CreateApiKeyAsync("ingest"));
        var scope = UniqueScope();

        var first = await OutcomeAsync(await PushAsync(client, report, $"scope={scope}&pipeline=ci&commit=abc123"));
        var second = await OutcomeAsync(await PushAsync(client, report, $"scope={scope}"));

        Assert.Equal(("processed", expected, 0, 0, 0, 0), (first.Status, first.Created, first.Updated, first.Unchanged, first.Closed, first.Reopened));
        Assert.Equal("trivy-json", first.Format);
        Assert.Equal("trivy", first.Source);
        Assert.Equal(scope, first.ScopeKey);
        Assert.Equal(expected, await app.ScalarAsync("SELECT COUNT(*) FROM Findings WHERE ScopeKey = $s AND Status = 0", ("$s", scope)));
        Assert.Equal(("duplicate", 0, 0, expected, 0, 0), (second.Status, second.Created, second.Updated, second.Unchanged, second.Closed, second.Reopened));
        Assert.Equal((long)IngestStatus.Duplicate, await app.ScalarAsync("SELECT Status FROM IngestBatches WHERE Id = $id", ("$id", second.BatchId)));
        Assert.Equal(first.BatchId, await app.ScalarAsync("SELECT DuplicateOfBatchId FROM IngestBatches WHERE Id = $id", ("$id", second.BatchId)));
        Assert.Equal(1, await app.ScalarAsync("SELECT COUNT(*) FROM AuditEvents WHERE Action = 'ingest.scans' AND EntityId = $id", ("$id", first.BatchId.ToString(System.Globalization.CultureInfo.InvariantCulture))));
        Assert.Equal(expected, await app.ScalarAsync(
            "SELECT COUNT(*) FROM FindingEvents e JOIN Findings f ON f.Id = e.FindingId WHERE f.ScopeKey = $s AND e.Kind = 0 AND e.BatchId = $b", ("$s", scope), ("$b", first.BatchId)));
    }

    [Fact]
    public async Task A_vulnerability_missing_from_a_push_is_closed_and_reopened_when_it_comes_back()
    {
        var report = TestFixtures.Read(Ubuntu);
        var expected = VulnerabilityCount(report);
        using var client = app.CreateApiClient(await app.CreateApiKeyAsync("ingest"));
        var scope = UniqueScope();

        await OutcomeAsync(await PushAsync(client, report, $"scope={scope}"));
        var reduced = await OutcomeAsync(await PushAsync(client, WithoutFirstVulnerability(report), $"scope={scope}"));
        Assert.Equal(1, await app.ScalarAsync("SELECT COUNT(*) FROM Findings WHERE ScopeKey = $s AND Status = 1 AND ClosedAt IS NOT NULL", ("$s", scope)));
        var restored = await OutcomeAsync(await PushAsync(client, report, $"scope={scope}"));

        Assert.Equal(("processed", 0, 0, expected - 1, 1, 0), (reduced.Status, reduced.Created, reduced.Updated, reduced.Unchanged, reduced.Closed, reduced.Reopened));
        Assert.Equal(("processed", 0, 0, expected - 1, 0, 1), (restored.Status, restored.Created, restored.Updated, restored.Unchanged, restored.Closed, restored.Reopened));
        Assert.Equal(expected, await app.ScalarAsync("SELECT COUNT(*) FROM Findings WHERE ScopeKey = $s AND Status = 0 AND ClosedAt IS NULL", ("$s", scope)));
        Assert.Equal(1, await app.ScalarAsync(
            "SELECT COUNT(*) FROM FindingEvents e JOIN Findings f ON f.Id = e.FindingId WHERE f.ScopeKey = $s AND e.Kind = 3", ("$s", scope)));
    }

    [Fact]
    public async Task A_changed_severity_updates_the_finding_but_never_its_risk_acceptance()
    {
        var report = TestFixtures.Read(Ubuntu);
        using var client = app.CreateApiClient(await app.CreateApiKeyAsync("ingest"));
        var scope = UniqueScope();
        await OutcomeAsync(await PushAsync(client, report, $"scope={scope}"));
        var firstVulnerability = JsonNode.Parse(report)!["Results"]![0]!["Vulnerabilities"]![0]!;
        var packageName = firstVulnerability["PkgName"]!.GetValue<string>();
        await app.WithDbAsync(db => db.Findings.Where(f => f.ScopeKey == scope && f.PackageName == packageName)
            .ExecuteUpdateAsync(s => s.SetProperty(f => f.Resolution, FindingResolution.RiskAccepted)));

        var escalated = JsonNode.Parse(report)!;
        escalated["Results"]![0]!["Vulnerabilities"]![0]!["Severity"] = "CRITICAL";
        var updated = await OutcomeAsync(await PushAsync(client, Encoding.UTF8.GetBytes(escalated.ToJsonString()), $"scope={scope}"));
        var closed = await OutcomeAsync(await PushAsync(client, WithoutFirstVulnerability(report), $"scope={scope}"));
        var reopened = await OutcomeAsync(await PushAsync(client, report, $"scope={scope}"));

        Assert.Equal((1, 1, 1), (updated.Updated, closed.Closed, reopened.Reopened));
        var finding = await app.WithDbAsync(db => db.Findings.AsNoTracking().SingleAsync(f => f.ScopeKey == scope && f.PackageName == packageName));
        Assert.Equal(FindingResolution.RiskAccepted, finding.Resolution);
        Assert.Equal(FindingStatus.Open, finding.Status);
    }

    [Fact]
    public async Task Without_a_key_the_push_is_unauthorised()
    {
        using var client = app.CreateApiClient();

        var response = await PushAsync(client, TestFixtures.Read(Ubuntu), $"scope={UniqueScope()}");

        await ProblemAsync(response, HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task A_read_only_key_is_forbidden()
    {
        using var client = app.CreateApiClient(await app.CreateApiKeyAsync("read"));

        var response = await PushAsync(client, TestFixtures.Read(Ubuntu), $"scope={UniqueScope()}");

        await ProblemAsync(response, HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task A_truncated_report_is_a_problem_that_says_where_it_broke_and_writes_no_finding()
    {
        var report = TestFixtures.Read(Ubuntu);
        var truncated = report[..(report.Length * 2 / 3)];
        using var client = app.CreateApiClient(await app.CreateApiKeyAsync("ingest"));
        var findingsBefore = await app.ScalarAsync("SELECT COUNT(*) FROM Findings");

        var problem = await ProblemAsync(await PushAsync(client, truncated, $"scope={UniqueScope()}"), HttpStatusCode.BadRequest);

        var detail = problem.GetProperty("detail").GetString()!;
        Assert.Contains("trivy", detail, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("line ", detail, StringComparison.Ordinal);
        Assert.StartsWith("line ", problem.GetProperty("pointer").GetString());
        var batchId = problem.GetProperty("batchId").GetInt64();
        Assert.Equal(findingsBefore, await app.ScalarAsync("SELECT COUNT(*) FROM Findings"));
        Assert.Equal((long)IngestStatus.Failed, await app.ScalarAsync("SELECT Status FROM IngestBatches WHERE Id = $id", ("$id", batchId)));
        Assert.Equal(truncated.Length, await app.ScalarAsync("SELECT PayloadBytes FROM IngestBatches WHERE Id = $id", ("$id", batchId)));
    }

    [Fact]
    public async Task An_empty_body_is_a_bad_request_and_an_unknown_format_is_unsupported()
    {
        using var client = app.CreateApiClient(await app.CreateApiKeyAsync("ingest"));

        await ProblemAsync(await PushAsync(client, [], $"scope={UniqueScope()}"), HttpStatusCode.BadRequest);
        var unknown = await ProblemAsync(await PushAsync(client, TestFixtures.Read(Ubuntu), "format=nessus"), HttpStatusCode.UnsupportedMediaType);

        Assert.Contains("trivy-json", unknown.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unknown_team_is_a_bad_request_that_writes_no_finding()
    {
        using var client = app.CreateApiClient(await app.CreateApiKeyAsync("ingest"));
        var scope = UniqueScope();

        var problem = await ProblemAsync(await PushAsync(client, TestFixtures.Read(Ubuntu), $"scope={scope}&team=no-such-team-{Guid.NewGuid():N}"), HttpStatusCode.BadRequest);

        Assert.Contains("team=", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(0, await app.ScalarAsync("SELECT COUNT(*) FROM Findings WHERE ScopeKey = $s", ("$s", scope)));
    }

    [Fact]
    public async Task A_team_key_owns_what_it_pushes_and_may_not_push_for_another_team()
    {
        var ownTeam = await app.SeedTeamAsync("payments-" + Guid.NewGuid().ToString("N")[..6]);
        var otherName = "hr-" + Guid.NewGuid().ToString("N")[..6];
        await app.SeedTeamAsync(otherName);
        using var client = app.CreateApiClient(await app.CreateApiKeyAsync("ingest", ownTeam));
        var scope = UniqueScope();
        var otherScope = UniqueScope();

        var own = await OutcomeAsync(await PushAsync(client, TestFixtures.Read(Ubuntu), $"scope={scope}"));
        var forbidden = await PushAsync(client, TestFixtures.Read(Ubuntu), $"scope={otherScope}&team={otherName}");

        Assert.Equal(own.Created, await app.ScalarAsync("SELECT COUNT(*) FROM Findings WHERE ScopeKey = $s AND OwnerTeamId = $t", ("$s", scope), ("$t", ownTeam)));
        await ProblemAsync(forbidden, HttpStatusCode.Forbidden);
        Assert.Equal(0, await app.ScalarAsync("SELECT COUNT(*) FROM Findings WHERE ScopeKey = $s", ("$s", otherScope)));
    }

    [Fact]
    public async Task An_unknown_cluster_is_discovered_and_prefixes_the_derived_scope()
    {
        var clusterName = "edge-" + Guid.NewGuid().ToString("N")[..8];
        using var client = app.CreateApiClient(await app.CreateApiKeyAsync("ingest"));

        var outcome = await OutcomeAsync(await PushAsync(client, TestFixtures.Read("trivy/alpine-310.json.golden"), $"cluster={clusterName}"));

        Assert.Equal($"cluster:{clusterName}/image:ghcr.io/aquasecurity/trivy-test-images", outcome.ScopeKey);
        Assert.Equal(0, await app.ScalarAsync("SELECT IsManaged FROM Clusters WHERE Name = $n", ("$n", clusterName)));
        Assert.Equal(outcome.Created, await app.ScalarAsync(
            "SELECT COUNT(*) FROM Findings f JOIN Clusters c ON c.Id = f.ClusterId WHERE c.Name = $n", ("$n", clusterName)));
    }
}
