using System.Globalization;
using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using K8Posture.Data;
using K8Posture.Data.EntityConfigurations;
using K8Posture.Features.Findings;
using K8Posture.Features.Remediation;
using K8Posture.Shared.Http;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using static K8Posture.Shared.ColumnLengths;

namespace K8Posture.Features.Tickets;

/// <param name="FindingIds">The findings explorer's selection; or leave empty and give <paramref name="Filter"/>.</param>
/// <param name="Filter">The explorer's query string (as /findings?… carries it) for "create tickets for everything this filter shows".</param>
public sealed record CreateTicketsRequest(IReadOnlyList<long>? FindingIds, string? Filter);

public sealed record CreateTicketsResult(int Tickets, int NewTickets, int FindingsLinked, int AlreadyLinked, int WithoutMapping);

/// <summary>A team's ticket sync at a glance: where its tickets go, when they were last read, what waits or failed in the outbox.</summary>
public sealed record TeamTicketSyncHealth(TicketSystem System, string Connection, string Project, int Tickets, DateTimeOffset? LastSyncedAt, int PendingActions,
    int FailedActions, int TicketsWithErrors, string? LastFailure);

public sealed record LinkedTicketDto(long TicketId, string Title, string? RemoteKey, string? RemoteUrl, string? RemoteStatus, TicketState State, string? Assignee,
    int PendingActions, int FailedActions, string? LastError, DateTimeOffset? LastSyncedAt);

/// <summary>
/// Puts findings into their group's ticket and queues the remote actions. The local row of a group is created at most once
/// (unique index on mapping + group key; a concurrent insert loses and re-reads), and each remote action at most once
/// (unique idempotency key in the outbox), so two concurrent requests for the same findings make one ticket.
/// </summary>
public sealed class TicketPlanner(IDbContextFactory<K8PostureDbContext> contexts, AuditLog audit, TimeProvider clock, IOptions<RemediationOptions> remediation)
{
    public const int MaxFindings = 5000;

