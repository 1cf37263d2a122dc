using System.IO.Compression;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using K8Posture.Data;
using K8Posture.Features.Ingestion;
using K8Posture.Features.Ingestion.Parsers;
using K8Posture.Features.Ingestion.Recovery;
using K8Posture.IntegrationTests.Infrastructure;
using Microsoft.AspNetCore.Hosting;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace K8Posture.IntegrationTests.Features.Ingestion;

/// <summary>
/// Reports longer than Ingestion:SpoolFromBytes (set to 4 KB here, so the fixtures are spooled) are kept in a temp file for
/// their push and read from it; they must end exactly as the in-memory path ends them. The spool folder does not exist
/// before the first spool, so its existence shows a spool was written, and its emptiness that it was deleted.
/// </summary>
public sealed class SpooledReportIngestFacts : IAsyncLifetime
{
    private const string Ubuntu = "trivy/ubuntu-1804.json.golden";
    private const int SpoolFromBytes = 4096;

    private readonly string _spoolFolder = Path.Combine(Path.GetTempPath(), "k8posture-spool-" + Guid.NewGuid().ToString("N"));
    private readonly K8PostureAppFactory _app;

    public SpooledReportIngestFacts()
    {
        _app = new K8PostureAppFactory(seedDemo: false, builder =>
        {
            builder.UseSetting("Ingestion:SpoolFromBytes", SpoolFromBytes.ToString(System.Globalization.CultureInfo.InvariantCulture));
            builder.UseSetting("Ingestion:SpoolFolder", _spoolFolder);
        });
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        await _app.DisposeAsync();
        if (Directory.Exists(_spoolFolder))
        {
            Directory.Delete(_spoolFolder, recursive: true);
        }
    }

    private static string UniqueScope() => "test:" + Guid.NewGuid().ToString("N");

    private void AssertSpooledAndDeleted()
    {
        Assert.True(Directory.Exists(_spoolFolder), "no report was spooled");
        Assert.Empty(Directory.GetFiles(_spoolFolder));
    }

    private static async Task<IngestOutcome> OutcomeAsync(HttpResponseMessage response)
    {
        Assert.True(response.StatusCode == HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<IngestOutcome>(JsonSerializerOptions.Web))!;
    }

    /// <summary>Fingerprint and content hash of every finding the in-memory parser reads from the report, for <paramref name="scope"/>.</summary>
    private static List<(string Fingerprint, string ContentHash)> InMemoryKeys(byte[] report, string scope) =>
        [.. new TrivyJsonParser().Parse(report).Findings
            .Select(f => (FindingIdentity.Fingerprint(scope, f), FindingIdentity.ContentHash(f)))
            .DistinctBy(k => k.Item1)
            .OrderBy(k => k.Item1, StringComparer.Ordinal)];

    private Task<List<(string Fingerprint, string ContentHash)>> StoredKeysAsync(string scope) => _app.WithDbAsync(async db =>
        (await db.Findings.AsNoTracking().Where(f => f.ScopeKey == scope).Select(f => new { f.Fingerprint, f.ContentHash }).ToListAsync())
            .Select(f => (f.Fingerprint, f.ContentHash)).OrderBy(k => k.Fingerprint, StringComparer.Ordinal).ToList());

