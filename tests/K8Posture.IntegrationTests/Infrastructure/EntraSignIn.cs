using System.Net;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.WebUtilities;

namespace K8Posture.IntegrationTests.Infrastructure;

/// <summary>
/// A browser-like HTTP client with its own cookie jar. The OpenID Connect correlation and nonce cookies are Secure,
/// which HttpClient's CookieContainer will not send over http; a browser sends them to loopback, and so does this.
/// </summary>
public sealed partial class CookieJarClient(Uri baseAddress) : IDisposable
{
    private readonly HttpClient _http = new(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = false }) { BaseAddress = baseAddress };

    public Dictionary<string, string> Cookies { get; } = new(StringComparer.Ordinal);

    public async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request)
    {
        if (Cookies.Count > 0)
        {
            request.Headers.Add("Cookie", string.Join("; ", Cookies.Select(c => $"{c.Key}={c.Value}")));
        }
        var response = await _http.SendAsync(request);
        if (response.Headers.TryGetValues("Set-Cookie", out var setCookies))
        {
            foreach (var setCookie in setCookies)
            {
                var pair = setCookie.Split(';', 2)[0];
                var equals = pair.IndexOf('=', StringComparison.Ordinal);
                var (name, value) = (pair[..equals].Trim(), pair[(equals + 1)..].Trim());
                var expired = setCookie.Contains("expires=Thu, 01 Jan 1970", StringComparison.OrdinalIgnoreCase);
                if (expired || value.Length == 0)
                {
                    Cookies.Remove(name);
                }
                else
                {
                    Cookies[name] = value;
                }
            }
        }
        return response;
    }

    public Task<HttpResponseMessage> GetAsync(string url) => SendAsync(new HttpRequestMessage(HttpMethod.Get, url));

    public Task<HttpResponseMessage> PostFormAsync(string url, IDictionary<string, string> fields) =>
        SendAsync(new HttpRequestMessage(HttpMethod.Post, url) { Content = new FormUrlEncodedContent(fields) });

    /// <summary>The antiforgery token of the first form on the page (the antiforgery cookie comes with the same response).</summary>
    public async Task<string> AntiforgeryTokenOfAsync(string url)
    {
        var response = await GetAsync(url);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var match = AntiforgeryField().Match(await response.Content.ReadAsStringAsync());
        Assert.True(match.Success, $"{url} has no antiforgery token");
        return WebUtility.HtmlDecode(match.Groups[1].Value);
    }

    public void Dispose() => _http.Dispose();

    [GeneratedRegex("name=\"__RequestVerificationToken\"[^>]*?value=\"([^\"]+)\"")]
    private static partial Regex AntiforgeryField();
}

/// <summary>A completed sign-in: the signed-in client, the ID token the provider issued and the authorize request the app made.</summary>
public sealed record EntraSession(CookieJarClient Client, string IdToken, IReadOnlyDictionary<string, string> AuthorizeRequest);

public static class EntraSignIn
{
    /// <summary>
    /// Signs a person in through the app's real OpenID Connect handler: the challenge redirects to the provider's
    /// authorize endpoint; the "provider" answers as Entra does (form_post of an ID token carrying the nonce and state).
    /// </summary>
    public static async Task<EntraSession> SignInAsync(this K8PostureAppFactory app, FakeEntraId entra, IDictionary<string, object> claims, string returnUrl = "/")
    {
        var client = new CookieJarClient(app.ServerAddress);
        var challenge = await client.GetAsync("/account/challenge?returnUrl=" + Uri.EscapeDataString(returnUrl));
        Assert.Equal(HttpStatusCode.Redirect, challenge.StatusCode);
        var authorize = challenge.Headers.Location!;
        Assert.StartsWith(entra.Issuer.Replace("/v2.0", "/oauth2/v2.0/authorize", StringComparison.Ordinal), authorize.ToString(), StringComparison.Ordinal);
        var query = QueryHelpers.ParseQuery(authorize.Query).ToDictionary(q => q.Key, q => q.Value.ToString());

        var idToken = entra.CreateIdToken(query["nonce"], claims);
        var callback = await client.PostFormAsync(new Uri(query["redirect_uri"]).PathAndQuery, new Dictionary<string, string>
        {
            ["id_token"] = idToken,
            ["state"] = query["state"],
        });
        Assert.True(callback.StatusCode == HttpStatusCode.Redirect,
            $"the sign-in callback answered {(int)callback.StatusCode}: {await callback.Content.ReadAsStringAsync()}");
        Assert.Equal(returnUrl, callback.Headers.Location?.OriginalString);
        Assert.Contains(client.Cookies.Keys, k => k.StartsWith(K8Posture.Security.SecurityRegistration.AuthCookieName, StringComparison.Ordinal));
        return new EntraSession(client, idToken, query);
    }
}
