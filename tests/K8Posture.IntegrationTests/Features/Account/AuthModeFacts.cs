using System.Net;
using K8Posture.IntegrationTests.Infrastructure;
using Microsoft.AspNetCore.Hosting;

namespace K8Posture.IntegrationTests.Features.Account;

public sealed class AuthModeFacts
{
    [Fact]
    public async Task Local_sign_in_is_refused_outside_development()
    {
        await using var app = new K8PostureAppFactory(seedDemo: false, b => b.UseEnvironment("Production"));
        var error = Assert.ThrowsAny<Exception>(() => app.ServerAddress);
        var messages = new List<string>();
        for (var e = error; e is not null; e = e.InnerException)
        {
            messages.Add(e.Message);
        }
        Assert.Contains(messages, m => m.Contains("Auth:Mode=Local", StringComparison.Ordinal) && m.Contains("refused outside the Development", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Entra_mode_starts_without_reaching_entra_and_offers_only_the_microsoft_sign_in()
    {
        await using var app = new K8PostureAppFactory(seedDemo: false, b =>
        {
            b.UseSetting("Auth:Mode", "EntraId");
            b.UseSetting("AzureAd:TenantId", "00000000-0000-0000-0000-000000000001");
            b.UseSetting("AzureAd:ClientId", "00000000-0000-0000-0000-000000000002");
        });
        using var anonymous = app.CreateApiClient();

        var page = await anonymous.GetAsync("/findings");
        Assert.Equal(HttpStatusCode.Redirect, page.StatusCode);
        Assert.StartsWith("/account/signin", page.Headers.Location?.PathAndQuery);

        var signIn = await anonymous.GetStringAsync("/account/signin");
        Assert.Contains("Sign in with Microsoft", signIn);
        Assert.DoesNotContain("local-signin", signIn);

        var localAttempt = await anonymous.PostAsync("/account/signin/local", new FormUrlEncodedContent(new Dictionary<string, string> { ["role"] = "Security.Admin" }));
        Assert.True(localAttempt.StatusCode is HttpStatusCode.NotFound or HttpStatusCode.BadRequest, $"local sign-in answered {localAttempt.StatusCode} in Entra mode");
        Assert.False(localAttempt.Headers.TryGetValues("Set-Cookie", out var cookies) && cookies.Any(c => c.StartsWith("k8posture.auth", StringComparison.Ordinal)),
            "Entra mode must never issue a local sign-in cookie");

        var api = await app.CreateApiClient(await app.CreateApiKeyAsync("read")).GetAsync("/api/v1/findings");
        Assert.Equal(HttpStatusCode.OK, api.StatusCode);
    }
}
