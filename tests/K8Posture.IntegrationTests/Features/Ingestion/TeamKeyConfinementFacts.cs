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

/// <summary>
/// Issue 14, hole 1: a team-bound key changes only its own team's rows. Pushing to another team's scope, whether to take
/// its findings over or to close them with an empty report, is refused with 403 naming the scope and writes nothing but
/// the refused batch; the same for alerts, cloud-cluster inventory and risk acceptances.
/// </summary>
public sealed class TeamKeyConfinementFacts(K8PostureAppFactory app) : IClassFixture<K8PostureAppFactory>
{
    private static readonly byte[] ImageReport = TestFixtures.Read("trivy/trivy-0.72.0-alpine-3.10-image.json");

    [Fact]
    public async Task Another_teams_key_can_neither_take_over_nor_close_a_teams_findings()
    {
        var (payments, ledger) = await TeamsAsync();
        var scope = "repo:payments-api-" + Guid.NewGuid().ToString("N")[..8];
        using var paymentsKey = app.CreateApiClient(await app.CreateApiKeyAsync("ingest", payments));
        using var ledgerKey = app.CreateApiClient(await app.CreateApiKeyAsync("ingest", ledger));
        var created = await OutcomeAsync(await paymentsKey.PostAsync($"/api/v1/ingest/scans?scope={scope}", new ByteArrayContent(ImageReport)));

        var takeOver = await ledgerKey.PostAsync($"/api/v1/ingest/scans?scope={scope}", new ByteArrayContent(ImageReport));
        var closeAll = await ledgerKey.PostAsync($"/api/v1/ingest/scans?scope={scope}", new ByteArrayContent(WithoutVulnerabilities(ImageReport)));

        foreach (var refused in new[] { takeOver, closeAll })
        {
            var problem = await ProblemAsync(refused, HttpStatusCode.Forbidden);
            Assert.Equal("Findings of another team", problem.GetProperty("title").GetString());
            Assert.Contains(scope, problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
            Assert.True(problem.TryGetProperty("batchId", out _), "the refused push is kept as a failed batch");
        }
        Assert.True(created.Created > 0);
        Assert.Equal(created.Created, await CountAsync(db => db.Findings.CountAsync(f => f.ScopeKey == scope && f.OwnerTeamId == payments && f.Status == FindingStatus.Open)));
        Assert.Equal(0, await CountAsync(db => db.FindingEvents.CountAsync(e => e.Finding!.ScopeKey == scope && e.Kind != FindingEventKind.Created)));
        Assert.Equal(2, await CountAsync(db => db.IngestBatches.CountAsync(b => b.ScopeKey == scope && b.Status == IngestStatus.Failed && b.TeamId == ledger)));
    }

    [Fact]
    public async Task A_teams_key_takes_unowned_findings_as_its_own()
    {
        var (_, ledger) = await TeamsAsync();
        var scope = "repo:shared-" + Guid.NewGuid().ToString("N")[..8];
        using var securityKey = app.CreateApiClient(await app.CreateApiKeyAsync("ingest"));
        using var ledgerKey = app.CreateApiClient(await app.CreateApiKeyAsync("ingest", ledger));
        var created = await OutcomeAsync(await securityKey.PostAsync($"/api/v1/ingest/scans?scope={scope}", new ByteArrayContent(ImageReport)));

        var claimed = await OutcomeAsync(await ledgerKey.PostAsync($"/api/v1/ingest/scans?scope={scope}", new ByteArrayContent(WithoutVulnerabilities(ImageReport))));

        Assert.Equal(created.Created, claimed.Closed);
        Assert.Equal(created.Created, await CountAsync(db => db.Findings.CountAsync(f => f.ScopeKey == scope && f.Status == FindingStatus.Closed && f.OwnerTeamId == ledger)));
    }

    [Fact]
    public async Task Another_teams_key_cannot_re_report_a_teams_runtime_alert()
    {
        var (payments, ledger) = await TeamsAsync();
        var cluster = "conf-" + Guid.NewGuid().ToString("N")[..8];
        var alert = TestFixtures.Read("falco/falco-terminal-shell-in-container-k8s.json");
        using var paymentsKey = app.CreateApiClient(await app.CreateApiKeyAsync("ingest", payments));
        using var ledgerKey = app.CreateApiClient(await app.CreateApiKeyAsync("ingest", ledger));
        var first = await paymentsKey.PostAsync($"/api/v1/ingest/alerts?cluster={cluster}", new ByteArrayContent(alert));
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);

        var problem = await ProblemAsync(await ledgerKey.PostAsync($"/api/v1/ingest/alerts?cluster={cluster}", new ByteArrayContent(alert)), HttpStatusCode.Forbidden);

        Assert.Equal("Alerts of another team", problem.GetProperty("title").GetString());
        Assert.Equal(1, await CountAsync(db => db.RuntimeAlerts.CountAsync(a => a.ClusterName == cluster && a.OwnerTeamId == payments)));
        Assert.Equal(0, await CountAsync(db => db.RuntimeAlerts.CountAsync(a => a.ClusterName == cluster && a.OwnerTeamId == ledger)));
    }

