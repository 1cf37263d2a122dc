using System.Net;
using System.Text.RegularExpressions;
using K8Posture.IntegrationTests.Infrastructure;
using K8Posture.Security;

namespace K8Posture.IntegrationTests.Features.Account;

/// <summary>The local sign-in form on the real app: whatever returnUrl it is given, it only ever redirects within the site.</summary>
public sealed partial class SignInReturnUrlFacts(K8PostureAppFactory app) : IClassFixture<K8PostureAppFactory>
{
    public static TheoryData<string> Bypasses => new()
    {
        "https://evil.example/",
        "//evil.example/",
        "/\\evil.example/",
        "\\\\evil.example/",
        "/\t/evil.example",
        "/\n/evil.example",
        "/\r\n/evil.example",
        "///evil.example",
        "~//evil.example",
        "javascript:alert(1)",
        "/findings\r\nSet-Cookie: x=1",
    };

    /// <summary>What a browser would do with the Location: strip tabs and newlines (WHATWG URL parsing), then resolve against the site.</summary>
    private static bool StaysOnSite(string location, Uri site)
    {
        var asBrowserReadsIt = new string(location.Where(c => c is not ('\t' or '\n' or '\r')).ToArray()).Replace('\\', '/');
        return Uri.TryCreate(site, asBrowserReadsIt, out var target) && target.Authority == site.Authority && !location.Any(char.IsControl)
            && location.StartsWith('/') && !location.StartsWith("//", StringComparison.Ordinal) && !location.StartsWith("/\\", StringComparison.Ordinal);
    }

    private async Task<HttpResponseMessage> SignInAsync(string returnUrl)
    {
        using var client = new HttpClient(new HttpClientHandler { CookieContainer = new CookieContainer(), AllowAutoRedirect = false }) { BaseAddress = app.ServerAddress };
        var form = await client.GetStringAsync("/account/signin");
        var token = AntiforgeryToken().Match(form);
        Assert.True(token.Success, "the sign-in page has no antiforgery token");
        return await client.PostAsync("/account/signin/local", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = WebUtility.HtmlDecode(token.Groups[1].Value),
            ["role"] = Roles.SecurityAnalyst,
            ["returnUrl"] = returnUrl,
        }));
    }

    [Theory]
    [MemberData(nameof(Bypasses))]
    public async Task Signing_in_never_redirects_off_the_site(string returnUrl)
    {
        using var response = await SignInAsync(returnUrl);
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        var location = string.Join(",", response.Headers.GetValues("Location"));
        Assert.True(StaysOnSite(location, app.ServerAddress), $"returnUrl {Show(returnUrl)} answered Location {Show(location)}");
        Assert.Equal("/", location);
    }

    [Fact]
    public async Task A_local_return_url_is_kept()
    {
        using var response = await SignInAsync("/findings?severity=Critical");
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/findings?severity=Critical", string.Join(",", response.Headers.GetValues("Location")));
    }

    [Theory]
    [MemberData(nameof(Bypasses))]
    public async Task The_sign_in_page_never_carries_a_foreign_return_url_into_its_form_or_the_Microsoft_link(string returnUrl)
    {
        using var client = app.CreateApiClient();
        var page = await client.GetStringAsync("/account/signin?returnUrl=" + Uri.EscapeDataString(returnUrl));
        var hidden = HiddenReturnUrl().Match(page);
        Assert.True(hidden.Success, "the sign-in form has no returnUrl field");
        Assert.Equal("/", WebUtility.HtmlDecode(hidden.Groups[1].Value));
    }

    private static string Show(string value) => string.Concat(value.Select(c => char.IsControl(c) ? $"\\u{(int)c:x4}" : c.ToString()));

    [GeneratedRegex("name=\"__RequestVerificationToken\"[^>]*?value=\"([^\"]+)\"")]
    private static partial Regex AntiforgeryToken();

    [GeneratedRegex("name=\"returnUrl\"[^>]*?value=\"([^\"]*)\"")]
    private static partial Regex HiddenReturnUrl();
}
