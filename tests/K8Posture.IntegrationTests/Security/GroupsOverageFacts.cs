using System.Net;
using K8Posture.Data;
using K8Posture.IntegrationTests.Infrastructure;
using K8Posture.Features.Organisation;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace K8Posture.IntegrationTests.Security;

/// <summary>
/// A person in too many groups gets a token with <c>_claim_names.groups</c> instead of <c>groups</c>; the app lists
/// their groups in Microsoft Graph (here the fake, paged) with its own client-credentials token.
/// </summary>
public sealed class GroupsOverageFacts(EntraAppFixture fixture) : IClassFixture<EntraAppFixture>
{
    private static Dictionary<string, object> OverageMember(string oid, string name) => new()
    {
        ["oid"] = oid,
        ["name"] = name,
        ["preferred_username"] = name.Replace(' ', '.').ToLowerInvariant() + "@contoso.test",
        ["roles"] = new[] { "AppTeam.Member" },
        ["_claim_names"] = new Dictionary<string, object> { ["groups"] = "src1" },
        ["_claim_sources"] = new Dictionary<string, object>
        {
            ["src1"] = new Dictionary<string, object> { ["endpoint"] = $"https://graph.windows.net/tenant/users/{oid}/getMemberObjects" },
        },
    };

    private async Task<string> MapGroupToNewTeamAsync(string teamName, string groupId)
    {
        var teamId = await fixture.App.SeedTeamAsync(teamName);
        await fixture.App.WithDbAsync(async db =>
        {
            db.TeamGroups.Add(new TeamGroup { TeamId = teamId, EntraGroupId = groupId });
            return await db.SaveChangesAsync();
        });
        // As the organisation service does after a mapping change.
        fixture.App.Services.GetRequiredService<IMemoryCache>().Remove(OrganisationService.TeamGroupsCacheKey);
        return teamName;
    }

    [Fact]
    public async Task The_groups_come_from_graph_page_by_page_with_the_apps_own_token_and_map_to_the_team()
    {
        var oid = Guid.NewGuid().ToString();
        var mapped = Guid.NewGuid().ToString();
        var team = await MapGroupToNewTeamAsync("Overage " + Guid.NewGuid().ToString("N")[..6], mapped);
        fixture.Entra.SetGroups(oid, Guid.NewGuid().ToString(), Guid.NewGuid().ToString(), Guid.NewGuid().ToString(), Guid.NewGuid().ToString(), mapped);

        var session = await fixture.App.SignInAsync(fixture.Entra, OverageMember(oid, "Olga Overage"));
        var landscape = await session.Client.GetAsync("/");

        Assert.Equal(HttpStatusCode.OK, landscape.StatusCode);
        var html = await landscape.Content.ReadAsStringAsync();
        Assert.Contains($"Showing team {team}", html);
        Assert.DoesNotContain("groups-unresolved-banner", html);

        var calls = fixture.Entra.GraphRequests.Where(r => r.PathAndQuery.Contains(oid, StringComparison.Ordinal)).ToList();
        Assert.Equal(3, calls.Count); // five groups, two a page
        Assert.Contains("$select=id", Uri.UnescapeDataString(calls[0].PathAndQuery), StringComparison.Ordinal);
        Assert.All(calls, c => Assert.StartsWith("Bearer graph-app-token-", c.Authorization, StringComparison.Ordinal));
        Assert.Contains(fixture.Entra.TokenRequests, t => t["grant_type"] == "client_credentials"
            && t["scope"] == "https://graph.microsoft.com/.default" && t["authenticated_client_id"] == FakeEntraId.ClientId);

        // Cached per person: more requests do not ask Graph again.
        await session.Client.GetAsync("/findings");
        await session.Client.GetAsync("/");
        Assert.Equal(3, fixture.Entra.GraphRequests.Count(r => r.PathAndQuery.Contains(oid, StringComparison.Ordinal)));
    }

    [Fact]
    public async Task When_graph_refuses_the_person_is_told_and_a_warning_without_secrets_is_logged()
    {
        var oid = Guid.NewGuid().ToString();
        fixture.Entra.FailGraphFor(oid, 403);

        var session = await fixture.App.SignInAsync(fixture.Entra, OverageMember(oid, "Rita Refused"));
        var landscape = await session.Client.GetAsync("/");

        Assert.Equal(HttpStatusCode.OK, landscape.StatusCode);
        var html = await landscape.Content.ReadAsStringAsync();
        Assert.Contains("data-testid=\"groups-unresolved-banner\"", html);
        Assert.Contains("data-reason=\"graph-failed\"", html);
        Assert.Contains("too many groups to fit in the sign-in token", html);
        Assert.Contains("you see no team's data until then", html);

        var warning = Assert.Single(fixture.Logs.Entries, e => e.Level == LogLevel.Warning && e.Message.Contains(oid, StringComparison.Ordinal));
        Assert.Contains("Microsoft Graph", warning.Message);
        Assert.Contains("403", warning.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(fixture.Logs.Entries, e => e.Message.Contains(FakeEntraId.ClientSecret, StringComparison.Ordinal)
            || e.Message.Contains("graph-app-token-", StringComparison.Ordinal) || e.Message.Contains(session.IdToken, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Without_a_client_credential_graph_is_not_called_and_the_person_is_told_to_ask_for_graph_access()
    {
        var logs = new CollectedLogs();
        await using var app = EntraAppFixture.CreateApp(fixture.Entra, logs, withClientSecret: false);
        var oid = Guid.NewGuid().ToString();
        fixture.Entra.SetGroups(oid, Guid.NewGuid().ToString());

        var session = await app.SignInAsync(fixture.Entra, OverageMember(oid, "Nils Nograph"));
        var html = await (await session.Client.GetAsync("/")).Content.ReadAsStringAsync();

        Assert.Contains("data-reason=\"graph-not-configured\"", html);
        Assert.Contains("ask an administrator to configure Graph access", html);
        Assert.DoesNotContain(fixture.Entra.GraphRequests, r => r.PathAndQuery.Contains(oid, StringComparison.Ordinal));
        var warning = Assert.Single(logs.Entries, e => e.Level == LogLevel.Warning && e.Message.Contains(oid, StringComparison.Ordinal));
        Assert.Contains("not configured", warning.Message);
    }
}
