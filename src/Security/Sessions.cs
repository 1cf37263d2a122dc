using System.Globalization;
using System.Security.Claims;
using K8Posture.Data;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Components.Server;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Options;

namespace K8Posture.Security;

/// <summary>The <c>Sessions</c> section: how long a person's sign-in lasts and how often open pages re-check it.</summary>
public sealed class SessionSettings
{
    public const string Section = "Sessions";

    /// <summary>A sign-in ends this long after it began, however active (the cookie itself slides over 8 hours of inactivity).</summary>
    public TimeSpan MaxAge { get; set; } = TimeSpan.FromHours(12);

    /// <summary>How often an open page (a Blazor circuit) re-checks its user.</summary>
    public TimeSpan CircuitRevalidationInterval { get; set; } = TimeSpan.FromMinutes(3);

    /// <summary>How long one instance trusts "not signed out" for a session before asking the database again.</summary>
    public TimeSpan RevocationCacheDuration { get; set; } = TimeSpan.FromSeconds(30);
}

public static class SessionClaims
{
    /// <summary>A random id per sign-in; signing out revokes it everywhere (cookie replays and open pages).</summary>
    public const string SessionId = "k8posture:sid";

    /// <summary>When the sign-in happened (Unix seconds).</summary>
    public const string SignedInAt = "k8posture:signed-in-at";

    public static DateTimeOffset? SignedInAtOf(ClaimsPrincipal user) =>
        long.TryParse(user.FindFirst(SignedInAt)?.Value, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds)
            ? DateTimeOffset.FromUnixTimeSeconds(seconds)
            : null;
}

/// <summary>
/// Sign-outs, recorded as audit events (<c>session.signed-out</c>, entity <c>Session</c>, id = the session id), so every
/// instance sees them and the audit log shows who signed out when. Each instance caches the answer briefly.
/// </summary>
public sealed class SessionRevocations(IServiceScopeFactory scopes, IMemoryCache cache, TimeProvider clock, IOptions<SessionSettings> settings)
{
    public const string Action = "session.signed-out";
    public const string EntityType = "Session";

    public async Task RevokeAsync(ClaimsPrincipal user, CancellationToken cancellationToken)
    {
        if (user.FindFirst(SessionClaims.SessionId)?.Value is not { Length: > 0 } sessionId)
        {
            return;
        }
        await using var scope = scopes.CreateAsyncScope();
        scope.ServiceProvider.GetRequiredService<DataScope>().SetUser(user);
        await using var db = await scope.ServiceProvider.GetRequiredService<IDbContextFactory<K8PostureDbContext>>().CreateDbContextAsync(cancellationToken);
        scope.ServiceProvider.GetRequiredService<AuditLog>().Record(db, Action, EntityType, sessionId);
        await db.SaveChangesAsync(cancellationToken);
        cache.Set(CacheKey(sessionId), true, settings.Value.MaxAge + TimeSpan.FromHours(1));
    }

    public async Task<bool> IsRevokedAsync(ClaimsPrincipal user, CancellationToken cancellationToken)
    {
        if (user.FindFirst(SessionClaims.SessionId)?.Value is not { Length: > 0 } sessionId)
        {
            return false;
        }
        if (cache.TryGetValue(CacheKey(sessionId), out bool known))
        {
            return known;
        }
        // A session's sign-out cannot precede its sign-in: the range keeps the look-up on the audit log's time index.
        var since = (SessionClaims.SignedInAtOf(user) ?? clock.GetUtcNow() - settings.Value.MaxAge) - TimeSpan.FromMinutes(5);
        await using var scope = scopes.CreateAsyncScope();
        scope.ServiceProvider.GetRequiredService<DataScope>().SetSystem("system:sessions");
        await using var db = await scope.ServiceProvider.GetRequiredService<IDbContextFactory<K8PostureDbContext>>().CreateDbContextAsync(cancellationToken);
        var revoked = await db.AuditEvents.AsNoTracking()
            .AnyAsync(a => a.At >= since && a.Action == Action && a.EntityType == EntityType && a.EntityId == sessionId, cancellationToken);
        cache.Set(CacheKey(sessionId), revoked, revoked ? settings.Value.MaxAge + TimeSpan.FromHours(1) : settings.Value.RevocationCacheDuration);
        return revoked;
    }

    private static string CacheKey(string sessionId) => "session-revoked:" + sessionId;
}

