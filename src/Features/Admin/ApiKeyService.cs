using K8Posture.Data;
using K8Posture.Shared;
using K8Posture.Security;
using Microsoft.EntityFrameworkCore;

namespace K8Posture.Features.Admin;

public sealed record CreatedApiKey(int Id, string Secret, string Prefix);

public sealed record ApiKeyRow(int Id, string Name, string Prefix, string Scopes, string? Team, DateTimeOffset CreatedAt, string CreatedBy, DateTimeOffset? LastUsedAt, DateTimeOffset? RevokedAt);

/// <summary>Creates, lists and revokes pipeline keys; every change is audited; the secret leaves only once, at creation.</summary>
public sealed class ApiKeyService(IDbContextFactory<K8PostureDbContext> contexts, AuditLog audit, TimeProvider clock)
{
    public static IReadOnlyList<string> ParseScopes(string scopes)
    {
        var parsed = scopes.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(s => s.ToLowerInvariant()).Distinct().ToList();
        var unknown = parsed.Except(ApiScopes.All).ToList();
        if (parsed.Count == 0 || unknown.Count > 0)
        {
            throw new ArgumentException($"Unknown scope(s) '{string.Join(",", unknown)}'; use any of {string.Join(",", ApiScopes.All)}.");
        }
        return parsed;
    }

    /// <summary>
    /// A team-bound key may not carry the admin scope: administration (clusters, the organisation, keys) acts on what
    /// teams share, so it is the Security Team's, never one team's pipeline's.
    /// </summary>
    public static void EnsureScopesFitTeam(IReadOnlyList<string> scopes, bool teamBound)
    {
        ArgumentNullException.ThrowIfNull(scopes);
        if (teamBound && scopes.Contains(ApiScopes.Admin))
        {
            throw new ArgumentException(
                "A team-bound key may not have the admin scope: administration is for the Security Team. "
                + "Create the admin key organisation-wide (without a team), or drop the admin scope from the team key.");
        }
    }

    public async Task<CreatedApiKey> CreateAsync(string name, IReadOnlyList<string> scopes, int? teamId, CancellationToken cancellationToken)
    {
        EnsureScopesFitTeam(scopes, teamBound: teamId is not null);
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        SecurityTeamOnly.Require(db.Scope, "Creating a pipeline key");
        var secret = ApiKeySecrets.NewSecret();
        var key = new ApiKey
        {
            Name = name.Trim(),
            Prefix = ApiKeySecrets.DisplayPrefix(secret),
            SecretHash = ApiKeySecrets.Hash(secret),
            Scopes = string.Join(",", scopes),
            TeamId = teamId,
            CreatedAt = clock.GetUtcNow(),
            CreatedBy = db.Scope.Actor,
        };
        db.ApiKeys.Add(key);
        await db.SaveChangesAsync(cancellationToken);
        audit.Record(db, "api-key.create", nameof(ApiKey), key.Id.ToString(System.Globalization.CultureInfo.InvariantCulture),
            after: new { key.Name, key.Prefix, key.Scopes, key.TeamId });
        await db.SaveChangesAsync(cancellationToken);
        return new CreatedApiKey(key.Id, secret, key.Prefix);
    }

    /// <summary>The teams a key can be bound to.</summary>
    public async Task<IReadOnlyList<(int Id, string Name)>> ListTeamsAsync(CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        return await TeamList.ByNameAsync(db, cancellationToken);
    }

    public async Task<IReadOnlyList<ApiKeyRow>> ListAsync(CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        SecurityTeamOnly.Require(db.Scope, "Listing pipeline keys");
        return await db.ApiKeys.AsNoTracking()
            .OrderByDescending(k => k.CreatedAt)
            .Select(k => new ApiKeyRow(k.Id, k.Name, k.Prefix, k.Scopes, k.Team != null ? k.Team.Name : null, k.CreatedAt, k.CreatedBy, k.LastUsedAt, k.RevokedAt))
            .ToListAsync(cancellationToken);
    }

    public async Task<bool> RevokeAsync(int id, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        SecurityTeamOnly.Require(db.Scope, "Revoking a pipeline key");
        var key = await db.ApiKeys.SingleOrDefaultAsync(k => k.Id == id, cancellationToken);
        if (key is null || key.RevokedAt is not null)
        {
            return false;
        }
        key.RevokedAt = clock.GetUtcNow();
        key.RevokedBy = db.Scope.Actor;
        audit.Record(db, "api-key.revoke", nameof(ApiKey), id.ToString(System.Globalization.CultureInfo.InvariantCulture),
            before: new { key.Name, key.Prefix, Revoked = false }, after: new { key.Name, key.Prefix, Revoked = true });
        await db.SaveChangesAsync(cancellationToken);
        return true;
    }
}
