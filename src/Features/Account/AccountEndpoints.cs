using K8Posture.Shared.Http;
using System.Globalization;
using System.Security.Claims;
using K8Posture.Data;
using K8Posture.Security;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;

namespace K8Posture.Features.Account;

/// <summary>Our own sign-in, sign-out and challenge endpoints (Microsoft.Identity.Web.UI is not used).</summary>
public static class AccountEndpoints
{
    public static IEndpointRouteBuilder MapAccountEndpoints(this IEndpointRouteBuilder endpoints)
    {
        var account = endpoints.MapGroup("/account").AllowAnonymous().ExcludeFromDescription();

        // With local sign-in there is no Entra scheme to challenge: the persona picker is the sign-in.
        account.MapGet("/challenge", IResult (string? returnUrl, IConfiguration configuration) =>
            configuration.GetAuthMode() == AuthMode.Local
                ? TypedResults.Redirect("/account/signin?returnUrl=" + Uri.EscapeDataString(SafeReturnUrl(returnUrl)))
                : TypedResults.Challenge(new AuthenticationProperties { RedirectUri = SafeReturnUrl(returnUrl) }, [OpenIdConnectDefaults.AuthenticationScheme]))
            .RequireRateLimiting(RateLimitPolicies.SignIn);

        account.MapPost("/signin/local", SignInLocalAsync).RequireRateLimiting(RateLimitPolicies.SignIn);

        account.MapPost("/signout", SignOutAsync);
        // A link or a prefetch must not sign anyone out: the GET only offers the form.
        account.MapGet("/signout", () => TypedResults.Redirect(ConfirmSignOutPath));
        return endpoints;
    }

    public const string SignedOutPath = "/account/signed-out";
    public const string ConfirmSignOutPath = "/account/confirm-sign-out";

    /// <summary>
    /// Clears the cookie; with Entra ID also ends the Entra session (the handler sends the saved ID token as
    /// id_token_hint and post_logout_redirect_uri=/signout-callback-oidc, which comes back to the signed-out page).
    /// </summary>
    private static async Task<IResult> SignOutAsync(HttpContext context, IAntiforgery antiforgery, IConfiguration configuration)
    {
        if (!await antiforgery.IsRequestValidAsync(context))
        {
            throw ProblemException.BadRequest("Sign-out refused",
                "Sign out with the Sign out button: the request did not carry the form's antiforgery token (__RequestVerificationToken).");
        }
        // Revoked, not just deleted from this browser: a copy of the cookie and the person's other open pages stop working too.
        await context.RevokeSessionAsync();
        var signedInWithEntra = configuration.GetAuthMode() == AuthMode.EntraId && context.User.Identity?.IsAuthenticated == true;
        var schemes = signedInWithEntra
            ? new[] { CookieAuthenticationDefaults.AuthenticationScheme, OpenIdConnectDefaults.AuthenticationScheme }
            : [CookieAuthenticationDefaults.AuthenticationScheme];
        return TypedResults.SignOut(new AuthenticationProperties { RedirectUri = SignedOutPath }, schemes);
    }

    private static async Task<IResult> SignInLocalAsync(
        [FromForm] string role,
        [FromForm] int? teamId,
        [FromForm] string? returnUrl,
        IConfiguration configuration,
        IServiceScopeFactory scopes,
        ILogger<LocalPersona> logger)
    {
        if (configuration.GetAuthMode() != AuthMode.Local)
        {
            return TypedResults.NotFound();
        }
        if (!Roles.All.Contains(role))
        {
            throw ProblemException.BadRequest("Unknown persona", $"Role '{role}' is not one of: {string.Join(", ", Roles.All)}.");
        }

        var claims = new List<Claim> { new(ClaimTypes.Role, role) };
        var name = LocalPersona.NameFor(role);
        if (role == Roles.AppTeamMember)
        {
            if (teamId is null)
            {
                throw ProblemException.BadRequest("Team required", "An app-team member signs in for a team: choose one.");
            }
            var team = await scopes.ReadAsSystemAsync("system:signin", db => db.Teams.AsNoTracking().Where(t => t.Id == teamId).Select(t => t.Name).SingleOrDefaultAsync());
            if (team is null)
            {
                throw ProblemException.BadRequest("Unknown team", $"Team {teamId} does not exist.");
            }
            claims.Add(new Claim(K8PostureClaims.Team, teamId.Value.ToString(CultureInfo.InvariantCulture)));
            name = $"{team} member";
        }
        claims.Add(new Claim(ClaimTypes.Name, name));
        claims.Add(new Claim(ClaimTypes.NameIdentifier, "local:" + name));
        logger.LogInformation("Local persona signed in: {Persona}", name);

        var principal = new ClaimsPrincipal(new ClaimsIdentity(claims, "Local", ClaimTypes.Name, ClaimTypes.Role));
        return TypedResults.SignIn(principal, new AuthenticationProperties { RedirectUri = SafeReturnUrl(returnUrl) }, CookieAuthenticationDefaults.AuthenticationScheme);
    }

    /// <summary>
    /// The return URL when it is local, else the home page. Every returnUrl taken from a request goes through here:
    /// an absolute, protocol-relative or otherwise foreign URL would make sign-in an open redirect.
    /// An app-relative "~/path" becomes "/path".
    /// </summary>
    public static string SafeReturnUrl(string? returnUrl) =>
        !IsLocalUrl(returnUrl) ? "/"
        : returnUrl[0] == '~' ? returnUrl[1..]
        : returnUrl;

    /// <summary>
    /// The framework's rule (Url.IsLocalUrl, RedirectHttpResult.IsLocalUrl): "/" or "/path" whose second character is
    /// neither '/' nor '', or "~/" likewise; and no control character anywhere, because browsers drop tabs and
    /// newlines before resolving a URL, so "/	/evil.example" reads as "//evil.example".
    /// </summary>
    public static bool IsLocalUrl([System.Diagnostics.CodeAnalysis.NotNullWhen(true)] string? url)
    {
        if (string.IsNullOrEmpty(url) || url.Any(char.IsControl))
        {
            return false;
        }
        var path = url[0] == '~' && url.Length > 1 && url[1] == '/' ? url.AsSpan(1) : url.AsSpan();
        return path[0] == '/' && (path.Length == 1 || (path[1] != '/' && path[1] != '\\'));
    }
}

/// <summary>Development-only personas of the local sign-in page.</summary>
public sealed class LocalPersona
{
    public static string NameFor(string role) => role switch
    {
        Roles.SecurityAdmin => "Ada Admin",
        Roles.SecurityAnalyst => "Sam Analyst",
        Roles.LeadershipViewer => "Lee Leadership",
        Roles.Auditor => "Aud Auditor",
        _ => "App team member",
    };

    public static string Describe(string role) => role switch
    {
        Roles.SecurityAdmin => "Security admin: owns policies, keys, clusters; sees everything",
        Roles.SecurityAnalyst => "Security analyst: triages, approves; sees everything",
        Roles.LeadershipViewer => "Leadership: read-only, sees everything",
        Roles.Auditor => "Auditor: read-only, exports and the audit log",
        _ => "App-team member: only the chosen team",
    };
}
