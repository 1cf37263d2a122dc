using System.Globalization;
using System.Security.Claims;
using K8Posture.Data;
using Microsoft.AspNetCore.Authentication;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Caching.Memory;

namespace K8Posture.Security;

/// <summary>
/// Turns the Entra ID group object ids of a signed-in person (or app token) into K8Posture team claims,
/// through the TeamGroup table. Group → team mappings are cached briefly; a change shows within a minute.
/// </summary>
internal sealed class TeamClaimsTransformation(IServiceScopeFactory scopes, IMemoryCache cache) : IClaimsTransformation
{
    public async Task<ClaimsPrincipal> TransformAsync(ClaimsPrincipal principal)
    {
        if (principal.Identity is not ClaimsIdentity { IsAuthenticated: true } identity
            || principal.HasClaim(c => c.Type == K8PostureClaims.Team)
            || principal.HasClaim(c => c.Type == K8PostureClaims.ApiKeyId))
        {
            return principal;
        }

        var extra = new ClaimsIdentity();
        // Entra puts app roles in "roles"; make them visible to IsInRole whatever the identity's role claim type.
        if (identity.RoleClaimType != "roles")
        {
            foreach (var role in principal.FindAll("roles").Select(c => c.Value).ToList())
            {
                if (!principal.IsInRole(role))
                {
                    extra.AddClaim(new Claim(identity.RoleClaimType, role));
                }
            }
        }

        var groups = principal.FindAll(K8PostureClaims.EntraGroups).Select(c => c.Value).ToHashSet(StringComparer.OrdinalIgnoreCase);
        if (groups.Count > 0)
        {
            var map = await cache.GetOrCreateAsync("teamgroups", async entry =>
            {
                entry.AbsoluteExpirationRelativeToNow = TimeSpan.FromMinutes(1);
                await using var scope = scopes.CreateAsyncScope();
                scope.ServiceProvider.GetRequiredService<DataScope>().SetSystem("system:claims");
                await using var db = await scope.ServiceProvider.GetRequiredService<IDbContextFactory<K8PostureDbContext>>().CreateDbContextAsync();
                return await db.TeamGroups.AsNoTracking().Select(g => new { g.EntraGroupId, g.TeamId }).ToListAsync();
            }) ?? [];
            foreach (var teamId in map.Where(m => groups.Contains(m.EntraGroupId)).Select(m => m.TeamId).Distinct())
            {
                extra.AddClaim(new Claim(K8PostureClaims.Team, teamId.ToString(CultureInfo.InvariantCulture)));
            }
        }

        if (!extra.Claims.Any())
        {
            return principal;
        }
        var copy = principal.Clone();
        copy.AddIdentity(extra);
        return copy;
    }
}
