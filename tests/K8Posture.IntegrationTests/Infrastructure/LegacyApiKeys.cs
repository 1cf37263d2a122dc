using K8Posture.Data;
using K8Posture.Security;

namespace K8Posture.IntegrationTests.Infrastructure;

/// <summary>Keys the service no longer creates but a database may still hold (made before a rule existed).</summary>
public static class LegacyApiKeys
{
    /// <summary>Writes a key straight into the database, past ApiKeyService's rules; returns the secret.</summary>
    public static async Task<string> InsertLegacyApiKeyAsync(this K8PostureAppFactory app, string scopes, int? teamId)
    {
        var secret = ApiKeySecrets.NewSecret();
        await app.WithDbAsync(async db =>
        {
            db.ApiKeys.Add(new ApiKey
            {
                Name = "legacy-" + Guid.NewGuid().ToString("N")[..8],
                Prefix = ApiKeySecrets.DisplayPrefix(secret),
                SecretHash = ApiKeySecrets.Hash(secret),
                Scopes = scopes,
                TeamId = teamId,
                CreatedAt = DateTimeOffset.UtcNow.AddDays(-30),
                CreatedBy = "system:before-the-rule",
            });
            return await db.SaveChangesAsync();
        });
        return secret;
    }
}