    public async Task<CreateTicketsResult> CreateAsync(ClaimsPrincipal user, CreateTicketsRequest request, CancellationToken cancellationToken)
    {
        if (!RemediationAccess.MayWork(user))
        {
            throw ProblemException.Forbidden("Only the owning app team or the Security Team create tickets; this role reads only.");
        }
        var ids = (request.FindingIds ?? []).Distinct().ToList();
        if (ids.Count == 0 && string.IsNullOrWhiteSpace(request.Filter))
        {
            throw ProblemException.BadRequest("Invalid ticket request", "findingIds: give the selected finding ids, or a filter (the explorer's query string).", "findingIds");
        }
        if (ids.Count > MaxFindings)
        {
            throw ProblemException.BadRequest("Invalid ticket request", $"findingIds: at most {MaxFindings} findings at once (got {ids.Count}).", "findingIds");
        }
        // Two requests racing for the same group: the loser's insert hits the unique index; a second pass re-reads and links.
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await CreateOnceAsync(user, ids, request.Filter, cancellationToken);
            }
            catch (DbUpdateException) when (attempt < 5)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(50 * attempt), cancellationToken);
            }
        }
    }

    private async Task<CreateTicketsResult> CreateOnceAsync(ClaimsPrincipal user, List<long> ids, string? filter, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        db.Scope.EnsureActsFor(user);
        // The caller's scope is the context's query filter: another team's findings are not there.
        IQueryable<Finding> query = db.Findings.Where(f => f.Status == FindingStatus.Open && f.Resolution == FindingResolution.None);
        if (ids.Count > 0)
        {
            // Ids outside the caller's scope are refused by name, not skipped in silence: a member cannot ticket another team's findings.
            var visible = await db.Findings.Where(f => ids.Contains(f.Id)).Select(f => f.Id).ToListAsync(cancellationToken);
            var unseen = ids.Except(visible).Order().ToList();
            if (unseen.Count > 0)
            {
                throw ProblemException.NotFound("Findings not found", $"findingIds: finding(s) {string.Join(", ", unseen.Take(20))} do not exist or are not your team's; no ticket was created.", "findingIds");
            }
            query = query.Where(f => ids.Contains(f.Id));
        }
        else
        {
            var parameters = Microsoft.AspNetCore.WebUtilities.QueryHelpers.ParseQuery(filter!.TrimStart('?'));
            var criteria = FindingsQueryString.Parse(name => parameters.TryGetValue(name, out var value) ? value.ToString() : null, out var errors);
            if (errors.Count > 0)
            {
                var (field, messages) = errors.First();
                throw ProblemException.BadRequest("Invalid ticket request", $"filter: {field}: {messages[0]}", "filter");
            }
            criteria = criteria with { Status = FindingStatus.Open };
            // The organisation filters (business unit, team, cluster, environment) as the explorer applies them.
            var scope = await ResolvedScope.ResolveAsync(db, criteria.Org, cancellationToken);
            query = FindingsQuery.Filter(scope.Apply(query), criteria);
        }
        var findings = await query.Where(f => f.OwnerTeamId != null).OrderBy(f => f.Id).Take(MaxFindings).Select(Facts).ToListAsync(cancellationToken);
        var teamOf = await query.Where(f => f.OwnerTeamId != null).OrderBy(f => f.Id).Take(MaxFindings)
            .Select(f => new { f.Id, TeamId = f.OwnerTeamId!.Value }).ToDictionaryAsync(f => f.Id, f => f.TeamId, cancellationToken);
        var notMine = teamOf.Where(t => !RemediationAccess.MayWorkOn(user, t.Value)).Select(t => t.Key).ToList();
        if (notMine.Count > 0)
        {
            throw ProblemException.Forbidden($"Finding(s) {string.Join(", ", notMine.Take(20))} belong to another team; no ticket was created.");
        }
        var teamIds = teamOf.Values.Distinct().ToList();
        var mappings = await db.TicketMappings.Where(m => teamIds.Contains(m.TeamId)).ToDictionaryAsync(m => m.TeamId, cancellationToken);
        var findingIds = findings.Select(f => f.Id).ToList();
        var linked = (await db.RemoteTicketFindings.Where(l => findingIds.Contains(l.FindingId) && l.LeftAt == null).Select(l => l.FindingId).ToListAsync(cancellationToken)).ToHashSet();

        var now = clock.GetUtcNow();
        int withoutMapping = 0, alreadyLinked = 0, linkedNow = 0, newTickets = 0;
        var touched = new HashSet<RemoteTicket>();
        foreach (var group in findings.GroupBy(f => (Team: teamOf[f.Id], Key: mappings.TryGetValue(teamOf[f.Id], out var m) ? TicketGroups.Key(m.Grouping, f) : null)))
        {
            if (group.Key.Key is null)
            {
                withoutMapping += group.Count();
                continue;
            }
            var mapping = mappings[group.Key.Team];
            var ticket = await db.RemoteTickets.Include(t => t.Findings).SingleOrDefaultAsync(t => t.MappingId == mapping.Id && t.GroupKey == group.Key.Key, cancellationToken);
            if (ticket is null)
            {
                ticket = new RemoteTicket { MappingId = mapping.Id, GroupKey = Clip(group.Key.Key, TicketColumns.GroupKey), Title = "", CreatedAt = now };
                db.RemoteTickets.Add(ticket);
                newTickets++;
            }
            foreach (var finding in group)
            {
                if (linked.Contains(finding.Id))
                {
                    alreadyLinked++;
                    continue;
                }
                var previous = ticket.Findings.FirstOrDefault(l => l.FindingId == finding.Id);
                if (previous is { LeftAt: null })
                {
                    alreadyLinked++; // linked by a concurrent request after this one looked
                    continue;
                }
                if (previous is not null)
                {
                    previous.LeftAt = null;
                }
                else
                {
                    ticket.Findings.Add(new RemoteTicketFinding { FindingId = finding.Id, AddedAt = now });
                }
                linkedNow++;
                touched.Add(ticket);
            }
        }
        if (touched.Count > 0)
        {
            await db.SaveChangesAsync(cancellationToken); // ids for the outbox keys; the unique index stops a racing duplicate here
        }
        foreach (var ticket in touched)
        {
            ticket.Revision++;
            var members = findings.Where(f => ticket.Findings.Any(l => l.FindingId == f.Id && l.LeftAt == null)).ToList();
            ticket.Title = TicketGroups.Title(ticket.GroupKey, members);
            QueueContentChange(db, ticket, now);
            foreach (var member in members)
            {
                db.FindingEvents.Add(new FindingEvent
                {
                    FindingId = member.Id, Kind = FindingEventKind.TicketSynced, At = now, Actor = Clip(db.Scope.Actor, FindingEventConfiguration.ActorMaxLength),
                    Detail = Clip($"Added to ticket \"{ticket.Title}\"" + (ticket.RemoteKey is { } key ? $" ({key})" : " (queued for creation)"), FindingEventConfiguration.DetailMaxLength),
                });
            }
            audit.Record(db, "ticket.link", nameof(RemoteTicket), ticket.Id.ToString(CultureInfo.InvariantCulture),
                after: new { ticket.GroupKey, ticket.Title, Findings = members.Select(m => m.Id).ToList() });
        }
        await db.SaveChangesAsync(cancellationToken);
        return new CreateTicketsResult(touched.Count, newTickets, linkedNow, alreadyLinked, withoutMapping);
    }

    /// <summary>Queues the create (a ticket not yet created) or a body update at the ticket's current revision.</summary>
    internal static void QueueContentChange(K8PostureDbContext db, RemoteTicket ticket, DateTimeOffset now)
    {
        var create = ticket.RemoteKey is null;
        var key = create ? $"create:{ticket.Id}" : $"body:{ticket.Id}:{ticket.Revision}";
        Queue(db, ticket, create ? TicketActionKind.Create : TicketActionKind.UpdateBody, key, null, now);
    }

    /// <summary>The group is empty: a closing comment and the transition to the mapped done status, at the ticket's current revision.</summary>
    internal static void QueueClose(K8PostureDbContext db, RemoteTicket ticket, TicketMapping mapping, DateTimeOffset now)
    {
        Queue(db, ticket, TicketActionKind.Comment, $"close-comment:{ticket.Id}:{ticket.Revision}",
            "[K8Posture] Every finding of this ticket was closed by a scan; closing the ticket.", now);
        Queue(db, ticket, TicketActionKind.Transition, $"close:{ticket.Id}:{ticket.Revision}", mapping.DoneStatus, now);
    }

    /// <summary>Adds an outbox row unless one with the same idempotency key is already there (tracked or stored).</summary>
    internal static void Queue(K8PostureDbContext db, RemoteTicket ticket, TicketActionKind action, string key, string? argument, DateTimeOffset now)
    {
        if (db.TicketOutbox.Local.Any(o => o.IdempotencyKey == key) || db.TicketOutbox.Any(o => o.IdempotencyKey == key))
        {
            return;
        }
        db.TicketOutbox.Add(new TicketOutboxEntry
        {
            TicketId = ticket.Id, Action = action, IdempotencyKey = key, Argument = Clip(argument, TicketColumns.Argument),
            Status = TicketActionStatus.Pending, CreatedAt = now, NextAttemptAt = now,
        });
    }

    /// <summary>The ticket's content from its current members: title, intro, one linked line per finding, labels and priority.</summary>
    internal async Task<TicketContent> ContentAsync(K8PostureDbContext db, RemoteTicket ticket, TicketMapping mapping, CancellationToken cancellationToken)
    {
        var memberIds = await db.RemoteTicketFindings.Where(l => l.TicketId == ticket.Id && l.LeftAt == null).Select(l => l.FindingId).ToListAsync(cancellationToken);
        var members = await db.Findings.Where(f => memberIds.Contains(f.Id)).OrderByDescending(f => f.Severity).ThenBy(f => f.Id).Select(Facts).ToListAsync(cancellationToken);
        var title = members.Count > 0 ? TicketGroups.Title(ticket.GroupKey, members) : ticket.Title;
        var link = remediation.Value.PublicBaseUrl.TrimEnd('/');
        var intro = members.Count == 0
            ? "[K8Posture] Every finding of this ticket is closed."
            : $"[K8Posture] {members.Count} open finding(s) of this group; each line links to the finding. This description is kept up to date by K8Posture.";
        var worst = members.Count > 0 ? members.Max(m => m.Severity) : FindingSeverity.Unknown;
        var priority = TicketAdminService.ParsePriorities(mapping.PriorityMap).GetValueOrDefault(worst);
        return new TicketContent(title, intro,
            members.Select(m => (TicketGroups.Line(m), $"{link}/findings?finding={m.Id.ToString(CultureInfo.InvariantCulture)}")).ToList(),
            TicketGroups.Label(mapping.Id, ticket.GroupKey), TicketAdminService.Split(mapping.Labels), priority, mapping.AreaPath);
    }

    internal static string Hash(TicketContent content) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(
        content.Title + "\n" + content.Intro + "\n" + string.Join("\n", content.Items.Select(i => i.Text + " " + i.Url)))));

    internal static readonly System.Linq.Expressions.Expression<Func<Finding, TicketFindingFacts>> Facts = f => new TicketFindingFacts(
        f.Id, f.Title, f.Severity, f.Category, f.VulnerabilityId, f.RuleId, f.PackageName, f.InstalledVersion, f.FixedVersion, f.ImageRepository, f.ImageTag,
        f.ClusterId, f.NamespaceName, f.ResourceKind, f.ResourceName);

    /// <summary>
    /// The tickets of a page of findings (the team queue's rows), in three queries whatever the page size: each finding's
    /// current ticket, else the last it was in. Scoped by the caller's data scope like <see cref="ForFindingAsync"/>.
    /// </summary>
    public async Task<IReadOnlyDictionary<long, LinkedTicketDto>> ForFindingsAsync(IReadOnlyCollection<long> findingIds, CancellationToken cancellationToken)
    {
        if (findingIds.Count == 0)
        {
            return new Dictionary<long, LinkedTicketDto>();
        }
        var ids = findingIds.Distinct().ToList();
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var links = await db.RemoteTicketFindings.AsNoTracking().Where(l => ids.Contains(l.FindingId) && db.Findings.Any(f => f.Id == l.FindingId))
            .Select(l => new { l.Id, l.FindingId, l.TicketId, Current = l.LeftAt == null }).ToListAsync(cancellationToken);
        var ticketOf = links.GroupBy(l => l.FindingId)
            .ToDictionary(g => g.Key, g => g.OrderByDescending(l => l.Current).ThenByDescending(l => l.Id).First().TicketId);
        var ticketIds = ticketOf.Values.Distinct().ToList();
        var tickets = await db.RemoteTickets.AsNoTracking().Where(t => ticketIds.Contains(t.Id)).ToDictionaryAsync(t => t.Id, cancellationToken);
        var outbox = await db.TicketOutbox.AsNoTracking().Where(o => ticketIds.Contains(o.TicketId) && o.Status != TicketActionStatus.Done)
            .GroupBy(o => new { o.TicketId, o.Status }).Select(g => new { g.Key.TicketId, g.Key.Status, Count = g.Count() }).ToListAsync(cancellationToken);
        return ticketOf.Where(p => tickets.ContainsKey(p.Value)).ToDictionary(p => p.Key, p =>
        {
            var t = tickets[p.Value];
            return new LinkedTicketDto(t.Id, t.Title, t.RemoteKey, t.RemoteUrl, t.RemoteStatus, t.State, t.RemoteAssignee,
                outbox.Where(o => o.TicketId == t.Id && o.Status == TicketActionStatus.Pending).Sum(o => o.Count),
                outbox.Where(o => o.TicketId == t.Id && o.Status == TicketActionStatus.Failed).Sum(o => o.Count), t.LastError, t.LastSyncedAt);
        });
    }

    /// <summary>The team's mapping and the state of its tickets' sync; null when the team has no mapping (or is not the caller's).</summary>
    public async Task<TeamTicketSyncHealth?> TeamHealthAsync(int teamId, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var mapping = await db.TicketMappings.AsNoTracking().Where(m => m.TeamId == teamId)
            .Select(m => new { m.Id, m.Project, m.Connection!.System, Connection = m.Connection.Name }).FirstOrDefaultAsync(cancellationToken);
        if (mapping is null)
        {
            return null;
        }
        var tickets = db.RemoteTickets.AsNoTracking().Where(t => t.MappingId == mapping.Id);
        var count = await tickets.CountAsync(cancellationToken);
        var lastSynced = await tickets.MaxAsync(t => t.LastSyncedAt, cancellationToken);
        var withErrors = await tickets.CountAsync(t => t.LastError != null, cancellationToken);
        var outbox = db.TicketOutbox.AsNoTracking().Where(o => tickets.Any(t => t.Id == o.TicketId));
        var pending = await outbox.CountAsync(o => o.Status == TicketActionStatus.Pending, cancellationToken);
        var failed = await outbox.CountAsync(o => o.Status == TicketActionStatus.Failed, cancellationToken);
        var lastFailure = await outbox.Where(o => o.Status == TicketActionStatus.Failed).OrderByDescending(o => o.Id).Select(o => o.LastError).FirstOrDefaultAsync(cancellationToken);
        return new TeamTicketSyncHealth(mapping.System, mapping.Connection, mapping.Project, count, lastSynced, pending, failed, withErrors, lastFailure);
    }

    /// <summary>The ticket linked to a finding, as the finding drawer shows it (scoped by the caller's data scope).</summary>
    public async Task<LinkedTicketDto?> ForFindingAsync(long findingId, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var ticket = await db.RemoteTicketFindings.AsNoTracking().Where(l => l.FindingId == findingId && db.Findings.Any(f => f.Id == findingId))
            .OrderBy(l => l.LeftAt != null).ThenByDescending(l => l.Id).Select(l => l.Ticket!).FirstOrDefaultAsync(cancellationToken);
        if (ticket is null)
        {
            return null;
        }
        var outbox = await db.TicketOutbox.AsNoTracking().Where(o => o.TicketId == ticket.Id && o.Status != TicketActionStatus.Done)
            .GroupBy(o => o.Status).Select(g => new { g.Key, Count = g.Count() }).ToListAsync(cancellationToken);
        return new LinkedTicketDto(ticket.Id, ticket.Title, ticket.RemoteKey, ticket.RemoteUrl, ticket.RemoteStatus, ticket.State, ticket.RemoteAssignee,
            outbox.Where(o => o.Key == TicketActionStatus.Pending).Sum(o => o.Count), outbox.Where(o => o.Key == TicketActionStatus.Failed).Sum(o => o.Count),
            ticket.LastError, ticket.LastSyncedAt);
    }
}
