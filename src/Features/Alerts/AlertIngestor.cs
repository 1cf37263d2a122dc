using K8Posture.Shared;
using static K8Posture.Shared.ColumnLengths;
using K8Posture.Shared.Http;
using System.IO.Compression;
using System.Security.Cryptography;
using K8Posture.Data;
using K8Posture.Data.EntityConfigurations;
using K8Posture.Features.Alerts.Parsing;
using K8Posture.Features.Ingestion;
using K8Posture.Features.Ingestion.Recovery;
using K8Posture.Features.Policy;
using Microsoft.EntityFrameworkCore;

namespace K8Posture.Features.Alerts;

/// <summary>The query parameters of <c>POST /api/v1/ingest/alerts</c>.</summary>
public sealed record AlertPushOptions(string? Cluster = null, string? Pipeline = null);

/// <summary>What an alert push did. Suppressed alerts are among the received ones (stored, hidden).</summary>
public sealed record AlertIngestOutcome(
    long BatchId,
    string Status,
    string Format,
    string Source,
    int Received,
    int Created,
    int Duplicates,
    int Suppressed,
    int Ignored);

/// <summary>
/// The alert push use case: keep the raw payload as an <see cref="IngestBatch"/> (Kind Alerts), parse it, classify,
/// dedupe, apply ownership and the Security Team's suppressions, all in one transaction (nothing is written but the
/// failed batch when any alert is malformed). Authorisation is decided on the caller's scope; the database work runs in a
/// system scope because dedupe and ownership must see every team's rows.
/// </summary>
public sealed class AlertIngestor(
    DataScope callerScope,
    IServiceScopeFactory scopes,
    AlertPayloadParser parser,
    IngestPipeline pipeline,
    AuditLog audit,
    AlertsChangeNotifier notifier,
    TimeProvider clock)
{
    /// <exception cref="IngestRejectedException">Bad input or options; only the failed batch was written.</exception>
    public Task<AlertIngestOutcome> IngestAsync(ReadOnlyMemory<byte> payload, AlertPushOptions options, CancellationToken cancellationToken) =>
        ProcessAsync(payload, options, PushCaller.Of(callerScope), null, cancellationToken);

    /// <summary>Processes an interrupted push again from its stored payload, as <paramref name="caller"/> sent it, into the batch it already has.</summary>
    public Task<AlertIngestOutcome> ResumeAsync(IngestBatch interrupted, ReadOnlyMemory<byte> payload, AlertPushOptions options, PushCaller caller, CancellationToken cancellationToken) =>
        ProcessAsync(payload, options, caller, interrupted, cancellationToken);

    private async Task<AlertIngestOutcome> ProcessAsync(ReadOnlyMemory<byte> payload, AlertPushOptions options, PushCaller caller, IngestBatch? interrupted, CancellationToken cancellationToken)
    {
        PushScope.RequirePayload(payload, "the sensor's alert JSON");
        int? callerTeam = null;
        if (!caller.SeesAllTeams)
        {
            if (caller.TeamIds.Count != 1)
            {
                throw new IngestRejectedException("Team key required", "Alerts pushed by a team's key belong to that team; use a key bound to exactly one team, or a Security Team key.", StatusCodes.Status403Forbidden);
            }
            callerTeam = caller.TeamIds[0];
        }

        await using var push = await PushScope.OpenAsync(scopes, caller, cancellationToken);
        var db = push.Db;

        var batch = ReceivedBatch.Of(IngestKind.Alerts, payload, caller, options, interrupted, clock.GetUtcNow(), options.Pipeline, callerTeam);
        batch.ClusterName = Clip(options.Cluster?.Trim() is { Length: > 0 } c ? c : null, IngestBatchConfiguration.ClusterNameMaxLength);

        AlertParseResult parsed;
        try
        {
            parsed = parser.Parse(payload);
            batch.Format = parsed.Format;
            batch.Source = parsed.Source;
        }
        catch (ScanParseException ex)
        {
            throw await pipeline.RefuseAsync(db, batch, new IngestRejectedException("Malformed alert payload", ex.Message, pointer: ex.Pointer));
        }
        catch (ProblemException ex) when (ex is not IngestRejectedException)
        {
            batch.Format = "roxctl-deployment-check";
            throw await pipeline.RefuseAsync(db, batch, new IngestRejectedException(ex.Title, ex.Message, ex.StatusCode));
        }
        catch (Exception ex) when (ex is not OperationCanceledException and not OutOfMemoryException)
        {
            throw await pipeline.RefuseAsync(db, batch, new IngestRejectedException("Malformed alert payload", "The alert payload could not be read: " + ex.Message));
        }

        try
        {
            RequireValidNames(parsed, options);
        }
        catch (IngestRejectedException ex)
        {
            throw await pipeline.RefuseAsync(db, batch, ex);
        }

        // The same bytes pushed the same way again change nothing: no counts go up twice for one delivery retried by a sensor.
        var duplicateOf = await db.IngestBatches.AsNoTracking()
            .Where(b => b.Kind == IngestKind.Alerts && b.Status == IngestStatus.Processed && b.PayloadSha256 == batch.PayloadSha256
                && b.ClusterName == batch.ClusterName && b.TeamId == batch.TeamId)
            .OrderByDescending(b => b.Id).Select(b => (long?)b.Id).FirstOrDefaultAsync(cancellationToken);
        if (duplicateOf is { } earlier)
        {
            batch.Status = IngestStatus.Duplicate;
            batch.DuplicateOfBatchId = earlier;
            batch.PayloadCompressed = [];
            batch.Unchanged = parsed.Alerts.Count;
            batch.ProcessedAt = clock.GetUtcNow();
            await IngestBatchRecording.SaveAsync(db, batch, cancellationToken);
            return new AlertIngestOutcome(batch.Id, "duplicate", parsed.Format, parsed.Source, parsed.Alerts.Count, 0, parsed.Alerts.Count, 0, parsed.Ignored);
        }

        await pipeline.StoreAsync(db, batch, cancellationToken);
        var policy = await push.Services.GetRequiredService<PolicyStore>().GetCurrentAsync(cancellationToken);
        var outcome = await pipeline.WriteAsync(db, batch, ["alerts"], "alerts",
            (db, ct) => ApplyAsync(db, batch, parsed, options, callerTeam, policy.Document.AlertSuppressions, ct), cancellationToken);

        notifier.NotifyAlertsChanged();
        return outcome;
    }

    /// <summary>Cluster and namespace names from the sensor become labels everywhere; one that breaks the rules refuses the push.</summary>
    private static void RequireValidNames(AlertParseResult parsed, AlertPushOptions options)
    {
        var clusterOverridden = !string.IsNullOrWhiteSpace(options.Cluster);
        for (var i = 0; i < parsed.Alerts.Count; i++)
        {
            var alert = parsed.Alerts[i];
            var where = $"alert {i + 1} (rule {alert.Rule})";
            if (!clusterOverridden)
            {
                ResourceNames.RequireValidClusterInPayload(alert.ClusterName, where + ", cluster");
            }
            ResourceNames.RequireValidNamespaceInPayload(alert.Namespace, where + ", namespace");
        }
    }

    private async Task<AlertIngestOutcome> ApplyAsync(K8PostureDbContext db, IngestBatch batch, AlertParseResult parsed, AlertPushOptions options, int? callerTeam,
        IReadOnlyList<AlertSuppression> suppressions, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var clusterOverride = options.Cluster?.Trim() is { Length: > 0 } given ? given : null;
        // Alerts discover clusters as scans do, in the same write, so an alert and the scan that first names its cluster share one row.
        var clusterIds = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
        foreach (var name in parsed.Alerts.Select(a => Clip(clusterOverride ?? a.ClusterName, RuntimeAlertConfiguration.ClusterNameMaxLength)).OfType<string>().Distinct(StringComparer.OrdinalIgnoreCase))
        {
            clusterIds[name] = await IngestPipeline.ResolveClusterAsync(db, audit, name, "ingest.alerts", now, ct);
        }
        var ids = clusterIds.Values.ToList();
        var owners = (await db.Namespaces.AsNoTracking().Where(n => ids.Contains(n.ClusterId) && n.OwnerTeamId != null)
                .Select(n => new { n.ClusterId, n.Name, n.OwnerTeamId }).ToListAsync(ct))
            .ToDictionary(n => (n.ClusterId, n.Name), n => n.OwnerTeamId!.Value);

        var incoming = parsed.Alerts.Select(a =>
        {
            var cluster = Clip(clusterOverride ?? a.ClusterName, RuntimeAlertConfiguration.ClusterNameMaxLength);
            var occurred = a.OccurredAt ?? now;
            var key = AlertDedupe.KeyOf(a.Source, a.SourceId, a.Rule, cluster, a.Namespace, a.Pod, a.Container, a.Process, occurred);
            return (Alert: a, Cluster: cluster, Occurred: occurred, Key: key);
        }).ToList();
        var keys = incoming.Select(i => i.Key).Distinct().ToList();
        var existing = new Dictionary<string, RuntimeAlert>(StringComparer.Ordinal);
        foreach (var chunk in keys.Chunk(500))
        {
            foreach (var alert in await db.RuntimeAlerts.Where(a => chunk.Contains(a.DedupeKey)).ToListAsync(ct))
            {
                existing[alert.DedupeKey] = alert;
            }
        }

        // A team's key adds its own alerts and re-reports only alerts its team owns (or nobody owns).
        if (callerTeam is { } pushTeam && existing.Values.Count(a => a.OwnerTeamId is { } owner && owner != pushTeam) is > 0 and var others)
        {
            throw new IngestRejectedException("Alerts of another team",
                $"{others} alert(s) in this push are already recorded for another team; a team's key may only report its own team's alerts. "
                + "Send shared sensors' alerts with an organisation-wide key.", StatusCodes.Status403Forbidden);
        }

        int created = 0, duplicates = 0, suppressed = 0;
        foreach (var (parsedAlert, cluster, occurred, key) in incoming)
        {
            int? clusterId = cluster is not null && clusterIds.TryGetValue(cluster, out var id) ? id : null;
            var suppression = AlertSuppressionMatcher.FirstMatch(suppressions,
                new SuppressionSubject(parsedAlert.Rule, parsedAlert.Image, parsedAlert.Namespace, cluster, parsedAlert.Process));
            if (suppression is not null)
            {
                suppressed++;
            }
            if (existing.TryGetValue(key, out var known))
            {
                duplicates++;
                if (occurred > known.LastSeenAt) known.LastSeenAt = occurred;
                if (occurred < known.FirstSeenAt) known.FirstSeenAt = occurred;
                // A sensor id names one alert however often it is re-sent; an id-less event repeated within the minute counts up.
                if (parsedAlert.SourceId is null)
                {
                    known.OccurrenceCount++;
                }
                known.LastBatchId = batch.Id;
                known.SuppressedBy ??= suppression?.Key;
                continue;
            }
            var verdict = IocClassifier.Classify(parsedAlert.ToIocInput());
            int? owner = callerTeam
                ?? (clusterId is { } cid && parsedAlert.Namespace is { } ns && owners.TryGetValue((cid, ns), out var team) ? team : null);
            var alert = new RuntimeAlert
            {
                Source = parsedAlert.Source,
                SourceId = Clip(parsedAlert.SourceId, RuntimeAlertConfiguration.SourceIdMaxLength),
                DedupeKey = key,
                Rule = Clip(parsedAlert.Rule, RuntimeAlertConfiguration.RuleMaxLength)!,
                Priority = Clip(parsedAlert.Priority, RuntimeAlertConfiguration.PriorityMaxLength),
                Severity = parsedAlert.Severity,
                IocClass = verdict.Class,
                IocEvidence = Clip(verdict.Evidence, RuntimeAlertConfiguration.IocEvidenceMaxLength),
                Output = Clip(parsedAlert.Output, RuntimeAlertConfiguration.OutputMaxLength),
                Tags = Clip(parsedAlert.Tags.Count == 0 ? null : string.Join(", ", parsedAlert.Tags), RuntimeAlertConfiguration.TagsMaxLength),
                OccurredAt = occurred,
                FirstSeenAt = occurred,
                LastSeenAt = occurred,
                ReceivedAt = now,
                LastBatchId = batch.Id,
                ClusterName = cluster,
                ClusterId = clusterId,
                NamespaceName = Clip(parsedAlert.Namespace, RuntimeAlertConfiguration.NamespaceNameMaxLength),
                Workload = Clip(parsedAlert.Workload, RuntimeAlertConfiguration.WorkloadMaxLength),
                Pod = Clip(parsedAlert.Pod, RuntimeAlertConfiguration.PodMaxLength),
                Container = Clip(parsedAlert.Container, RuntimeAlertConfiguration.ContainerMaxLength),
                Image = Clip(parsedAlert.Image, RuntimeAlertConfiguration.ImageMaxLength),
                Process = Clip(parsedAlert.Process, RuntimeAlertConfiguration.ProcessMaxLength),
                CommandLine = Clip(parsedAlert.CommandLine, RuntimeAlertConfiguration.CommandLineMaxLength),
                User = Clip(parsedAlert.User, RuntimeAlertConfiguration.UserMaxLength),
                Hostname = Clip(parsedAlert.Hostname, RuntimeAlertConfiguration.HostnameMaxLength),
                FieldsJson = Clip(parsedAlert.FieldsJson, RuntimeAlertLimits.FieldsJson),
                OwnerTeamId = owner,
                SuppressedBy = suppression?.Key,
                Events = [new RuntimeAlertEvent { Kind = RuntimeAlertEventKind.Created, At = now, Actor = Clip(db.Scope.Actor, RuntimeAlertEventConfiguration.ActorMaxLength)!, BatchId = batch.Id, To = AlertTriageState.New }],
            };
            db.RuntimeAlerts.Add(alert);
            existing[key] = alert;
            created++;
        }

        batch.Status = IngestStatus.Processed;
        batch.ProcessedAt = clock.GetUtcNow();
        batch.Created = created;
        batch.Unchanged = duplicates;
        audit.Record(db, "alerts.ingest", nameof(IngestBatch), batch.Id.ToString(System.Globalization.CultureInfo.InvariantCulture), after: new
        {
            batch.Format, batch.Source, batch.ClusterName, Received = incoming.Count, Created = created, Duplicates = duplicates, Suppressed = suppressed,
        });
        await db.SaveChangesAsync(ct);
        await db.IngestBatches.Where(b => b.Id == batch.Id).ExecuteUpdateAsync(s => s
            .SetProperty(b => b.Status, batch.Status)
            .SetProperty(b => b.ProcessedAt, batch.ProcessedAt)
            .SetProperty(b => b.Format, batch.Format)
            .SetProperty(b => b.Source, batch.Source)
            .SetProperty(b => b.Created, created)
            .SetProperty(b => b.Unchanged, duplicates), ct);
        return new AlertIngestOutcome(batch.Id, "processed", parsed.Format, parsed.Source, incoming.Count, created, duplicates, suppressed, parsed.Ignored);
    }


}
