using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using K8Posture.Features.Ingestion;
using K8Posture.Features.Ingestion.Parsers;
using K8Posture.Shared;

namespace K8Posture.UnitTests.Features.Ingestion;

/// <summary>A large report is kept in a spool file and Trivy JSON is read from it as a stream; it must give exactly what the in-memory path gives.</summary>
public sealed class SpooledReportFacts : IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "k8posture-spool-facts-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_folder))
        {
            Directory.Delete(_folder, recursive: true);
        }
    }

    private static string Json(ScanParseResult result) => JsonSerializer.Serialize(result);

    private Task<ReportSpool> SpoolAsync(byte[] payload) =>
        ReportSpool.WriteAsync(new MemoryStream(payload), long.MaxValue, _folder, CancellationToken.None);

    private static byte[] WithoutVulnerabilityId(string fixture, out string pointer)
    {
        var node = JsonNode.Parse(TrivyFixtures.Read(fixture))!;
        var vulnerabilities = node["Results"]![0]!["Vulnerabilities"]!.AsArray();
        var last = vulnerabilities.Count - 1;
        vulnerabilities[last]!.AsObject().Remove("VulnerabilityID");
        pointer = $"/Results/0/Vulnerabilities/{last}/VulnerabilityID";
        return Encoding.UTF8.GetBytes(node.ToJsonString());
    }

    [Theory]
    [InlineData("ubuntu-1804.json.golden", 16)]
    [InlineData("ubuntu-1804.json.golden", 4096)]
    [InlineData("helm_testchart.json.golden", 16)]
    [InlineData("secrets.json.golden", 16)]
    [InlineData("trivy-0.72.0-alpine-3.10-image.json", 16)]
    [InlineData("trivy-0.72.0-alpine-3.10-image.json", 1000)]
    public void A_report_read_through_a_small_refilled_buffer_gives_what_the_whole_document_reader_gives(string fixture, int bufferBytes)
    {
        var payload = TrivyFixtures.Read(fixture);

        var streamed = TrivyJsonParser.ParseItemByItem(new PayloadBytes(payload), deferFindingsFromBytes: 0, refuseBadInput: true, readBufferBytes: bufferBytes);

        Assert.NotNull(streamed);
        Assert.IsAssignableFrom<IFindingNamespaces>(streamed.Findings);
        Assert.NotEmpty(streamed.Findings);
        Assert.Equal(Json(TrivyJsonParser.ParseWhole(payload)), Json(streamed));
    }

    [Theory]
    [InlineData("ubuntu-1804.json.golden")]
    [InlineData("alpine-310.json.golden")]
    [InlineData("helm_testchart.json.golden")]
    public async Task A_spooled_report_gives_what_the_in_memory_report_gives_and_its_file_is_gone_once_disposed(string fixture)
    {
        var payload = TrivyFixtures.Read(fixture);
        var inMemory = new TrivyJsonParser().Parse(payload);
        string path;
        using (var spool = await SpoolAsync(payload))
        {
            path = spool.Path;
            Assert.True(File.Exists(path));
            Assert.Equal(payload.LongLength, spool.Length);
            Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(payload)), spool.Sha256);

            Assert.Equal(Json(inMemory), Json(new TrivyJsonParser().ParseReport(spool)));
            // Deferred: each finding read back from the file with a positional read, from several threads at once.
            var deferred = TrivyJsonParser.ParseItemByItem(spool, deferFindingsFromBytes: 0, refuseBadInput: true)!.Findings;
            Assert.IsAssignableFrom<IFindingNamespaces>(deferred);
            var readInParallel = new string[deferred.Count];
            Parallel.For(0, deferred.Count, i => readInParallel[i] = JsonSerializer.Serialize(deferred[i]));
            Assert.Equal(inMemory.Findings.Select(f => JsonSerializer.Serialize(f)), readInParallel);
        }
        Assert.False(File.Exists(path));
        Assert.Empty(Directory.GetFiles(_folder));
    }

    [Fact]
    public async Task A_spooled_report_with_a_byte_order_mark_is_read_as_without()
    {
        var payload = TrivyFixtures.Read("ubuntu-1804.json.golden");
        using var spool = await SpoolAsync([0xEF, 0xBB, 0xBF, .. payload]);

        Assert.Equal(Json(new TrivyJsonParser().Parse(payload)), Json(new TrivyJsonParser().ParseReport(spool)));
    }

    [Fact]
    public async Task A_bad_finding_deep_in_a_spooled_report_is_refused_with_the_message_and_pointer_of_the_whole_document_reader()
    {
        var payload = WithoutVulnerabilityId("ubuntu-1804.json.golden", out var pointer);
        var whole = Assert.Throws<ScanParseException>(() => TrivyJsonParser.ParseWhole(payload));
        using var spool = await SpoolAsync(payload);

        var streamed = Assert.Throws<ScanParseException>(() => new TrivyJsonParser().ParseReport(spool));

        Assert.Equal(pointer, streamed.Pointer);
        Assert.Equal(whole.Pointer, streamed.Pointer);
        Assert.Equal(whole.Message, streamed.Message);
    }

    [Fact]
    public async Task A_truncated_spooled_report_is_refused_where_it_breaks()
    {
        var full = TrivyFixtures.Read("ubuntu-1804.json.golden");
        var payload = full[..(full.Length * 2 / 3)];
        var whole = Assert.Throws<ScanParseException>(() => TrivyJsonParser.ParseWhole(payload));
        using var spool = await SpoolAsync(payload);

        var streamed = Assert.Throws<ScanParseException>(() => new TrivyJsonParser().ParseReport(spool));

        Assert.StartsWith("line ", streamed.Pointer);
        Assert.Equal(whole.Pointer, streamed.Pointer);
        Assert.Equal(whole.Message, streamed.Message);
    }

    [Fact]
    public async Task A_report_not_in_Trivys_order_is_read_whole_from_the_spool_with_the_same_result()
    {
        var node = JsonNode.Parse(TrivyFixtures.Read("ubuntu-1804.json.golden"))!.AsObject();
        var results = node["Results"]!.DeepClone();
        node.Remove("Results");
        var reordered = new JsonObject { ["Results"] = results };
        foreach (var (name, value) in node)
        {
            reordered[name] = value?.DeepClone();
        }
        var payload = Encoding.UTF8.GetBytes(reordered.ToJsonString());
        using var spool = await SpoolAsync(payload);

        Assert.Null(TrivyJsonParser.ParseItemByItem(spool, 0, refuseBadInput: true));
        Assert.Equal(Json(TrivyJsonParser.ParseWhole(payload)), Json(new TrivyJsonParser().ParseReport(spool)));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task A_body_longer_than_the_spool_threshold_is_spooled_and_a_shorter_one_kept_in_memory(bool lengthDeclared)
    {
        var payload = TrivyFixtures.Read("ubuntu-1804.json.golden");

        using var shorter = await ReceivedReport.ReceiveAsync(new MemoryStream(payload), lengthDeclared ? payload.Length : null, long.MaxValue,
            spoolFrom: payload.Length, _folder, CancellationToken.None);
        using var longer = await ReceivedReport.ReceiveAsync(new MemoryStream(payload), lengthDeclared ? payload.Length : null, long.MaxValue,
            spoolFrom: payload.Length - 1, _folder, CancellationToken.None);

        Assert.Null(shorter.Spool);
        Assert.NotNull(longer.Spool);
        Assert.True(File.Exists(longer.Spool.Path));
        Assert.Equal((payload.LongLength, payload.LongLength), (shorter.Length, longer.Length));
        var sha256 = Convert.ToHexStringLower(SHA256.HashData(payload));
        Assert.Equal((sha256, sha256), (shorter.Sha256(), longer.Sha256()));
        var findings = new TrivyJsonParser();
        Assert.Equal(Json(shorter.Parse(findings)), Json(longer.Parse(findings)));
        Assert.Equal(IngestBatchRecording.Gunzip(shorter.Gzip()), IngestBatchRecording.Gunzip(longer.Gzip()));
        Assert.Equal(payload, IngestBatchRecording.Gunzip(longer.Gzip()));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task A_body_over_the_limit_is_refused_and_leaves_no_spool_file(bool lengthDeclared)
    {
        var payload = TrivyFixtures.Read("ubuntu-1804.json.golden");

        var refused = await Assert.ThrowsAsync<BodyTooLargeException>(() => ReceivedReport.ReceiveAsync(new MemoryStream(payload),
            lengthDeclared ? payload.Length : null, limit: payload.Length - 1, spoolFrom: 100, _folder, CancellationToken.None));

        Assert.Equal(payload.Length - 1, refused.Limit);
        Assert.Empty(Directory.Exists(_folder) ? Directory.GetFiles(_folder) : []);
    }
}
