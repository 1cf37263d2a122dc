using K8Posture.Shared.Http;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using K8Posture.Data;
using K8Posture.Features.Alerts;
using K8Posture.Features.Policy;
using K8Posture.IntegrationTests.Infrastructure;
using K8Posture.Security;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using K8Posture.Shared;

namespace K8Posture.IntegrationTests.Features.Alerts;

public sealed class AlertIngestFacts(K8PostureAppFactory app) : IClassFixture<K8PostureAppFactory>
{
    internal static async Task<HttpResponseMessage> PushAsync(HttpClient client, byte[] body, string? query = null) =>
        await client.PostAsync("/api/v1/ingest/alerts" + (query is null ? "" : "?" + query), new ByteArrayContent(body));

    internal static async Task<AlertIngestOutcome> OutcomeAsync(HttpResponseMessage response)
    {
        Assert.True(response.StatusCode == HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<AlertIngestOutcome>(JsonSerializerOptions.Web))!;
    }

    private static string Unique(string prefix) => prefix + "-" + Guid.NewGuid().ToString("N")[..8];

    /// <summary>Every alert fixture, pushed into its own fresh app (StackRox fixtures share alert ids), with its counts.</summary>
    [Theory]
    [InlineData("falco/falco-read-sensitive-file-untrusted.json", "falco-json", 1, 1, 0, 0)]
    [InlineData("falco/falco-terminal-shell-in-container-k8s.json", "falco-json", 1, 1, 0, 0)]
    [InlineData("falco/falcosidekick-write-below-binary-dir.json", "falco-json", 1, 1, 0, 0)]
    [InlineData("falco/falco-regression-single_rule_with_cat_write.jsonl", "falco-ndjson", 8, 1, 7, 0)] // one event, 8 times in one minute
    [InlineData("stackrox/stackrox-alert-misuse-of-iptables-runtime.json", "stackrox-alert", 1, 1, 0, 0)]
    [InlineData("stackrox/stackrox-alert-latest-tag-sentinel-notifier.json", "stackrox-sentinel", 1, 1, 0, 0)]
    [InlineData("stackrox/stackrox-alerts-list.json", "stackrox-alerts-list", 3, 3, 0, 0)]
    [InlineData("stackrox/stackrox-splunk-generic-violations.json", "stackrox-splunk-ta", 2, 2, 0, 0)]
    [InlineData("stackrox/stackrox-splunk-file-access-violation.json", "stackrox-splunk-ta", 1, 1, 0, 0)]
    [InlineData("crowdstrike/falcon-event-stream-detections.ndjson", "crowdstrike-event-stream", 2, 2, 0, 1)]
    public async Task Every_alert_fixture_ingests_with_its_counts(string fixture, string format, int received, int created, int duplicates, int ignored)
    {
        using var fresh = new K8PostureAppFactory();
        var key = await fresh.CreateApiKeyAsync("ingest");
        using var client = fresh.CreateApiClient(key);

        var outcome = await OutcomeAsync(await PushAsync(client, TestFixtures.Read(fixture)));

        Assert.Equal((format, received, created, duplicates, ignored, 0), (outcome.Format, outcome.Received, outcome.Created, outcome.Duplicates, outcome.Ignored, outcome.Suppressed));
        Assert.Equal(created, await fresh.ScalarAsync("SELECT COUNT(*) FROM RuntimeAlerts"));
        Assert.Equal(received, await fresh.ScalarAsync("SELECT COALESCE(SUM(OccurrenceCount), 0) FROM RuntimeAlerts"));
        Assert.Equal(1, await fresh.ScalarAsync("SELECT COUNT(*) FROM IngestBatches WHERE Kind = 1 AND Status = 1 AND Id = $id AND length(PayloadCompressed) > 0", ("$id", outcome.BatchId)));
    }

