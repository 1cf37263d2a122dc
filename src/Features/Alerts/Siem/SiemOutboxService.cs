using System.Security.Claims;
using K8Posture.Data;
using K8Posture.Security;
using Microsoft.AspNetCore.Authorization;
using Microsoft.EntityFrameworkCore;

namespace K8Posture.Features.Alerts.Siem;

public sealed record SiemOutboxRow(long Id, SiemEventKind Kind, long EntityId, SiemDeliveryStatus Status, int Attempts, string? LastError, DateTimeOffset CreatedAt, DateTimeOffset NextAttemptAt);

public sealed record SiemOutboxSummary(int Pending, int Sent, int DeadLettered, IReadOnlyList<SiemOutboxRow> DeadLetters);

/// <summary>The dead-letter view and re-queue, for Security admins (checked here, not only by the page).</summary>
public sealed class SiemOutboxService(IDbContextFactory<K8PostureDbContext> contexts, IAuthorizationService authorization, AuditLog audit, TimeProvider clock)
{
    public async Task<SiemOutboxSummary> SummaryAsync(ClaimsPrincipal user, CancellationToken cancellationToken)
    {
        await DemandAdminAsync(user);
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var counts = await db.SiemOutbox.GroupBy(o => o.Status).Select(g => new { g.Key, Count = g.Count() }).ToDictionaryAsync(g => g.Key, g => g.Count, cancellationToken);
        var dead = await db.SiemOutbox.AsNoTracking().Where(o => o.Status == SiemDeliveryStatus.DeadLettered).OrderByDescending(o => o.Id).Take(500)
            .Select(o => new SiemOutboxRow(o.Id, o.Kind, o.EntityId, o.Status, o.Attempts, o.LastError, o.CreatedAt, o.NextAttemptAt))
            .ToListAsync(cancellationToken);
        return new SiemOutboxSummary(counts.GetValueOrDefault(SiemDeliveryStatus.Pending), counts.GetValueOrDefault(SiemDeliveryStatus.Sent),
            counts.GetValueOrDefault(SiemDeliveryStatus.DeadLettered), dead);
    }

    /// <summary>Puts dead-lettered events (all, or the given ones) back in the queue with a fresh attempt budget.</summary>
    public async Task<int> RequeueAsync(ClaimsPrincipal user, IReadOnlyCollection<long>? ids, CancellationToken cancellationToken)
    {
        await DemandAdminAsync(user);
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        db.Scope.EnsureActsFor(user);
        var query = db.SiemOutbox.Where(o => o.Status == SiemDeliveryStatus.DeadLettered);
        if (ids is not null)
        {
            query = query.Where(o => ids.Contains(o.Id));
        }
        var entries = await query.ToListAsync(cancellationToken);
        var now = clock.GetUtcNow();
        foreach (var entry in entries)
        {
            entry.Status = SiemDeliveryStatus.Pending;
            entry.Attempts = 0;
            entry.NextAttemptAt = now;
        }
        audit.Record(db, "siem.requeue", nameof(SiemOutboxEntry), ids is { Count: 1 } ? ids.First().ToString(System.Globalization.CultureInfo.InvariantCulture) : null,
            after: new { Requeued = entries.Select(e => e.Id).ToList() });
        await db.SaveChangesAsync(cancellationToken);
        return entries.Count;
    }

    private async Task DemandAdminAsync(ClaimsPrincipal user)
    {
        if (!(await authorization.AuthorizeAsync(user, Policies.SecurityAdmin)).Succeeded)
        {
            throw new UnauthorizedAccessException("Only Security admins see and re-queue SIEM deliveries.");
        }
    }
}