    [Fact]
    public async Task A_spooled_push_stores_the_findings_the_in_memory_path_stores_and_deletes_its_spool()
    {
        var report = TestFixtures.Read(Ubuntu);
        Assert.True(report.Length > SpoolFromBytes);
        var expected = InMemoryKeys(report, "s");
        using var client = _app.CreateApiClient(await _app.CreateApiKeyAsync("ingest"));
        var spooledScope = UniqueScope();
        var inMemoryScope = UniqueScope();

        var spooled = await OutcomeAsync(await client.PostAsync($"/api/v1/ingest/scans?scope={spooledScope}", new ByteArrayContent(report)));
        AssertSpooledAndDeleted();
        // The ingestor handed the bytes directly takes the in-memory path whatever their size.
        var inMemory = await _app.AsSystemAsync(s => s.GetRequiredService<ScanIngestor>()
            .IngestAsync(report, new ScanPushOptions(Scope: inMemoryScope), CancellationToken.None));

        Assert.Equal(expected.Count, spooled.Created);
        Assert.Equal((inMemory.Status, inMemory.Format, inMemory.Source, inMemory.Created, inMemory.Updated, inMemory.Unchanged, inMemory.Closed, inMemory.Reopened),
            (spooled.Status, spooled.Format, spooled.Source, spooled.Created, spooled.Updated, spooled.Unchanged, spooled.Closed, spooled.Reopened));
        Assert.Equal(InMemoryKeys(report, spooledScope), await StoredKeysAsync(spooledScope));
        Assert.Equal(InMemoryKeys(report, inMemoryScope), await StoredKeysAsync(inMemoryScope));
        // The spool's sha256 and gzip are those of the bytes: the batch keeps the report as sent.
        var stored = await _app.WithDbAsync(db => db.IngestBatches.AsNoTracking().SingleAsync(b => b.Id == spooled.BatchId));
        Assert.Equal(report, IngestBatchRecording.Gunzip(stored.PayloadCompressed));
        Assert.Equal(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(report)), stored.PayloadSha256);
        Assert.Equal(report.Length, stored.PayloadBytes);

