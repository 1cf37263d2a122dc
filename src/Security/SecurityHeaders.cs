using System.Security.Cryptography;

namespace K8Posture.Security;

/// <summary>
/// The response headers every answer carries (pages, API, static files, errors): a Content-Security-Policy that lets
/// Blazor Server and MudBlazor run without inline script, no framing, no MIME sniffing, a strict referrer policy and
/// no powerful browser features.
/// </summary>
public static class SecurityHeaders
{
    private const string NonceItem = "K8Posture.CspNonce";

    public const string PermissionsPolicy =
        "accelerometer=(), autoplay=(), camera=(), clipboard-read=(), display-capture=(), fullscreen=(self), geolocation=(), gyroscope=(), "
        + "magnetometer=(), microphone=(), midi=(), payment=(), publickey-credentials-get=(), screen-wake-lock=(), serial=(), usb=(), xr-spatial-tracking=()";

    public const string ReferrerPolicy = "strict-origin-when-cross-origin";

    /// <summary>
    /// The request's script nonce: the only inline script the app renders is the framework's import map
    /// (<c>&lt;ImportMap nonce=…&gt;</c> in App.razor); every other script is a file from this origin.
    /// </summary>
    public static string CspNonce(this HttpContext context)
    {
        if (context.Items[NonceItem] is string nonce)
        {
            return nonce;
        }
        // Hex, not base64: Scalar HTML-encodes the nonce it writes, which turns a base64 '+' into '&#x2B;' and breaks the match.
        nonce = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        context.Items[NonceItem] = nonce;
        return nonce;
    }

    /// <summary>
    /// The policy. style-src needs 'unsafe-inline': MudBlazor sets style attributes on its components (and ApexCharts
    /// on its SVG), which neither nonces nor hashes can allow; styles cannot run script. form-action names the
    /// identity provider because sign-in and sign-out are form posts that end in a redirect to it, and browsers
    /// check form-action on every hop of a form's redirects.
    /// </summary>
    public static string ContentSecurityPolicy(string nonce, IReadOnlyCollection<string> formTargets, bool upgradeInsecureRequests) =>
        string.Join("; ", new[]
        {
            "default-src 'self'",
            $"script-src 'self' 'nonce-{nonce}'",
            "style-src 'self' 'unsafe-inline'",
            "img-src 'self' data:",
            "font-src 'self' data:",
            "connect-src 'self'",
            "worker-src 'self'",
            "manifest-src 'self'",
            "frame-src 'none'",
            "object-src 'none'",
            "base-uri 'self'",
            "frame-ancestors 'none'",
            "form-action " + string.Join(' ', formTargets.Prepend("'self'")),
        }.Concat(upgradeInsecureRequests ? ["upgrade-insecure-requests"] : []));

    /// <summary>The origin of the OpenID Connect provider (AzureAd:Instance or Authority), if any.</summary>
    internal static IReadOnlyCollection<string> FormTargets(IConfiguration configuration)
    {
        if (configuration.GetAuthMode() != AuthMode.EntraId)
        {
            return [];
        }
        var azureAd = configuration.GetSection(EntraConfiguration.Section);
        return new[] { azureAd["Instance"], azureAd["Authority"] }
            .Select(u => Uri.TryCreate(u, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttps || uri.Scheme == Uri.UriSchemeHttp) ? uri.GetLeftPart(UriPartial.Authority) : null)
            .OfType<string>()
            .Distinct(StringComparer.OrdinalIgnoreCase)
            .ToList();
    }

    /// <summary>Adds the headers just before the response starts, so error pages and re-executed responses carry them too.</summary>
    public static IApplicationBuilder UseSecurityHeaders(this IApplicationBuilder app)
    {
        var formTargets = FormTargets(app.ApplicationServices.GetRequiredService<IConfiguration>());
        return app.Use((context, next) =>
        {
            context.Response.OnStarting(() =>
            {
                var headers = context.Response.Headers;
                headers.ContentSecurityPolicy = ContentSecurityPolicy(context.CspNonce(), formTargets, context.Request.IsHttps);
                headers.XContentTypeOptions = "nosniff";
                headers.XFrameOptions = "DENY";
                headers["Referrer-Policy"] = ReferrerPolicy;
                headers["Permissions-Policy"] = PermissionsPolicy;
                headers["Cross-Origin-Opener-Policy"] = "same-origin";
                return Task.CompletedTask;
            });
            return next(context);
        });
    }
}
