using System.IO.Compression;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using K8Posture.IntegrationTests.Infrastructure;

namespace K8Posture.IntegrationTests.Features.Ingestion;

/// <summary>
/// Issue 15, item 2: every ingest endpoint and /api/v1/evaluate take the body whatever its Content-Type says (kubectl users
/// pipe YAML as application/yaml, SIEM scripts send text/plain or nothing) and detect the format from the content; only an
/// unsupported Content-Encoding is a 415, and that one with a problem naming it.
/// </summary>
public sealed class AnyContentTypeFacts(K8PostureAppFactory app) : IClassFixture<K8PostureAppFactory>
{
    public static readonly TheoryData<string> ContentTypes =
    [
        "application/yaml", "application/x-yaml", "text/yaml", "application/sarif+json", "application/x-ndjson",
        "application/vnd.cyclonedx+json", "text/csv", "application/xml", "application/json", "application/octet-stream", "text/plain", "",
    ];

    private static readonly (string Path, string Fixture)[] Endpoints =
    [
        ("/api/v1/ingest/scans?cluster=ct-scans", "trivy-operator/configauditreport-nginx-docs.yaml"),
        ("/api/v1/ingest/alerts?cluster=ct-alerts", "falco/falco-terminal-shell-in-container-k8s.json"),
        ("/api/v1/ingest/inventory", "aks/az-aks-create-recordingbotcluster.json"),
        ("/api/v1/evaluate", "manifests/compliant-set.yaml"),
    ];

    [Theory]
    [MemberData(nameof(ContentTypes))]
    public async Task Every_ingest_endpoint_and_evaluate_accept_the_content_type(string contentType)
    {
        using var client = app.CreateApiClient(await app.CreateApiKeyAsync("ingest,evaluate"));
        foreach (var (path, fixture) in Endpoints)
        {
            var content = new ByteArrayContent(TestFixtures.Read(fixture));
            content.Headers.ContentType = contentType.Length == 0 ? null : MediaTypeHeaderValue.Parse(contentType);

            var response = await client.PostAsync(path, content);

            Assert.True(response.StatusCode == HttpStatusCode.OK, $"{path} with '{contentType}': {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        }
    }

    [Fact]
    public async Task Evaluate_reads_a_gzipped_body_and_refuses_an_unknown_encoding_with_a_problem()
    {
        using var client = app.CreateApiClient(await app.CreateApiKeyAsync("evaluate"));
        var manifests = TestFixtures.Read(Endpoints[3].Fixture);
        using var buffer = new MemoryStream();
        await using (var gzip = new GZipStream(buffer, CompressionLevel.Fastest, leaveOpen: true))
        {
            await gzip.WriteAsync(manifests);
        }
        var gzipped = new ByteArrayContent(buffer.ToArray());
        gzipped.Headers.ContentEncoding.Add("gzip");
        var compressed = new ByteArrayContent(manifests);
        compressed.Headers.ContentEncoding.Add("compress");

        var plain = await client.PostAsync("/api/v1/evaluate", new ByteArrayContent(manifests));
        var decoded = await client.PostAsync("/api/v1/evaluate", gzipped);
        var refused = await client.PostAsync("/api/v1/evaluate", compressed);

        Assert.Equal(HttpStatusCode.OK, decoded.StatusCode);
        Assert.Equal(await plain.Content.ReadAsStringAsync(), await decoded.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, refused.StatusCode);
        Assert.Equal("application/problem+json", refused.Content.Headers.ContentType?.MediaType);
        Assert.Contains("compress", JsonDocument.Parse(await refused.Content.ReadAsStringAsync()).RootElement.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }
}
