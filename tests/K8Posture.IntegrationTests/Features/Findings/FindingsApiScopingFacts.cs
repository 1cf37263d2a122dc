using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using K8Posture.IntegrationTests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace K8Posture.IntegrationTests.Features.Findings;

/// <summary>Team scoping through the HTTP API: the data layer, not the UI, decides what a caller reads.</summary>
public sealed class FindingsApiScopingFacts(K8PostureAppFactory app) : IClassFixture<K8PostureAppFactory>
{
    private async Task<(int Payments, int Ledger)> SeedTwoTeamsWithFindingsAsync()
    {
        var suffix = Guid.NewGuid().ToString("N")[..6];
        var payments = await app.SeedTeamAsync("Payments-" + suffix);
        var ledger = await app.SeedTeamAsync("Ledger-" + suffix);
        var ingest = await app.CreateApiKeyAsync("ingest");
        using var pusher = app.CreateApiClient(ingest);
        var payload = TestFixtures.Read("trivy/ubuntu-1804.json.golden");
        Assert.Equal(HttpStatusCode.OK, (await pusher.PostAsync($"/api/v1/ingest/scans?team=Payments-{suffix}&scope=image:payments-{suffix}", new ByteArrayContent(payload))).StatusCode);
        var other = TestFixtures.Read("trivy/alpine-310.json.golden");
        Assert.Equal(HttpStatusCode.OK, (await pusher.PostAsync($"/api/v1/ingest/scans?team=Ledger-{suffix}&scope=image:ledger-{suffix}", new ByteArrayContent(other))).StatusCode);
        return (payments, ledger);
    }

    private static async Task<List<JsonElement>> ItemsAsync(HttpClient client, string filters = "")
    {
        var response = await client.GetAsync("/api/v1/findings?pageSize=500&status=all" + filters);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var page = await response.Content.ReadFromJsonAsync<JsonElement>();
        return page.GetProperty("items").EnumerateArray().ToList();
    }

    [Fact]
    public async Task A_team_key_reads_only_its_teams_findings()
    {
        var (payments, ledger) = await SeedTwoTeamsWithFindingsAsync();
        var paymentsFindings = await app.WithDbAsync(db => Task.FromResult(db.Findings.Count(f => f.OwnerTeamId == payments)));
        var ledgerFindings = await app.WithDbAsync(db => Task.FromResult(db.Findings.Count(f => f.OwnerTeamId == ledger)));
        Assert.True(paymentsFindings > 0 && ledgerFindings > 0);

        using var client = app.CreateApiClient(await app.CreateApiKeyAsync("read", payments));
        var items = await ItemsAsync(client);

        Assert.Equal(paymentsFindings, items.Count);
        Assert.All(items, i => Assert.StartsWith("Payments-", i.GetProperty("ownerTeamName").GetString()));
    }

    [Fact]
    public async Task An_app_team_persona_reads_only_its_teams_findings_and_an_analyst_reads_all()
    {
        var (payments, _) = await SeedTwoTeamsWithFindingsAsync();
        var paymentsFindings = await app.WithDbAsync(db => Task.FromResult(db.Findings.Count(f => f.OwnerTeamId == payments)));
        var allFindings = await app.WithDbAsync(db => Task.FromResult(db.Findings.Count()));

        using var member = await app.SignedInClientAsync("AppTeam.Member", payments);
        var memberItems = await ItemsAsync(member);
        Assert.Equal(paymentsFindings, memberItems.Count);
        Assert.All(memberItems, i => Assert.StartsWith("Payments-", i.GetProperty("ownerTeamName").GetString()));

        using var analyst = await app.SignedInClientAsync("Security.Analyst");
        Assert.Equal(Math.Min(allFindings, 500), (await ItemsAsync(analyst)).Count);
    }

