using System.Globalization;
using Hangfire;
using K8Posture.Data;
using K8Posture.Data.EntityConfigurations;
using Microsoft.EntityFrameworkCore;
using static K8Posture.Shared.ColumnLengths;

namespace K8Posture.Features.Tickets;

public sealed record TicketReconcileResult(int Tickets, int MembershipChanges, int FindingsChanged, int ActionsQueued);

/// <summary>
/// Repairs drift both ways. Outbound: findings closed by a scan (or given a verdict) leave their ticket's group, open findings
/// of a mapped team whose group has a ticket join it; a changed group queues a body update, an empty group a closing comment
/// and the transition to the mapped done status, a done ticket whose group fills again the reopen transition. Inbound: every
/// created ticket is read from the remote and its status, assignee and comments applied, which catches any missed webhook.
/// </summary>
public sealed class TicketReconciliationJob(
    IDbContextFactory<K8PostureDbContext> contexts,
    DataScope scope,
    TicketInboundSync inbound,
    Remediation.RemediationService remediation,
    AuditLog audit,
    TimeProvider clock,
    ILogger<TicketReconciliationJob> logger)
{
    public const string RecurringId = "ticket-reconcile";

    [DisableConcurrentExecution(timeoutInSeconds: 600)]
    [AutomaticRetry(Attempts = 0)]
    public async Task<TicketReconcileResult> RunAsync(CancellationToken cancellationToken)
    {
        scope.SetSystem("job:" + RecurringId);
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var now = clock.GetUtcNow();
        var membership = 0;
        var queuedBefore = await db.TicketOutbox.CountAsync(cancellationToken);

        var mappings = await db.TicketMappings.Include(m => m.Connection).ToListAsync(cancellationToken);
        foreach (var mapping in mappings)
        {
            var tickets = await db.RemoteTickets.Include(t => t.Findings).Where(t => t.MappingId == mapping.Id).ToListAsync(cancellationToken);
            if (tickets.Count == 0)
            {
                continue;
            }
            var byKey = tickets.ToDictionary(t => t.GroupKey, StringComparer.Ordinal);
            var linkedIds = tickets.SelectMany(t => t.Findings).Select(l => l.FindingId).ToHashSet();
            var open = await db.Findings.Where(f => f.OwnerTeamId == mapping.TeamId && f.Status == FindingStatus.Open && f.Resolution == FindingResolution.None)
                .Select(TicketPlanner.Facts).ToListAsync(cancellationToken);
            var openIds = open.Select(f => f.Id).ToHashSet();
            var changedTickets = new HashSet<RemoteTicket>();
            foreach (var ticket in tickets)
            {
                foreach (var link in ticket.Findings)
                {
                    var belongs = openIds.Contains(link.FindingId);
                    if (link.LeftAt is null && !belongs)
                    {
                        link.LeftAt = now;
                        changedTickets.Add(ticket);
                    }
                    else if (link.LeftAt is not null && belongs)
                    {
                        link.LeftAt = null; // a closed finding a scan reopened
                        changedTickets.Add(ticket);
                    }
                }
            }
            foreach (var finding in open.Where(f => !linkedIds.Contains(f.Id)))
            {
                if (byKey.TryGetValue(TicketGroups.Key(mapping.Grouping, finding), out var ticket))
                {
                    ticket.Findings.Add(new RemoteTicketFinding { FindingId = finding.Id, AddedAt = now });
                    db.FindingEvents.Add(new FindingEvent { FindingId = finding.Id, Kind = FindingEventKind.TicketSynced, At = now, Actor = db.Scope.Actor,
                        Detail = Clip($"Joined ticket {ticket.RemoteKey ?? "(queued)"} \"{ticket.Title}\" (same group)", FindingEventConfiguration.DetailMaxLength) });
                    changedTickets.Add(ticket);
                }
            }
            foreach (var ticket in changedTickets)
            {
                membership++;
                ticket.Revision++;
                var active = ticket.Findings.Count(l => l.LeftAt is null);
                TicketPlanner.QueueContentChange(db, ticket, now);
                if (ticket.RemoteKey is not null && active == 0 && ticket.State != TicketState.Resolved)
                {
                    TicketPlanner.QueueClose(db, ticket, mapping, now);
                }
                else if (ticket.RemoteKey is not null && active > 0 && ticket.State == TicketState.Resolved && mapping.ReopenStatus is { } reopen)
                {
                    TicketPlanner.Queue(db, ticket, TicketActionKind.Comment, $"reopen-comment:{ticket.Id}:{ticket.Revision}",
                        "[K8Posture] A scan still reports findings of this ticket; reopening it.", now);
                    TicketPlanner.Queue(db, ticket, TicketActionKind.Transition, $"reopen:{ticket.Id}:{ticket.Revision}", reopen, now);
                }
                audit.Record(db, "ticket.membership", nameof(RemoteTicket), ticket.Id.ToString(CultureInfo.InvariantCulture),
                    after: new { ticket.RemoteKey, ticket.Revision, Open = active });
            }
        }
        await db.SaveChangesAsync(cancellationToken);

        // Inbound: the remote is the truth for status, assignee and comments.
        var findingsChanged = 0;
        var created = await db.RemoteTickets.Include(t => t.Mapping!).ThenInclude(m => m.Connection!).Where(t => t.RemoteKey != null).OrderBy(t => t.Id).ToListAsync(cancellationToken);
        foreach (var ticket in created)
        {
            try
            {
                findingsChanged += await inbound.PullAsync(db, ticket, "reconciliation", cancellationToken);
                await db.SaveChangesAsync(cancellationToken);
            }
            catch (TicketRemoteException ex)
            {
                // Down or rate limited: the next run tries again; nothing was changed locally for this ticket.
                logger.LogWarning("Reconciliation could not read ticket {TicketId}: {Error}", ticket.Id, ex.Message);
                db.ChangeTracker.Clear();
                break;
            }
        }
        if (findingsChanged > 0)
        {
            remediation.NotifyChanged();
        }
        // Replay protection only needs the receipts of the window; older ones are pruned here.
        var oldest = now.AddDays(-2);
        await db.TicketWebhookReceipts.Where(r => r.ReceivedAt < oldest).ExecuteDeleteAsync(cancellationToken);
        var queued = await db.TicketOutbox.CountAsync(cancellationToken) - queuedBefore;
        return new TicketReconcileResult(created.Count, membership, findingsChanged, queued);
    }
}
