using System.Net;
using K8Posture.IntegrationTests.Infrastructure;

namespace K8Posture.IntegrationTests.Jobs;

public sealed class HangfireDashboardFacts(K8PostureAppFactory app) : IClassFixture<K8PostureAppFactory>
{
    [Fact]
    public async Task ASecurityAdminOpensTheDashboard()
    {
        using var admin = await app.SignedInClientAsync("Security.Admin");
        var response = await admin.GetAsync("/hangfire");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("K8Posture jobs", await response.Content.ReadAsStringAsync());
    }

    [Theory]
    [InlineData("Security.Analyst")]
    [InlineData("Leadership.Viewer")]
    [InlineData("Auditor")]
    public async Task OtherRolesAreDenied(string role)
    {
        using var client = await app.SignedInClientAsync(role);
        var response = await client.GetAsync("/hangfire");
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Contains("/account/access-denied", response.Headers.Location?.ToString());
    }

    [Fact]
    public async Task AnonymousVisitorsAreSentToSignIn()
    {
        using var client = app.CreateApiClient();
        var response = await client.GetAsync("/hangfire");
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Contains("/account/signin", response.Headers.Location?.ToString());
    }

    [Fact]
    public async Task AnAdminScopedPipelineKeyCannotOpenTheDashboard()
    {
        using var client = app.CreateApiClient(await app.CreateApiKeyAsync("admin"));
        var response = await client.GetAsync("/hangfire");
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }
}
