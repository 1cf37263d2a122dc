using System.Net;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.HttpOverrides;

namespace K8Posture.Security;

/// <summary>Settings of the <c>Security</c> section that concern transport (HTTPS, HSTS).</summary>
public sealed class TransportSecurityOptions
{
    public const string Section = "Security";

    /// <summary>Redirect http to https and send HSTS. Default: on outside Development.</summary>
    public bool? RequireHttps { get; set; }

    /// <summary>The public https port the redirect points to (the ingress's, not Kestrel's).</summary>
    public int HttpsPort { get; set; } = 443;

    public int HstsMaxAgeDays { get; set; } = 365;

    /// <summary>Only when every subdomain of the host is served over https: browsers then refuse http for all of them.</summary>
    public bool HstsIncludeSubDomains { get; set; }
}

/// <summary>Settings of the <c>ForwardedHeaders</c> section: which reverse proxies may tell the app the client's address and scheme.</summary>
public sealed class ForwardedHeadersSettings
{
    public const string Section = "ForwardedHeaders";

    /// <summary>Addresses of the TLS-terminating proxies (ingress controller); loopback is always trusted.</summary>
    public List<string> KnownProxies { get; set; } = [];

    /// <summary>Networks in CIDR notation (e.g. the cluster's pod CIDR, 10.244.0.0/16) whose hosts are trusted proxies.</summary>
    public List<string> KnownNetworks { get; set; } = [];

    /// <summary>How many proxy hops of X-Forwarded-For to unwind.</summary>
    public int ForwardLimit { get; set; } = 1;
}

public static class TransportSecurity
{
    /// <summary>Kubelet probes reach the pod over plain http and must not be redirected.</summary>
    private static readonly PathString[] ProbePaths = ["/healthz", "/readyz"];

    public static bool RequiresHttps(IConfiguration configuration, IHostEnvironment environment) =>
        configuration.GetSection(TransportSecurityOptions.Section).GetValue<bool?>(nameof(TransportSecurityOptions.RequireHttps)) ?? !environment.IsDevelopment();

    internal static void AddTransportSecurity(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        var transport = builder.Configuration.GetSection(TransportSecurityOptions.Section).Get<TransportSecurityOptions>() ?? new();
        var forwarded = builder.Configuration.GetSection(ForwardedHeadersSettings.Section).Get<ForwardedHeadersSettings>() ?? new();

        services.Configure<ForwardedHeadersOptions>(o =>
        {
            o.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto;
            o.ForwardLimit = forwarded.ForwardLimit;
            foreach (var proxy in forwarded.KnownProxies.Where(p => !string.IsNullOrWhiteSpace(p)))
            {
                o.KnownProxies.Add(IPAddress.TryParse(proxy.Trim(), out var address)
                    ? address
                    : throw new InvalidOperationException($"ForwardedHeaders:KnownProxies: '{proxy}' is not an IP address."));
            }
            foreach (var network in forwarded.KnownNetworks.Where(n => !string.IsNullOrWhiteSpace(n)))
            {
                o.KnownIPNetworks.Add(System.Net.IPNetwork.TryParse(network.Trim(), out var parsed)
                    ? parsed
                    : throw new InvalidOperationException($"ForwardedHeaders:KnownNetworks: '{network}' is not a network in CIDR notation (such as 10.244.0.0/16)."));
            }
        });

        services.AddHsts(o =>
        {
            o.MaxAge = TimeSpan.FromDays(transport.HstsMaxAgeDays);
            o.IncludeSubDomains = transport.HstsIncludeSubDomains;
        });
        services.AddHttpsRedirection(o =>
        {
            o.HttpsPort = transport.HttpsPort;
            o.RedirectStatusCode = StatusCodes.Status308PermanentRedirect;
        });

        // The auth cookie's own settings are in SecurityRegistration; the antiforgery cookie follows the same rule.
        services.Configure<AntiforgeryOptions>(o => o.Cookie.SecurePolicy =
            builder.Environment.IsDevelopment() ? CookieSecurePolicy.SameAsRequest : CookieSecurePolicy.Always);
    }

    /// <summary>Forwarded headers first (so the scheme and client address are the real ones), then HSTS and the redirect to https.</summary>
    public static IApplicationBuilder UseTransportSecurity(this WebApplication app)
    {
        app.UseForwardedHeaders();
        if (RequiresHttps(app.Configuration, app.Environment))
        {
            app.UseHsts();
            app.UseWhen(context => !ProbePaths.Any(p => context.Request.Path.Equals(p, StringComparison.OrdinalIgnoreCase)),
                branch => branch.UseHttpsRedirection());
        }
        return app;
    }
}
