using System.Security.Claims;
using System.Text.Json;

namespace K8Posture.Security;

/// <summary>
/// Reading Entra ID token claims whatever the handler did with them: ASP.NET maps some short names
/// (<c>oid</c>, <c>roles</c>, <c>scp</c>) to long URIs unless MapInboundClaims is off, so both spellings are read.
/// </summary>
public static class EntraTokenClaims
{
    public const string ObjectIdLong = "http://schemas.microsoft.com/identity/claims/objectidentifier";
    public const string ScopeLong = "http://schemas.microsoft.com/identity/claims/scope";

    public static string? ObjectId(this ClaimsPrincipal principal) =>
        principal.FindFirst("oid")?.Value ?? principal.FindFirst(ObjectIdLong)?.Value;

    /// <summary>The calling application's (client) id: <c>azp</c> in v2.0 tokens, <c>appid</c> in v1.0 tokens.</summary>
    public static string? ApplicationId(this ClaimsPrincipal principal) =>
        principal.FindFirst("azp")?.Value ?? principal.FindFirst("appid")?.Value;

    /// <summary>
    /// An app-only (client credentials) access token rather than one a person delegated. Entra says so in
    /// <c>idtyp</c> when the optional claim is configured; otherwise a delegated token always carries <c>scp</c>
    /// and an app-only token never does.
    /// </summary>
    public static bool IsAppOnlyAccessToken(this ClaimsPrincipal principal) =>
        principal.FindFirst("idtyp")?.Value is { } idtyp
            ? string.Equals(idtyp, "app", StringComparison.OrdinalIgnoreCase)
            : !principal.HasClaim(c => c.Type is "scp" or ScopeLong);

    /// <summary>
    /// The token left the groups out because the person is in too many ("groups overage"): Entra then sends
    /// <c>_claim_names</c> naming <c>groups</c> (with <c>_claim_sources</c>), or <c>hasgroups</c> in the implicit flow.
    /// </summary>
    public static bool HasGroupsOverage(this ClaimsPrincipal principal)
    {
        if (principal.HasClaim(c => c.Type == K8PostureClaims.EntraGroups))
        {
            return false;
        }
        if (principal.FindFirst("hasgroups")?.Value is { } hasGroups && bool.TryParse(hasGroups, out var has) && has)
        {
            return true;
        }
        foreach (var claimNames in principal.FindAll("_claim_names"))
        {
            try
            {
                using var json = JsonDocument.Parse(claimNames.Value);
                if (json.RootElement.ValueKind == JsonValueKind.Object && json.RootElement.TryGetProperty("groups", out _))
                {
                    return true;
                }
            }
            catch (JsonException)
            {
                // A claim we cannot read says nothing about groups.
            }
        }
        return false;
    }

    /// <summary>Drops every claim in K8Posture's own namespace from a token's identity: only K8Posture sets those.</summary>
    public static void RemoveK8PostureClaims(ClaimsIdentity identity)
    {
        foreach (var claim in identity.Claims.Where(c => c.Type.StartsWith(K8PostureClaims.Prefix, StringComparison.OrdinalIgnoreCase)).ToList())
        {
            identity.RemoveClaim(claim);
        }
    }

    /// <summary>Called for validated bearer tokens only: marks an app-only token as a machine, named by its application id.</summary>
    public static void MarkAppOnlyToken(ClaimsPrincipal principal)
    {
        if (principal.Identity is not ClaimsIdentity identity)
        {
            return;
        }
        RemoveK8PostureClaims(identity);
        if (principal.IsAppOnlyAccessToken() && (principal.ApplicationId() ?? principal.ObjectId()) is { Length: > 0 } appId)
        {
            identity.AddClaim(new Claim(K8PostureClaims.EntraApp, appId));
        }
    }
}