    [Theory]
    [InlineData("{\"rule\": \"Terminal shell\", \"output\": ", 400, "line 1, position 38")]
    [InlineData("[{\"rule\":\"a\",\"output\":\"o\",\"time\":\"2024-01-01T00:00:00Z\"},{\"something\":\"else\"}]", 400, "/1")]
    [InlineData("{\"rule\":\"a\",\"output\":\"o\",\"time\":\"2024-01-01T00:00:00Z\"}\n{\"rule\":\"a\",\"output\":\"o\",\"time\":\"not a time\"}\n", 400, "line 2/time")]
    public async Task Malformed_input_is_a_clear_4xx_and_writes_no_alert(string payload, int status, string pointer)
    {
        var key = await app.CreateApiKeyAsync("ingest");
        using var client = app.CreateApiClient(key);
        var before = await app.ScalarAsync("SELECT COUNT(*) FROM RuntimeAlerts");

        var response = await PushAsync(client, Encoding.UTF8.GetBytes(payload));

        Assert.Equal(status, (int)response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(pointer, problem.GetProperty("pointer").GetString());
        Assert.Contains(pointer, problem.GetProperty("detail").GetString());
        Assert.Equal(before, await app.ScalarAsync("SELECT COUNT(*) FROM RuntimeAlerts"));
        var batchId = problem.GetProperty("batchId").GetInt64();
        Assert.Equal(1, await app.ScalarAsync("SELECT COUNT(*) FROM IngestBatches WHERE Id = $id AND Kind = 1 AND Status = 3 AND Error IS NOT NULL", ("$id", batchId)));
    }

    [Fact]
    public async Task Roxctl_deployment_check_is_refused_with_a_pointer_to_the_right_place()
    {
        var key = await app.CreateApiKeyAsync("ingest");
        using var client = app.CreateApiClient(key);

        var response = await PushAsync(client, TestFixtures.Read("stackrox/roxctl-deployment-check-with-failure.json"));

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("Not a runtime alert", problem.GetProperty("title").GetString());
        Assert.Contains("/api/v1/evaluate", problem.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task Empty_body_and_missing_key_are_refused()
    {
        var key = await app.CreateApiKeyAsync("ingest");
        using var client = app.CreateApiClient(key);
        Assert.Equal(HttpStatusCode.BadRequest, (await PushAsync(client, [])).StatusCode);

        using var anonymous = app.CreateApiClient();
        Assert.Equal(HttpStatusCode.Unauthorized, (await PushAsync(anonymous, TestFixtures.Read("falco/falco-read-sensitive-file-untrusted.json"))).StatusCode);

        var readOnly = await app.CreateApiKeyAsync("read");
        using var reader = app.CreateApiClient(readOnly);
        Assert.Equal(HttpStatusCode.Forbidden, (await PushAsync(reader, TestFixtures.Read("falco/falco-read-sensitive-file-untrusted.json"))).StatusCode);
    }

    [Fact]
    public async Task A_repush_is_deduped_by_bytes_and_by_event()
    {
        var key = await app.CreateApiKeyAsync("ingest");
        using var client = app.CreateApiClient(key);
        var cluster = Unique("dedupe");
        var payload = Sidekick(Guid.NewGuid(), "Write below binary dir", "payments", "api-0", "/bin/hack");

        var first = await OutcomeAsync(await PushAsync(client, payload, "cluster=" + cluster));
        var same = await OutcomeAsync(await PushAsync(client, payload, "cluster=" + cluster));
        // Same event, other bytes (an array around it): the sensor's id makes it the same alert.
        var wrapped = Encoding.UTF8.GetBytes("[" + Encoding.UTF8.GetString(payload) + "]");
        var again = await OutcomeAsync(await PushAsync(client, wrapped, "cluster=" + cluster));

        Assert.Equal(("processed", 1, 0), (first.Status, first.Created, first.Duplicates));
        Assert.Equal(("duplicate", 0, 1), (same.Status, same.Created, same.Duplicates));
        Assert.Equal(("processed", 0, 1), (again.Status, again.Created, again.Duplicates));
        Assert.Equal(1, await app.ScalarAsync("SELECT COUNT(*) FROM RuntimeAlerts WHERE ClusterName = $c", ("$c", cluster)));
        Assert.Equal(1, await app.ScalarAsync("SELECT OccurrenceCount FROM RuntimeAlerts WHERE ClusterName = $c", ("$c", cluster)));
    }

    [Fact]
    public async Task The_cluster_parameter_overrides_the_sensor_and_links_the_registered_cluster()
    {
        var cluster = Unique("registered");
        var clusterId = await app.SeedClusterAsync(cluster, ("stackrox", null));
        var key = await app.CreateApiKeyAsync("ingest");
        using var client = app.CreateApiClient(key);
        var body = Encoding.UTF8.GetBytes(Encoding.UTF8.GetString(TestFixtures.Read("stackrox/stackrox-alert-latest-tag-sentinel-notifier.json"))
            .Replace("1abe30d1-fa3a-4f85-a0eb-781f0a12228a", Guid.NewGuid().ToString(), StringComparison.Ordinal));

        await OutcomeAsync(await PushAsync(client, body, "cluster=" + cluster));

        Assert.Equal(1, await app.ScalarAsync("SELECT COUNT(*) FROM RuntimeAlerts WHERE ClusterName = $c AND ClusterId = $id AND Rule = 'Latest tag (COPY)'", ("$c", cluster), ("$id", clusterId)));
    }

    [Fact]
    public async Task App_teams_see_only_alerts_of_their_namespaces()
    {
        var payments = await app.SeedTeamAsync(Unique("payments"));
        var ledger = await app.SeedTeamAsync(Unique("ledger"));
        var cluster = Unique("scoped");
        await app.SeedClusterAsync(cluster, ("payments", payments), ("ledger", ledger));
        var key = await app.CreateApiKeyAsync("ingest");
        using var pusher = app.CreateApiClient(key);
        var body = Encoding.UTF8.GetBytes("[" + Encoding.UTF8.GetString(Sidekick(Guid.NewGuid(), "Terminal shell in container", "payments", "api-0", null)) + ","
            + Encoding.UTF8.GetString(Sidekick(Guid.NewGuid(), "Terminal shell in container", "ledger", "gl-0", null)) + "]");
        Assert.Equal(2, (await OutcomeAsync(await PushAsync(pusher, body, "cluster=" + cluster))).Created);

        using var member = await app.SignedInClientAsync(Roles.AppTeamMember, payments);
        var page = await member.GetFromJsonAsync<JsonElement>($"/api/v1/alerts?cluster={cluster}");
        var analystClient = await app.SignedInClientAsync(Roles.SecurityAnalyst);
        var all = await analystClient.GetFromJsonAsync<JsonElement>($"/api/v1/alerts?cluster={cluster}");
        var teamKey = await app.CreateApiKeyAsync("read", ledger);
        using var ledgerKey = app.CreateApiClient(teamKey);
        var ledgerPage = await ledgerKey.GetFromJsonAsync<JsonElement>($"/api/v1/alerts?cluster={cluster}");

        Assert.Equal(1, page.GetProperty("total").GetInt32());
        Assert.Equal("payments", page.GetProperty("items")[0].GetProperty("namespaceName").GetString());
        Assert.Equal(2, all.GetProperty("total").GetInt32());
        Assert.Equal("ledger", Assert.Single(ledgerPage.GetProperty("items").EnumerateArray()).GetProperty("namespaceName").GetString());
    }

    [Fact]
    public async Task A_suppression_hides_the_alert_but_stores_it()
    {
        var cluster = Unique("suppressed");
        await SavePolicyAsync(app, new AlertSuppression { RuleId = "Write below binary dir", Cluster = cluster, Reason = "package manager in the build cluster" });
        var key = await app.CreateApiKeyAsync("ingest");
        using var client = app.CreateApiClient(key);

        var outcome = await OutcomeAsync(await PushAsync(client, Sidekick(Guid.NewGuid(), "Write below binary dir", "payments", "api-0", "/bin/hack"), "cluster=" + cluster));
        using var analyst = await app.SignedInClientAsync(Roles.SecurityAnalyst);
        var hidden = await analyst.GetFromJsonAsync<JsonElement>($"/api/v1/alerts?cluster={cluster}");
        var shown = await analyst.GetFromJsonAsync<JsonElement>($"/api/v1/alerts?cluster={cluster}&suppressed=true");

        Assert.Equal((1, 1), (outcome.Created, outcome.Suppressed));
        Assert.Equal(1, await app.ScalarAsync("SELECT COUNT(*) FROM RuntimeAlerts WHERE ClusterName = $c AND SuppressedBy IS NOT NULL", ("$c", cluster)));
        Assert.Equal(0, hidden.GetProperty("total").GetInt32());
        Assert.Equal(1, shown.GetProperty("total").GetInt32());
        Assert.Equal(IocClass.WriteBelowSystemDirectory.ToString(), shown.GetProperty("items")[0].GetProperty("iocClass").GetString());
    }

    [Fact]
    public async Task Invalid_filters_are_validation_problems()
    {
        using var analyst = await app.SignedInClientAsync(Roles.SecurityAnalyst);

        var response = await analyst.GetAsync("/api/v1/alerts?iocClass=Bogus&from=yesterday");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(problem.GetProperty("errors").TryGetProperty("iocClass", out _));
        Assert.True(problem.GetProperty("errors").TryGetProperty("from", out _));
    }

    [Fact]
    public async Task Triage_is_for_the_security_team_and_keeps_history_and_audit()
    {
        var key = await app.CreateApiKeyAsync("ingest");
        using var client = app.CreateApiClient(key);
        var cluster = Unique("triage");
        await OutcomeAsync(await PushAsync(client, Sidekick(Guid.NewGuid(), "Terminal shell in container", "payments", "api-0", null), "cluster=" + cluster));
        var alertId = await app.ScalarAsync("SELECT Id FROM RuntimeAlerts WHERE ClusterName = $c", ("$c", cluster));

        var analyst = Principal(Roles.SecurityAnalyst, "ana@example.com");
        var member = Principal(Roles.AppTeamMember, "dev@example.com");
        var refused = await Assert.ThrowsAsync<ProblemException>(() => app.AsCallerAsync<AlertTriageService, bool>(member, async triage =>
        {
            await triage.SetStateAsync(member, alertId, AlertTriageState.Benign, null, CancellationToken.None);
            return true;
        }));
        Assert.Equal(403, refused.StatusCode);
        await app.AsCallerAsync<AlertTriageService, bool>(analyst, async triage =>
        {
            await triage.SetStateAsync(analyst, alertId, AlertTriageState.EscalatedToCirt, "handed to CIRT ticket 42", CancellationToken.None);
            return true;
        });

        Assert.Equal(1, await app.ScalarAsync("SELECT COUNT(*) FROM RuntimeAlerts WHERE Id = $id AND Triage = 2 AND TriagedBy IS NOT NULL AND TriagedAt IS NOT NULL", ("$id", alertId)));
        Assert.Equal(1, await app.ScalarAsync("SELECT COUNT(*) FROM RuntimeAlertEvents WHERE AlertId = $id AND Kind = 2 AND \"From\" = 0 AND \"To\" = 2", ("$id", alertId)));
        Assert.Equal(1, await app.ScalarAsync("SELECT COUNT(*) FROM AuditEvents WHERE Action = 'alert.triage' AND EntityId = $id", ("$id", alertId.ToString(System.Globalization.CultureInfo.InvariantCulture))));
    }

    [Fact]
    public async Task Triage_over_http_sets_the_state_for_an_analyst_and_refuses_others_with_problems()
    {
        using var client = app.CreateApiClient(await app.CreateApiKeyAsync("ingest"));
        var cluster = Unique("triage-http");
        await OutcomeAsync(await PushAsync(client, Sidekick(Guid.NewGuid(), "Terminal shell in container", "payments", "api-0", null), "cluster=" + cluster));
        var alertId = await app.ScalarAsync("SELECT Id FROM RuntimeAlerts WHERE ClusterName = $c", ("$c", cluster));
        using var analyst = await app.SignedInClientAsync(Roles.SecurityAnalyst);
        using var member = await app.SignedInClientAsync(Roles.AppTeamMember, await app.SeedTeamAsync(Unique("Triage-team")));

        var refused = await member.PostAsJsonAsync($"/api/v1/alerts/{alertId}/triage", new { state = "Benign" });
        var badState = await analyst.PostAsJsonAsync($"/api/v1/alerts/{alertId}/triage", new { state = "Ignored" });
        var missing = await analyst.PostAsJsonAsync("/api/v1/alerts/999999999/triage", new { state = "Benign" });
        var done = await analyst.PostAsJsonAsync($"/api/v1/alerts/{alertId}/triage", new { state = "Investigating", note = "looking at the shell history" });

        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, badState.StatusCode);
        Assert.Contains("Investigating", (await badState.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString());
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        Assert.Equal("application/problem+json", missing.Content.Headers.ContentType?.MediaType);
        Assert.Equal(HttpStatusCode.OK, done.StatusCode);
        Assert.Equal("Investigating", (await done.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("triage").GetString());
        Assert.Equal(1, await app.ScalarAsync("SELECT COUNT(*) FROM RuntimeAlerts WHERE Id = $id AND Triage = 1 AND TriageNote = 'looking at the shell history'", ("$id", alertId)));
        Assert.Equal(1, await app.ScalarAsync("SELECT COUNT(*) FROM RuntimeAlertEvents WHERE AlertId = $id AND Kind = 2", ("$id", alertId)));
    }

    private static System.Security.Claims.ClaimsPrincipal Principal(string role, string name) =>
        new(new System.Security.Claims.ClaimsIdentity([new(System.Security.Claims.ClaimTypes.Name, name), new(System.Security.Claims.ClaimTypes.Role, role)], "test"));

    internal static byte[] Sidekick(Guid uuid, string rule, string? ns, string? pod, string? file, DateTimeOffset? time = null) =>
        JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, object?>
        {
            ["uuid"] = uuid.ToString(),
            ["output"] = $"{rule} (user=root k8s.ns={ns} k8s.pod={pod} file={file})",
            ["priority"] = "Error",
            ["rule"] = rule,
            ["time"] = (time ?? DateTimeOffset.UtcNow).ToString("O"),
            ["source"] = "syscall",
            ["hostname"] = "node-1",
            ["tags"] = new[] { "filesystem" },
            ["output_fields"] = new Dictionary<string, object?>
            {
                ["k8s.ns.name"] = ns, ["k8s.pod.name"] = pod, ["fd.name"] = file, ["proc.cmdline"] = file is null ? "bash" : "touch " + file, ["user.name"] = "root",
            },
        });

    internal static Task<int> SavePolicyAsync(K8PostureAppFactory factory, params AlertSuppression[] suppressions) => factory.WithDbAsync(async db =>
    {
        var latest = await db.PolicyVersions.OrderByDescending(v => v.Version).FirstOrDefaultAsync();
        var document = latest is null ? PolicyDocument.Default() : PolicyDocument.FromJson(latest.Document);
        document.AlertSuppressions.AddRange(suppressions);
        db.PolicyVersions.Add(new PolicyVersion { Version = (latest?.Version ?? 0) + 1, CreatedAt = DateTimeOffset.UtcNow, CreatedBy = "tests", Comment = "suppressions", Document = document.ToJson() });
        await db.SaveChangesAsync();
        return 0;
    });
}