/// <summary>What makes a person's session end before its cookie does: sign-out, age, or a team they no longer belong to.</summary>
public sealed class SessionValidator(SessionRevocations revocations, IServiceScopeFactory scopes, TimeProvider clock, IOptions<SessionSettings> settings)
{
    /// <summary>Null when the session still holds; otherwise why it ended.</summary>
    public async Task<string?> WhyEndedAsync(ClaimsPrincipal user, CancellationToken cancellationToken)
    {
        if (user.Identity?.IsAuthenticated != true || user.IsMachine())
        {
            return null;
        }
        if (SessionClaims.SignedInAtOf(user) is { } signedInAt && clock.GetUtcNow() - signedInAt > settings.Value.MaxAge)
        {
            return "the sign-in is older than Sessions:MaxAge";
        }
        if (await revocations.IsRevokedAsync(user, cancellationToken))
        {
            return "the session was signed out";
        }
        await using var scope = scopes.CreateAsyncScope();
        // The page's teams were computed when it opened; recompute them as a new request would (Entra groups → teams).
        var fresh = await scope.ServiceProvider.GetRequiredService<IClaimsTransformation>()
            .TransformAsync(new ClaimsPrincipal(user.Identities.Where(i => i.AuthenticationType != TeamClaimsTransformation.IdentityType)));
        var teams = user.TeamIds().Order().ToList();
        if (!fresh.TeamIds().Order().SequenceEqual(teams))
        {
            return "the person's team membership changed";
        }
        if (teams.Count > 0)
        {
            scope.ServiceProvider.GetRequiredService<DataScope>().SetSystem("system:sessions");
            await using var db = await scope.ServiceProvider.GetRequiredService<IDbContextFactory<K8PostureDbContext>>().CreateDbContextAsync(cancellationToken);
            var existing = await db.Teams.AsNoTracking().CountAsync(t => teams.Contains(t.Id), cancellationToken);
            if (existing != teams.Count)
            {
                return "one of the person's teams no longer exists";
            }
        }
        return null;
    }
}

/// <summary>Re-checks the user of every open page (Blazor circuit) every <see cref="SessionSettings.CircuitRevalidationInterval"/>; a failed check signs the page out.</summary>
internal sealed class RevalidatingSessionStateProvider(ILoggerFactory loggerFactory, IServiceScopeFactory scopes, IOptions<SessionSettings> settings)
    : RevalidatingServerAuthenticationStateProvider(loggerFactory)
{
    private readonly ILogger _logger = loggerFactory.CreateLogger<RevalidatingSessionStateProvider>();

    protected override TimeSpan RevalidationInterval => settings.Value.CircuitRevalidationInterval;

    protected override async Task<bool> ValidateAuthenticationStateAsync(AuthenticationState authenticationState, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var why = await scope.ServiceProvider.GetRequiredService<SessionValidator>().WhyEndedAsync(authenticationState.User, cancellationToken);
        if (why is not null)
        {
            _logger.LogInformation("Open page of {Actor} signed out: {Reason}", authenticationState.User.ActorName(), why);
        }
        return why is null;
    }
}

public static class Sessions
{
    internal static void AddSessions(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<SessionSettings>().Bind(builder.Configuration.GetSection(SessionSettings.Section));
        services.AddSingleton<SessionRevocations>();
        services.AddSingleton<SessionValidator>();
        services.AddScoped<AuthenticationStateProvider, RevalidatingSessionStateProvider>();
        services.PostConfigure<CookieAuthenticationOptions>(CookieAuthenticationDefaults.AuthenticationScheme, o =>
        {
            var signingIn = o.Events.OnSigningIn;
            o.Events.OnSigningIn = async context =>
            {
                await signingIn(context);
                if (context.Principal?.Identity is ClaimsIdentity identity && !identity.HasClaim(c => c.Type == SessionClaims.SessionId))
                {
                    var clock = context.HttpContext.RequestServices.GetRequiredService<TimeProvider>();
                    identity.AddClaim(new Claim(SessionClaims.SessionId, Guid.NewGuid().ToString("N")));
                    identity.AddClaim(new Claim(SessionClaims.SignedInAt, clock.GetUtcNow().ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture)));
                }
            };
            var validating = o.Events.OnValidatePrincipal;
            o.Events.OnValidatePrincipal = async context =>
            {
                await validating(context);
                if (context.Principal is not { } principal)
                {
                    return;
                }
                var revocations = context.HttpContext.RequestServices.GetRequiredService<SessionRevocations>();
                var clock = context.HttpContext.RequestServices.GetRequiredService<TimeProvider>();
                var tooOld = SessionClaims.SignedInAtOf(principal) is { } at && clock.GetUtcNow() - at > context.HttpContext.RequestServices.GetRequiredService<IOptions<SessionSettings>>().Value.MaxAge;
                // Only sign-out and age here: team changes already apply to each request through the claims transformation.
                if (tooOld || await revocations.IsRevokedAsync(principal, context.HttpContext.RequestAborted))
                {
                    context.RejectPrincipal();
                    await context.HttpContext.SignOutAsync(CookieAuthenticationDefaults.AuthenticationScheme);
                }
            };
        });
    }

    /// <summary>Records the sign-out of the caller's session, so its cookie (if kept or copied) and its open pages stop working.</summary>
    public static Task RevokeSessionAsync(this HttpContext context) =>
        context.RequestServices.GetRequiredService<SessionRevocations>().RevokeAsync(context.User, context.RequestAborted);
}
