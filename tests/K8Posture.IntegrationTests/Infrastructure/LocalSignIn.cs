using System.Net;
using System.Text.RegularExpressions;

namespace K8Posture.IntegrationTests.Infrastructure;

/// <summary>Signs a persona in through the real local sign-in form (antiforgery token and cookie included).</summary>
public static partial class LocalSignIn
{
    public static async Task<HttpClient> SignedInClientAsync(this K8PostureAppFactory app, string role, int? teamId = null)
    {
        var client = new HttpClient(new HttpClientHandler { CookieContainer = new CookieContainer(), AllowAutoRedirect = false })
        {
            BaseAddress = app.ServerAddress,
        };
        var form = await client.GetStringAsync("/account/signin");
        var token = AntiforgeryToken().Match(form);
        Assert.True(token.Success, "the sign-in page has no antiforgery token");
        var fields = new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = WebUtility.HtmlDecode(token.Groups[1].Value),
            ["role"] = role,
            ["returnUrl"] = "/",
        };
        if (teamId is not null)
        {
            fields["teamId"] = teamId.Value.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }
        var response = await client.PostAsync("/account/signin/local", new FormUrlEncodedContent(fields));
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        return client;
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\"[^>]*?value=\"([^\"]+)\"")]
    private static partial Regex AntiforgeryToken();
}
