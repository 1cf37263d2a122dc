using System.Text.Json;
using K8Posture.Features.Alerts.Siem;
using K8Posture.IntegrationTests.Infrastructure;
using K8Posture.Security;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;

namespace K8Posture.IntegrationTests.Features.Alerts;

/// <summary>The forwarding job against a local HEC listener: the exact events, retries on 503, dead-letter and re-queue.</summary>
public sealed class SiemForwardingFacts : IDisposable
{
    private const string Token = "hec-test-token-5f2c";
    private readonly FakeSplunkHec _hec = new();
    private readonly K8PostureAppFactory _app;

    public SiemForwardingFacts()
    {
        _app = new K8PostureAppFactory(seedDemo: false, configure: builder =>
        {
            builder.UseSetting("Siem:SplunkHec:Enabled", "true");
            builder.UseSetting("Siem:SplunkHec:Url", _hec.BaseUrl);
            builder.UseSetting("Siem:SplunkHec:Token", Token);
            builder.UseSetting("Siem:SplunkHec:Index", "k8s_security");
            builder.UseSetting("Siem:SplunkHec:MaxAttempts", "3");
            builder.UseSetting("Siem:SplunkHec:RetryBaseSeconds", "0");
            builder.UseSetting("Siem:SplunkHec:BatchSize", "2");
        });
    }

    public void Dispose()
    {
        _app.Dispose();
        _hec.Dispose();
    }

    private Task<SiemRunResult> RunJobAsync() => _app.AsJobAsync(services => services.GetRequiredService<SiemForwardingJob>().RunAsync(CancellationToken.None));

    private async Task PushAsync(int alerts, string cluster)
    {
        var key = await _app.CreateApiKeyAsync("ingest");
        using var client = _app.CreateApiClient(key);
        var body = "[" + string.Join(",", Enumerable.Range(0, alerts).Select(i => System.Text.Encoding.UTF8.GetString(
            AlertIngestFacts.Sidekick(Guid.NewGuid(), "Write below binary dir", "payments", $"api-{i}", "/bin/hack")))) + "]";
        await AlertIngestFacts.OutcomeAsync(await AlertIngestFacts.PushAsync(client, System.Text.Encoding.UTF8.GetBytes(body), "cluster=" + cluster));
    }

    [Fact]
    public async Task Sends_each_alert_once_in_hec_event_format_batched()
    {
        await PushAsync(3, "siem-exact");

        var result = await RunJobAsync();
        var again = await RunJobAsync();

        Assert.Equal(new SiemRunResult(3, 3, 0, 0), result);
        Assert.Equal(new SiemRunResult(0, 0, 0, 0), again);
        var requests = _hec.Requests.ToList();
        Assert.Equal(2, requests.Count); // batch size 2: 2 + 1
        Assert.All(requests, r => Assert.Equal("/services/collector/event", r.Path));
        Assert.All(requests, r => Assert.Equal("Splunk " + Token, r.Authorization));
        Assert.All(requests, r => Assert.StartsWith("application/json", r.ContentType));
        var events = requests.SelectMany(r => r.Body.Split('\n')).Select(line => JsonDocument.Parse(line).RootElement).ToList();
        Assert.Equal(3, events.Count);
        Assert.All(events, e =>
        {
            Assert.Equal("siem-exact", e.GetProperty("host").GetString());
            Assert.Equal("k8posture", e.GetProperty("source").GetString());
            Assert.Equal("k8posture:alert", e.GetProperty("sourcetype").GetString());
            Assert.Equal("k8s_security", e.GetProperty("index").GetString());
            Assert.True(e.GetProperty("time").GetDouble() > 1_700_000_000);
            var alert = e.GetProperty("event").GetProperty("alert");
            Assert.Equal("runtime_alert", e.GetProperty("event").GetProperty("kind").GetString());
            Assert.Equal("Write below binary dir", alert.GetProperty("rule").GetString());
            Assert.Equal("WriteBelowSystemDirectory", alert.GetProperty("iocClass").GetString());
            Assert.Equal("payments", alert.GetProperty("namespace").GetString());
        });
        Assert.Equal(["api-0", "api-1", "api-2"], events.Select(e => e.GetProperty("event").GetProperty("alert").GetProperty("pod").GetString()));
        Assert.Equal(3, await _app.ScalarAsync("SELECT COUNT(*) FROM SiemOutbox WHERE Status = 1 AND Attempts = 1 AND SentAt IS NOT NULL"));
    }

