using System.Globalization;
using System.Security.Claims;
using K8Posture.Data;
using K8Posture.Features.Organisation;
using Microsoft.AspNetCore.Authentication;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Caching.Memory;

namespace K8Posture.Security;

/// <summary>
/// Turns what an Entra ID token says into K8Posture claims on every request:
/// app roles made visible to IsInRole; a person's group object ids (from the token, or from Microsoft Graph when
/// the token had too many) into team claims through the TeamGroup table; an app-only token into its registered
/// pipeline identity (team-bound or organisation-wide) and display name. Mappings are cached for a minute.
/// </summary>
internal sealed class TeamClaimsTransformation(IServiceScopeFactory scopes, IMemoryCache cache, IEntraGroupResolver groupResolver) : IClaimsTransformation
{
    /// <summary>The authentication type of the identity this adds; its presence means the principal was transformed already.</summary>
    public const string IdentityType = "K8Posture.Claims";

    private sealed record GroupTeam(string EntraGroupId, int TeamId);
    private sealed record KnownPipeline(int Id, string EntraId, string DisplayName, int? TeamId);

    public async Task<ClaimsPrincipal> TransformAsync(ClaimsPrincipal principal)
    {
        if (principal.Identity is not ClaimsIdentity { IsAuthenticated: true } identity
            || principal.Identities.Any(i => i.AuthenticationType == IdentityType)
            || principal.HasClaim(c => c.Type == K8PostureClaims.Team)
            || principal.HasClaim(c => c.Type == K8PostureClaims.ApiKeyId))
        {
            return principal;
        }

        var extra = new ClaimsIdentity(IdentityType, ClaimTypes.Name, ClaimTypes.Role);
        // Entra puts app roles in "roles"; make them visible to IsInRole whatever the identity's role claim type.
        foreach (var role in principal.FindAll("roles").Select(c => c.Value).Distinct().ToList())
        {
            if (!principal.IsInRole(role))
            {
                extra.AddClaim(new Claim(ClaimTypes.Role, role));
            }
        }

        var groupsDecided = false;
        if (principal.FindFirst(K8PostureClaims.EntraApp)?.Value is { } appId)
        {
            groupsDecided = await AddPipelineIdentityAsync(principal, appId, extra);
        }

        if (!groupsDecided)
        {
            var groups = principal.FindAll(K8PostureClaims.EntraGroups).Select(c => c.Value).ToHashSet(StringComparer.OrdinalIgnoreCase);
            // Overage only for people: a pipeline's teams come from its registration.
            if (groups.Count == 0 && !principal.IsMachine() && principal.HasGroupsOverage() && principal.ObjectId() is { Length: > 0 } objectId)
            {
                var lookup = await groupResolver.GetGroupsAsync(objectId, CancellationToken.None);
                groups.UnionWith(lookup.GroupIds);
                if (!lookup.Resolved)
                {
                    extra.AddClaim(new Claim(K8PostureClaims.GroupsUnresolved, lookup.UnresolvedReason!));
                }
            }
            if (groups.Count > 0)
            {
                var map = await TeamGroupsAsync();
                foreach (var teamId in map.Where(m => groups.Contains(m.EntraGroupId)).Select(m => m.TeamId).Distinct())
                {
                    extra.AddClaim(new Claim(K8PostureClaims.Team, teamId.ToString(CultureInfo.InvariantCulture)));
                }
            }
        }

        var copy = principal.Clone();
        copy.AddIdentity(extra);
        return copy;
    }

    /// <summary>
    /// Names the app token's service principal and, when it is a registered pipeline identity, binds it to the
    /// identity's team (or to none: organisation-wide). Returns whether the registration decided its teams.
    /// </summary>
    private async Task<bool> AddPipelineIdentityAsync(ClaimsPrincipal principal, string appId, ClaimsIdentity extra)
    {
        var candidates = new[] { principal.FindFirst("azp")?.Value, principal.FindFirst("appid")?.Value, principal.ObjectId() }
            .OfType<string>().Select(id => id.Trim().ToLowerInvariant()).ToList();
        var known = (await PipelineIdentitiesAsync()).FirstOrDefault(p => candidates.Contains(p.EntraId));
        if (known is null)
        {
            var ownName = principal.FindFirst("app_displayname")?.Value;
            extra.AddClaim(new Claim(K8PostureClaims.EntraAppName, string.IsNullOrWhiteSpace(ownName) ? appId : ownName));
            return false;
        }
        extra.AddClaim(new Claim(K8PostureClaims.EntraAppName, known.DisplayName));
        extra.AddClaim(new Claim(K8PostureClaims.PipelineIdentity, known.Id.ToString(CultureInfo.InvariantCulture)));
        if (known.TeamId is { } teamId)
        {
            extra.AddClaim(new Claim(K8PostureClaims.Team, teamId.ToString(CultureInfo.InvariantCulture)));
        }
        return true;
    }

    private async Task<IReadOnlyList<GroupTeam>> TeamGroupsAsync() =>
        await cache.GetOrCreateAsync(OrganisationService.TeamGroupsCacheKey, async entry =>
        {
            entry.AbsoluteExpirationRelativeToNow = TimeSpan.FromMinutes(1);
            return await ReadAsync(db => db.TeamGroups.AsNoTracking().Select(g => new GroupTeam(g.EntraGroupId, g.TeamId)).ToListAsync());
        }) ?? [];

    private async Task<IReadOnlyList<KnownPipeline>> PipelineIdentitiesAsync() =>
        await cache.GetOrCreateAsync(OrganisationService.PipelineIdentitiesCacheKey, async entry =>
        {
            entry.AbsoluteExpirationRelativeToNow = TimeSpan.FromMinutes(1);
            var rows = await ReadAsync(db => db.PipelineIdentities.AsNoTracking()
                .Select(p => new KnownPipeline(p.Id, p.EntraId, p.DisplayName, p.TeamId)).ToListAsync());
            return rows.Select(p => p with { EntraId = p.EntraId.Trim().ToLowerInvariant() }).ToList();
        }) ?? [];

    private Task<List<T>> ReadAsync<T>(Func<K8PostureDbContext, Task<List<T>>> query) => scopes.ReadAsSystemAsync("system:claims", query);
}