        // The same bytes pushed the same way again are known as a duplicate by that sha256.
        var again = await OutcomeAsync(await client.PostAsync($"/api/v1/ingest/scans?scope={spooledScope}", new ByteArrayContent(report)));
        Assert.Equal(("duplicate", spooled.BatchId), (again.Status, await _app.ScalarAsync("SELECT DuplicateOfBatchId FROM IngestBatches WHERE Id = $id", ("$id", again.BatchId))));
        AssertSpooledAndDeleted();
    }

    [Fact]
    public async Task A_gzip_encoded_report_over_the_threshold_is_spooled_and_ingested_over_kestrel()
    {
        var report = TestFixtures.Read(Ubuntu);
        using var compressed = new MemoryStream();
        await using (var gzip = new GZipStream(compressed, CompressionLevel.Optimal, leaveOpen: true))
        {
            await gzip.WriteAsync(report);
        }
        using var client = _app.CreateApiClient(await _app.CreateApiKeyAsync("ingest"));
        var scope = UniqueScope();
        using var content = new ByteArrayContent(compressed.ToArray());
        content.Headers.ContentEncoding.Add("gzip");
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");

        var outcome = await OutcomeAsync(await client.PostAsync($"/api/v1/ingest/scans?scope={scope}", content));

        Assert.Equal(("processed", InMemoryKeys(report, scope).Count), (outcome.Status, outcome.Created));
        Assert.Equal(InMemoryKeys(report, scope), await StoredKeysAsync(scope));
        Assert.Equal(report.Length, await _app.ScalarAsync("SELECT PayloadBytes FROM IngestBatches WHERE Id = $id", ("$id", outcome.BatchId)));
        AssertSpooledAndDeleted();
    }

    [Fact]
    public async Task A_bad_finding_deep_in_a_spooled_report_refuses_the_whole_push_with_its_pointer_and_writes_no_finding()
    {
        var node = JsonNode.Parse(TestFixtures.Read(Ubuntu))!;
        var vulnerabilities = node["Results"]![0]!["Vulnerabilities"]!.AsArray();
        var last = vulnerabilities.Count - 1;
        vulnerabilities[last]!.AsObject().Remove("VulnerabilityID");
        var report = Encoding.UTF8.GetBytes(node.ToJsonString());
        using var client = _app.CreateApiClient(await _app.CreateApiKeyAsync("ingest"));
        var scope = UniqueScope();

        var response = await client.PostAsync($"/api/v1/ingest/scans?scope={scope}", new ByteArrayContent(report));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal($"/Results/0/Vulnerabilities/{last}/VulnerabilityID", problem.GetProperty("pointer").GetString());
        var batchId = problem.GetProperty("batchId").GetInt64();
        Assert.Equal(0, await _app.ScalarAsync("SELECT COUNT(*) FROM Findings WHERE ScopeKey = $s", ("$s", scope)));
        Assert.Equal(0, await _app.ScalarAsync("SELECT COUNT(*) FROM Findings WHERE LastBatchId = $id", ("$id", batchId)));
        Assert.Equal((long)IngestStatus.Failed, await _app.ScalarAsync("SELECT Status FROM IngestBatches WHERE Id = $id", ("$id", batchId)));
        // The refused batch keeps the report as sent.
        var stored = await _app.WithDbAsync(db => db.IngestBatches.AsNoTracking().SingleAsync(b => b.Id == batchId));
        Assert.Equal(report, IngestBatchRecording.Gunzip(stored.PayloadCompressed));
        AssertSpooledAndDeleted();
    }

    [Fact]
    public async Task A_report_over_the_payload_limit_is_refused_with_413_naming_the_limit_and_leaves_no_spool()
    {
        await using var limited = new K8PostureAppFactory(seedDemo: false, builder =>
        {
            builder.UseSetting("Ingestion:SpoolFromBytes", SpoolFromBytes.ToString(System.Globalization.CultureInfo.InvariantCulture));
            builder.UseSetting("Ingestion:SpoolFolder", _spoolFolder);
            builder.UseSetting("Ingestion:MaxPayloadBytes", "150000");
        });
        // Past the first segment read into memory (64 KB), so the limit is crossed while the body is being spooled.
        byte[] report = [.. TestFixtures.Read(Ubuntu), .. Enumerable.Repeat((byte)' ', 200_000)];
        using var compressed = new MemoryStream();
        await using (var gzip = new GZipStream(compressed, CompressionLevel.Optimal, leaveOpen: true))
        {
            await gzip.WriteAsync(report);
        }
        using var client = limited.CreateApiClient(await limited.CreateApiKeyAsync("ingest"));
        using var content = new ByteArrayContent(compressed.ToArray());
        content.Headers.ContentEncoding.Add("gzip");

        var response = await client.PostAsync($"/api/v1/ingest/scans?scope={UniqueScope()}", content);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Contains("150000 bytes", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Contains("Ingestion:MaxPayloadBytes", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(0, await limited.ScalarAsync("SELECT COUNT(*) FROM IngestBatches"));
        AssertSpooledAndDeleted();
    }

    [Fact]
    public async Task An_interrupted_batch_of_a_spooled_report_is_replayed_from_a_spool()
    {
        var report = TestFixtures.Read(Ubuntu);
        var scope = UniqueScope();
        var options = new ScanPushOptions(Scope: scope, Pipeline: "ci");
        var caller = new PushCaller("key:scanner", SeesAllTeams: true, TeamIds: []);
        // What a push that died after storing its batch leaves: the batch Received, with its gzip and how it was sent.
        var batchId = await _app.WithDbAsync(async db =>
        {
            var batch = ReceivedBatch.Of(IngestKind.Scans, report, caller, options, interrupted: null, DateTimeOffset.UtcNow.AddMinutes(-10), options.Pipeline, teamId: null,
                requestedScope: scope);
            db.IngestBatches.Add(batch);
            await db.SaveChangesAsync();
            return batch.Id;
        });
        Assert.False(Directory.Exists(_spoolFolder));

        var recovered = await _app.AsJobAsync(s => s.GetRequiredService<PushRecoveryJob>().RecoverAsync(DateTimeOffset.UtcNow, CancellationToken.None));

        Assert.Equal(1, recovered.Processed);
        AssertSpooledAndDeleted();
        Assert.Equal((long)IngestStatus.Processed, await _app.ScalarAsync("SELECT Status FROM IngestBatches WHERE Id = $id", ("$id", batchId)));
        Assert.Equal(InMemoryKeys(report, scope).Count, await _app.ScalarAsync("SELECT Created FROM IngestBatches WHERE Id = $id", ("$id", batchId)));
        Assert.Equal(InMemoryKeys(report, scope), await StoredKeysAsync(scope));
    }
}
