using K8Posture.Shared;
using static K8Posture.Shared.ColumnLengths;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using Hangfire;
using K8Posture.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace K8Posture.Features.Alerts.Siem;

public sealed record SiemRunResult(int Queued, int Sent, int Failed, int DeadLettered);

/// <summary>
/// Forwards runtime alerts (not the suppressed ones) and new critical findings to Splunk's HTTP Event Collector through an
/// outbox: new rows are queued with their HEC event JSON, then sent in batches (<c>Authorization: Splunk &lt;token&gt;</c>).
/// A failed batch waits with exponential backoff and is dead-lettered after <see cref="SplunkHecOptions.MaxAttempts"/>;
/// a run stops at the first failure so a down collector is not hammered. Idempotent and safe to run concurrently with pushes.
/// </summary>
public sealed class SiemForwardingJob(
    IDbContextFactory<K8PostureDbContext> contexts,
    DataScope scope,
    IHttpClientFactory httpClients,
    IOptionsMonitor<SplunkHecOptions> options,
    TimeProvider clock,
    ILogger<SiemForwardingJob> logger)
{
    public const string RecurringId = "siem-forward";
    public const string HttpClientName = "SplunkHec";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Converters = { new JsonStringEnumConverter() },
    };

    [DisableConcurrentExecution(timeoutInSeconds: 300)]
    [AutomaticRetry(Attempts = 0)]
    public async Task<SiemRunResult> RunAsync(CancellationToken cancellationToken)
    {
        scope.SetSystem("job:siem-forward");
        var settings = options.CurrentValue;
        if (!settings.IsConfigured)
        {
            return new SiemRunResult(0, 0, 0, 0);
        }
        var queued = await QueueNewAsync(settings, cancellationToken);
        int sent = 0, failed = 0, dead = 0;
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        while (true)
        {
            var now = clock.GetUtcNow();
            var batch = await db.SiemOutbox
                .Where(o => o.Status == SiemDeliveryStatus.Pending && o.NextAttemptAt <= now)
                .OrderBy(o => o.Id).Take(Math.Max(1, settings.BatchSize)).ToListAsync(cancellationToken);
            if (batch.Count == 0)
            {
                break;
            }
            var error = await SendAsync(settings, batch, cancellationToken);
            now = clock.GetUtcNow();
            foreach (var entry in batch)
            {
                entry.Attempts++;
                if (error is null)
                {
                    entry.Status = SiemDeliveryStatus.Sent;
                    entry.SentAt = now;
                    entry.LastError = null;
                    continue;
                }
                entry.LastError = Clip(error, SiemOutboxEntryConfiguration.LastErrorMaxLength);
                if (entry.Attempts >= settings.MaxAttempts)
                {
                    entry.Status = SiemDeliveryStatus.DeadLettered;
                    dead++;
                }
                else
                {
                    var delay = Math.Min(3600, settings.RetryBaseSeconds * Math.Pow(2, entry.Attempts - 1));
                    entry.NextAttemptAt = now.AddSeconds(delay);
                }
            }
            await db.SaveChangesAsync(cancellationToken);
            if (error is not null)
            {
                failed += batch.Count;
                logger.LogWarning("Splunk HEC delivery of {Count} events failed: {Error}", batch.Count, error);
                break;
            }
            sent += batch.Count;
        }
        if (queued + sent + failed > 0)
        {
            logger.LogInformation("SIEM forwarding: {Queued} queued, {Sent} sent, {Failed} failed, {Dead} dead-lettered", queued, sent, failed, dead);
        }
        return new SiemRunResult(queued, sent, failed, dead);
    }

    private async Task<string?> SendAsync(SplunkHecOptions settings, List<SiemOutboxEntry> batch, CancellationToken cancellationToken)
    {
        // HEC's batch format: event objects one after another in one body.
        var body = string.Join("\n", batch.Select(e => e.EventJson));
        using var request = new HttpRequestMessage(HttpMethod.Post, settings.EventEndpoint())
        {
            Content = new StringContent(body, Encoding.UTF8, "application/json"),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Splunk", settings.Token);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(Math.Max(1, settings.TimeoutSeconds)));
        try
        {
            using var response = await httpClients.CreateClient(HttpClientName).SendAsync(request, timeout.Token);
            if (response.IsSuccessStatusCode)
            {
                return null;
            }
            var text = await response.Content.ReadAsStringAsync(timeout.Token);
            return $"HTTP {(int)response.StatusCode} {response.ReasonPhrase}: {Clip(text, 300)}";
        }
        catch (HttpRequestException ex)
        {
            return "Connection failed: " + ex.Message;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return $"No answer within {settings.TimeoutSeconds} s.";
        }
    }

    /// <summary>Queues alerts and critical findings newer than the last queued ones (ids only grow), within the lookback.</summary>
    private async Task<int> QueueNewAsync(SplunkHecOptions settings, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var now = clock.GetUtcNow();
        var since = now.AddHours(-Math.Max(0, settings.LookbackHours));
        var lastAlert = await db.SiemOutbox.Where(o => o.Kind == SiemEventKind.Alert).MaxAsync(o => (long?)o.EntityId, cancellationToken) ?? 0;
        var lastFinding = await db.SiemOutbox.Where(o => o.Kind == SiemEventKind.Finding).MaxAsync(o => (long?)o.EntityId, cancellationToken) ?? 0;

        var alerts = await db.RuntimeAlerts.AsNoTracking()
            .Where(a => a.Id > lastAlert && a.SuppressedBy == null && a.ReceivedAt >= since)
            .OrderBy(a => a.Id).Take(5000)
            .Select(a => new
            {
                a.Id, a.Source, a.SourceId, a.Rule, a.Priority, a.Severity, a.IocClass, a.IocEvidence, a.Output, a.Tags,
                Cluster = a.ClusterName, Namespace = a.NamespaceName, a.Workload, a.Pod, a.Container, a.Image, a.Process, a.CommandLine, a.User, a.Hostname,
                OwnerTeam = a.OwnerTeam!.Name, a.OccurredAt, a.FirstSeenAt, a.LastSeenAt, Occurrences = a.OccurrenceCount,
            })
            .ToListAsync(cancellationToken);
        var findings = await db.Findings.AsNoTracking()
            .Where(f => f.Id > lastFinding && f.Severity == FindingSeverity.Critical && f.FirstSeenAt >= since)
            .OrderBy(f => f.Id).Take(5000)
            .Select(f => new
            {
                f.Id, f.Source, f.Title, f.Severity, f.Category, f.RuleId, f.VulnerabilityId, f.PackageName, f.InstalledVersion, f.FixedVersion,
                Cluster = f.Cluster!.Name, Namespace = f.NamespaceName, f.ResourceKind, f.ResourceName, f.ImageRepository, f.ImageTag,
                OwnerTeam = f.OwnerTeam!.Name, f.FirstSeenAt, f.SlaDueAt,
            })
            .ToListAsync(cancellationToken);

        foreach (var alert in alerts)
        {
            db.SiemOutbox.Add(Entry(SiemEventKind.Alert, alert.Id, now, HecEvent(settings, settings.SourceType, alert.OccurredAt, alert.Cluster ?? alert.Hostname,
                new { kind = "runtime_alert", alert })));
        }
        foreach (var finding in findings)
        {
            db.SiemOutbox.Add(Entry(SiemEventKind.Finding, finding.Id, now, HecEvent(settings, settings.FindingSourceType, finding.FirstSeenAt, finding.Cluster,
                new { kind = "finding", finding })));
        }
        await db.SaveChangesAsync(cancellationToken);
        return alerts.Count + findings.Count;
    }

    private static SiemOutboxEntry Entry(SiemEventKind kind, long id, DateTimeOffset now, string json) => new()
    {
        Kind = kind, EntityId = id, EventJson = json, Status = SiemDeliveryStatus.Pending, CreatedAt = now, NextAttemptAt = now,
    };

    /// <summary>One HEC JSON event: time (epoch seconds), host, source, sourcetype, index, event.</summary>
    internal static string HecEvent(SplunkHecOptions settings, string sourceType, DateTimeOffset time, string? host, object payload) =>
        JsonSerializer.Serialize(new
        {
            time = Math.Round(time.ToUnixTimeMilliseconds() / 1000.0, 3),
            host = host ?? "k8posture",
            source = settings.Source,
            sourcetype = sourceType,
            index = string.IsNullOrWhiteSpace(settings.Index) ? null : settings.Index,
            @event = payload,
        }, Json);
}
