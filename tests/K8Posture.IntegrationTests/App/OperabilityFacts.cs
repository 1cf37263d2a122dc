using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using K8Posture.IntegrationTests.Infrastructure;

namespace K8Posture.IntegrationTests.App;

public sealed class OperabilityFacts(K8PostureAppFactory app) : IClassFixture<K8PostureAppFactory>
{
    [Fact]
    public async Task Health_and_readiness_answer_without_sign_in()
    {
        using var client = app.CreateApiClient();
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/healthz")).StatusCode);
        var ready = await client.GetAsync("/readyz");
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        var report = System.Text.Json.JsonDocument.Parse(await ready.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal("Healthy", report.GetProperty("status").GetString());
        Assert.Equal("database", report.GetProperty("checks")[0].GetProperty("name").GetString());
    }

    [Fact]
    public async Task The_open_api_document_describes_the_ingest_and_findings_routes()
    {
        using var client = app.CreateApiClient();
        var document = await client.GetFromJsonAsync<JsonElement>("/openapi/v1.json");
        var paths = document.GetProperty("paths");
        Assert.True(paths.TryGetProperty("/api/v1/ingest/scans", out _));
        Assert.True(paths.TryGetProperty("/api/v1/findings", out _));
        var scalar = await client.GetAsync("/scalar/");
        Assert.Equal(HttpStatusCode.OK, scalar.StatusCode);
    }

    [Fact]
    public async Task Pages_need_sign_in_and_apis_answer_401_problem_details()
    {
        using var client = app.CreateApiClient();
        var page = await client.GetAsync("/findings");
        Assert.Equal(HttpStatusCode.Redirect, page.StatusCode);
        Assert.StartsWith("/account/signin", page.Headers.Location?.PathAndQuery);

        var api = await client.GetAsync("/api/v1/findings");
        Assert.Equal(HttpStatusCode.Unauthorized, api.StatusCode);
        Assert.Equal("application/problem+json", api.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task Sign_in_refuses_an_off_site_return_url()
    {
        using var client = app.CreateApiClient();
        var form = await client.GetStringAsync("/account/signin?returnUrl=https://evil.example/");
        Assert.DoesNotContain("evil.example", form);
    }
}