    [Fact]
    public async Task Retries_after_503_with_the_same_events()
    {
        await PushAsync(1, "siem-retry");
        _hec.Answer(503);

        var failed = await RunJobAsync();
        var pending = await _app.ScalarAsync("SELECT COUNT(*) FROM SiemOutbox WHERE Status = 0 AND Attempts = 1 AND LastError LIKE 'HTTP 503%'");
        var retried = await RunJobAsync();

        Assert.Equal(new SiemRunResult(1, 0, 1, 0), failed);
        Assert.Equal(1, pending);
        Assert.Equal(new SiemRunResult(0, 1, 0, 0), retried);
        var requests = _hec.Requests.ToList();
        Assert.Equal(2, requests.Count);
        Assert.Equal(requests[0].Body, requests[1].Body);
        Assert.Equal(1, await _app.ScalarAsync("SELECT COUNT(*) FROM SiemOutbox WHERE Status = 1 AND Attempts = 2 AND LastError IS NULL"));
    }

    [Fact]
    public async Task Dead_letters_after_max_attempts_and_an_admin_requeues()
    {
        await PushAsync(1, "siem-dead");
        _hec.DefaultStatus = 503;

        for (var i = 0; i < 3; i++)
        {
            await RunJobAsync();
        }
        var afterDead = await RunJobAsync();

        Assert.Equal(1, await _app.ScalarAsync("SELECT COUNT(*) FROM SiemOutbox WHERE Status = 2 AND Attempts = 3 AND LastError LIKE 'HTTP 503%'"));
        Assert.Equal(new SiemRunResult(0, 0, 0, 0), afterDead); // dead letters are not retried on their own
        Assert.Equal(3, _hec.Requests.Count);

        var member = Callers.Person(Roles.SecurityAnalyst);
        await Assert.ThrowsAsync<UnauthorizedAccessException>(() => _app.AsCallerAsync<SiemOutboxService, int>(member, outbox => outbox.RequeueAsync(member, null, CancellationToken.None)));
        var admin = Callers.Person(Roles.SecurityAdmin);
        var requeued = await _app.AsCallerAsync<SiemOutboxService, int>(admin, async outbox =>
        {
            Assert.Single((await outbox.SummaryAsync(admin, CancellationToken.None)).DeadLetters);
            return await outbox.RequeueAsync(admin, null, CancellationToken.None);
        });
        _hec.DefaultStatus = 200;
        var delivered = await RunJobAsync();

        Assert.Equal(1, requeued);
        Assert.Equal(new SiemRunResult(0, 1, 0, 0), delivered);
        Assert.Equal(1, await _app.ScalarAsync("SELECT COUNT(*) FROM AuditEvents WHERE Action = 'siem.requeue'"));
    }

    [Fact]
    public async Task New_critical_findings_are_forwarded_too()
    {
        var key = await _app.CreateApiKeyAsync("ingest");
        using var client = _app.CreateApiClient(key);
        var push = await client.PostAsync("/api/v1/ingest/scans?cluster=siem-findings&scope=test:siem-findings", new ByteArrayContent(TestFixtures.Read("trivy/trivy-0.72.0-alpine-3.10-image.json")));
        Assert.True(push.IsSuccessStatusCode, await push.Content.ReadAsStringAsync());

        var result = await RunJobAsync();

        var events = _hec.Requests.SelectMany(r => r.Body.Split('\n')).Select(line => JsonDocument.Parse(line).RootElement).ToList();
        var finding = Assert.Single(events);
        Assert.Equal("k8posture:finding", finding.GetProperty("sourcetype").GetString());
        Assert.Equal("Critical", finding.GetProperty("event").GetProperty("finding").GetProperty("severity").GetString());
        Assert.Equal(new SiemRunResult(1, 1, 0, 0), result);
    }

    [Fact]
    public async Task Disabled_forwarding_sends_nothing()
    {
        using var hec = new FakeSplunkHec();
        using var app = new K8PostureAppFactory(seedDemo: false, configure: b => b.UseSetting("Siem:SplunkHec:Url", hec.BaseUrl));
        var result = await app.AsJobAsync(services => services.GetRequiredService<SiemForwardingJob>().RunAsync(CancellationToken.None));

        Assert.Equal(new SiemRunResult(0, 0, 0, 0), result);
        Assert.Empty(hec.Requests);
    }
}
