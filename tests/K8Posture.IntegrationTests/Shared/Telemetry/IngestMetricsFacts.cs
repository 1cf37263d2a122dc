using System.Net;
using System.Text.Json.Nodes;
using K8Posture.IntegrationTests.Infrastructure;

namespace K8Posture.IntegrationTests.Shared.Telemetry;

public sealed class IngestMetricsFacts(K8PostureAppFactory app) : IClassFixture<K8PostureAppFactory>
{
    [Fact]
    public async Task A_push_records_its_rows_and_its_parse_and_store_seconds_by_format()
    {
        var report = TestFixtures.Read("trivy/ubuntu-1804.json.golden");
        var vulnerabilities = JsonNode.Parse(report)!["Results"]!.AsArray().Sum(r => r!["Vulnerabilities"]?.AsArray().Count ?? 0);
        using var recorder = new MeterRecorder(app.Services);
        using var client = app.CreateApiClient(await app.CreateApiKeyAsync("ingest"));

        var response = await client.PostAsync($"/api/v1/ingest/scans?scope=test:{Guid.NewGuid():N}", new ByteArrayContent(report));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var rows = Assert.Single(recorder.Of("k8posture.ingest.rows"));
        Assert.Equal(vulnerabilities, rows.Value);
        Assert.Equal("trivy-json", rows.Tags["format"]);
        var parse = Assert.Single(recorder.Of("k8posture.ingest.parse.duration"));
        var store = Assert.Single(recorder.Of("k8posture.ingest.store.duration"));
        Assert.InRange(parse.Value, double.Epsilon, 60);
        Assert.InRange(store.Value, double.Epsilon, 60);
        Assert.Equal("trivy-json", store.Tags["format"]);
    }

    [Fact]
    public async Task A_refused_push_stores_nothing_and_records_no_store_time()
    {
        using var recorder = new MeterRecorder(app.Services);
        using var client = app.CreateApiClient(await app.CreateApiKeyAsync("ingest"));

        var response = await client.PostAsync($"/api/v1/ingest/scans?format=trivy-json&scope=test:{Guid.NewGuid():N}", new StringContent("{\"Results\": [ {\"Vulnerabilities\": [ {"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Empty(recorder.Of("k8posture.ingest.store.duration"));
        Assert.Empty(recorder.Of("k8posture.ingest.rows"));
    }
}
