using System.Net;
using System.Net.Http.Json;
using K8Posture.IntegrationTests.Infrastructure;
using K8Posture.Security;

namespace K8Posture.IntegrationTests.Features.Clusters;

[Collection(HangfireCollection.Name)]
public sealed class ClusterPagesFacts(K8PostureAppFactory app) : IClassFixture<K8PostureAppFactory>
{
    private static string Unique(string prefix) => prefix + "-" + Guid.NewGuid().ToString("N")[..8];

    [Fact]
    public async Task An_app_team_sees_only_clusters_it_owns_or_has_namespaces_in()
    {
        var teamName = Unique("team");
        var teamId = await app.SeedTeamAsync(teamName);
        var admin = app.CreateApiClient(await app.CreateApiKeyAsync("admin,read"));
        var owned = Unique("owned");
        var other = Unique("other");
        Assert.Equal(HttpStatusCode.Created, (await admin.PostAsJsonAsync("/api/v1/clusters", new { name = owned, serverUrl = "https://owned.example.com", token = "t1", ownerTeam = teamName })).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await admin.PostAsJsonAsync("/api/v1/clusters", new { name = other, serverUrl = "https://other.example.com", token = "t2" })).StatusCode);
        var viaNamespace = Unique("via-ns");
        await app.SeedClusterAsync(viaNamespace, ("payments", teamId));

        var teamKey = app.CreateApiClient(await app.CreateApiKeyAsync("read", teamId));
        var list = await teamKey.GetStringAsync("/api/v1/clusters");
        Assert.Contains(owned, list, StringComparison.Ordinal);
        Assert.Contains(viaNamespace, list, StringComparison.Ordinal);
        Assert.DoesNotContain(other, list, StringComparison.Ordinal);

        using var member = await app.SignedInClientAsync(Roles.AppTeamMember, teamId);
        var page = await member.GetStringAsync("/clusters");
        Assert.Contains(owned, page, StringComparison.Ordinal);
        Assert.DoesNotContain(other, page, StringComparison.Ordinal);
        // A team may not administer clusters: no team key carries the admin scope any more, and one made before that rule is refused.
        await Assert.ThrowsAsync<ArgumentException>(() => app.CreateApiKeyAsync("admin,read", teamId));
        var legacyTeamAdmin = app.CreateApiClient(await app.InsertLegacyApiKeyAsync("admin,read", teamId));
        Assert.Equal(HttpStatusCode.Forbidden, (await legacyTeamAdmin.PostAsJsonAsync("/api/v1/clusters", new { name = Unique("mine"), serverUrl = "https://mine.example.com", token = "t3" })).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await legacyTeamAdmin.PostAsJsonAsync("/api/v1/clusters", new { name = owned, serverUrl = "https://evil.example.com", token = "t4" })).StatusCode);
        Assert.Equal(0, await app.ScalarAsync("SELECT COUNT(*) FROM Clusters WHERE ServerUrl IN ('https://evil.example.com', 'https://mine.example.com')"));

        // The manage page is for Security admins only.
        var manage = await member.GetAsync("/clusters/manage");
        Assert.Equal(HttpStatusCode.Redirect, manage.StatusCode);
        Assert.Contains("/account/access-denied", manage.Headers.Location?.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_manage_page_lists_clusters_without_their_secrets()
    {
        var admin = app.CreateApiClient(await app.CreateApiKeyAsync("admin"));
        var name = Unique("page");
        const string token = "page-token-do-not-show-7f3a";
        Assert.Equal(HttpStatusCode.Created, (await admin.PostAsJsonAsync("/api/v1/clusters", new { name, serverUrl = "https://page.example.com", token })).StatusCode);

        using var person = await app.SignedInClientAsync(Roles.SecurityAdmin);
        var manage = await person.GetStringAsync("/clusters/manage");
        Assert.Contains(name, manage, StringComparison.Ordinal);
        Assert.Contains("https://page.example.com", manage, StringComparison.Ordinal);
        Assert.DoesNotContain(token, manage, StringComparison.Ordinal);
        var list = await person.GetStringAsync("/clusters");
        Assert.Contains(name, list, StringComparison.Ordinal);
        Assert.DoesNotContain(token, list, StringComparison.Ordinal);
    }
}
