using static K8Posture.Shared.ColumnLengths;
using System.Globalization;
using Hangfire;
using K8Posture.Data;
using K8Posture.Shared;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace K8Posture.Features.Remediation;

/// <summary>Daily: expires risk acceptances whose time is up (reopening what they covered) and covers new matches of rule-scope ones.</summary>
public sealed class RiskAcceptanceExpiryJob(DataScope scope, RiskAcceptanceService acceptances, ILogger<RiskAcceptanceExpiryJob> logger)
{
    public const string RecurringId = "risk-acceptance-expiry";

    [DisableConcurrentExecution(timeoutInSeconds: 600)]
    [AutomaticRetry(Attempts = 3)]
    public async Task<int> RunAsync(CancellationToken cancellationToken)
    {
        scope.SetSystem("job:risk-acceptance-expiry");
        var (expired, reopened) = await acceptances.ExpireDueAsync(cancellationToken);
        var covered = await acceptances.ApplyRuleScopesAsync(cancellationToken);
        logger.LogInformation("Risk acceptances: {Expired} expired, {Reopened} findings reopened, {Covered} newly covered", expired, reopened, covered);
        return expired;
    }
}

/// <summary>Daily: a snapshot of each team's remediation figures (<see cref="PostureDefinitions"/>), unowned included. Idempotent per day.</summary>
public sealed class RemediationMetricsJob(IDbContextFactory<K8PostureDbContext> contexts, DataScope scope, TimeProvider clock, ILogger<RemediationMetricsJob> logger)
{
    public const string RecurringId = "remediation-metrics";

    [DisableConcurrentExecution(timeoutInSeconds: 600)]
    [AutomaticRetry(Attempts = 3)]
    public async Task<int> RunAsync(CancellationToken cancellationToken)
    {
        scope.SetSystem("job:remediation-metrics");
        var now = clock.GetUtcNow();
        var day = DateOnly.FromDateTime(now.UtcDateTime);
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var rows = await PostureSnapshots.MetricRowsAsync(db, db.Findings.AsNoTracking(), day, now, cancellationToken);

        var strategy = db.Database.CreateExecutionStrategy();
        await strategy.ExecuteAsync(async ct =>
        {
            db.ChangeTracker.Clear();
            await using var transaction = await db.Database.BeginTransactionAsync(ct);
            await db.RemediationMetricSnapshots.Where(s => s.Day == day).ExecuteDeleteAsync(ct);
            db.RemediationMetricSnapshots.AddRange(rows);
            await db.SaveChangesAsync(ct);
            await transaction.CommitAsync(ct);
        }, cancellationToken);
        logger.LogInformation("Remediation metrics for {Day}: {Rows} team rows", day, rows.Count);
        return rows.Count;
    }
}

/// <summary>
/// Daily: for every team with notification targets, sends one digest per target of the findings that passed their SLA due
/// date since that target was last told. A breach is a (finding, due date) pair, recorded per target once delivered, so it
/// is notified once; a failed delivery is retried the next day and its reason (never the address) kept on the target.
/// </summary>
public sealed class SlaBreachNotificationJob(
    IDbContextFactory<K8PostureDbContext> contexts,
    DataScope scope,
    NotificationTargetService targets,
    IEnumerable<IDigestSender> senders,
    AuditLog audit,
    IOptions<RemediationOptions> options,
    TimeProvider clock,
    ILogger<SlaBreachNotificationJob> logger)
{
    public const string RecurringId = "sla-breach-notifications";

    [DisableConcurrentExecution(timeoutInSeconds: 1800)]
    [AutomaticRetry(Attempts = 2)]
    public async Task<int> RunAsync(CancellationToken cancellationToken)
    {
        scope.SetSystem("job:sla-breach-notifications");
        var now = clock.GetUtcNow();
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var enabled = await db.TeamNotificationTargets.Where(t => t.Enabled).Include(t => t.Team).OrderBy(t => t.TeamId).ThenBy(t => t.Id).ToListAsync(cancellationToken);
        var byKind = senders.ToDictionary(s => s.Kind);
        var queueUrl = options.Value.PublicBaseUrl.TrimEnd('/') + "/remediation";
        var sent = 0;
        foreach (var teamTargets in enabled.GroupBy(t => t.TeamId))
        {
            var teamId = teamTargets.Key;
            var overdue = db.Findings.AsNoTracking()
                .Where(f => f.OwnerTeamId == teamId && f.Status == FindingStatus.Open && f.Resolution == FindingResolution.None && f.SlaDueAt != null && f.SlaDueAt < now);
            var totalOverdue = await overdue.CountAsync(cancellationToken);
            foreach (var target in teamTargets)
            {
                var targetId = target.Id;
                var fresh = await overdue
                    .Where(f => !db.SlaBreachNotifications.Any(n => n.FindingId == f.Id && n.TargetId == targetId && n.SlaDueAt == f.SlaDueAt))
                    .Select(f => new { f.Id, f.Severity, f.Title, f.NamespaceName, f.ResourceKind, f.ResourceName, f.ImageRepository, SlaDueAt = f.SlaDueAt!.Value, f.Assignee })
                    .ToListAsync(cancellationToken);
                if (fresh.Count == 0)
                {
                    continue;
                }
                var digest = new TeamDigest(target.Team!.Name,
                    fresh.Select(f => new BreachLine(f.Id, f.Severity, f.Title,
                        f.ImageRepository ?? (f.ResourceName is null ? null : $"{f.NamespaceName}/{f.ResourceKind}/{f.ResourceName}"),
                        f.SlaDueAt, Math.Max(0, (int)(now - f.SlaDueAt).TotalDays), f.Assignee)).ToList(),
                    totalOverdue, queueUrl, now);
                try
                {
                    if (!byKind.TryGetValue(target.Kind, out var sender))
                    {
                        throw new InvalidOperationException($"No sender for {target.Kind}.");
                    }
                    await sender.SendAsync(targets.Unprotect(target.AddressProtected), digest, cancellationToken);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    target.LastError = Clip($"{now:yyyy-MM-dd HH:mm} UTC: {ex.GetType().Name}: {ex.Message}", TeamNotificationTargetConfiguration.LastErrorMaxLength);
                    logger.LogWarning("SLA digest to target {TargetId} ({Kind}) of team {TeamId} failed: {Error}", target.Id, target.Kind, teamId, ex.Message);
                    await db.SaveChangesAsync(cancellationToken);
                    continue;
                }
                target.LastSentAt = now;
                target.LastError = null;
                db.SlaBreachNotifications.AddRange(fresh.Select(f => new SlaBreachNotification
                {
                    FindingId = f.Id, TeamId = teamId, TargetId = target.Id, SlaDueAt = f.SlaDueAt, SentAt = now,
                }));
                audit.Record(db, "sla-breach.notify", nameof(TeamNotificationTarget), target.Id.ToString(CultureInfo.InvariantCulture),
                    after: new { teamId, target.Kind, target.DisplayAddress, breaches = fresh.Count, totalOverdue, findingIds = fresh.Select(f => f.Id).Take(200) });
                await db.SaveChangesAsync(cancellationToken);
                sent++;
            }
        }
        logger.LogInformation("SLA-breach digests sent: {Sent}", sent);
        return sent;
    }
}
