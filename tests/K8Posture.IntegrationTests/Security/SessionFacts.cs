using System.Globalization;
using System.Net;
using System.Security.Claims;
using K8Posture.Data;
using K8Posture.Features.Organisation;
using K8Posture.IntegrationTests.Infrastructure;
using K8Posture.Security;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Components.Server;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.DependencyInjection;

namespace K8Posture.IntegrationTests.Security;

/// <summary>Signing out revokes the session; open pages re-check their user (revoked, too old, teams changed).</summary>
public sealed class SessionFacts(K8PostureAppFactory app) : IClassFixture<K8PostureAppFactory>
{
    private static string CookieHeader(CookieContainer jar, Uri site) =>
        string.Join("; ", jar.GetCookies(site).Select(c => $"{c.Name}={c.Value}"));

    [Fact]
    public async Task A_copy_of_the_cookie_stops_working_once_its_session_signed_out()
    {
        var jar = new CookieContainer();
        using var browser = new HttpClient(new HttpClientHandler { CookieContainer = jar, AllowAutoRedirect = false }) { BaseAddress = app.ServerAddress };
        var form = await browser.GetStringAsync("/account/signin");
        await browser.PostAsync("/account/signin/local", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = WebUtility.HtmlDecode(System.Text.RegularExpressions.Regex.Match(form, "name=\"__RequestVerificationToken\"[^>]*?value=\"([^\"]+)\"").Groups[1].Value),
            ["role"] = Roles.SecurityAnalyst,
        }));
        var copied = CookieHeader(jar, app.ServerAddress);
        using var thief = new HttpClient(new HttpClientHandler { UseCookies = false, AllowAutoRedirect = false }) { BaseAddress = app.ServerAddress };
        async Task<HttpStatusCode> ReadWithCopyAsync()
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/findings");
            request.Headers.Add("Cookie", copied);
            return (await thief.SendAsync(request)).StatusCode;
        }
        Assert.Equal(HttpStatusCode.OK, await ReadWithCopyAsync());

        var confirm = await browser.GetStringAsync("/account/confirm-sign-out");
        var token = WebUtility.HtmlDecode(System.Text.RegularExpressions.Regex.Match(confirm, "name=\"__RequestVerificationToken\"[^>]*?value=\"([^\"]+)\"").Groups[1].Value);
        var signOut = await browser.PostAsync("/account/signout", new FormUrlEncodedContent(new Dictionary<string, string> { ["__RequestVerificationToken"] = token }));
        Assert.Equal(HttpStatusCode.Redirect, signOut.StatusCode);

        Assert.Equal(HttpStatusCode.Unauthorized, await ReadWithCopyAsync());
        Assert.True(await app.ScalarAsync("SELECT COUNT(*) FROM AuditEvents WHERE Action = 'session.signed-out' AND Actor = 'Sam Analyst'") >= 1,
            "the sign-out is in the audit log");
    }

    [Fact]
    public void Open_pages_use_the_revalidating_provider()
    {
        using var scope = app.Services.CreateScope();
        Assert.IsAssignableFrom<RevalidatingServerAuthenticationStateProvider>(scope.ServiceProvider.GetRequiredService<AuthenticationStateProvider>());
    }

    private static ClaimsPrincipal LocalMember(int teamId, DateTimeOffset signedInAt) => new(new ClaimsIdentity(
    [
        new Claim(ClaimTypes.Role, Roles.AppTeamMember),
        new Claim(K8PostureClaims.Team, teamId.ToString(CultureInfo.InvariantCulture)),
        new Claim(ClaimTypes.Name, "Member " + teamId),
        new Claim(ClaimTypes.NameIdentifier, "local:member-" + teamId),
        new Claim(SessionClaims.SessionId, Guid.NewGuid().ToString("N")),
        new Claim(SessionClaims.SignedInAt, signedInAt.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture)),
    ], "Local", ClaimTypes.Name, ClaimTypes.Role));

    [Fact]
    public async Task A_page_ends_when_its_session_is_signed_out_too_old_or_its_team_is_gone()
    {
        var validator = app.Services.GetRequiredService<SessionValidator>();
        var teamId = await app.SeedTeamAsync("session-team-" + Guid.NewGuid().ToString("N")[..6]);

        var member = LocalMember(teamId, DateTimeOffset.UtcNow);
        Assert.Null(await validator.WhyEndedAsync(member, CancellationToken.None));

        Assert.NotNull(await validator.WhyEndedAsync(LocalMember(teamId, DateTimeOffset.UtcNow.AddHours(-13)), CancellationToken.None));

        var signedOut = LocalMember(teamId, DateTimeOffset.UtcNow);
        await app.Services.GetRequiredService<SessionRevocations>().RevokeAsync(signedOut, CancellationToken.None);
        Assert.Equal("the session was signed out", await validator.WhyEndedAsync(signedOut, CancellationToken.None));

        await app.WithDbAsync(db => db.Teams.Where(t => t.Id == teamId).ExecuteDeleteAsync());
        Assert.Equal("one of the person's teams no longer exists", await validator.WhyEndedAsync(member, CancellationToken.None));
    }

    [Fact]
    public async Task An_entra_persons_page_ends_when_their_group_no_longer_maps_to_the_team()
    {
        var teamId = await app.SeedTeamAsync("entra-team-" + Guid.NewGuid().ToString("N")[..6]);
        var groupId = Guid.NewGuid().ToString();
        await app.WithDbAsync(async db =>
        {
            db.TeamGroups.Add(new TeamGroup { TeamId = teamId, EntraGroupId = groupId });
            return await db.SaveChangesAsync();
        });
        var cache = app.Services.GetRequiredService<IMemoryCache>();
        cache.Remove(OrganisationService.TeamGroupsCacheKey);
        var signedIn = new ClaimsPrincipal(new ClaimsIdentity(
        [
            new Claim("roles", Roles.AppTeamMember),
            new Claim(K8PostureClaims.EntraGroups, groupId),
            new Claim("name", "Mateo Rossi"),
            new Claim(SessionClaims.SessionId, Guid.NewGuid().ToString("N")),
            new Claim(SessionClaims.SignedInAt, DateTimeOffset.UtcNow.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture)),
        ], "AuthenticationTypes.Federation", "name", ClaimTypes.Role));
        // What the page holds: the principal as the claims transformation made it when the page opened.
        using var scope = app.Services.CreateScope();
        var onPage = await scope.ServiceProvider.GetRequiredService<Microsoft.AspNetCore.Authentication.IClaimsTransformation>().TransformAsync(signedIn);
        Assert.Equal([teamId], onPage.TeamIds());
        var validator = app.Services.GetRequiredService<SessionValidator>();
        Assert.Null(await validator.WhyEndedAsync(onPage, CancellationToken.None));

        await app.WithDbAsync(db => db.TeamGroups.Where(g => g.EntraGroupId == groupId).ExecuteDeleteAsync());
        cache.Remove(OrganisationService.TeamGroupsCacheKey);

        Assert.Equal("the person's team membership changed", await validator.WhyEndedAsync(onPage, CancellationToken.None));
    }
}
