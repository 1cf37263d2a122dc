using System.Globalization;
using K8Posture.Data;
using K8Posture.Features.Remediation;
using Microsoft.EntityFrameworkCore;
using static K8Posture.Shared.ColumnLengths;

namespace K8Posture.Features.Tickets;

/// <summary>
/// Applies a ticket's remote state to its findings through the remediation status path (history, comments and audit in the
/// same save): moved to a resolved status → findings Resolved (the next scan confirms or reopens them); back to an open
/// status → findings Open; in progress → In progress; won't fix → a pending risk acceptance request per finding, in the name of
/// the remote person who moved it, for the Security Team to decide (withdrawn again if the ticket leaves won't fix before the
/// decision); the assignee and new comments mirrored with the remote person named.
/// </summary>
public sealed class TicketInboundSync(RemediationService remediation, RiskAcceptanceService riskAcceptances, TicketConnectionSecrets secrets, TicketRemotes remotes,
    AuditLog audit, TimeProvider clock)
{
    /// <summary>The requester subject of the risk acceptance requests a ticket asked for: how a reopened ticket finds them to withdraw.</summary>
    public static string RequesterSubject(RemoteTicket ticket) => "ticket:" + ticket.Id.ToString(CultureInfo.InvariantCulture);

    /// <summary>Reads the ticket from the remote and applies it; a deleted ticket is recorded on the ticket. Returns the findings changed.</summary>
    public async Task<int> PullAsync(K8PostureDbContext db, RemoteTicket ticket, string via, CancellationToken cancellationToken)
    {
        var mapping = ticket.Mapping!;
        var connection = mapping.Connection!;
        RemoteIssue issue;
        try
        {
            issue = await remotes.For(connection.System).GetAsync(secrets.Endpoint(connection), mapping.Project, ticket.RemoteId ?? ticket.RemoteKey!, cancellationToken);
        }
        catch (TicketRemoteException ex) when (ex.Permanent)
        {
            if (ticket.LastError != ex.Message)
            {
                ticket.LastError = Clip(ex.Message, TicketColumns.LastError);
                audit.Record(db, "ticket.pull-failed", nameof(RemoteTicket), ticket.Id.ToString(CultureInfo.InvariantCulture), after: new { ticket.RemoteKey, Error = ticket.LastError });
            }
            return 0;
        }
        ticket.LastError = null;
        return await ApplyAsync(db, ticket, issue, via, cancellationToken);
    }

    public async Task<int> ApplyAsync(K8PostureDbContext db, RemoteTicket ticket, RemoteIssue issue, string via, CancellationToken cancellationToken)
    {
        var mapping = ticket.Mapping!;
        var system = mapping.Connection!.System == TicketSystem.AzureDevOps ? "Azure DevOps" : "Jira";
        var memberIds = await db.RemoteTicketFindings.Where(l => l.TicketId == ticket.Id && l.LeftAt == null).Select(l => l.FindingId).ToListAsync(cancellationToken);
        var findings = await db.Findings.Where(f => memberIds.Contains(f.Id) && f.Status == FindingStatus.Open).ToListAsync(cancellationToken);
        var changed = 0;
        var state = TicketAdminService.StateOf(mapping, issue.Status);
        var actor = $"{system}:{issue.Key}";
        if (!string.Equals(ticket.RemoteStatus, issue.Status, StringComparison.Ordinal) || state != ticket.State)
        {
            var before = new { ticket.RemoteStatus, ticket.State };
            var action = state switch
            {
                TicketState.Resolved => RemediationAction.MarkResolved,
                TicketState.InProgress => RemediationAction.StartProgress,
                TicketState.Open when ticket.State is TicketState.Resolved or TicketState.InProgress or TicketState.WontFix => RemediationAction.Reopen,
                _ => (RemediationAction?)null,
            };
            var who = issue.StatusChangedBy ?? "someone";
            if (state == TicketState.WontFix)
            {
                changed += await RequestRiskAcceptanceAsync(db, ticket, issue, findings, system, who, actor, cancellationToken);
            }
            else
            {
                var comment = $"{issue.Key} moved to \"{issue.Status}\" in {system} ({via}).";
                if (ticket.State == TicketState.WontFix)
                {
                    var withdrawn = await riskAcceptances.WithdrawPendingAsync(db, RequesterSubject(ticket), $"{system}:{who}",
                        $"{issue.Key} was moved from won't fix to \"{issue.Status}\" in {system} by {who} before the request was decided.", cancellationToken);
                    if (withdrawn.Count > 0)
                    {
                        comment += $" Risk acceptance request(s) {string.Join(", ", withdrawn.Select(r => "#" + r.Id.ToString(CultureInfo.InvariantCulture)))} withdrawn.";
                    }
                }
                changed += remediation.Record(db, findings, action ?? RemediationAction.Comment, null, comment, actor);
            }
            ticket.RemoteStatus = Clip(issue.Status, TicketColumns.Status);
            ticket.State = state;
            audit.Record(db, "ticket.sync.status", nameof(RemoteTicket), ticket.Id.ToString(CultureInfo.InvariantCulture), before, new { ticket.RemoteStatus, ticket.State, via });
        }
        if (!string.Equals(ticket.RemoteAssignee, issue.Assignee, StringComparison.Ordinal))
        {
            changed += remediation.Record(db, findings, RemediationAction.Assign, issue.Assignee is null ? null : Clip(issue.Assignee, RemediationService.MaxAssigneeLength), null,
                $"{actor} (assigned in {system})");
            audit.Record(db, "ticket.sync.assignee", nameof(RemoteTicket), ticket.Id.ToString(CultureInfo.InvariantCulture), new { Assignee = ticket.RemoteAssignee }, new { issue.Assignee, via });
            ticket.RemoteAssignee = Clip(issue.Assignee, TicketColumns.Assignee);
        }
        // Comments after the last one mirrored, except ours (they start with the [K8Posture] marker).
        var seen = ticket.LastMirroredCommentId;
        var fresh = seen is null ? issue.Comments : issue.Comments.SkipWhile(c => c.Id != seen).Skip(1).ToList();
        if (seen is not null && !issue.Comments.Any(c => c.Id == seen))
        {
            fresh = [];
        }
        foreach (var comment in fresh.Where(c => !c.Text.StartsWith("[K8Posture]", StringComparison.Ordinal)))
        {
            changed += remediation.Record(db, findings, RemediationAction.Comment, null, Clip($"{comment.Author} in {issue.Key}: {comment.Text}", RemediationService.MaxCommentLength),
                $"{system}:{comment.Author}");
        }
        if (issue.Comments.Count > 0)
        {
            ticket.LastMirroredCommentId = Clip(issue.Comments[^1].Id, TicketColumns.RemoteKey);
        }
        ticket.LastSyncedAt = clock.GetUtcNow();
        return changed;
    }

    /// <summary>
    /// Won't fix is a decision only the Security Team may take: each open finding without a verdict gets a pending request
    /// (skipped when one is already waiting, so a replayed webhook or a reconciliation adds none), and its history says which.
    /// </summary>
    private async Task<int> RequestRiskAcceptanceAsync(K8PostureDbContext db, RemoteTicket ticket, RemoteIssue issue, List<Finding> findings, string system, string who,
        string actor, CancellationToken cancellationToken)
    {
        var reason = $"{issue.Key} was moved to \"{issue.Status}\" (won't fix) in {system} by {who}; the ticket ({issue.Url}) says why the team will not fix this. "
            + "Reopening the ticket withdraws this request.";
        var requests = await riskAcceptances.RequestForFindingsAsync(db, findings, reason, $"{system}:{who}", RequesterSubject(ticket), cancellationToken);
        var byFinding = requests.ToDictionary(r => r.FindingId!.Value);
        var changed = 0;
        foreach (var finding in findings)
        {
            var comment = byFinding.TryGetValue(finding.Id, out var request)
                ? $"{issue.Key} was moved to \"{issue.Status}\" (won't fix) in {system} by {who}: risk acceptance request #{request.Id.ToString(CultureInfo.InvariantCulture)} waits for the Security Team's decision."
                : $"{issue.Key} was moved to \"{issue.Status}\" (won't fix) in {system} by {who}; no new risk acceptance request: one is already waiting, or the finding has a verdict.";
            changed += remediation.Record(db, [finding], RemediationAction.Comment, null, comment, actor);
        }
        audit.Record(db, "ticket.sync.wont-fix", nameof(RemoteTicket), ticket.Id.ToString(CultureInfo.InvariantCulture),
            after: new { ticket.RemoteKey, issue.Status, By = who, RiskAcceptances = requests.Select(r => r.Id).ToList() });
        return changed;
    }
}
