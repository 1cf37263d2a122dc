using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using K8Posture.Features.Alerts;
using K8Posture.IntegrationTests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace K8Posture.IntegrationTests.Features.Alerts;

/// <summary>
/// Central's Splunk add-on feed pushed as a SOC script pulls it: each response of <c>/api/splunk/ta/violations</c> as the
/// body. Its own app: StackRox's fixtures share violation ids with nothing else, but the sensor id alone names an alert.
/// </summary>
public sealed class StackRoxSplunkIngestFacts
{
    private const string GenericFixture = "stackrox/stackrox-splunk-generic-violations.json";
    private const string FileAccessFixture = "stackrox/stackrox-splunk-file-access-violation.json";

    [Fact]
    public async Task Each_violation_is_one_alert_and_a_repull_of_an_overlapping_window_adds_none()
    {
        using var app = new K8PostureAppFactory();
        var cluster = "splunk-ta-" + Guid.NewGuid().ToString("N")[..8];
        var clusterId = await app.SeedClusterAsync(cluster, ("default", null));
        var key = await app.CreateApiKeyAsync("ingest");
        using var client = app.CreateApiClient(key);
        var query = "cluster=" + cluster;

        var first = await AlertIngestFacts.OutcomeAsync(await AlertIngestFacts.PushAsync(client, TestFixtures.Read(GenericFixture), query));
        var again = await AlertIngestFacts.OutcomeAsync(await AlertIngestFacts.PushAsync(client, TestFixtures.Read(GenericFixture), query));
        // The next pull overlaps the last one: the two violations again (other bytes, a later checkpoint) and one new.
        var overlapping = await AlertIngestFacts.OutcomeAsync(await AlertIngestFacts.PushAsync(client, OverlappingPull(), query));

        Assert.Equal(("processed", "stackrox-splunk-ta", "stackrox", 2, 2, 0), (first.Status, first.Format, first.Source, first.Received, first.Created, first.Duplicates));
        Assert.Equal(("duplicate", 0, 2), (again.Status, again.Created, again.Duplicates));
        Assert.Equal(("processed", 3, 1, 2), (overlapping.Status, overlapping.Received, overlapping.Created, overlapping.Duplicates));
        Assert.Equal(3, await app.ScalarAsync("SELECT COUNT(*) FROM RuntimeAlerts"));
        Assert.Equal(3, await app.ScalarAsync("SELECT COUNT(DISTINCT SourceId) FROM RuntimeAlerts WHERE Source = 'stackrox' AND ClusterName = $c AND ClusterId = $id", ("$c", cluster), ("$id", clusterId)));
        // A violation id names one event however often it is pulled: nothing counts up.
        Assert.Equal(3, await app.ScalarAsync("SELECT SUM(OccurrenceCount) FROM RuntimeAlerts"));
        Assert.Equal(1, await app.ScalarAsync(
            "SELECT COUNT(*) FROM RuntimeAlerts WHERE SourceId = '26c0771b-4274-5aaf-8f18-60b023458d20' AND Rule = 'File Access: /etc/passwd' AND Severity = $high "
            + "AND IocClass = $write AND NamespaceName = 'default' AND Workload = 'Deployment/nginx' AND Process = 'vi' AND CommandLine = '/usr/bin/vi /etc/passwd' "
            + "AND Hostname = 'node-1'",
            ("$high", (int)K8Posture.Data.FindingSeverity.High), ("$write", (int)IocClass.WriteBelowSystemDirectory)));
        var occurred = await app.WithDbAsync(db => db.RuntimeAlerts.Where(a => a.SourceId == "26c0771b-4274-5aaf-8f18-60b023458d20").Select(a => a.OccurredAt).SingleAsync());
        Assert.Equal(new DateTimeOffset(2024, 6, 14, 20, 0, 0, TimeSpan.Zero), occurred);
        Assert.Equal(1, await app.ScalarAsync(
            "SELECT COUNT(*) FROM RuntimeAlerts WHERE SourceId = 'f073c9f5-c766-5dc4-b7cb-aa8ac8f2d445' AND Pod = 'nginx' AND Container = 'nginx' AND Output = 'This is a kube event violation'"));
    }

    [Fact]
    public async Task A_malformed_violation_writes_nothing_and_says_where()
    {
        using var app = new K8PostureAppFactory();
        var key = await app.CreateApiKeyAsync("ingest");
        using var client = app.CreateApiClient(key);
        var body = JsonNode.Parse(TestFixtures.Read(GenericFixture))!;
        body["violations"]![1]!["violationInfo"]!["violationTime"] = "last Tuesday";

        var response = await AlertIngestFacts.PushAsync(client, Encoding.UTF8.GetBytes(body.ToJsonString()));

        Assert.Equal(400, (int)response.StatusCode);
        var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal("/violations/1/violationInfo/violationTime", problem.GetProperty("pointer").GetString());
        Assert.Equal(0, await app.ScalarAsync("SELECT COUNT(*) FROM RuntimeAlerts"));
    }

    private static byte[] OverlappingPull()
    {
        var generic = JsonNode.Parse(TestFixtures.Read(GenericFixture))!;
        var fileAccess = JsonNode.Parse(TestFixtures.Read(FileAccessFixture))!;
        var violations = new JsonArray();
        foreach (var violation in generic["violations"]!.AsArray().Concat(fileAccess["violations"]!.AsArray()))
        {
            violations.Add(violation!.DeepClone());
        }
        return Encoding.UTF8.GetBytes(new JsonObject { ["violations"] = violations, ["newCheckpoint"] = "2024-06-27T22:00:00Z" }.ToJsonString());
    }
}
