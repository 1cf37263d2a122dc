using System.Security.Claims;
using K8Posture.Data;
using K8Posture.Features.Admin;
using K8Posture.IntegrationTests.Infrastructure;
using K8Posture.Security;
using Microsoft.Extensions.DependencyInjection;

namespace K8Posture.IntegrationTests.Features.Admin;

/// <summary>ApiKeyService enforces its own rules, whichever page, endpoint or verb calls it.</summary>
public sealed class ApiKeyServiceFacts(K8PostureAppFactory app) : IClassFixture<K8PostureAppFactory>
{
    private static string Unique(string prefix) => prefix + "-" + Guid.NewGuid().ToString("N")[..8];

    private static ClaimsPrincipal Person(string role, int? teamId = null)
    {
        var claims = new List<Claim> { new(ClaimTypes.Name, "someone"), new(ClaimTypes.Role, role) };
        if (teamId is not null)
        {
            claims.Add(new Claim(K8PostureClaims.Team, teamId.Value.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        }
        return new ClaimsPrincipal(new ClaimsIdentity(claims, "test", ClaimTypes.Name, ClaimTypes.Role));
    }

    private async Task<T> AsAsync<T>(ClaimsPrincipal user, Func<ApiKeyService, Task<T>> work)
    {
        await using var scope = app.Services.CreateAsyncScope();
        scope.ServiceProvider.GetRequiredService<DataScope>().SetUser(user);
        return await work(scope.ServiceProvider.GetRequiredService<ApiKeyService>());
    }

    [Fact]
    public async Task A_team_key_may_not_carry_the_admin_scope()
    {
        var team = await app.SeedTeamAsync(Unique("team"));
        var name = Unique("team-admin");
        var error = await Assert.ThrowsAsync<ArgumentException>(() =>
            AsAsync(Person(Roles.SecurityAdmin), keys => keys.CreateAsync(name, [ApiScopes.Ingest, ApiScopes.Admin], team, CancellationToken.None)));
        Assert.Contains("admin", error.Message, StringComparison.Ordinal);
        Assert.Contains("organisation-wide", error.Message, StringComparison.Ordinal);
        Assert.Equal(0, await app.ScalarAsync("SELECT COUNT(*) FROM ApiKeys WHERE Name = $n", ("$n", name)));
        Assert.Equal(0, await app.ScalarAsync("SELECT COUNT(*) FROM AuditEvents WHERE Action = 'api-key.create' AND After LIKE $n", ("$n", "%" + name + "%")));

        // The same team's ingest key, and an organisation-wide admin key, are fine.
        await AsAsync(Person(Roles.SecurityAdmin), keys => keys.CreateAsync(Unique("team-ingest"), [ApiScopes.Ingest], team, CancellationToken.None));
        await AsAsync(Person(Roles.SecurityAdmin), keys => keys.CreateAsync(Unique("org-admin"), [ApiScopes.Admin], null, CancellationToken.None));
    }

    [Fact]
    public async Task Only_an_organisation_wide_caller_creates_or_revokes_keys()
    {
        var team = await app.SeedTeamAsync(Unique("team"));
        var name = Unique("by-member");
        await Assert.ThrowsAsync<SecurityTeamRequiredException>(() =>
            AsAsync(Person(Roles.AppTeamMember, team), keys => keys.CreateAsync(name, [ApiScopes.Ingest], team, CancellationToken.None)));
        Assert.Equal(0, await app.ScalarAsync("SELECT COUNT(*) FROM ApiKeys WHERE Name = $n", ("$n", name)));

        var existing = await AsAsync(Person(Roles.SecurityAdmin), keys => keys.CreateAsync(Unique("victim"), [ApiScopes.Ingest], team, CancellationToken.None));
        await Assert.ThrowsAsync<SecurityTeamRequiredException>(() =>
            AsAsync(Person(Roles.AppTeamMember, team), keys => keys.RevokeAsync(existing.Id, CancellationToken.None)));
        // A team-bound key (say, a legacy one with the admin scope) is refused the same way.
        var keyPrincipal = new ClaimsPrincipal(new ClaimsIdentity(
            [new(ClaimTypes.Name, "legacy"), new(K8PostureClaims.ApiKeyId, "1"), new(K8PostureClaims.Scope, ApiScopes.Admin),
             new(K8PostureClaims.Team, team.ToString(System.Globalization.CultureInfo.InvariantCulture))], "test"));
        await Assert.ThrowsAsync<SecurityTeamRequiredException>(() =>
            AsAsync(keyPrincipal, keys => keys.RevokeAsync(existing.Id, CancellationToken.None)));
        Assert.Equal(0, await app.ScalarAsync("SELECT COUNT(*) FROM ApiKeys WHERE Id = $id AND RevokedAt IS NOT NULL", ("$id", existing.Id)));

        Assert.True(await AsAsync(Person(Roles.SecurityAdmin), keys => keys.RevokeAsync(existing.Id, CancellationToken.None)));
    }

    [Theory]
    [InlineData(Roles.SecurityAnalyst)]
    [InlineData(Roles.LeadershipViewer)]
    [InlineData(Roles.Auditor)]
    public async Task A_person_who_sees_every_team_but_is_not_a_security_admin_may_not_create_list_or_revoke_keys(string role)
    {
        var name = Unique("by-" + role);
        var refusal = await Assert.ThrowsAsync<SecurityTeamRequiredException>(() =>
            app.AsCallerAsync<ApiKeyService, CreatedApiKey>(Callers.Person(role), keys => keys.CreateAsync(name, [ApiScopes.Admin], null, CancellationToken.None)));
        Assert.Contains("Security.Admin", refusal.Message, StringComparison.Ordinal);
        Assert.Equal(0, await app.ScalarAsync("SELECT COUNT(*) FROM ApiKeys WHERE Name = $n", ("$n", name)));

        var existing = await AsAsync(Person(Roles.SecurityAdmin), keys => keys.CreateAsync(Unique("victim"), [ApiScopes.Ingest], null, CancellationToken.None));
        await Assert.ThrowsAsync<SecurityTeamRequiredException>(() =>
            app.AsCallerAsync<ApiKeyService, bool>(Callers.Person(role), keys => keys.RevokeAsync(existing.Id, CancellationToken.None)));
        await Assert.ThrowsAsync<SecurityTeamRequiredException>(() =>
            app.AsCallerAsync<ApiKeyService, IReadOnlyList<ApiKeyRow>>(Callers.Person(role), keys => keys.ListAsync(CancellationToken.None)));
        Assert.Equal(0, await app.ScalarAsync("SELECT COUNT(*) FROM ApiKeys WHERE Id = $id AND RevokedAt IS NOT NULL", ("$id", existing.Id)));
    }

    [Fact]
    public async Task An_organisation_wide_key_without_the_admin_scope_may_not_create_keys_but_one_with_it_may()
    {
        var name = Unique("by-read-key");
        await Assert.ThrowsAsync<SecurityTeamRequiredException>(() =>
            app.AsCallerAsync<ApiKeyService, CreatedApiKey>(Callers.Key(ApiScopes.Read), keys => keys.CreateAsync(name, [ApiScopes.Admin], null, CancellationToken.None)));
        Assert.Equal(0, await app.ScalarAsync("SELECT COUNT(*) FROM ApiKeys WHERE Name = $n", ("$n", name)));

        await app.AsCallerAsync<ApiKeyService, CreatedApiKey>(Callers.Key(ApiScopes.Admin), keys => keys.CreateAsync(name, [ApiScopes.Ingest], null, CancellationToken.None));
        Assert.Equal(1, await app.ScalarAsync("SELECT COUNT(*) FROM ApiKeys WHERE Name = $n", ("$n", name)));
    }
}
