using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using K8Posture.IntegrationTests.Infrastructure;
using K8Posture.Security;
using Microsoft.EntityFrameworkCore;

namespace K8Posture.IntegrationTests.Features.Findings;

/// <summary>Saved findings views over real HTTP and a real SQLite file: each person sees and deletes only their own.</summary>
public sealed class SavedViewFacts(K8PostureAppFactory app) : IClassFixture<K8PostureAppFactory>
{
    private static async Task<List<JsonElement>> ListAsync(HttpClient client)
    {
        var response = await client.GetAsync("/api/v1/saved-views");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).EnumerateArray().ToList();
    }

    [Fact]
    public async Task A_private_view_is_seen_and_deleted_only_by_its_owner()
    {
        using var analyst = await app.SignedInClientAsync(Roles.SecurityAnalyst);
        using var admin = await app.SignedInClientAsync(Roles.SecurityAdmin);
        var name = "critical in prod " + Guid.NewGuid().ToString("N")[..6];

        var saved = await analyst.PostAsJsonAsync("/api/v1/saved-views", new { name, queryString = "?severity=Critical&env=production", shared = false });
        Assert.Equal(HttpStatusCode.OK, saved.StatusCode);
        var id = (await saved.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt32();

        var mine = Assert.Single(await ListAsync(analyst), v => v.GetProperty("name").GetString() == name);
        Assert.Equal("severity=Critical&env=production", mine.GetProperty("queryString").GetString());
        Assert.DoesNotContain(await ListAsync(admin), v => v.GetProperty("name").GetString() == name);

        Assert.Equal(HttpStatusCode.NotFound, (await admin.DeleteAsync($"/api/v1/saved-views/{id}")).StatusCode);
        Assert.Contains(await ListAsync(analyst), v => v.GetProperty("name").GetString() == name);

        Assert.Equal(HttpStatusCode.NoContent, (await analyst.DeleteAsync($"/api/v1/saved-views/{id}")).StatusCode);
        Assert.DoesNotContain(await ListAsync(analyst), v => v.GetProperty("name").GetString() == name);
        var audited = await app.WithDbAsync(db => db.AuditEvents.CountAsync(a => a.EntityType == "SavedView" && (a.Action == "saved-view.create" || a.Action == "saved-view.delete")));
        Assert.True(audited >= 2);
    }

    [Fact]
    public async Task The_security_team_shares_a_view_with_everyone_but_an_app_team_member_may_not()
    {
        var team = await app.SeedTeamAsync("Views-" + Guid.NewGuid().ToString("N")[..6]);
        using var analyst = await app.SignedInClientAsync(Roles.SecurityAnalyst);
        using var member = await app.SignedInClientAsync(Roles.AppTeamMember, team);
        var name = "shared " + Guid.NewGuid().ToString("N")[..6];

        Assert.Equal(HttpStatusCode.OK, (await analyst.PostAsJsonAsync("/api/v1/saved-views", new { name, queryString = "owasp=K01", shared = true })).StatusCode);
        var seen = Assert.Single(await ListAsync(member), v => v.GetProperty("name").GetString() == name);
        Assert.False(seen.GetProperty("isMine").GetBoolean());

        var refused = await member.PostAsJsonAsync("/api/v1/saved-views", new { name = "mine", queryString = "", shared = true });
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Equal("shared", (await refused.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("field").GetString());
        Assert.DoesNotContain(await ListAsync(member), v => v.GetProperty("name").GetString() == "mine");
    }

    [Fact]
    public async Task A_nameless_view_is_a_problem_and_nothing_is_written()
    {
        using var analyst = await app.SignedInClientAsync(Roles.SecurityAnalyst);
        var before = await app.WithDbAsync(db => db.SavedViews.IgnoreQueryFilters().CountAsync());

        var response = await analyst.PostAsJsonAsync("/api/v1/saved-views", new { name = "  ", queryString = "q=x", shared = false });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(before, await app.WithDbAsync(db => db.SavedViews.IgnoreQueryFilters().CountAsync()));
    }
}
