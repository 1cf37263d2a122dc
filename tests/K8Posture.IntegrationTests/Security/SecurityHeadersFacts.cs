using System.Net;
using System.Text.RegularExpressions;
using K8Posture.IntegrationTests.Infrastructure;
using K8Posture.Security;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace K8Posture.IntegrationTests.Security;

/// <summary>Every answer of the real app carries the security headers: pages, API, static files, errors, redirects.</summary>
public sealed partial class SecurityHeadersFacts(K8PostureAppFactory app) : IClassFixture<K8PostureAppFactory>
{
    public static TheoryData<string, int> Responses => new()
    {
        { "/", 302 },                        // a page that needs sign-in
        { "/account/signin", 200 },          // a server-rendered page
        { "/api/v1/findings", 401 },         // an API error (problem details)
        { "/css/app.css", 200 },             // a static file
        { "/_framework/blazor.web.js", 200 },
        { "/no/such/page", 404 },
        { "/healthz", 200 },
    };

    [Theory]
    [MemberData(nameof(Responses))]
    public async Task Every_kind_of_response_carries_the_security_headers(string path, int status)
    {
        using var client = app.CreateApiClient();
        using var response = await client.GetAsync(path);

        Assert.Equal(status, (int)response.StatusCode);
        var csp = Header(response, "Content-Security-Policy");
        Assert.Contains("frame-ancestors 'none'", csp);
        Assert.Contains("default-src 'self'", csp);
        Assert.Contains("object-src 'none'", csp);
        Assert.Contains("base-uri 'self'", csp);
        Assert.Matches("script-src 'self' 'nonce-[0-9a-f]{32}'(;|$)", csp);
        Assert.DoesNotContain("unsafe-eval", csp);
        Assert.DoesNotMatch("script-src[^;]*unsafe-inline", csp);
        Assert.Equal("nosniff", Header(response, "X-Content-Type-Options"));
        Assert.Equal("DENY", Header(response, "X-Frame-Options"));
        Assert.Equal("strict-origin-when-cross-origin", Header(response, "Referrer-Policy"));
        Assert.Contains("camera=()", Header(response, "Permissions-Policy"));
        Assert.Contains("geolocation=()", Header(response, "Permissions-Policy"));
    }

    [Fact]
    public async Task The_page_has_no_inline_script_but_the_import_map_with_this_responses_nonce()
    {
        using var client = app.CreateApiClient();
        using var first = await client.GetAsync("/account/signin");
        using var second = await client.GetAsync("/account/signin");
        var html = await first.Content.ReadAsStringAsync();

        var nonce = CspNonce().Match(Header(first, "Content-Security-Policy")).Groups[1].Value;
        Assert.NotEqual(nonce, CspNonce().Match(Header(second, "Content-Security-Policy")).Groups[1].Value);
        var scripts = ScriptTag().Matches(html).Select(m => m.Value).ToList();
        Assert.NotEmpty(scripts);
        foreach (var script in scripts)
        {
            var external = script.Contains(" src=", StringComparison.Ordinal);
            Assert.True(external || script.Contains($"nonce=\"{nonce}\"", StringComparison.Ordinal), $"inline script without the response's nonce: {script}");
            if (!external)
            {
                Assert.Contains("type=\"importmap\"", script);
            }
        }
        Assert.DoesNotMatch(" on[a-z]+=\"", html);
    }

    [Fact]
    public async Task Signing_in_sets_an_http_only_same_site_lax_cookie()
    {
        using var client = new HttpClient(new HttpClientHandler { UseCookies = false, AllowAutoRedirect = false }) { BaseAddress = app.ServerAddress };
        using var form = await client.GetAsync("/account/signin");
        var antiforgeryCookie = string.Join("; ", form.Headers.GetValues("Set-Cookie").Select(c => c.Split(';')[0]));
        var token = WebUtility.HtmlDecode(Antiforgery().Match(await form.Content.ReadAsStringAsync()).Groups[1].Value);
        using var request = new HttpRequestMessage(HttpMethod.Post, "/account/signin/local")
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string> { ["__RequestVerificationToken"] = token, ["role"] = Roles.SecurityAnalyst, ["returnUrl"] = "/" }),
        };
        request.Headers.Add("Cookie", antiforgeryCookie);
        using var response = await client.SendAsync(request);

        var auth = Assert.Single(response.Headers.GetValues("Set-Cookie"), c => c.StartsWith(SecurityRegistration.AuthCookieName, StringComparison.Ordinal));
        Assert.Contains("httponly", auth, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("samesite=lax", auth, StringComparison.OrdinalIgnoreCase);
    }

    internal static string Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) || response.Content.Headers.TryGetValues(name, out values)
            ? string.Join(", ", values)
            : throw new Xunit.Sdk.XunitException($"{response.RequestMessage?.RequestUri?.PathAndQuery} ({(int)response.StatusCode}) has no {name} header");

    [GeneratedRegex("'nonce-([^']+)'")]
    private static partial Regex CspNonce();

    [GeneratedRegex("<script\\b[^>]*>", RegexOptions.IgnoreCase)]
    private static partial Regex ScriptTag();

    [GeneratedRegex("name=\"__RequestVerificationToken\"[^>]*?value=\"([^\"]+)\"")]
    private static partial Regex Antiforgery();
}

