using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using K8Posture.Features.Clusters;
using K8Posture.Features.Landscape;
using K8Posture.IntegrationTests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace K8Posture.IntegrationTests.Features.Clusters;

/// <summary>
/// A cluster's state follows what really happened to it — registered, collected by the real job against a fake API server,
/// failing after that, named only by a push — and the API, the landscape and the team page count it the same way.
/// </summary>
[Collection(HangfireCollection.Name)]
public sealed class ClusterStateFacts(K8PostureAppFactory app) : IClassFixture<K8PostureAppFactory>
{
    private static string Unique(string prefix) => prefix + "-" + Guid.NewGuid().ToString("N")[..8];

    private async Task<JsonElement> StateOfAsync(HttpClient client, string name)
    {
        var list = await client.GetFromJsonAsync<JsonElement>("/api/v1/clusters");
        return list.EnumerateArray().Single(c => c.GetProperty("name").GetString() == name).GetProperty("state");
    }

    private Task<ClusterCollectionResult> RunJobAsync(string name) => app.AsJobAsync(async services =>
    {
        var id = await app.WithDbAsync(db => db.Clusters.Where(c => c.Name == name).Select(c => c.Id).SingleAsync());
        return await services.GetRequiredService<ClusterCollectionJob>().RunAsync(id, CancellationToken.None);
    });

    [Fact]
    public async Task Registered_then_collected_then_stale_after_a_failed_attempt_and_discovered_only_from_a_push()
    {
        var client = app.CreateApiClient(await app.CreateApiKeyAsync("admin,read,ingest"));
        var name = Unique("state");
        var fake = await new FakeKubernetesApi().AddNamespace("default").StartAsync();
        try
        {
            var register = await client.PostAsJsonAsync("/api/v1/clusters", new { name, serverUrl = fake.Address.ToString(), token = fake.Token });
            Assert.Equal(HttpStatusCode.Created, register.StatusCode);
            var registered = await StateOfAsync(client, name);
            Assert.Equal(("Registered", "Registered"), (registered.GetProperty("kind").GetString(), registered.GetProperty("label").GetString()));
            Assert.Equal(JsonValueKind.Null, registered.GetProperty("lastSuccessAt").ValueKind);

            var run = await RunJobAsync(name);
            Assert.True(run.Succeeded, run.Error);
            var collected = await StateOfAsync(client, name);
            Assert.Equal(("Collected", "Collected", false), (collected.GetProperty("kind").GetString(), collected.GetProperty("label").GetString(), collected.GetProperty("isStale").GetBoolean()));
            var lastSuccess = collected.GetProperty("lastSuccessAt").GetDateTimeOffset();
            Assert.InRange(lastSuccess, DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddMinutes(1));
        }
        finally
        {
            await fake.DisposeAsync();
        }

        var failed = await RunJobAsync(name);
        Assert.False(failed.Succeeded);
        var stale = await StateOfAsync(client, name);
        Assert.Equal(("Collected", "Collected (stale)", true), (stale.GetProperty("kind").GetString(), stale.GetProperty("label").GetString(), stale.GetProperty("isStale").GetBoolean()));
        Assert.Contains("the last attempt failed", stale.GetProperty("description").GetString(), StringComparison.Ordinal);

        var pushed = Unique("pushed");
        var push = await client.PostAsync($"/api/v1/ingest/scans?cluster={pushed}&scope=image:{pushed}", new ByteArrayContent(TestFixtures.Read("trivy/ubuntu-1804.json.golden")));
        Assert.Equal(HttpStatusCode.OK, push.StatusCode);
        var discovered = await StateOfAsync(client, pushed);
        Assert.Equal(("Discovered", "Discovered only"), (discovered.GetProperty("kind").GetString(), discovered.GetProperty("label").GetString()));
    }

    [Fact]
    public async Task The_landscape_counts_the_states_the_api_lists_and_a_team_filter_counts_the_teams_clusters()
    {
        var team = Unique("Team");
        var teamId = await app.SeedTeamAsync(team);
        await app.SeedClusterAsync(Unique("team-ns"), ("apps", teamId));
        await app.SeedClusterAsync(Unique("other"), ("apps", null));
        var owned = Unique("team-owned");
        await app.SeedClusterAsync(owned);
        await app.WithDbAsync(async db =>
        {
            var cluster = await db.Clusters.SingleAsync(c => c.Name == owned);
            cluster.OwnerTeamId = teamId;
            cluster.LastAttemptAt = cluster.LastSuccessAt = DateTimeOffset.UtcNow.AddMinutes(-3);
            return await db.SaveChangesAsync();
        });
        var client = app.CreateApiClient(await app.CreateApiKeyAsync("read"));
        var listed = (await client.GetFromJsonAsync<JsonElement>("/api/v1/clusters")).EnumerateArray()
            .Select(c => c.GetProperty("state").GetProperty("kind").GetString()).ToList();

        var everything = await app.AsSystemAsync(sp => sp.GetRequiredService<LandscapeQueries>().GetSummaryAsync(new LandscapeFilter()));
        var ofTeam = await app.AsSystemAsync(sp => sp.GetRequiredService<LandscapeQueries>().GetSummaryAsync(new LandscapeFilter(Team: team)));
        var teamPage = await app.AsSystemAsync(sp => sp.GetRequiredService<K8Posture.Features.Teams.TeamQueries>().GetAsync(team));

        Assert.Equal(listed.Count, everything.ClusterCount);
        Assert.Equal(listed.Count(k => k == "Collected"), everything.ClusterStates.Count(s => s.Kind == ClusterStateKind.Collected));
        Assert.Equal(listed.Count(k => k == "Registered"), everything.ClusterStates.Count(s => s.Kind == ClusterStateKind.Registered));
        Assert.Equal(listed.Count(k => k == "Discovered"), everything.ClusterStates.Count(s => s.Kind == ClusterStateKind.Discovered));
        Assert.True(everything.ClusterCount >= 3);
        Assert.Equal(2, ofTeam.ClusterCount);
        Assert.Equal(2, teamPage!.Clusters.Count);
        Assert.Contains(owned, teamPage.Clusters);
        Assert.Equal("1 collected · 1 registered", ClusterState.CountsCaption(ofTeam.ClusterStates));
    }
}
