using System.Net;
using K8Posture.IntegrationTests.Infrastructure;

namespace K8Posture.IntegrationTests.Jobs;

public sealed class HangfireDashboardFacts(K8PostureAppFactory app) : IClassFixture<K8PostureAppFactory>
{
    [Fact]
    public async Task A_security_admin_opens_the_dashboard()
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
    public async Task Other_roles_are_denied(string role)
    {
        using var client = await app.SignedInClientAsync(role);
        var response = await client.GetAsync("/hangfire");
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Contains("/account/access-denied", response.Headers.Location?.ToString());
    }

    [Fact]
    public async Task Anonymous_visitors_are_sent_to_sign_in()
    {
        using var client = app.CreateApiClient();
        var response = await client.GetAsync("/hangfire");
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Contains("/account/signin", response.Headers.Location?.ToString());
    }

    [Fact]
    public async Task An_admin_scoped_pipeline_key_cannot_open_the_dashboard()
    {
        using var client = app.CreateApiClient(await app.CreateApiKeyAsync("admin"));
        var response = await client.GetAsync("/hangfire");
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }
}
