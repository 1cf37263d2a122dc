using K8Posture.Data;
using K8Posture.Features.Landscape;
using Microsoft.EntityFrameworkCore;

namespace K8Posture.Features.Alerts;

/// <summary>The landscape's runtime signals from stored alerts: suppressed ones do not count; the context's team filter applies.</summary>
public sealed class AlertsLandscapeSignals(IDbContextFactory<K8PostureDbContext> contexts) : ILandscapeSignalSource
{
    public async Task<RuntimeSignals> GetAsync(LandscapeSignalQuery query, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        if (!await db.RuntimeAlerts.AsNoTracking().AnyAsync(cancellationToken))
        {
            return RuntimeSignals.NoData;
        }
        var alerts = db.RuntimeAlerts.AsNoTracking().Where(a => a.SuppressedBy == null && a.LastSeenAt >= query.Since);
        if (query.TeamIds is { } teams)
        {
            alerts = alerts.Where(a => a.OwnerTeamId != null && teams.Contains(a.OwnerTeamId.Value));
        }
        if (query.ClusterIds is { } clusters)
        {
            alerts = alerts.Where(a => a.ClusterId != null && clusters.Contains(a.ClusterId.Value));
        }
        var byScope = await alerts.Where(a => a.ClusterId != null)
            .GroupBy(a => new { ClusterId = a.ClusterId!.Value, a.NamespaceName })
            .Select(g => new ScopeAlertCount(g.Key.ClusterId, g.Key.NamespaceName, g.Count()))
            .ToListAsync(cancellationToken);
        var byClass = await alerts.GroupBy(a => a.IocClass).Select(g => new { g.Key, Count = g.Count() }).ToListAsync(cancellationToken);
        var total = byClass.Sum(c => c.Count);
        return new RuntimeSignals(true, total, byScope, byClass.OrderByDescending(c => c.Count).Select(c => new IocClassCount(c.Key.Label(), c.Count)).ToList());
    }
}
