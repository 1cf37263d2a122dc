using System.Net;
using K8Posture.IntegrationTests.Infrastructure;
using Microsoft.AspNetCore.WebUtilities;

namespace K8Posture.IntegrationTests.Features.Account;

/// <summary>Sign-in, the no-role page and sign-out through the app's real OpenID Connect handler against an Entra-shaped provider.</summary>
public sealed class EntraSignInFacts(EntraAppFixture fixture) : IClassFixture<EntraAppFixture>
{
    private static Dictionary<string, object> Person(string name, string username, params string[] roles)
    {
        var claims = new Dictionary<string, object>
        {
            ["oid"] = Guid.NewGuid().ToString(),
            ["name"] = name,
            ["preferred_username"] = username,
        };
        if (roles.Length > 0)
        {
            claims["roles"] = roles;
        }
        return claims;
    }

    [Fact]
    public async Task Sign_in_asks_for_an_id_token_by_form_post_as_entra_expects()
    {
        var session = await fixture.App.SignInAsync(fixture.Entra, Person("Ada Admin", "ada@contoso.test", "Security.Admin"));

        Assert.Equal("id_token", session.AuthorizeRequest["response_type"]);
        Assert.Equal("form_post", session.AuthorizeRequest["response_mode"]);
        Assert.Equal(FakeEntraId.ClientId, session.AuthorizeRequest["client_id"]);
        var landscape = await session.Client.GetAsync("/");
        Assert.Equal(HttpStatusCode.OK, landscape.StatusCode);
        var html = await landscape.Content.ReadAsStringAsync();
        Assert.Contains("Ada Admin", html);
        Assert.DoesNotContain("groups-unresolved-banner", html);
    }

    [Fact]
    public async Task A_person_without_an_app_role_is_told_who_they_are_and_how_to_get_one_without_a_loop()
    {
        var claims = Person("Nora Norole", "nora@contoso.test");
        var session = await fixture.App.SignInAsync(fixture.Entra, claims);

        foreach (var page in new[] { "/", "/findings", "/admin/api-keys" })
        {
            var response = await session.Client.GetAsync(page);
            Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
            Assert.Equal("/account/no-role", response.Headers.Location?.OriginalString);
        }

        var noRole = await session.Client.GetAsync("/account/no-role");
        Assert.Equal(HttpStatusCode.OK, noRole.StatusCode);
        var html = await noRole.Content.ReadAsStringAsync();
        Assert.Contains("Nora Norole", html);
        Assert.Contains("nora@contoso.test", html);
        Assert.Contains((string)claims["oid"], html);
        Assert.Contains("app role of the K8Posture app registration", html);
        foreach (var role in K8Posture.Security.Roles.All)
        {
            Assert.Contains($"<code>{role}</code>", html);
        }
        Assert.Contains("action=\"/account/signout\"", html);
        Assert.Contains("__RequestVerificationToken", html);

        var api = await session.Client.GetAsync("/api/v1/findings");
        Assert.Equal(HttpStatusCode.Forbidden, api.StatusCode);
    }

    [Fact]
    public async Task Sign_out_without_the_antiforgery_token_is_refused_and_the_session_survives()
    {
        var session = await fixture.App.SignInAsync(fixture.Entra, Person("Sam Analyst", "sam@contoso.test", "Security.Analyst"));

        var forged = await session.Client.PostFormAsync("/account/signout", new Dictionary<string, string>());
        Assert.Equal(HttpStatusCode.BadRequest, forged.StatusCode);
        Assert.Equal("application/problem+json", forged.Content.Headers.ContentType?.MediaType);
        Assert.Contains("antiforgery", await forged.Content.ReadAsStringAsync(), StringComparison.OrdinalIgnoreCase);

        var link = await session.Client.GetAsync("/account/signout");
        Assert.Equal(HttpStatusCode.Redirect, link.StatusCode);
        Assert.Equal("/account/confirm-sign-out", link.Headers.Location?.OriginalString);

        Assert.Equal(HttpStatusCode.OK, (await session.Client.GetAsync("/")).StatusCode);
    }

    [Fact]
    public async Task Sign_out_ends_the_entra_session_with_the_id_token_hint_and_comes_back_to_the_signed_out_page()
    {
        var session = await fixture.App.SignInAsync(fixture.Entra, Person("Lee Leadership", "lee@contoso.test", "Leadership.Viewer"));
        var token = await session.Client.AntiforgeryTokenOfAsync("/account/confirm-sign-out");

        var signOut = await session.Client.PostFormAsync("/account/signout", new Dictionary<string, string> { ["__RequestVerificationToken"] = token });

        Assert.Equal(HttpStatusCode.Redirect, signOut.StatusCode);
        var endSession = signOut.Headers.Location!;
        Assert.StartsWith(fixture.Entra.Issuer.Replace("/v2.0", "/oauth2/v2.0/logout", StringComparison.Ordinal), endSession.ToString(), StringComparison.Ordinal);
        var query = QueryHelpers.ParseQuery(endSession.Query);
        Assert.Equal(session.IdToken, query["id_token_hint"].ToString());
        Assert.Equal(new Uri(fixture.App.ServerAddress, "/signout-callback-oidc").ToString(), query["post_logout_redirect_uri"].ToString());
        Assert.DoesNotContain(session.Client.Cookies.Keys, k => k.StartsWith(K8Posture.Security.SecurityRegistration.AuthCookieName, StringComparison.Ordinal));

        // Entra sends the browser back to post_logout_redirect_uri with the state.
        var back = await session.Client.GetAsync("/signout-callback-oidc?state=" + Uri.EscapeDataString(query["state"].ToString()));
        Assert.Equal(HttpStatusCode.Redirect, back.StatusCode);
        Assert.Equal("/account/signed-out", back.Headers.Location?.OriginalString);
        var signedOut = await session.Client.GetAsync("/account/signed-out");
        Assert.Contains("You are signed out", await signedOut.Content.ReadAsStringAsync());

        var afterwards = await session.Client.GetAsync("/");
        Assert.Equal(HttpStatusCode.Redirect, afterwards.StatusCode);
        Assert.StartsWith("/account/signin", new Uri(fixture.App.ServerAddress, afterwards.Headers.Location!).PathAndQuery);
    }
}
