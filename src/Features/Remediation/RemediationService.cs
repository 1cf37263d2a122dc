using static K8Posture.Shared.ColumnLengths;
using K8Posture.Shared.Http;
using System.Globalization;
using System.Security.Claims;
using K8Posture.Data;
using K8Posture.Data.EntityConfigurations;
using K8Posture.Security;
using K8Posture.Shared;
using Microsoft.EntityFrameworkCore;

namespace K8Posture.Features.Remediation;

public enum RemediationAction { Assign, StartProgress, MarkResolved, Reopen, MarkFalsePositive, ClearVerdict, Comment }

/// <param name="Assignee">For <see cref="RemediationAction.Assign"/>: the person; empty unassigns.</param>
/// <param name="Comment">Optional with every action (required for a false-positive verdict); alone with <see cref="RemediationAction.Comment"/>.</param>
public sealed record RemediationCommand(IReadOnlyList<long> FindingIds, RemediationAction Action, string? Assignee = null, string? Comment = null);

public sealed record RemediationResult(int Changed, int Unchanged);

public sealed record FindingHistoryEntry(DateTimeOffset At, string Kind, string? Actor, string? Detail);

public sealed record FindingCommentRow(long Id, DateTimeOffset At, string Author, string Text);

/// <summary>
/// Status changes, assignment, verdicts and comments on findings, one or many at a time. Every check runs here, on the
/// server: the caller's role, and the data scope of the context (an app team's context cannot even load another team's
/// finding). A command changes all its findings or none; each changed finding gets a history event and an audit event
/// in the same transaction.
/// </summary>
public sealed class RemediationService(IDbContextFactory<K8PostureDbContext> contexts, AuditLog audit, LandscapeChangeNotifier notifier, TimeProvider clock)
{
    public const int MaxBulk = 500;
    public const int MaxCommentLength = FindingCommentConfiguration.TextMaxLength;
    public const int MaxAssigneeLength = FindingConfiguration.AssigneeMaxLength;

    public async Task<RemediationResult> ApplyAsync(ClaimsPrincipal user, RemediationCommand command, CancellationToken cancellationToken)
    {
        if (!RemediationAccess.MayWork(user))
        {
            throw RemediationProblem.Forbidden("Only the owning app team or the Security Team update remediation; this role reads only.");
        }
        if (command.Action is RemediationAction.MarkFalsePositive or RemediationAction.ClearVerdict && !RemediationAccess.IsSecurityTeam(user))
        {
            throw RemediationProblem.Forbidden("False-positive verdicts are the Security Team's (Security.Admin or Security.Analyst); an app team asks for a risk acceptance or comments instead.");
        }
        var ids = (command.FindingIds ?? []).Distinct().ToList();
        if (ids.Count == 0 || ids.Count > MaxBulk)
        {
            throw RemediationProblem.Invalid($"findingIds: give between 1 and {MaxBulk} finding ids (got {ids.Count}).");
        }
        var comment = string.IsNullOrWhiteSpace(command.Comment) ? null : command.Comment.Trim();
        if (comment is { Length: > MaxCommentLength })
        {
            throw RemediationProblem.Invalid($"comment: at most {MaxCommentLength} characters (got {comment.Length}).");
        }
        if (command.Action is RemediationAction.Comment or RemediationAction.MarkFalsePositive && comment is null)
        {
            throw RemediationProblem.Invalid(command.Action == RemediationAction.Comment ? "comment: the comment is empty." : "comment: say why it is a false positive.");
        }
        var assignee = string.IsNullOrWhiteSpace(command.Assignee) ? null : command.Assignee.Trim();
        if (assignee is { Length: > MaxAssigneeLength })
        {
            throw RemediationProblem.Invalid($"assignee: at most {MaxAssigneeLength} characters.");
        }

        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        db.Scope.EnsureActsFor(user);
        // The context's query filter is the caller's scope: another team's finding is simply not there.
        var findings = await db.Findings.Where(f => ids.Contains(f.Id)).ToListAsync(cancellationToken);
        var missing = ids.Except(findings.Select(f => f.Id)).ToList();
        if (missing.Count > 0)
        {
            throw RemediationProblem.NotFound($"Finding(s) {string.Join(", ", missing.Take(20))} do not exist or are not your team's; nothing was changed.");
        }
        var notMine = findings.Where(f => !RemediationAccess.MayWorkOn(user, f.OwnerTeamId)).Select(f => f.Id).ToList();
        if (notMine.Count > 0)
        {
            throw RemediationProblem.Forbidden($"Finding(s) {string.Join(", ", notMine.Take(20))} belong to another team; nothing was changed.");
        }
        if (command.Action is RemediationAction.StartProgress or RemediationAction.MarkResolved)
        {
            var closed = findings.Where(f => f.Status == FindingStatus.Closed).Select(f => f.Id).ToList();
            if (closed.Count > 0)
            {
                throw RemediationProblem.Conflict($"Finding(s) {string.Join(", ", closed.Take(20))} are already closed by a scan; nothing was changed.");
            }
        }

        var changed = Record(db, findings, command.Action, assignee, comment, db.Scope.Actor);
        await db.SaveChangesAsync(cancellationToken);
        if (changed > 0)
        {
            notifier.NotifyFindingsChanged();
        }
        return new RemediationResult(changed, findings.Count - changed);
    }