    [Fact]
    public async Task Another_teams_key_cannot_re_own_a_teams_cloud_cluster()
    {
        var (payments, ledger) = await TeamsAsync();
        var export = JsonNode.Parse(TestFixtures.Read("aks/az-aks-create-recordingbotcluster.json"))!;
        var resourceId = export["id"]!.GetValue<string>() + Guid.NewGuid().ToString("N")[..6];
        export["id"] = resourceId;
        export["name"] = "conf-" + Guid.NewGuid().ToString("N")[..8];
        var body = Encoding.UTF8.GetBytes(export.ToJsonString());
        using var paymentsKey = app.CreateApiClient(await app.CreateApiKeyAsync("ingest", payments));
        using var ledgerKey = app.CreateApiClient(await app.CreateApiKeyAsync("ingest", ledger));
        var first = await paymentsKey.PostAsync("/api/v1/ingest/inventory?format=aks-json", new ByteArrayContent(body));
        Assert.True(first.StatusCode == HttpStatusCode.OK, await first.Content.ReadAsStringAsync());

        var problem = await ProblemAsync(await ledgerKey.PostAsync("/api/v1/ingest/inventory?format=aks-json", new ByteArrayContent(body)), HttpStatusCode.Forbidden);

        Assert.Equal("Cloud cluster of another team", problem.GetProperty("title").GetString());
        Assert.Equal(payments, await CountAsync(async db => (int)(await db.InventoryRecords.IgnoreQueryFilters()
            .Where(r => r.NaturalKey == resourceId.ToLowerInvariant()).Select(r => r.OwnerTeamId).SingleAsync())!));
    }

    [Fact]
    public async Task Another_teams_key_cannot_ask_to_accept_the_risk_of_a_teams_finding()
    {
        var (payments, ledger) = await TeamsAsync();
        var scope = "repo:accept-" + Guid.NewGuid().ToString("N")[..8];
        using var paymentsKey = app.CreateApiClient(await app.CreateApiKeyAsync("ingest", payments));
        using var ledgerKey = app.CreateApiClient(await app.CreateApiKeyAsync("ingest,read", ledger));
        await OutcomeAsync(await paymentsKey.PostAsync($"/api/v1/ingest/scans?scope={scope}", new ByteArrayContent(ImageReport)));
        var findingId = await app.WithDbAsync(db => db.Findings.Where(f => f.ScopeKey == scope).Select(f => f.Id).FirstAsync());

        var response = await ledgerKey.PostAsJsonAsync("/api/v1/risk-acceptances", new
        {
            findingId,
            reason = "Compensating control: the service is not reachable from outside the cluster.",
            expiresAt = DateTimeOffset.UtcNow.AddDays(30),
        });

        Assert.True(response.StatusCode is HttpStatusCode.Forbidden or HttpStatusCode.NotFound, $"{(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        Assert.Equal(0, await CountAsync(db => db.RiskAcceptances.CountAsync(r => r.FindingId == findingId)));
    }

    private async Task<(int Payments, int Ledger)> TeamsAsync()
    {
        var suffix = Guid.NewGuid().ToString("N")[..6];
        return (await app.SeedTeamAsync("Payments-" + suffix), await app.SeedTeamAsync("Ledger-" + suffix));
    }

    private Task<int> CountAsync(Func<K8PostureDbContext, Task<int>> count) => app.WithDbAsync(count);

    private static byte[] WithoutVulnerabilities(byte[] report)
    {
        var root = JsonNode.Parse(report)!;
        foreach (var result in root["Results"]!.AsArray())
        {
            result!.AsObject().Remove("Vulnerabilities");
        }
        return Encoding.UTF8.GetBytes(root.ToJsonString());
    }

    private static async Task<IngestOutcome> OutcomeAsync(HttpResponseMessage response)
    {
        Assert.True(response.StatusCode == HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<IngestOutcome>())!;
    }

    private static async Task<JsonElement> ProblemAsync(HttpResponseMessage response, HttpStatusCode expected)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == expected, $"{(int)response.StatusCode}: {body}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        return JsonDocument.Parse(body).RootElement;
    }
}
