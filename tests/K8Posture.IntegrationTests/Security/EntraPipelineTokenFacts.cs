using System.Net;
using System.Net.Http.Headers;
using K8Posture.Features.Organisation;
using K8Posture.IntegrationTests.Infrastructure;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.DependencyInjection;

namespace K8Posture.IntegrationTests.Security;

/// <summary>Pipelines that push with an Entra app-only token: named by their service principal, bound to their registered team or organisation-wide.</summary>
public sealed class EntraPipelineTokenFacts(EntraAppFixture fixture) : IClassFixture<EntraAppFixture>
{
    private const string Report = "trivy/alpine-310.json.golden";

    private async Task<(HttpStatusCode Status, long BatchId)> PushAsync(string token)
    {
        using var client = fixture.App.CreateApiClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        var response = await client.PostAsync($"/api/v1/ingest/scans?scope=test:{Guid.NewGuid():N}", new ByteArrayContent(TestFixtures.Read(Report)));
        if (response.StatusCode != HttpStatusCode.OK)
        {
            return (response.StatusCode, 0);
        }
        using var outcome = System.Text.Json.JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return (response.StatusCode, outcome.RootElement.GetProperty("batchId").GetInt64());
    }

    private Task<string> BatchActorAsync(long batchId) => fixture.App.WithDbAsync(async db =>
        (await db.IngestBatches.FindAsync(batchId))!.Actor);

    private Task<int?> BatchTeamAsync(long batchId) => fixture.App.WithDbAsync(async db =>
        (await db.IngestBatches.FindAsync(batchId))!.TeamId);

    [Fact]
    public async Task A_registered_pipeline_identity_with_a_team_pushes_for_that_team_under_its_registered_name()
    {
        var appId = Guid.NewGuid().ToString();
        var teamId = await fixture.App.SeedTeamAsync("Pipeline team " + Guid.NewGuid().ToString("N")[..6]);
        await fixture.App.WithDbAsync(async db =>
        {
            db.PipelineIdentities.Add(new PipelineIdentity { EntraId = appId, DisplayName = "Payments CI", TeamId = teamId, CreatedAt = DateTimeOffset.UtcNow, CreatedBy = "tests" });
            return await db.SaveChangesAsync();
        });
        // As the organisation service does after a pipeline identity change.
        fixture.App.Services.GetRequiredService<IMemoryCache>().Remove(OrganisationService.PipelineIdentitiesCacheKey);

        var (status, batchId) = await PushAsync(fixture.Entra.CreateAppToken(appId, Guid.NewGuid().ToString(), ["Pipeline.Ingest"], appDisplayName: "payments-ci-sp"));

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal($"app:Payments CI ({appId})", await BatchActorAsync(batchId));
        Assert.Equal(teamId, await BatchTeamAsync(batchId));
    }

    [Fact]
    public async Task An_unregistered_app_with_a_pipeline_role_pushes_organisation_wide_under_its_own_display_name()
    {
        var appId = Guid.NewGuid().ToString();

        var (status, batchId) = await PushAsync(fixture.Entra.CreateAppToken(appId, Guid.NewGuid().ToString(), ["Pipeline.Ingest"], appDisplayName: "Platform CI"));

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal($"app:Platform CI ({appId})", await BatchActorAsync(batchId));
        Assert.Null(await BatchTeamAsync(batchId));
    }

    [Fact]
    public async Task An_app_token_without_a_pipeline_role_may_not_push()
    {
        var (status, _) = await PushAsync(fixture.Entra.CreateAppToken(Guid.NewGuid().ToString(), Guid.NewGuid().ToString(), ["Something.Else"]));
        Assert.Equal(HttpStatusCode.Forbidden, status);
    }
}
