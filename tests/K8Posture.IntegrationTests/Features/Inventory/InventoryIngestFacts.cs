using System.Net;
using System.Text;
using K8Posture.IntegrationTests.Infrastructure;

namespace K8Posture.IntegrationTests.Features.Inventory;

/// <summary>Every inventory fixture through the real endpoint, with its counts; malformed input refused with nothing written.</summary>
public sealed class InventoryIngestFacts(K8PostureAppFactory app) : IClassFixture<K8PostureAppFactory>
{
    public static TheoryData<string, string, int, int, int, int, int, int, int> Fixtures => new()
    {
        // fixture, format, examined, ignored, records, cloud clusters, endpoints, egress pulls, exposure findings
        { InventoryPush.Aks, "aks-json", 1, 0, 1, 1, 0, 0, 2 },
        { InventoryPush.Eks, "eks-json", 1, 0, 1, 1, 0, 0, 0 },
        { InventoryPush.Gke, "gke-json", 7, 0, 7, 7, 0, 0, 20 },
        { "nmap/defectdojo-nmap-6.40-1port.xml", "nmap-xml", 1, 1, 0, 0, 0, 0, 0 },
        { "nmap/defectdojo-nmap-7.12-multiple-ports.xml", "nmap-xml", 1, 1, 0, 0, 0, 0, 0 },
        { "nmap/defectdojo-nmap-7.60-vulners-ssh.xml", "nmap-xml", 1, 1, 0, 0, 0, 0, 0 },
        { InventoryPush.NmapKubernetes, "nmap-xml", 5, 1, 4, 0, 4, 0, 0 },
        { InventoryPush.Mdm, "mdm-csv", 11, 2, 9, 0, 0, 0, 0 },
        { InventoryPush.Egress, "egress-csv", 22, 2, 17, 0, 0, 20, 0 },
    };

    [Theory]
    [MemberData(nameof(Fixtures))]
    public async Task Every_inventory_fixture_ingests_with_its_counts(string fixture, string format, int examined, int ignored, int records, int clusters, int endpoints, int pulls, int findings)
    {
        using var client = app.CreateApiClient(await app.CreateApiKeyAsync("ingest"));
        var before = await app.ScalarAsync("SELECT COUNT(*) FROM InventoryRecords");

        var outcome = await InventoryPush.OutcomeAsync(await InventoryPush.PostAsync(client, TestFixtures.Read(fixture)));

        Assert.Equal(("processed", format, examined, ignored), (outcome.Status, outcome.Format, outcome.Examined, outcome.Ignored));
        Assert.Equal(records, outcome.RecordsCreated + outcome.RecordsUpdated);
        Assert.Equal(clusters, outcome.ClustersMatched + outcome.ClustersDiscovered);
        Assert.Equal(endpoints, outcome.EndpointsMatched + outcome.EndpointsDiscovered);
        Assert.Equal(pulls, outcome.EgressPulls + outcome.EgressDuplicates);
        Assert.Equal(findings, outcome.Findings.Created + outcome.Findings.Updated + outcome.Findings.Unchanged + outcome.Findings.Reopened);
        Assert.Equal(before + outcome.RecordsCreated, await app.ScalarAsync("SELECT COUNT(*) FROM InventoryRecords"));
        Assert.Equal(records, await app.ScalarAsync("SELECT COUNT(*) FROM InventoryRecords WHERE LastBatchId = $b", ("$b", outcome.BatchId)));
        // Kind 2 = Inventory, status 1 = Processed; the raw payload is kept.
        Assert.Equal(1, await app.ScalarAsync("SELECT COUNT(*) FROM IngestBatches WHERE Id = $b AND Kind = 2 AND Status = 1 AND length(PayloadCompressed) > 0", ("$b", outcome.BatchId)));
        Assert.Equal(findings, await app.ScalarAsync("SELECT COUNT(*) FROM Findings WHERE Source = $f AND Status = 0 AND Category = 4 AND LastBatchId = $b", ("$f", format), ("$b", outcome.BatchId)));
        Assert.Equal(1, await app.ScalarAsync("SELECT COUNT(*) FROM AuditEvents WHERE Action = 'ingest.inventory' AND EntityId = $b", ("$b", outcome.BatchId.ToString(System.Globalization.CultureInfo.InvariantCulture))));
    }

    [Fact]
    public async Task Exposure_findings_carry_evidence_and_remediation()
    {
        using var client = app.CreateApiClient(await app.CreateApiKeyAsync("ingest"));
        await InventoryPush.OutcomeAsync(await InventoryPush.PostAsync(client, TestFixtures.Read(InventoryPush.Aks)));

        var description = await app.WithDbAsync(db => Task.FromResult(db.Findings.Single(f => f.RuleId == "CLOUD-AKS-001").Description));
        Assert.Contains("Evidence: /apiServerAccessProfile = null", description);
        Assert.Contains("Remediation: ", description);
    }

    private async Task<(long Records, long Findings, long Clusters, long Egress)> WrittenAsync() =>
        (await app.ScalarAsync("SELECT COUNT(*) FROM InventoryRecords"), await app.ScalarAsync("SELECT COUNT(*) FROM Findings"),
         await app.ScalarAsync("SELECT COUNT(*) FROM Clusters"), await app.ScalarAsync("SELECT COUNT(*) FROM EgressObservations"));

