using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using K8Posture.Data;
using K8Posture.Features.Admin;
using K8Posture.Features.Clusters;
using K8Posture.IntegrationTests.Infrastructure;
using K8Posture.Security;
using Microsoft.Extensions.DependencyInjection;

namespace K8Posture.IntegrationTests.Features.Clusters;

/// <summary>
/// Registering, changing, testing, refreshing and unregistering a cluster is the Security Team's: a Security.Admin person
/// or an organisation-wide admin key. A team key that still carries the admin scope (created before team keys lost it)
/// is refused, on the real app over SQLite.
/// </summary>
[Collection(HangfireCollection.Name)]
public sealed class ClusterAdministrationFacts(K8PostureAppFactory app) : IClassFixture<K8PostureAppFactory>
{
    private static string Unique(string prefix) => prefix + "-" + Guid.NewGuid().ToString("N")[..8];

    private Task<long> ClusterStateAsync(string name, string serverUrl, string environment, int? ownerTeamId) =>
        app.ScalarAsync("SELECT COUNT(*) FROM Clusters WHERE Name = $name AND ServerUrl = $url AND Environment = $env AND IsManaged = 1 AND ConnectionSecretProtected IS NOT NULL AND "
            + (ownerTeamId is null ? "OwnerTeamId IS NULL" : "OwnerTeamId = $owner"),
            ("$name", name), ("$url", serverUrl), ("$env", environment), ("$owner", (object?)ownerTeamId ?? DBNull.Value));

