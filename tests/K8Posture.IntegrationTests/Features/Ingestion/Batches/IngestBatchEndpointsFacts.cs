using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;
using K8Posture.IntegrationTests.Infrastructure;

namespace K8Posture.IntegrationTests.Features.Ingestion.Batches;

public sealed class IngestBatchEndpointsFacts(K8PostureAppFactory app) : IClassFixture<K8PostureAppFactory>
{
    private async Task<(long BatchId, byte[] Payload, int TeamId, string Team)> PushAsync()
    {
        var team = "Batches-" + Guid.NewGuid().ToString("N")[..6];
        var teamId = await app.SeedTeamAsync(team);
        using var pusher = app.CreateApiClient(await app.CreateApiKeyAsync("ingest", teamId));
        var payload = TestFixtures.Read("trivy/ubuntu-1804.json.golden");
        var response = await pusher.PostAsync($"/api/v1/ingest/scans?scope=image:{team}&pipeline=ci/{team}&commit=abc123", new ByteArrayContent(payload));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var outcome = await response.Content.ReadFromJsonAsync<JsonElement>();
        return (outcome.GetProperty("batchId").GetInt64(), payload, teamId, team);
    }

    [Fact]
    public async Task An_auditor_downloads_the_exact_payload_and_the_download_is_audited()
    {
        var (batchId, payload, _, _) = await PushAsync();
        using var auditor = await app.SignedInClientAsync("Auditor");

        var response = await auditor.GetAsync($"/api/v1/ingest/batches/{batchId}/payload");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var downloaded = await response.Content.ReadAsByteArrayAsync();
        Assert.Equal(SHA256.HashData(payload), SHA256.HashData(downloaded));
        Assert.Contains(Convert.ToHexStringLower(SHA256.HashData(payload))[..12], response.Content.Headers.ContentDisposition?.FileName ?? "");
        Assert.Equal(1, await app.ScalarAsync("SELECT COUNT(*) FROM AuditEvents WHERE Action = 'ingest.payload.download' AND EntityId = $id", ("$id", batchId.ToString())));
    }

    [Theory]
    [InlineData("Security.Analyst")]
    [InlineData("Leadership.Viewer")]
    public async Task Only_auditors_and_admins_may_download_payloads(string role)
    {
        var (batchId, _, _, _) = await PushAsync();
        using var client = await app.SignedInClientAsync(role);
        Assert.Equal(HttpStatusCode.Forbidden, (await client.GetAsync($"/api/v1/ingest/batches/{batchId}/payload")).StatusCode);
    }

    [Fact]
    public async Task An_app_team_member_lists_only_its_teams_pushes()
    {
        var mine = await PushAsync();
        var theirs = await PushAsync();
        using var member = await app.SignedInClientAsync("AppTeam.Member", mine.TeamId);

        var page = await member.GetFromJsonAsync<JsonElement>("/api/v1/ingest/batches?pageSize=200");
        var ids = page.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("id").GetInt64()).ToList();

        Assert.Contains(mine.BatchId, ids);
        Assert.DoesNotContain(theirs.BatchId, ids);
        Assert.All(page.GetProperty("items").EnumerateArray(), i => Assert.Equal(mine.Team, i.GetProperty("teamName").GetString()));
    }

    [Fact]
    public async Task An_unknown_status_is_a_problem_naming_the_parameter()
    {
        using var client = app.CreateApiClient(await app.CreateApiKeyAsync("read"));
        var response = await client.GetAsync("/api/v1/ingest/batches?status=Exploded");
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("status", await response.Content.ReadAsStringAsync());
    }
}