    [Fact]
    public async Task The_api_takes_the_explorers_filters_within_the_callers_scope()
    {
        var (payments, ledger) = await SeedTwoTeamsWithFindingsAsync();
        var paymentsName = await app.WithDbAsync(db => Task.FromResult(db.Teams.Single(t => t.Id == payments).Name));
        var ledgerName = await app.WithDbAsync(db => Task.FromResult(db.Teams.Single(t => t.Id == ledger).Name));
        var cve = await app.WithDbAsync(db => Task.FromResult(db.Findings.Where(f => f.OwnerTeamId == payments && f.VulnerabilityId != null)
            .GroupBy(f => f.VulnerabilityId).OrderByDescending(g => g.Count()).Select(g => g.Key!).First()));
        var withCve = await app.WithDbAsync(db => Task.FromResult(db.Findings.Count(f => f.OwnerTeamId == payments && f.VulnerabilityId == cve)));

        using var analyst = await app.SignedInClientAsync("Security.Analyst");
        var teamItems = await ItemsAsync(analyst, "&team=" + paymentsName);
        Assert.Equal(await app.WithDbAsync(db => Task.FromResult(db.Findings.Count(f => f.OwnerTeamId == payments))), teamItems.Count);
        Assert.All(teamItems, i => Assert.Equal(paymentsName, i.GetProperty("ownerTeamName").GetString()));
        var cveItems = await ItemsAsync(analyst, $"&team={paymentsName}&cve={cve}");
        Assert.Equal(withCve, cveItems.Count);
        Assert.All(cveItems, i => Assert.Equal(cve, i.GetProperty("vulnerabilityId").GetString()));

        // Naming another team narrows, it never widens: an app team asking for Ledger's findings gets none.
        using var member = await app.SignedInClientAsync("AppTeam.Member", payments);
        Assert.Empty(await ItemsAsync(member, "&team=" + ledgerName));
        Assert.Equal(withCve, (await ItemsAsync(member, "&cve=" + cve)).Count);
    }

    [Fact]
    public async Task An_app_team_sees_the_cluster_of_its_findings_even_where_it_owns_no_namespace()
    {
        var team = "Clusterless-" + Guid.NewGuid().ToString("N")[..6];
        var teamId = await app.SeedTeamAsync(team);
        var cluster = "discovered-" + Guid.NewGuid().ToString("N")[..6];
        using var pusher = app.CreateApiClient(await app.CreateApiKeyAsync("ingest", teamId));
        var push = await pusher.PostAsync($"/api/v1/ingest/scans?cluster={cluster}&scope=image:{team}", new ByteArrayContent(TestFixtures.Read("trivy/ubuntu-1804.json.golden")));
        Assert.Equal(HttpStatusCode.OK, push.StatusCode);

        using var reader = app.CreateApiClient(await app.CreateApiKeyAsync("read", teamId));
        var items = await ItemsAsync(reader);

        Assert.NotEmpty(items);
        Assert.All(items, i => Assert.Equal(cluster, i.GetProperty("clusterName").GetString()));
        // The cluster list itself stays scoped: the team owns no namespace there.
        var teamKey = new System.Security.Claims.ClaimsPrincipal(new System.Security.Claims.ClaimsIdentity(
            [new System.Security.Claims.Claim(K8Posture.Security.K8PostureClaims.ApiKeyId, "1"), new System.Security.Claims.Claim(K8Posture.Security.K8PostureClaims.Team, teamId.ToString())], "test"));
        Assert.Equal(0, await app.AsUserAsync(teamKey, async services =>
        {
            await using var db = await services.GetRequiredService<Microsoft.EntityFrameworkCore.IDbContextFactory<K8Posture.Data.K8PostureDbContext>>().CreateDbContextAsync();
            return db.Clusters.Count(c => c.Name == cluster);
        }));
    }

    [Fact]
    public async Task An_ingest_only_key_cannot_read()
    {
        using var client = app.CreateApiClient(await app.CreateApiKeyAsync("ingest"));
        var response = await client.GetAsync("/api/v1/findings");
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task A_revoked_key_is_refused_and_use_updates_last_used()
    {
        var secret = await app.CreateApiKeyAsync("read", name: "revoke-me-" + Guid.NewGuid().ToString("N")[..6]);
        using var client = app.CreateApiClient(secret);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/v1/findings")).StatusCode);
        var hash = K8Posture.Security.ApiKeySecrets.Hash(secret);
        var keyId = await app.WithDbAsync(db => Task.FromResult(db.ApiKeys.Single(k => k.SecretHash == hash).Id));
        Assert.NotNull(await app.WithDbAsync(db => Task.FromResult(db.ApiKeys.Single(k => k.Id == keyId).LastUsedAt)));

        await app.AsSystemAsync(s => s.GetRequiredService<K8Posture.Features.Admin.ApiKeyService>().RevokeAsync(keyId, CancellationToken.None));
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync("/api/v1/findings")).StatusCode);
    }
}