    public static TheoryData<string, string, string, string> Malformed => new()
    {
        // body, query, expected fragment of detail, expected start of the pointer
        { "{\"clusters\":[{\"name\":\"a\",\"selfLink\":\"https://container.googleapis.com/v1/projects/p/locations/l/clusters/a\",\"currentMasterVersion\":", "", "looks truncated", "line 1" },
        { "{\"clusters\":[{\"selfLink\":\"https://container.googleapis.com/v1/projects/p/locations/l/clusters/a\",\"currentMasterVersion\":\"1\"}]}", "", "has no 'name'", "/clusters/0/name" },
        { "hostname,user,product,version,last_seen\nLT-1,a,Docker Desktop,4.36.0,2026-11-20T08:14:00Z\nLT-2,b,Docker Desktop,4.36.0,soon\n", "", "Row 3, column 5 ('last_seen')", "row 3, column 5 (last_seen)" },
        { "time,source_host,user,team,destination_host,bytes\n2026-11-20T08:20:11Z,h1,a,,registry-1.docker.io,ten\n", "", "not a whole number", "row 2, column 6 (bytes)" },
        { "<?xml version=\"1.0\"?><!DOCTYPE nmaprun [<!ENTITY x SYSTEM \"file:///etc/passwd\">]><nmaprun><host><hostnames><hostname name=\"&x;\"/></hostnames></host></nmaprun>", "", "malformed", "line 1" },
        { "[]", "format=eks-json&team=NoSuchTeam", "does not exist", "" },
    };

    [Theory]
    [MemberData(nameof(Malformed))]
    public async Task Malformed_input_is_a_clear_400_naming_where_with_nothing_written_but_the_failed_batch(string body, string query, string detail, string pointer)
    {
        using var client = app.CreateApiClient(await app.CreateApiKeyAsync("ingest"));
        var before = await WrittenAsync();

        var problem = await InventoryPush.ProblemAsync(await InventoryPush.PostAsync(client, Encoding.UTF8.GetBytes(body), query), HttpStatusCode.BadRequest);

        Assert.Contains(detail, problem.GetProperty("detail").GetString());
        if (pointer.Length > 0)
        {
            Assert.StartsWith(pointer, problem.GetProperty("pointer").GetString());
        }
        Assert.Equal(before, await WrittenAsync());
        var batchId = problem.GetProperty("batchId").GetInt64();
        Assert.Equal(1, await app.ScalarAsync("SELECT COUNT(*) FROM IngestBatches WHERE Id = $b AND Kind = 2 AND Status = 3 AND Error IS NOT NULL", ("$b", batchId)));
    }

    [Fact]
    public async Task Unknown_format_is_415_unrecognised_content_400_empty_body_400_and_no_key_401()
    {
        using var client = app.CreateApiClient(await app.CreateApiKeyAsync("ingest"));
        var before = await WrittenAsync();

        var format = await InventoryPush.ProblemAsync(await InventoryPush.PostAsync(client, TestFixtures.Read(InventoryPush.Aks), "format=terraform"), HttpStatusCode.UnsupportedMediaType);
        Assert.Contains("aks-json, eks-json, gke-json, nmap-xml, mdm-csv, egress-csv", format.GetProperty("detail").GetString());
        var unknown = await InventoryPush.ProblemAsync(await InventoryPush.PostAsync(client, "{\"hello\":\"world\"}"u8.ToArray()), HttpStatusCode.BadRequest);
        Assert.Contains("format=", unknown.GetProperty("detail").GetString());
        await InventoryPush.ProblemAsync(await InventoryPush.PostAsync(client, []), HttpStatusCode.BadRequest);
        using var anonymous = app.CreateApiClient();
        Assert.Equal(HttpStatusCode.Unauthorized, (await InventoryPush.PostAsync(anonymous, TestFixtures.Read(InventoryPush.Aks))).StatusCode);
        using var readOnly = app.CreateApiClient(await app.CreateApiKeyAsync("read"));
        Assert.Equal(HttpStatusCode.Forbidden, (await InventoryPush.PostAsync(readOnly, TestFixtures.Read(InventoryPush.Aks))).StatusCode);
        Assert.Equal(before, await WrittenAsync());
    }

    [Fact]
    public async Task A_gzip_encoded_push_is_read()
    {
        using var client = app.CreateApiClient(await app.CreateApiKeyAsync("ingest"));
        using var buffer = new MemoryStream();
        await using (var gzip = new System.IO.Compression.GZipStream(buffer, System.IO.Compression.CompressionLevel.Fastest, leaveOpen: true))
        {
            await gzip.WriteAsync(TestFixtures.Read(InventoryPush.Eks));
        }
        var content = new ByteArrayContent(buffer.ToArray());
        content.Headers.ContentEncoding.Add("gzip");

        var outcome = await InventoryPush.OutcomeAsync(await client.PostAsync("/api/v1/ingest/inventory", content));
        Assert.Equal(("eks-json", 1), (outcome.Format, outcome.Examined));
    }
}
