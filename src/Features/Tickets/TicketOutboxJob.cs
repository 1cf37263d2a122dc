using System.Globalization;
using Hangfire;
using K8Posture.Data;
using K8Posture.Data.EntityConfigurations;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using static K8Posture.Shared.ColumnLengths;

namespace K8Posture.Features.Tickets;

public sealed record TicketOutboxRunResult(int Done, int Retried, int Failed);

/// <summary>
/// Sends the queued remote actions, oldest first. A create first looks for a ticket carrying the group's label, so a crash
/// between the remote create and the local commit adopts that ticket instead of making a second. A transient failure waits
/// with exponential backoff (or the remote's Retry-After on 429, which also pauses the rest of that connection for the run);
/// a permanent one (deleted project or ticket, changed workflow) is marked failed for the admin page. Nothing is dropped.
/// </summary>
public sealed class TicketOutboxJob(
    IDbContextFactory<K8PostureDbContext> contexts,
    DataScope scope,
    TicketRemotes remotes,
    TicketConnectionSecrets secrets,
    TicketPlanner planner,
    AuditLog audit,
    IOptionsMonitor<TicketOptions> options,
    TimeProvider clock,
    ILogger<TicketOutboxJob> logger)
{
    public const string RecurringId = "ticket-outbox";
    private const int BatchSize = 50;
    private static readonly TimeSpan Lease = TimeSpan.FromMinutes(5);

    [DisableConcurrentExecution(timeoutInSeconds: 300)]
    [AutomaticRetry(Attempts = 0)]
    public async Task<TicketOutboxRunResult> RunAsync(CancellationToken cancellationToken)
    {
        scope.SetSystem("job:" + RecurringId);
        var settings = options.CurrentValue;
        int done = 0, retried = 0, failed = 0;
        var paused = new HashSet<int>();
        long after = 0;
        while (true)
        {
            await using var db = await contexts.CreateDbContextAsync(cancellationToken);
            var now = clock.GetUtcNow();
            var batch = await db.TicketOutbox.Where(o => o.Status == TicketActionStatus.Pending && o.NextAttemptAt <= now && o.Id > after)
                .OrderBy(o => o.Id).Take(BatchSize).ToListAsync(cancellationToken);
            if (batch.Count == 0)
            {
                break;
            }
            after = batch[^1].Id;
            foreach (var entry in batch)
            {
                var ticket = await db.RemoteTickets.Include(t => t.Mapping!).ThenInclude(m => m.Connection!).SingleAsync(t => t.Id == entry.TicketId, cancellationToken);
                var connection = ticket.Mapping!.Connection!;
                if (paused.Contains(connection.Id))
                {
                    continue;
                }
                // Claim the entry with a lease, so a second runner (another instance) skips it; a runner that dies holding it
                // leaves it to be retried after the lease, and the create's label search adopts what it may have made.
                var lease = clock.GetUtcNow().Add(Lease);
                var due = entry.NextAttemptAt;
                if (await db.TicketOutbox.Where(o => o.Id == entry.Id && o.Status == TicketActionStatus.Pending && o.NextAttemptAt == due)
                        .ExecuteUpdateAsync(set => set.SetProperty(o => o.NextAttemptAt, lease), cancellationToken) == 0)
                {
                    continue;
                }
                entry.NextAttemptAt = lease;
                if (entry.Action != TicketActionKind.Create && ticket.RemoteKey is null)
                {
                    // Its create has not gone through yet; the create sends the latest body anyway.
                    entry.NextAttemptAt = clock.GetUtcNow().AddSeconds(Math.Max(1, settings.RetryBaseSeconds));
                    await db.SaveChangesAsync(cancellationToken);
                    continue;
                }
                try
                {
                    await SendAsync(db, entry, ticket, connection, cancellationToken);
                    entry.Status = TicketActionStatus.Done;
                    entry.DoneAt = clock.GetUtcNow();
                    entry.Attempts++;
                    entry.LastError = null;
                    done++;
                }
                catch (TicketRemoteException ex)
                {
                    entry.Attempts++;
                    entry.LastError = Clip(ex.Message, TicketColumns.LastError);
                    var wait = ex.RetryAfter ?? TimeSpan.FromSeconds(Math.Min(3600, settings.RetryBaseSeconds * Math.Pow(2, entry.Attempts - 1)));
                    if (ex.Permanent || (entry.Attempts >= settings.MaxAttempts && ex.RetryAfter is null))
                    {
                        entry.Status = TicketActionStatus.Failed;
                        audit.Record(db, "ticket.action-failed", nameof(TicketOutboxEntry), entry.Id.ToString(CultureInfo.InvariantCulture),
                            after: new { entry.Action, ticket.RemoteKey, entry.Attempts, Error = entry.LastError });
                        failed++;
                    }
                    else
                    {
                        entry.NextAttemptAt = clock.GetUtcNow() + wait;
                        retried++;
                    }
                    if (ex.RetryAfter is not null || ex.StatusCode is null or >= 500)
                    {
                        // Rate limited or down: the rest of this connection's queue waits for the next run.
                        paused.Add(connection.Id);
                    }
                    logger.LogWarning("Ticket action {Action} of ticket {TicketId} failed (attempt {Attempts}): {Error}", entry.Action, ticket.Id, entry.Attempts, entry.LastError);
                }
                await db.SaveChangesAsync(cancellationToken);
            }
        }
        if (done + retried + failed > 0)
        {
            logger.LogInformation("Ticket outbox: {Done} done, {Retried} to retry, {Failed} failed", done, retried, failed);
        }
        return new TicketOutboxRunResult(done, retried, failed);
    }

    private async Task SendAsync(K8PostureDbContext db, TicketOutboxEntry entry, RemoteTicket ticket, TicketConnection connection, CancellationToken cancellationToken)
    {
        var mapping = ticket.Mapping!;
        var remote = remotes.For(connection.System);
        var endpoint = secrets.Endpoint(connection);
        switch (entry.Action)
        {
            case TicketActionKind.Create when ticket.RemoteKey is not null:
                return; // created by an earlier attempt
            case TicketActionKind.Create:
            {
                var content = await planner.ContentAsync(db, ticket, mapping, cancellationToken);
                var existing = await remote.FindByLabelAsync(endpoint, mapping.Project, content.GroupLabel, cancellationToken);
                var issue = existing ?? await remote.CreateAsync(endpoint, mapping.Project, mapping.IssueType, content, cancellationToken);
                if (existing is not null)
                {
                    await remote.UpdateAsync(endpoint, mapping.Project, existing.Id, content, cancellationToken);
                }
                ticket.RemoteId = issue.Id;
                ticket.RemoteKey = issue.Key;
                ticket.RemoteUrl = issue.Url;
                ticket.RemoteStatus = string.IsNullOrEmpty(issue.Status) ? ticket.RemoteStatus : issue.Status;
                ticket.Title = content.Title;
                ticket.BodyHash = TicketPlanner.Hash(content);
                ticket.LastSyncedAt = clock.GetUtcNow();
                await RecordAsync(db, ticket, existing is null ? $"Ticket {issue.Key} created" : $"Ticket {issue.Key} found by its label and adopted", "ticket.create", cancellationToken);
                return;
            }
            case TicketActionKind.UpdateBody:
            {
                var content = await planner.ContentAsync(db, ticket, mapping, cancellationToken);
                var hash = TicketPlanner.Hash(content);
                if (hash == ticket.BodyHash)
                {
                    return;
                }
                await remote.UpdateAsync(endpoint, mapping.Project, ticket.RemoteId ?? ticket.RemoteKey!, content, cancellationToken);
                ticket.Title = content.Title;
                ticket.BodyHash = hash;
                ticket.LastSyncedAt = clock.GetUtcNow();
                audit.Record(db, "ticket.update", nameof(RemoteTicket), ticket.Id.ToString(CultureInfo.InvariantCulture), after: new { ticket.RemoteKey, ticket.Title, Lines = content.Items.Count });
                return;
            }
            case TicketActionKind.Comment:
                await remote.CommentAsync(endpoint, mapping.Project, ticket.RemoteId ?? ticket.RemoteKey!, entry.Argument ?? "", cancellationToken);
                audit.Record(db, "ticket.comment", nameof(RemoteTicket), ticket.Id.ToString(CultureInfo.InvariantCulture), after: new { ticket.RemoteKey, Comment = entry.Argument });
                return;
            case TicketActionKind.Transition:
                await remote.TransitionAsync(endpoint, mapping.Project, ticket.RemoteId ?? ticket.RemoteKey!, entry.Argument ?? mapping.DoneStatus, cancellationToken);
                ticket.RemoteStatus = entry.Argument;
                ticket.State = TicketAdminService.StateOf(mapping, entry.Argument);
                ticket.LastSyncedAt = clock.GetUtcNow();
                await RecordAsync(db, ticket, $"Ticket {ticket.RemoteKey} moved to {entry.Argument}", "ticket.transition", cancellationToken);
                return;
        }
    }

    /// <summary>A sync action on the ticket: one history event per member finding, and one audit event.</summary>
    private async Task RecordAsync(K8PostureDbContext db, RemoteTicket ticket, string detail, string action, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var members = await db.RemoteTicketFindings.Where(l => l.TicketId == ticket.Id).Select(l => l.FindingId).ToListAsync(cancellationToken);
        foreach (var findingId in members)
        {
            db.FindingEvents.Add(new FindingEvent { FindingId = findingId, Kind = FindingEventKind.TicketSynced, At = now, Actor = Clip(db.Scope.Actor, FindingEventConfiguration.ActorMaxLength), Detail = Clip(detail, FindingEventConfiguration.DetailMaxLength) });
        }
        audit.Record(db, action, nameof(RemoteTicket), ticket.Id.ToString(CultureInfo.InvariantCulture), after: new { ticket.RemoteKey, ticket.RemoteUrl, ticket.RemoteStatus, detail });
    }
}
