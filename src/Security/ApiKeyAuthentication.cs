using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using K8Posture.Data;
using K8Posture.Shared.Http;
using Microsoft.AspNetCore.Authentication;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace K8Posture.Security;

public static class ApiKeySecrets
{
    public const string Prefix = "k8p_";
    private const string Alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

    /// <summary>A new key: "k8p_" and 43 random base62 characters (about 256 bits).</summary>
    public static string NewSecret() => Prefix + RandomNumberGenerator.GetString(Alphabet, 43);

    /// <summary>The key's displayable prefix; enough to tell keys apart, useless to an attacker.</summary>
    public static string DisplayPrefix(string secret) => secret[..Math.Min(secret.Length, Prefix.Length + 8)];

    /// <summary>Keys are long random strings, so one round of SHA-256 is the right hash (no password stretching needed).</summary>
    public static string Hash(string secret) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(secret)));
}

public sealed class ApiKeyAuthenticationOptions : AuthenticationSchemeOptions;

/// <summary>Accepts <c>Authorization: Bearer k8p_…</c> and turns the key into a principal with its scopes and team.</summary>
internal sealed class ApiKeyAuthenticationHandler(
    IOptionsMonitor<ApiKeyAuthenticationOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    IDbContextFactory<K8PostureDbContext> contexts,
    TimeProvider clock,
    FailedKeyThrottle failedKeys)
    : AuthenticationHandler<ApiKeyAuthenticationOptions>(options, logger, encoder)
{
    public const string SchemeName = "ApiKey";
    private const string ThrottledItem = "K8Posture.FailedKeysRetryAfter";

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var secret = ReadBearer(Request);
        if (secret is null || !secret.StartsWith(ApiKeySecrets.Prefix, StringComparison.Ordinal))
        {
            return AuthenticateResult.NoResult();
        }

        var address = RateLimits.ClientAddress(Context);
        if (!failedKeys.MayCheck(address, out var retryAfter))
        {
            Context.Items[ThrottledItem] = retryAfter;
            return AuthenticateResult.Fail("Too many unknown pipeline keys from this address; the key was not checked.");
        }

        var hash = ApiKeySecrets.Hash(secret);
        await using var db = await contexts.CreateDbContextAsync(Context.RequestAborted);
        var key = await db.ApiKeys.AsNoTracking()
            .Where(k => k.SecretHash == hash && k.RevokedAt == null)
            .Select(k => new { k.Id, k.Name, k.Scopes, k.TeamId })
            .SingleOrDefaultAsync(Context.RequestAborted);
        if (key is null)
        {
            failedKeys.RecordFailure(address);
            return AuthenticateResult.Fail("The pipeline key is unknown or revoked.");
        }

        await RecordUseAsync(db, key.Id);

        var claims = new List<Claim>
        {
            new(ClaimTypes.NameIdentifier, $"key:{key.Id}"),
            new(ClaimTypes.Name, key.Name),
            new(K8PostureClaims.ApiKeyId, key.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)),
        };
        claims.AddRange(key.Scopes.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(s => new Claim(K8PostureClaims.Scope, s)));
        if (key.TeamId is { } teamId)
        {
            claims.Add(new Claim(K8PostureClaims.Team, teamId.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        }
        var principal = new ClaimsPrincipal(new ClaimsIdentity(claims, SchemeName));
        return AuthenticateResult.Success(new AuthenticationTicket(principal, SchemeName));
    }

    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        if (Context.Items[ThrottledItem] is TimeSpan retryAfter)
        {
            await RateLimits.WriteTooManyRequestsAsync(Context, retryAfter,
                $"More than {failedKeys.Rule.PermitLimit} unknown or revoked pipeline keys came from this address within {failedKeys.Rule.WindowSeconds} s (RateLimits:FailedKeyChecks); "
                + $"no key from it is checked for {RateLimits.RetryAfterSeconds(retryAfter)} s.");
            return;
        }
        Response.Headers.WWWAuthenticate = "Bearer";
        await ProblemResponses.WriteAsync(Context, AccessProblems.AuthenticationRequired);
    }

    protected override Task HandleForbiddenAsync(AuthenticationProperties properties) =>
        ProblemResponses.WriteAsync(Context, AccessProblems.Forbidden);

    internal static string? ReadBearer(HttpRequest request)
    {
        var header = request.Headers.Authorization.ToString();
        return header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) ? header["Bearer ".Length..].Trim() : null;
    }

    /// <summary>
    /// Bookkeeping, so it must not refuse the request: while the database cannot take a write (another process holds the
    /// SQLite file's lock, the disk is full) the key still reads, and the use is simply not recorded this time.
    /// </summary>
    private async Task RecordUseAsync(K8PostureDbContext db, int keyId)
    {
        var timeout = db.Database.GetCommandTimeout();
        try
        {
            if (db.Database.IsSqlite())
            {
                // On SQLite the command timeout is the wait for the write lock; a push may hold it for seconds.
                db.Database.SetCommandTimeout(TimeSpan.FromSeconds(1));
            }
            await db.ApiKeys.Where(k => k.Id == keyId)
                .ExecuteUpdateAsync(s => s.SetProperty(k => k.LastUsedAt, clock.GetUtcNow()), Context.RequestAborted);
        }
        catch (Exception ex) when (DatabaseFaults.Classify(ex) is { } fault)
        {
            Logger.LogInformation("The use of key {KeyId} was not recorded: {Reason}", keyId, fault.Reason);
        }
        finally
        {
            db.Database.SetCommandTimeout(timeout);
        }
    }
}
