using System.Globalization;
using K8Posture.Data;
using K8Posture.Features.Ingestion;
using Microsoft.EntityFrameworkCore;

namespace K8Posture.Features.Tickets;

/// <summary>
/// Findings a push closed leave their ticket's group in the push's transaction: the body update is queued, and a group left
/// empty queues the closing comment and the transition to the mapped done status (the same idempotency keys the
/// reconciliation uses, so the two never queue an action twice). The outbox job sends them on its next run (every minute).
/// One indexed query per 20,000 closed findings when none has a ticket, which is the common case of a big push.
/// </summary>
public sealed class TicketPushFollowUp(TimeProvider clock) : IFindingClosedFollowUp
{
    public async Task AfterClosedAsync(K8PostureDbContext db, FindingPush push, IReadOnlyList<long> closedIds, CancellationToken cancellationToken)
    {
        // A team-bound push sees only its own team's rows; the tickets of the findings it just closed are the findings' team's,
        // and keeping them in step is the system's work, not the caller's.
        var links = new List<(long LinkId, long TicketId)>();
        foreach (var chunk in closedIds.Chunk(FindingStore.ChunkSize))
        {
            var found = await db.RemoteTicketFindings.IgnoreQueryFilters().AsNoTracking()
                .Where(l => EF.Parameter(chunk).Contains(l.FindingId) && l.LeftAt == null)
                .Select(l => new { l.Id, l.TicketId }).ToListAsync(cancellationToken);
            links.AddRange(found.Select(l => (l.Id, l.TicketId)));
        }
        if (links.Count == 0)
        {
            return;
        }
        var now = push.At;
        foreach (var chunk in links.Select(l => l.LinkId).Chunk(FindingStore.ChunkSize))
        {
            await db.RemoteTicketFindings.IgnoreQueryFilters().Where(l => EF.Parameter(chunk).Contains(l.Id))
                .ExecuteUpdateAsync(s => s.SetProperty(l => l.LeftAt, now), cancellationToken);
        }
        var ticketIds = links.Select(l => l.TicketId).Distinct().ToList();
        var tickets = await db.RemoteTickets.IgnoreQueryFilters().Include(t => t.Mapping).Where(t => ticketIds.Contains(t.Id)).ToListAsync(cancellationToken);
        var stillOpen = await db.RemoteTicketFindings.IgnoreQueryFilters().Where(l => ticketIds.Contains(l.TicketId) && l.LeftAt == null)
            .GroupBy(l => l.TicketId).Select(g => new { g.Key, Count = g.Count() }).ToDictionaryAsync(g => g.Key, g => g.Count, cancellationToken);
        var audit = new AuditLog(clock);
        foreach (var ticket in tickets)
        {
            var active = stillOpen.GetValueOrDefault(ticket.Id);
            ticket.Revision++;
            TicketPlanner.QueueContentChange(db, ticket, now);
            var closing = ticket.RemoteKey is not null && active == 0 && ticket.State != TicketState.Resolved;
            if (closing)
            {
                TicketPlanner.QueueClose(db, ticket, ticket.Mapping!, now);
            }
            audit.Record(db, "ticket.membership", nameof(RemoteTicket), ticket.Id.ToString(CultureInfo.InvariantCulture), after: new
            {
                ticket.RemoteKey, ticket.Revision, Open = active, Left = links.Count(l => l.TicketId == ticket.Id), Closing = closing, via = "push", push.BatchId,
            });
        }
    }
}
