using System.Net;
using K8Posture.IntegrationTests.Infrastructure;
using Microsoft.AspNetCore.Hosting;

namespace K8Posture.IntegrationTests.Security;

/// <summary>/openapi and /scalar: behind sign-in (or any valid key) in Production, open in Development, configurable.</summary>
public sealed class ApiDocsFacts
{
    [Fact]
    public async Task In_production_the_api_documents_need_a_signed_in_caller()
    {
        await using var app = ProductionApp.Create();
        using var anonymous = app.CreateApiClient();

        using var document = await anonymous.SendAsync(ProductionApp.ViaIngress(HttpMethod.Get, "/openapi/v1.json"));
        Assert.Equal(HttpStatusCode.Unauthorized, document.StatusCode);
        Assert.Equal("application/problem+json", document.Content.Headers.ContentType?.MediaType);
        using var reference = await anonymous.SendAsync(ProductionApp.ViaIngress(HttpMethod.Get, "/scalar/"));
        Assert.Equal(HttpStatusCode.Redirect, reference.StatusCode);
        Assert.Contains("/account/signin", reference.Headers.Location?.OriginalString);
        using var withUnknownKey = await app.CreateApiClient(K8Posture.Security.ApiKeySecrets.NewSecret()).SendAsync(ProductionApp.ViaIngress(HttpMethod.Get, "/openapi/v1.json"));
        Assert.Equal(HttpStatusCode.Unauthorized, withUnknownKey.StatusCode);

        // Any valid key will do, whatever its scope: the document describes the API, it holds no data.
        using var keyed = app.CreateApiClient(await app.CreateApiKeyAsync("evaluate"));
        using var allowed = await keyed.SendAsync(ProductionApp.ViaIngress(HttpMethod.Get, "/openapi/v1.json"));
        Assert.Equal(HttpStatusCode.OK, allowed.StatusCode);
        Assert.Contains("/api/v1/ingest/scans", await allowed.Content.ReadAsStringAsync());
        using var page = await keyed.SendAsync(ProductionApp.ViaIngress(HttpMethod.Get, "/scalar/"));
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        // Scalar's inline start-up script carries this response's CSP nonce.
        var nonce = System.Text.RegularExpressions.Regex.Match(SecurityHeadersFacts.Header(page, "Content-Security-Policy"), "'nonce-([^']+)'").Groups[1].Value;
        Assert.Contains($"nonce=\"{nonce}\"", await page.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Production_can_open_them_explicitly()
    {
        await using var app = ProductionApp.Create(b => b.UseSetting("ApiDocs:RequireSignIn", "false"));
        using var response = await app.CreateApiClient().SendAsync(ProductionApp.ViaIngress(HttpMethod.Get, "/openapi/v1.json"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Development_leaves_them_open()
    {
        await using var app = new K8PostureAppFactory();
        using var client = app.CreateApiClient();
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/openapi/v1.json")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/scalar/")).StatusCode);
    }
}
