using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;
using K8Posture.Shared.Http;
using Microsoft.Extensions.Options;

namespace K8Posture.Security;

/// <summary>One fixed-window limit: at most <see cref="PermitLimit"/> requests per <see cref="WindowSeconds"/>.</summary>
public sealed class RateLimitRule
{
    public int PermitLimit { get; set; }
    public int WindowSeconds { get; set; } = 60;

    internal FixedWindowRateLimiterOptions ToLimiterOptions() => new()
    {
        PermitLimit = Math.Max(1, PermitLimit),
        Window = TimeSpan.FromSeconds(Math.Max(1, WindowSeconds)),
        QueueLimit = 0,
        AutoReplenishment = true,
    };
}

/// <summary>The <c>RateLimits</c> section. Defaults are generous: they stop floods and key guessing, not busy pipelines.</summary>
public sealed class RateLimitSettings
{
    public const string Section = "RateLimits";

    public bool Enabled { get; set; } = true;

    /// <summary>Pushes (scans, alerts, inventory) per credential: a pipeline key or Entra token; per client address without one.</summary>
    public RateLimitRule Ingest { get; set; } = new() { PermitLimit = 600, WindowSeconds = 60 };

    /// <summary>Policy checks per credential.</summary>
    public RateLimitRule Evaluate { get; set; } = new() { PermitLimit = 600, WindowSeconds = 60 };

    /// <summary>Sign-in starts and callbacks per client address.</summary>
    public RateLimitRule SignIn { get; set; } = new() { PermitLimit = 60, WindowSeconds = 60 };

    /// <summary>Unknown or revoked pipeline keys per client address; past it, every key from that address waits out the window unchecked.</summary>
    public RateLimitRule FailedKeyChecks { get; set; } = new() { PermitLimit = 30, WindowSeconds = 300 };
}

/// <summary>Names of the rate-limit policies endpoints attach with <c>.RequireRateLimiting(...)</c>.</summary>
public static class RateLimitPolicies
{
    public const string Ingest = "ingest";
    public const string Evaluate = "evaluate";
    public const string SignIn = "sign-in";
}

/// <summary>
/// ASP.NET Core's rate limiter, placed before authentication: a flood is refused before it costs a key lookup or a
/// token validation, and before any request body is read. So the "per key" partition is the presented credential
/// itself (a SHA-256 of the bearer token, never the token), which is one partition per pipeline key.
/// </summary>
public static class RateLimits
{
    internal static void AddK8PostureRateLimits(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<RateLimitSettings>().Bind(builder.Configuration.GetSection(RateLimitSettings.Section));
        services.AddSingleton<FailedKeyThrottle>();
        services.AddRateLimiter(_ => { });
        services.AddOptions<RateLimiterOptions>().Configure<IOptions<RateLimitSettings>, IConfiguration>((options, settings, configuration) =>
        {
            var limits = settings.Value;
            options.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            options.OnRejected = (context, _) => new ValueTask(RejectAsync(context.HttpContext, context.Lease, limits));
            options.AddPolicy(RateLimitPolicies.Ingest, context => PerCredential(context, limits.Enabled, limits.Ingest));
            options.AddPolicy(RateLimitPolicies.Evaluate, context => PerCredential(context, limits.Enabled, limits.Evaluate));
            options.AddPolicy(RateLimitPolicies.SignIn, context => PerClientAddress(context, limits.Enabled, "sign-in", limits.SignIn));
            // The OpenID Connect callbacks are answered by the authentication middleware, not by an endpoint.
            var callbacks = OpenIdCallbackPaths(configuration);
            options.GlobalLimiter = PartitionedRateLimiter.Create<HttpContext, string>(context =>
                callbacks.Any(p => context.Request.Path.Equals(p, StringComparison.OrdinalIgnoreCase))
                    ? PerClientAddress(context, limits.Enabled, "sign-in-callback", limits.SignIn)
                    : RateLimitPartition.GetNoLimiter(""));
        });
    }

    private static PathString[] OpenIdCallbackPaths(IConfiguration configuration)
    {
        if (configuration.GetAuthMode() != AuthMode.EntraId)
        {
            return [];
        }
        var azureAd = configuration.GetSection(EntraConfiguration.Section);
        return [new PathString(azureAd["CallbackPath"] ?? "/signin-oidc"), new PathString(azureAd["SignedOutCallbackPath"] ?? "/signout-callback-oidc")];
    }

