using System.Globalization;
using System.Security.Claims;
using K8Posture.Data;
using Microsoft.EntityFrameworkCore;

namespace K8Posture.Features.Tickets;

public sealed record TicketOutboxRow(long Id, long TicketId, string? RemoteKey, string Team, TicketActionKind Action, TicketActionStatus Status, int Attempts,
    string? LastError, DateTimeOffset CreatedAt, DateTimeOffset NextAttemptAt);

public sealed record TicketProblemRow(long TicketId, string? RemoteKey, string Title, string Team, string LastError);

public sealed record TicketTeamHealth(string Team, int Tickets, int Open, int Done, int Pending, int Failed, DateTimeOffset? LastSyncedAt);

public sealed record TicketOutboxSummary(int Pending, int Done, int Failed, IReadOnlyList<TicketOutboxRow> Failures, IReadOnlyList<TicketOutboxRow> Waiting,
    IReadOnlyList<TicketProblemRow> TicketProblems, IReadOnlyList<TicketTeamHealth> Teams);

/// <summary>Outbox health, failures and re-queue, per-team sync health: Security admins only.</summary>
public sealed class TicketOutboxService(IDbContextFactory<K8PostureDbContext> contexts, TicketAdminService admin, AuditLog audit, TimeProvider clock)
{
    public async Task<TicketOutboxSummary> SummaryAsync(ClaimsPrincipal user, CancellationToken cancellationToken)
    {
        await admin.DemandAdminAsync(user);
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var teams = await db.Teams.AsNoTracking().ToDictionaryAsync(t => t.Id, t => t.Name, cancellationToken);
        var counts = await db.TicketOutbox.GroupBy(o => o.Status).Select(g => new { g.Key, Count = g.Count() }).ToDictionaryAsync(g => g.Key, g => g.Count, cancellationToken);
        var rows = await (from o in db.TicketOutbox.AsNoTracking()
                          join t in db.RemoteTickets on o.TicketId equals t.Id
                          where o.Status != TicketActionStatus.Done
                          orderby o.Id descending
                          select new { o, t.RemoteKey, t.Mapping!.TeamId }).Take(500).ToListAsync(cancellationToken);
        var list = rows.Select(r => new TicketOutboxRow(r.o.Id, r.o.TicketId, r.RemoteKey, teams.GetValueOrDefault(r.TeamId, "?"), r.o.Action, r.o.Status, r.o.Attempts,
            r.o.LastError, r.o.CreatedAt, r.o.NextAttemptAt)).ToList();
        var problems = await db.RemoteTickets.AsNoTracking().Where(t => t.LastError != null).OrderByDescending(t => t.Id)
            .Select(t => new { t.Id, t.RemoteKey, t.Title, t.Mapping!.TeamId, t.LastError }).Take(200).ToListAsync(cancellationToken);
        var tickets = await db.RemoteTickets.AsNoTracking().Select(t => new { t.Id, t.Mapping!.TeamId, t.State, t.LastSyncedAt }).ToListAsync(cancellationToken);
        var outboxByTicket = await db.TicketOutbox.AsNoTracking().Where(o => o.Status != TicketActionStatus.Done)
            .Select(o => new { o.TicketId, o.Status }).ToListAsync(cancellationToken);
        var health = tickets.GroupBy(t => t.TeamId).Select(g =>
        {
            var ids = g.Select(t => t.Id).ToHashSet();
            return new TicketTeamHealth(teams.GetValueOrDefault(g.Key, "?"), g.Count(), g.Count(t => t.State != TicketState.Resolved), g.Count(t => t.State == TicketState.Resolved),
                outboxByTicket.Count(o => ids.Contains(o.TicketId) && o.Status == TicketActionStatus.Pending),
                outboxByTicket.Count(o => ids.Contains(o.TicketId) && o.Status == TicketActionStatus.Failed), g.Max(t => t.LastSyncedAt));
        }).OrderBy(h => h.Team, StringComparer.OrdinalIgnoreCase).ToList();
        return new TicketOutboxSummary(counts.GetValueOrDefault(TicketActionStatus.Pending), counts.GetValueOrDefault(TicketActionStatus.Done),
            counts.GetValueOrDefault(TicketActionStatus.Failed), list.Where(r => r.Status == TicketActionStatus.Failed).ToList(),
            list.Where(r => r.Status == TicketActionStatus.Pending).ToList(),
            problems.Select(p => new TicketProblemRow(p.Id, p.RemoteKey, p.Title, teams.GetValueOrDefault(p.TeamId, "?"), p.LastError!)).ToList(), health);
    }

    /// <summary>Puts failed actions (all, or the given ones) back in the queue with a fresh attempt budget.</summary>
    public async Task<int> RequeueAsync(ClaimsPrincipal user, IReadOnlyCollection<long>? ids, CancellationToken cancellationToken)
    {
        await admin.DemandAdminAsync(user);
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        db.Scope.EnsureActsFor(user);
        var query = db.TicketOutbox.Where(o => o.Status == TicketActionStatus.Failed);
        if (ids is { Count: > 0 })
        {
            query = query.Where(o => ids.Contains(o.Id));
        }
        var entries = await query.ToListAsync(cancellationToken);
        var now = clock.GetUtcNow();
        foreach (var entry in entries)
        {
            entry.Status = TicketActionStatus.Pending;
            entry.Attempts = 0;
            entry.NextAttemptAt = now;
        }
        audit.Record(db, "ticket.requeue", nameof(TicketOutboxEntry), ids is { Count: 1 } ? ids.First().ToString(CultureInfo.InvariantCulture) : null,
            after: new { Requeued = entries.Select(e => e.Id).ToList() });
        await db.SaveChangesAsync(cancellationToken);
        return entries.Count;
    }
}