    /// <summary>
    /// The one status-change path: applies <paramref name="action"/> to loaded findings of <paramref name="db"/>, adding each
    /// changed finding's history event, comment and audit event to the same unit of work; the caller saves. Used by
    /// <see cref="ApplyAsync"/> after its checks, and by ticket sync with the remote person as <paramref name="actor"/>.
    /// </summary>
    public int Record(K8PostureDbContext db, IReadOnlyList<Finding> findings, RemediationAction action, string? assignee, string? comment, string actor)
    {
        var now = clock.GetUtcNow();
        int changed = 0;
        foreach (var finding in findings)
        {
            var before = Snapshot(finding);
            var kind = Apply(finding, action, assignee);
            if (kind is null && comment is null)
            {
                continue;
            }
            var after = Snapshot(finding);
            if (kind is { } k)
            {
                db.FindingEvents.Add(new FindingEvent { FindingId = finding.Id, Kind = k, At = now, Actor = Clip(actor, FindingEventConfiguration.ActorMaxLength), Detail = Clip(Describe(before, after) + (comment is null ? "" : " — " + comment), FindingEventConfiguration.DetailMaxLength) });
            }
            if (comment is not null)
            {
                db.FindingComments.Add(new FindingComment { FindingId = finding.Id, At = now, Author = Clip(actor, FindingCommentConfiguration.AuthorMaxLength), Text = Clip(comment, MaxCommentLength) });
                if (kind is null)
                {
                    db.FindingEvents.Add(new FindingEvent { FindingId = finding.Id, Kind = FindingEventKind.Commented, At = now, Actor = Clip(actor, FindingEventConfiguration.ActorMaxLength), Detail = Clip(comment, FindingEventConfiguration.DetailMaxLength) });
                }
            }
            audit.Record(db, "remediation." + ActionName(action), nameof(Finding), finding.Id.ToString(CultureInfo.InvariantCulture),
                before, comment is null ? after : new { after.Workflow, after.Resolution, after.Assignee, comment });
            changed++;
        }
        return changed;
    }

    /// <summary>Tells the open pages that findings changed (after the caller of <see cref="Record"/> saved).</summary>
    public void NotifyChanged() => notifier.NotifyFindingsChanged();

    public async Task<IReadOnlyList<FindingHistoryEntry>> HistoryAsync(long findingId, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var events = await db.FindingEvents.AsNoTracking().Where(e => e.FindingId == findingId)
            .Select(e => new { e.At, e.Kind, e.Actor, e.Detail }).ToListAsync(cancellationToken);
        return events.Select(e => new FindingHistoryEntry(e.At, e.Kind.ToString(), e.Actor, e.Detail)).OrderByDescending(e => e.At).ToList();
    }

    public async Task<IReadOnlyList<FindingCommentRow>> CommentsAsync(long findingId, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var rows = await db.FindingComments.AsNoTracking().Where(c => c.FindingId == findingId)
            .Select(c => new FindingCommentRow(c.Id, c.At, c.Author, c.Text)).ToListAsync(cancellationToken);
        return rows.OrderByDescending(c => c.At).ToList();
    }

    private sealed record State(FindingWorkflow Workflow, FindingResolution Resolution, string? Assignee);

    private static State Snapshot(Finding f) => new(f.Workflow, f.Resolution, f.Assignee);

    private static FindingEventKind? Apply(Finding finding, RemediationAction action, string? assignee)
    {
        switch (action)
        {
            case RemediationAction.Assign when finding.Assignee != assignee:
                finding.Assignee = assignee;
                return FindingEventKind.AssigneeChanged;
            case RemediationAction.StartProgress when finding.Workflow != FindingWorkflow.InProgress:
                finding.Workflow = FindingWorkflow.InProgress;
                return FindingEventKind.WorkflowChanged;
            case RemediationAction.MarkResolved when finding.Workflow != FindingWorkflow.Resolved:
                finding.Workflow = FindingWorkflow.Resolved;
                return FindingEventKind.WorkflowChanged;
            case RemediationAction.Reopen when finding.Workflow != FindingWorkflow.Open:
                finding.Workflow = FindingWorkflow.Open;
                return FindingEventKind.WorkflowChanged;
            case RemediationAction.MarkFalsePositive when finding.Resolution != FindingResolution.FalsePositive:
                finding.Resolution = FindingResolution.FalsePositive;
                return FindingEventKind.ResolutionChanged;
            case RemediationAction.ClearVerdict when finding.Resolution != FindingResolution.None:
                finding.Resolution = FindingResolution.None;
                return FindingEventKind.ResolutionChanged;
            default:
                return null;
        }
    }

    private static string Describe(State before, State after)
    {
        var parts = new List<string>();
        if (before.Workflow != after.Workflow)
        {
            parts.Add($"{before.Workflow} → {after.Workflow}");
        }
        if (before.Resolution != after.Resolution)
        {
            parts.Add($"verdict {before.Resolution} → {after.Resolution}");
        }
        if (before.Assignee != after.Assignee)
        {
            parts.Add(after.Assignee is null ? $"unassigned (was {before.Assignee})" : $"assigned to {after.Assignee}");
        }
        return string.Join("; ", parts);
    }

    private static string ActionName(RemediationAction action) => action switch
    {
        RemediationAction.Assign => "assign",
        RemediationAction.StartProgress => "in-progress",
        RemediationAction.MarkResolved => "resolved",
        RemediationAction.Reopen => "reopen",
        RemediationAction.MarkFalsePositive => "false-positive",
        RemediationAction.ClearVerdict => "clear-verdict",
        _ => "comment",
    };
}