    internal static string ClientAddress(HttpContext context) =>
        context.Connection.RemoteIpAddress?.ToString() ?? "unknown";

    private static RateLimitPartition<string> PerClientAddress(HttpContext context, bool enabled, string name, RateLimitRule rule) =>
        !enabled ? RateLimitPartition.GetNoLimiter("")
        : RateLimitPartition.GetFixedWindowLimiter(name + ":" + ClientAddress(context), _ => rule.ToLimiterOptions());

    private static RateLimitPartition<string> PerCredential(HttpContext context, bool enabled, RateLimitRule rule)
    {
        if (!enabled)
        {
            return RateLimitPartition.GetNoLimiter("");
        }
        var bearer = ApiKeyAuthenticationHandler.ReadBearer(context.Request);
        var partition = string.IsNullOrEmpty(bearer)
            ? "address:" + ClientAddress(context)
            : "credential:" + Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(bearer)), 0, 16);
        return RateLimitPartition.GetFixedWindowLimiter(partition, _ => rule.ToLimiterOptions());
    }

    /// <summary>429 with Retry-After (whole seconds) and problem details naming the limit and its setting.</summary>
    internal static Task RejectAsync(HttpContext context, RateLimitLease lease, RateLimitSettings limits)
    {
        var policy = context.GetEndpoint()?.Metadata.GetMetadata<EnableRateLimitingAttribute>()?.PolicyName;
        var (setting, rule, per) = policy switch
        {
            RateLimitPolicies.Ingest => ("RateLimits:Ingest", limits.Ingest, "pipeline key"),
            RateLimitPolicies.Evaluate => ("RateLimits:Evaluate", limits.Evaluate, "pipeline key"),
            _ => ("RateLimits:SignIn", limits.SignIn, "client address"),
        };
        var retryAfter = lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? wait : TimeSpan.FromSeconds(rule.WindowSeconds);
        return WriteTooManyRequestsAsync(context, retryAfter,
            $"At most {rule.PermitLimit} requests per {rule.WindowSeconds} s per {per} ({setting}). Retry after {RetryAfterSeconds(retryAfter)} s.");
    }

    internal static int RetryAfterSeconds(TimeSpan wait) => Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds));

    internal static Task WriteTooManyRequestsAsync(HttpContext context, TimeSpan retryAfter, string detail)
    {
        context.Response.Headers.RetryAfter = RetryAfterSeconds(retryAfter).ToString(CultureInfo.InvariantCulture);
        return ProblemResponses.WriteAsync(context, new ProblemException(StatusCodes.Status429TooManyRequests, "Too many requests", detail));
    }
}

/// <summary>
/// Counts unknown or revoked pipeline keys per client address. Past the limit the key handler checks no key from that
/// address until the window ends (the request is answered 429), so guessing keys costs the guesser time, not the database.
/// </summary>
public sealed class FailedKeyThrottle : IDisposable
{
    private readonly RateLimitSettings _settings;
    private readonly PartitionedRateLimiter<string> _failures;

    public FailedKeyThrottle(IOptions<RateLimitSettings> settings)
    {
        _settings = settings.Value;
        var rule = _settings.FailedKeyChecks.ToLimiterOptions();
        _failures = PartitionedRateLimiter.Create<string, string>(address => RateLimitPartition.GetFixedWindowLimiter(address, _ => rule));
    }

    public RateLimitRule Rule => _settings.FailedKeyChecks;

    /// <summary>Whether keys from this address may be checked; when not, how long until they may.</summary>
    public bool MayCheck(string address, out TimeSpan retryAfter)
    {
        retryAfter = TimeSpan.Zero;
        if (!_settings.Enabled)
        {
            return true;
        }
        using var lease = _failures.AttemptAcquire(address, 0);
        if (lease.IsAcquired)
        {
            return true;
        }
        retryAfter = lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? wait : TimeSpan.FromSeconds(_settings.FailedKeyChecks.WindowSeconds);
        return false;
    }

    public void RecordFailure(string address)
    {
        if (_settings.Enabled)
        {
            using var _ = _failures.AttemptAcquire(address, 1);
        }
    }

    public void Dispose() => _failures.Dispose();
}