/// <summary>The app in Production behind a TLS-terminating ingress.</summary>
public sealed class ProductionTransportFacts : IAsyncLifetime
{
    private readonly K8PostureAppFactory _app = ProductionApp.Create();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task Plain_http_is_redirected_to_https_but_probes_are_not()
    {
        using var client = _app.CreateApiClient();
        using var page = new HttpRequestMessage(HttpMethod.Get, "/account/signin");
        page.Headers.Host = "k8posture.contoso.test";
        using var redirected = await client.SendAsync(page);
        Assert.Equal(HttpStatusCode.PermanentRedirect, redirected.StatusCode);
        Assert.Equal("https://k8posture.contoso.test/account/signin", redirected.Headers.Location?.ToString());
        Assert.Contains("frame-ancestors 'none'", SecurityHeadersFacts.Header(redirected, "Content-Security-Policy"));

        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/healthz")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/readyz")).StatusCode);
    }

    [Fact]
    public async Task Behind_the_ingress_the_app_sees_https_and_sends_hsts()
    {
        using var client = _app.CreateApiClient();
        using var response = await client.SendAsync(ProductionApp.ViaIngress(HttpMethod.Get, "/account/signin"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("max-age=31536000", SecurityHeadersFacts.Header(response, "Strict-Transport-Security"));
        Assert.Contains("upgrade-insecure-requests", SecurityHeadersFacts.Header(response, "Content-Security-Policy"));
        // form-action lets the sign-in and sign-out redirects reach Entra ID, and nothing else.
        Assert.Contains("form-action 'self' https://login.microsoftonline.com;", SecurityHeadersFacts.Header(response, "Content-Security-Policy"));
    }

    [Fact]
    public async Task Errors_in_production_carry_the_headers_too()
    {
        using var client = _app.CreateApiClient();
        using var response = await client.SendAsync(ProductionApp.ViaIngress(HttpMethod.Get, "/api/v1/findings"));
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("nosniff", SecurityHeadersFacts.Header(response, "X-Content-Type-Options"));
        Assert.Contains("frame-ancestors 'none'", SecurityHeadersFacts.Header(response, "Content-Security-Policy"));
    }

    [Fact]
    public void Cookies_are_always_secure_http_only_and_lax_in_production()
    {
        var cookie = _app.Services.GetRequiredService<IOptionsMonitor<CookieAuthenticationOptions>>().Get(CookieAuthenticationDefaults.AuthenticationScheme).Cookie;
        Assert.Equal(CookieSecurePolicy.Always, cookie.SecurePolicy);
        Assert.True(cookie.HttpOnly);
        Assert.Equal(SameSiteMode.Lax, cookie.SameSite);
        Assert.Equal(CookieSecurePolicy.Always, _app.Services.GetRequiredService<IOptions<AntiforgeryOptions>>().Value.Cookie.SecurePolicy);
    }

    [Fact]
    public async Task A_known_proxy_setting_that_is_not_an_address_stops_the_start()
    {
        await using var app = ProductionApp.Create(b => b.UseSetting("ForwardedHeaders:KnownNetworks:0", "10.244.0.0/99"));
        var error = Assert.ThrowsAny<Exception>(() => app.ServerAddress);
        Assert.Contains(ProductionApp.Messages(error), m => m.Contains("ForwardedHeaders:KnownNetworks", StringComparison.Ordinal));
    }
}