    [Fact]
    public async Task A_legacy_team_key_with_the_admin_scope_cannot_take_over_a_shared_cluster()
    {
        var ledger = await app.SeedTeamAsync(Unique("Ledger"));
        var platform = await app.SeedTeamAsync(Unique("Platform"));
        var platformName = (await app.WithDbAsync(db => db.Teams.FindAsync(platform).AsTask()))!.Name;
        using var orgAdmin = app.CreateApiClient(await app.CreateApiKeyAsync("admin"));
        var shared = Unique("prod-aks-weu");
        Assert.Equal(HttpStatusCode.Created, (await orgAdmin.PostAsJsonAsync("/api/v1/clusters",
            new { name = shared, serverUrl = "https://prod-aks-weu.example.com", token = "real-token", environment = "production", ownerTeam = platformName })).StatusCode);
        // Ledger owns one namespace of the shared cluster, so its keys can see the cluster.
        await app.WithDbAsync(async db =>
        {
            var cluster = db.Clusters.Single(c => c.Name == shared);
            db.Namespaces.Add(new ClusterNamespace { ClusterId = cluster.Id, Name = "ledger", OwnerTeamId = ledger });
            return await db.SaveChangesAsync();
        });
        using var ledgerAdmin = app.CreateApiClient(await app.InsertLegacyApiKeyAsync("admin,read", ledger));
        Assert.Contains(shared, await ledgerAdmin.GetStringAsync("/api/v1/clusters"), StringComparison.Ordinal);
        var auditBefore = await app.ScalarAsync("SELECT COUNT(*) FROM AuditEvents WHERE EntityType = 'Cluster'");

        var takeOver = await ledgerAdmin.PostAsJsonAsync("/api/v1/clusters",
            new { name = shared, serverUrl = "https://evil.example.com", token = "evil-token", environment = "dev", ownerTeam = (string?)null });
        Assert.Equal(HttpStatusCode.Forbidden, takeOver.StatusCode);
        var problem = JsonDocument.Parse(await takeOver.Content.ReadAsStringAsync()).RootElement;
        Assert.Contains("Security Team", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Contains("team-bound", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(1, await ClusterStateAsync(shared, "https://prod-aks-weu.example.com", "production", platform));

        // Nor may it register a new cluster, test, refresh or unregister one.
        Assert.Equal(HttpStatusCode.Forbidden, (await ledgerAdmin.PostAsJsonAsync("/api/v1/clusters", new { name = Unique("new"), serverUrl = "https://new.example.com", token = "t" })).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await ledgerAdmin.PostAsync($"/api/v1/clusters/{shared}/test", null)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await ledgerAdmin.PostAsync($"/api/v1/clusters/{shared}/refresh", null)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await ledgerAdmin.DeleteAsync($"/api/v1/clusters/{shared}")).StatusCode);
        Assert.Equal(1, await ClusterStateAsync(shared, "https://prod-aks-weu.example.com", "production", platform));
        Assert.Equal(auditBefore, await app.ScalarAsync("SELECT COUNT(*) FROM AuditEvents WHERE EntityType = 'Cluster'"));

        // The organisation-wide admin key still changes it.
        Assert.Equal(HttpStatusCode.OK, (await orgAdmin.PostAsJsonAsync("/api/v1/clusters", new { name = shared, environment = "staging" })).StatusCode);
        Assert.Equal(1, await ClusterStateAsync(shared, "https://prod-aks-weu.example.com", "staging", platform));
        Assert.Equal(HttpStatusCode.Accepted, (await orgAdmin.PostAsync($"/api/v1/clusters/{shared}/refresh", null)).StatusCode);
    }

    [Fact]
    public async Task The_cluster_service_itself_refuses_a_team_bound_caller()
    {
        var team = await app.SeedTeamAsync(Unique("team"));
        var name = Unique("svc");
        await app.SeedClusterAsync(name, ("apps", team));
        await using var scope = app.Services.CreateAsyncScope();
        var principal = new System.Security.Claims.ClaimsPrincipal(new System.Security.Claims.ClaimsIdentity(
        [
            new(System.Security.Claims.ClaimTypes.Name, "legacy"),
            new(K8PostureClaims.ApiKeyId, "999"),
            new(K8PostureClaims.Scope, ApiScopes.Admin),
            new(K8PostureClaims.Team, team.ToString(System.Globalization.CultureInfo.InvariantCulture)),
        ], "test"));
        scope.ServiceProvider.GetRequiredService<DataScope>().SetUser(principal);
        var clusters = scope.ServiceProvider.GetRequiredService<ClusterService>();

        await Assert.ThrowsAsync<SecurityTeamRequiredException>(() => clusters.SaveAsync(new RegisterClusterRequest(name, ServerUrl: "https://evil.example.com", Token: "t"), CancellationToken.None));
        await Assert.ThrowsAsync<SecurityTeamRequiredException>(() => clusters.TestStoredAsync(name, CancellationToken.None));
        await Assert.ThrowsAsync<SecurityTeamRequiredException>(() => clusters.EnqueueRefreshAsync(name, CancellationToken.None));
        await Assert.ThrowsAsync<SecurityTeamRequiredException>(() => clusters.UnregisterAsync(name, CancellationToken.None));
        Assert.Equal(0, await app.ScalarAsync("SELECT COUNT(*) FROM Clusters WHERE ServerUrl = 'https://evil.example.com'"));
        // Reading stays scoped, not refused.
        Assert.Contains(await clusters.ListAsync(CancellationToken.None), c => c.Name == name);
    }

    [Theory]
    [InlineData(Roles.SecurityAnalyst)]
    [InlineData(Roles.LeadershipViewer)]
    [InlineData(Roles.Auditor)]
    public async Task The_cluster_service_itself_refuses_a_person_who_only_reads_every_team(string role)
    {
        var name = Unique("svc-" + role.Replace('.', '-').ToLowerInvariant());
        await app.SeedClusterAsync(name, ("apps", null));
        var reader = Callers.Person(role);

        await Assert.ThrowsAsync<SecurityTeamRequiredException>(() => app.AsCallerAsync<ClusterService, ClusterSaveResult>(reader,
            clusters => clusters.SaveAsync(new RegisterClusterRequest(name, ServerUrl: "https://evil.example.com", Token: "t"), CancellationToken.None)));
        await Assert.ThrowsAsync<SecurityTeamRequiredException>(() => app.AsCallerAsync<ClusterService, string?>(reader, clusters => clusters.EnqueueRefreshAsync(name, CancellationToken.None)));
        await Assert.ThrowsAsync<SecurityTeamRequiredException>(() => app.AsCallerAsync<ClusterService, ClusterUnregistered?>(reader, clusters => clusters.UnregisterAsync(name, CancellationToken.None)));
        Assert.Equal(0, await app.ScalarAsync("SELECT COUNT(*) FROM Clusters WHERE ServerUrl = 'https://evil.example.com'"));
        Assert.Equal(1, await app.ScalarAsync("SELECT COUNT(*) FROM Clusters WHERE Name = $n", ("$n", name)));
    }
}
