using K8Posture.Shared.Http;
using System.Security.Claims;
using K8Posture.Data;
using K8Posture.Features.Policy;
using Microsoft.EntityFrameworkCore;
using K8Posture.Shared;

namespace K8Posture.Features.Alerts;

/// <summary>
/// Adds and removes the Security Team's alert suppressions. Each change is a new policy version (the policy store checks
/// Security.Admin, versions and audits it); stored alerts are then re-marked so a suppression hides what already arrived,
/// and a removed one shows it again, unless another suppression still matches.
/// </summary>
public sealed class AlertSuppressionService(PolicyStore policies, IDbContextFactory<K8PostureDbContext> contexts, AlertsChangeNotifier notifier)
{
    private const int BatchSize = 2_000;

    public async Task<int> AddAsync(ClaimsPrincipal user, AlertSuppression suppression, CancellationToken cancellationToken)
    {
        if (new[] { suppression.RuleId, suppression.Image, suppression.Namespace, suppression.Cluster, suppression.Process }.All(string.IsNullOrWhiteSpace))
        {
            throw new ProblemException(StatusCodes.Status400BadRequest, "Invalid suppression", "Name at least one of rule, image, namespace, cluster or process; a suppression of everything is refused.");
        }
        var current = await policies.GetCurrentAsync(cancellationToken);
        if (current.Document.AlertSuppressions.Any(s => s.Key == suppression.Key))
        {
            throw new ProblemException(StatusCodes.Status409Conflict, "Suppression exists", "The policy already has a suppression with these criteria.");
        }
        var document = PolicyDocument.FromJson(current.Document.ToJson());
        document.AlertSuppressions.Add(suppression);
        await policies.SaveNewVersionAsync(user, document, $"Alert suppression added: {Describe(suppression)}. {suppression.Reason}".Trim(), current.Version, cancellationToken);
        return await RemarkAsync(document.AlertSuppressions, onlyUnsuppressed: true, cancellationToken);
    }

    public async Task<int> RemoveAsync(ClaimsPrincipal user, string key, CancellationToken cancellationToken)
    {
        var current = await policies.GetCurrentAsync(cancellationToken);
        var removed = current.Document.AlertSuppressions.FirstOrDefault(s => s.Key == key)
            ?? throw new ProblemException(StatusCodes.Status404NotFound, "Unknown suppression", "The current policy has no such suppression.");
        var document = PolicyDocument.FromJson(current.Document.ToJson());
        document.AlertSuppressions.RemoveAll(s => s.Key == key);
        await policies.SaveNewVersionAsync(user, document, $"Alert suppression removed: {Describe(removed)}.", current.Version, cancellationToken);
        return await RemarkAsync(document.AlertSuppressions, onlyUnsuppressed: false, cancellationToken, releasedKey: key);
    }

    public static string Describe(AlertSuppression s) => string.Join(", ", new[]
    {
        string.IsNullOrWhiteSpace(s.RuleId) ? null : "rule " + s.RuleId,
        string.IsNullOrWhiteSpace(s.Image) ? null : "image " + s.Image,
        string.IsNullOrWhiteSpace(s.Namespace) ? null : "namespace " + s.Namespace,
        string.IsNullOrWhiteSpace(s.Cluster) ? null : "cluster " + s.Cluster,
        string.IsNullOrWhiteSpace(s.Process) ? null : "process " + s.Process,
    }.OfType<string>());

    /// <summary>
    /// Re-judges stored alerts against the suppressions, in batches by id. Only a Security admin gets here (the policy store
    /// refused anyone else), and admins see every team, so the caller's scope covers all alerts.
    /// </summary>
    private async Task<int> RemarkAsync(IReadOnlyList<AlertSuppression> suppressions, bool onlyUnsuppressed, CancellationToken cancellationToken, string? releasedKey = null)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var changed = 0;
        long after = 0;
        while (true)
        {
            var query = db.RuntimeAlerts.AsNoTracking().Where(a => a.Id > after);
            query = onlyUnsuppressed ? query.Where(a => a.SuppressedBy == null) : query.Where(a => a.SuppressedBy == releasedKey);
            var batch = await query.OrderBy(a => a.Id).Take(BatchSize)
                .Select(a => new { a.Id, a.Rule, a.Image, a.NamespaceName, a.ClusterName, a.Process, a.SuppressedBy })
                .ToListAsync(cancellationToken);
            if (batch.Count == 0)
            {
                break;
            }
            after = batch[^1].Id;
            foreach (var group in batch
                .Select(a => (a.Id, a.SuppressedBy, Key: AlertSuppressionMatcher.FirstMatch(suppressions, new SuppressionSubject(a.Rule, a.Image, a.NamespaceName, a.ClusterName, a.Process))?.Key))
                .Where(a => a.Key != a.SuppressedBy)
                .GroupBy(a => a.Key))
            {
                var ids = group.Select(a => a.Id).ToList();
                changed += await db.RuntimeAlerts.Where(a => ids.Contains(a.Id)).ExecuteUpdateAsync(s => s.SetProperty(a => a.SuppressedBy, group.Key), cancellationToken);
            }
        }
        if (changed > 0)
        {
            notifier.NotifyAlertsChanged();
        }
        return changed;
    }
}
