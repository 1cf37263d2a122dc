using K8Posture.Shared.Http;
using System.Globalization;
using System.Linq.Expressions;
using System.Security.Claims;
using K8Posture.Data;
using K8Posture.Data.EntityConfigurations;
using K8Posture.Security;
using K8Posture.Shared;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace K8Posture.Features.Remediation;

/// <param name="FindingId">One finding; or null and <paramref name="RuleId"/> with a scope.</param>
/// <param name="Cluster">Cluster name (rule scope).</param>
/// <param name="TeamId">The team whose findings a rule-scope acceptance covers; an app-team member's own team by default.</param>
public sealed record RiskAcceptanceRequest(
    long? FindingId,
    string? RuleId,
    string? Cluster,
    string? Namespace,
    string? ImageRepository,
    int? TeamId,
    string? Reason,
    DateTimeOffset ExpiresAt);

public sealed record RiskAcceptanceRow(
    long Id,
    long? FindingId,
    string? FindingTitle,
    string? RuleId,
    string? ClusterName,
    string? NamespaceName,
    string? ImageRepository,
    int? TeamId,
    string? TeamName,
    FindingSeverity Severity,
    string Reason,
    RiskAcceptanceStatus Status,
    DateTimeOffset RequestedAt,
    string RequestedBy,
    DateTimeOffset ExpiresAt,
    DateTimeOffset? DecidedAt,
    string? DecidedBy,
    string? DecisionComment,
    int CoveredFindings,
    string? RevokedBy = null,
    string? RevocationReason = null)
{
    public string ScopeText => FindingId is not null
        ? $"Finding #{FindingId}"
        : $"{RuleId} in {string.Join(", ", new[] { ClusterName is null ? null : "cluster " + ClusterName, NamespaceName is null ? null : "namespace " + NamespaceName, ImageRepository is null ? null : "image " + ImageRepository, TeamName is null ? "all teams" : "team " + TeamName }.Where(p => p is not null))}";
}

/// <summary>
/// Risk acceptance: request, four-eyes decision, coverage and expiry. Requests come from the owning app team or the Security
/// Team; decisions only from the Security Team and never from the requester (checked here, so the API and the page share it).
/// Approval marks the covered findings RiskAccepted and records which; rule-scope acceptances also cover matching findings
/// that appear later (<see cref="ApplyRuleScopesAsync"/>, run after every push and daily); expiry reopens what was covered.
/// </summary>
public sealed class RiskAcceptanceService(
    IDbContextFactory<K8PostureDbContext> contexts,
    AuditLog audit,
    LandscapeChangeNotifier notifier,
    IOptions<RemediationOptions> options,
    TimeProvider clock)
{
    public const int MinReasonLength = 10;
    public const int MaxReasonLength = RiskAcceptanceConfiguration.ReasonMaxLength;
    
    public async Task<long> RequestAsync(ClaimsPrincipal user, RiskAcceptanceRequest request, CancellationToken cancellationToken)
    {
        if (!RemediationAccess.MayWork(user))
        {
            throw RemediationProblem.Forbidden("Only the owning app team or the Security Team request a risk acceptance; this role reads only.");
        }
        var errors = new List<string>();
        var reason = request.Reason?.Trim() ?? "";
        if (reason.Length < MinReasonLength || reason.Length > MaxReasonLength)
        {
            errors.Add($"reason: between {MinReasonLength} and {MaxReasonLength} characters saying why the risk is acceptable and what mitigates it (got {reason.Length})");
        }
        var now = clock.GetUtcNow();
        if (request.ExpiresAt <= now)
        {
            errors.Add("expiresAt: must be in the future");
        }
        if (request.FindingId is null && string.IsNullOrWhiteSpace(request.RuleId))
        {
            errors.Add("give findingId, or ruleId (a rule or vulnerability id) with its scope");
        }
        if (request.FindingId is not null && (request.RuleId ?? request.Cluster ?? request.Namespace ?? request.ImageRepository) is not null)
        {
            errors.Add("give either findingId or a rule scope (ruleId, cluster, namespace, imageRepository), not both");
        }
        CheckLength(errors, "ruleId", request.RuleId, 200);
        CheckLength(errors, "namespace", request.Namespace, 253);
        CheckLength(errors, "imageRepository", request.ImageRepository, 500);
        ThrowIfAny(errors);

        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        db.Scope.EnsureActsFor(user);
        var acceptance = new RiskAcceptance
        {
            Reason = reason,
            Status = RiskAcceptanceStatus.Pending,
            RequestedAt = now,
            RequestedBy = user.ActorName(),
            RequestedBySubject = RemediationAccess.Subject(user),
            ExpiresAt = request.ExpiresAt.ToUniversalTime(),
        };
        if (request.FindingId is { } findingId)
        {
            var finding = await db.Findings.AsNoTracking().Where(f => f.Id == findingId)
                .Select(f => new { f.Id, f.OwnerTeamId, f.Severity, f.Resolution }).FirstOrDefaultAsync(cancellationToken)
                ?? throw RemediationProblem.NotFound($"findingId: finding {findingId} does not exist or is not your team's.");
            if (!RemediationAccess.MayWorkOn(user, finding.OwnerTeamId))
            {
                throw RemediationProblem.Forbidden($"Finding {findingId} belongs to another team.");
            }
            if (finding.Resolution != FindingResolution.None)
            {
                throw RemediationProblem.Conflict($"Finding {findingId} already has the verdict {finding.Resolution}.");
            }
            if (await db.RiskAcceptances.AnyAsync(r => r.FindingId == findingId && r.Status == RiskAcceptanceStatus.Pending, cancellationToken))
            {
                throw RemediationProblem.Conflict($"A risk acceptance for finding {findingId} is already waiting for a decision.");
            }
            acceptance.FindingId = finding.Id;
            acceptance.OwnerTeamId = finding.OwnerTeamId;
            acceptance.Severity = finding.Severity;
        }
        else
        {
            acceptance.RuleId = request.RuleId!.Trim();
            acceptance.NamespaceName = Blank(request.Namespace);
            acceptance.ImageRepository = Blank(request.ImageRepository);
            if (Blank(request.Cluster) is { } clusterName)
            {
                acceptance.ClusterId = await db.Clusters.IgnoreQueryFilters([K8PostureDbContext.ClusterVisibilityFilter]).Where(c => c.Name == clusterName)
                    .Select(c => (int?)c.Id).FirstOrDefaultAsync(cancellationToken)
                    ?? throw RemediationProblem.Invalid($"cluster: no cluster is named '{clusterName}'.");
            }
            var myTeams = user.TeamIds();
            if (RemediationAccess.IsSecurityTeam(user))
            {
                acceptance.OwnerTeamId = request.TeamId;
            }
            else if (request.TeamId is { } team)
            {
                acceptance.OwnerTeamId = myTeams.Contains(team) ? team : throw RemediationProblem.Forbidden($"teamId: you are not a member of team {team}.");
            }
            else
            {
                acceptance.OwnerTeamId = myTeams.Count == 1 ? myTeams[0] : throw RemediationProblem.Invalid("teamId: you belong to several teams; say which team's findings this covers.");
            }
            if (acceptance.OwnerTeamId is { } ownerTeam && !await db.Teams.AnyAsync(t => t.Id == ownerTeam, cancellationToken))
            {
                throw RemediationProblem.Invalid($"teamId: team {ownerTeam} does not exist.");
            }
            var worst = await db.Findings.AsNoTracking().Where(Covers(acceptance)).Where(f => f.Status == FindingStatus.Open)
                .Select(f => (FindingSeverity?)f.Severity).MaxAsync(cancellationToken);
            // Nothing matches yet: hold it to the strictest limit, since whatever appears later may be critical.
            acceptance.Severity = worst ?? FindingSeverity.Critical;
        }
        var maxDays = options.Value.MaxDaysFor(acceptance.Severity);
        if (acceptance.ExpiresAt > now.AddDays(maxDays))
        {
            throw RemediationProblem.Invalid($"expiresAt: a {acceptance.Severity} risk may be accepted for at most {maxDays} days (until {now.AddDays(maxDays):yyyy-MM-dd}).");
        }
        // The audit event names the new id, so the row and its audit commit together in one transaction.
        var strategy = db.Database.CreateExecutionStrategy();
        await strategy.ExecuteAsync(async ct =>
        {
            db.ChangeTracker.Clear();
            acceptance.Id = 0;
            await using var transaction = await db.Database.BeginTransactionAsync(ct);
            db.RiskAcceptances.Add(acceptance);
            await db.SaveChangesAsync(ct);
            audit.Record(db, "risk-acceptance.request", nameof(RiskAcceptance), acceptance.Id.ToString(CultureInfo.InvariantCulture), after: Describe(acceptance));
            await db.SaveChangesAsync(ct);
            await transaction.CommitAsync(ct);
        }, cancellationToken);
        notifier.NotifyFindingsChanged();
        return acceptance.Id;
    }

    /// <summary>
    /// Pending requests asked for outside the portal (a ticket moved to a won't-fix status), in the caller's context and save:
    /// one per finding that has no verdict and no request already waiting, under the same rules as <see cref="RequestAsync"/>
    /// (a reason, the longest expiry the finding's severity allows, four eyes: <paramref name="requestedBySubject"/> is no
    /// portal user, so any Security Team member may decide). Returns the requests added, ids assigned and audited.
    /// </summary>
    public async Task<IReadOnlyList<RiskAcceptance>> RequestForFindingsAsync(K8PostureDbContext db, IReadOnlyList<Finding> findings, string reason, string requestedBy,
        string requestedBySubject, CancellationToken cancellationToken)
    {
        reason = ColumnLengths.Clip(reason.Trim(), MaxReasonLength)!;
        if (reason.Length < MinReasonLength)
        {
            throw new ArgumentException($"A risk acceptance reason has at least {MinReasonLength} characters.", nameof(reason));
        }
        var ids = findings.Where(f => f.Resolution == FindingResolution.None).Select(f => f.Id).ToList();
        var waiting = await db.RiskAcceptances.Where(r => r.FindingId != null && ids.Contains(r.FindingId.Value) && r.Status == RiskAcceptanceStatus.Pending)
            .Select(r => r.FindingId!.Value).ToListAsync(cancellationToken);
        var now = clock.GetUtcNow();
        var added = findings.Where(f => ids.Contains(f.Id) && !waiting.Contains(f.Id)).Select(f => new RiskAcceptance
        {
            FindingId = f.Id,
            OwnerTeamId = f.OwnerTeamId,
            Severity = f.Severity,
            Reason = reason,
            Status = RiskAcceptanceStatus.Pending,
            RequestedAt = now,
            RequestedBy = ColumnLengths.Clip(requestedBy, RiskAcceptanceConfiguration.RequestedByMaxLength)!,
            RequestedBySubject = ColumnLengths.Clip(requestedBySubject, RiskAcceptanceConfiguration.RequestedBySubjectMaxLength)!,
            ExpiresAt = now.AddDays(options.Value.MaxDaysFor(f.Severity)),
        }).ToList();
        if (added.Count == 0)
        {
            return added;
        }
        db.RiskAcceptances.AddRange(added);
        // The audit event names the new id.
        await db.SaveChangesAsync(cancellationToken);
        foreach (var acceptance in added)
        {
            audit.Record(db, "risk-acceptance.request", nameof(RiskAcceptance), acceptance.Id.ToString(CultureInfo.InvariantCulture), after: Describe(acceptance));
        }
        notifier.NotifyFindingsChanged();
        return added;
    }

    /// <summary>
    /// Withdraws the still-pending requests asked for by <paramref name="requestedBySubject"/> (a reopened ticket), as a requester
    /// withdraws their own in <see cref="RevokeAsync"/>: status Revoked, audited; nothing was covered, so nothing reopens. The caller saves.
    /// </summary>
    public async Task<IReadOnlyList<RiskAcceptance>> WithdrawPendingAsync(K8PostureDbContext db, string requestedBySubject, string withdrawnBy, string reason, CancellationToken cancellationToken)
    {
        var pending = await db.RiskAcceptances.Where(r => r.RequestedBySubject == requestedBySubject && r.Status == RiskAcceptanceStatus.Pending).ToListAsync(cancellationToken);
        var now = clock.GetUtcNow();
        foreach (var acceptance in pending)
        {
            acceptance.Status = RiskAcceptanceStatus.Revoked;
            acceptance.RevokedAt = now;
            acceptance.RevokedBy = ColumnLengths.Clip(withdrawnBy, RiskAcceptanceConfiguration.RevokedByMaxLength);
            acceptance.RevocationReason = ColumnLengths.Clip(reason, RiskAcceptanceConfiguration.RevocationReasonMaxLength);
            audit.Record(db, "risk-acceptance.revoke", nameof(RiskAcceptance), acceptance.Id.ToString(CultureInfo.InvariantCulture),
                new { Status = RiskAcceptanceStatus.Pending, acceptance.ExpiresAt }, new { acceptance.Status, acceptance.RevokedBy, acceptance.RevocationReason, reopenedFindings = Array.Empty<long>() });
        }
        if (pending.Count > 0)
        {
            notifier.NotifyFindingsChanged();
        }
        return pending;
    }

    /// <summary>Approve or reject a pending request: Security Team only, and never the person who asked.</summary>
    public async Task<RiskAcceptanceStatus> DecideAsync(ClaimsPrincipal user, long id, bool approve, string? comment, CancellationToken cancellationToken)
    {
        if (!RemediationAccess.IsSecurityTeam(user))
        {
            throw RemediationProblem.Forbidden("Only the Security Team (Security.Admin or Security.Analyst) decides risk acceptances.");
        }
        comment = string.IsNullOrWhiteSpace(comment) ? null : comment.Trim();
        if (comment is { Length: > MaxReasonLength })
        {
            throw RemediationProblem.Invalid($"comment: at most {MaxReasonLength} characters.");
        }
        if (!approve && comment is null)
        {
            throw RemediationProblem.Invalid("comment: say why the request is rejected, so the team can act on it.");
        }
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        db.Scope.EnsureActsFor(user);
        var strategy = db.Database.CreateExecutionStrategy();
        var decided = await strategy.ExecuteAsync(async ct =>
        {
            db.ChangeTracker.Clear();
            await using var transaction = await db.Database.BeginTransactionAsync(ct);
            var acceptance = await db.RiskAcceptances.FirstOrDefaultAsync(r => r.Id == id, ct)
                ?? throw RemediationProblem.NotFound($"Risk acceptance {id} does not exist.");
            if (RemediationAccess.IsSamePerson(user, acceptance.RequestedBySubject, acceptance.RequestedBy))
            {
                throw RemediationProblem.Forbidden($"Four eyes: {acceptance.RequestedBy} requested risk acceptance {id} and cannot also decide it; another member of the Security Team must.");
            }
            if (acceptance.Status != RiskAcceptanceStatus.Pending)
            {
                throw RemediationProblem.Conflict($"Risk acceptance {id} is already {acceptance.Status}.");
            }
            var now = clock.GetUtcNow();
            if (approve && acceptance.ExpiresAt <= now)
            {
                throw RemediationProblem.Conflict($"Risk acceptance {id} expired on {acceptance.ExpiresAt:yyyy-MM-dd} before it was decided; ask for a new one.");
            }
            var before = Describe(acceptance);
            acceptance.Status = approve ? RiskAcceptanceStatus.Approved : RiskAcceptanceStatus.Rejected;
            acceptance.DecidedAt = now;
            acceptance.DecidedBy = user.ActorName();
            acceptance.DecidedBySubject = RemediationAccess.Subject(user);
            acceptance.DecisionComment = comment;
            var covered = 0;
            if (approve)
            {
                covered = await CoverAsync(db, acceptance, now, ct);
            }
            audit.Record(db, approve ? "risk-acceptance.approve" : "risk-acceptance.reject", nameof(RiskAcceptance), id.ToString(CultureInfo.InvariantCulture),
                before, new { acceptance.Status, acceptance.DecidedBy, acceptance.DecisionComment, coveredFindings = covered });
            await db.SaveChangesAsync(ct);
            await transaction.CommitAsync(ct);
            return acceptance.Status;
        }, cancellationToken);
        notifier.NotifyFindingsChanged();
        return decided;
    }

    /// <summary>Covers new matches of approved rule-scope acceptances (findings pushed since approval). Idempotent.</summary>
    public async Task<int> ApplyRuleScopesAsync(CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var now = clock.GetUtcNow();
        var active = await db.RiskAcceptances.Where(r => r.Status == RiskAcceptanceStatus.Approved && r.FindingId == null && r.ExpiresAt > now)
            .ToListAsync(cancellationToken);
        var total = 0;
        foreach (var acceptance in active)
        {
            total += await CoverAsync(db, acceptance, now, cancellationToken);
        }
        if (total > 0)
        {
            await db.SaveChangesAsync(cancellationToken);
            notifier.NotifyFindingsChanged();
        }
        return total;
    }

    /// <summary>
    /// Expires every approved (or still pending) acceptance whose time is up. Findings it covered that still carry
    /// RiskAccepted, and that no other acceptance in force covers, go back to no verdict: open, with history and audit.
    /// </summary>
    public async Task<(int Expired, int Reopened)> ExpireDueAsync(CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var now = clock.GetUtcNow();
        var due = await db.RiskAcceptances.Where(r => (r.Status == RiskAcceptanceStatus.Approved || r.Status == RiskAcceptanceStatus.Pending) && r.ExpiresAt <= now)
            .ToListAsync(cancellationToken);
        int reopenedTotal = 0;
        foreach (var acceptance in due)
        {
            var wasApproved = acceptance.Status == RiskAcceptanceStatus.Approved;
            acceptance.Status = RiskAcceptanceStatus.Expired;
            acceptance.ExpiredAt = now;
            var reopened = wasApproved
                ? await ReopenCoveredAsync(db, acceptance, now, $"risk acceptance #{acceptance.Id} expired on {acceptance.ExpiresAt:yyyy-MM-dd}", cancellationToken)
                : [];
            audit.Record(db, "risk-acceptance.expire", nameof(RiskAcceptance), acceptance.Id.ToString(CultureInfo.InvariantCulture),
                new { Status = wasApproved ? RiskAcceptanceStatus.Approved : RiskAcceptanceStatus.Pending, acceptance.ExpiresAt },
                new { acceptance.Status, reopenedFindings = reopened });
            reopenedTotal += reopened.Count;
        }
        await db.SaveChangesAsync(cancellationToken);
        if (due.Count > 0)
        {
            notifier.NotifyFindingsChanged();
        }
        return (due.Count, reopenedTotal);
    }

    /// <summary>
    /// Ends an acceptance before its expiry: the Security Team revokes a pending or approved one (the threat changed), and a
    /// requester may withdraw their own pending request. What it covered reopens, as on expiry. A reason is required.
    /// </summary>
    public async Task<(RiskAcceptanceStatus Status, int Reopened)> RevokeAsync(ClaimsPrincipal user, long id, string? reason, CancellationToken cancellationToken)
    {
        reason = Blank(reason);
        if (reason is null || reason.Length < MinReasonLength || reason.Length > MaxReasonLength)
        {
            throw RemediationProblem.Invalid($"reason: say why it ends, in {MinReasonLength} to {MaxReasonLength} characters.");
        }
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        db.Scope.EnsureActsFor(user);
        var strategy = db.Database.CreateExecutionStrategy();
        var reopened = await strategy.ExecuteAsync(async ct =>
        {
            db.ChangeTracker.Clear();
            await using var transaction = await db.Database.BeginTransactionAsync(ct);
            var acceptance = await db.RiskAcceptances.FirstOrDefaultAsync(r => r.Id == id, ct)
                ?? throw RemediationProblem.NotFound($"Risk acceptance {id} does not exist.");
            var ownPending = acceptance.Status == RiskAcceptanceStatus.Pending && RemediationAccess.IsSamePerson(user, acceptance.RequestedBySubject, acceptance.RequestedBy);
            if (!RemediationAccess.IsSecurityTeam(user) && !ownPending)
            {
                throw RemediationProblem.Forbidden("Only the Security Team revokes a risk acceptance; a requester may withdraw only their own pending request.");
            }
            if (acceptance.Status is not (RiskAcceptanceStatus.Pending or RiskAcceptanceStatus.Approved))
            {
                throw RemediationProblem.Conflict($"Risk acceptance {id} is already {acceptance.Status}.");
            }
            var now = clock.GetUtcNow();
            var before = new { acceptance.Status, acceptance.ExpiresAt };
            var wasApproved = acceptance.Status == RiskAcceptanceStatus.Approved;
            acceptance.Status = RiskAcceptanceStatus.Revoked;
            acceptance.RevokedAt = now;
            acceptance.RevokedBy = user.ActorName();
            acceptance.RevocationReason = reason;
            var reopened = wasApproved
                ? await ReopenCoveredAsync(db, acceptance, now, $"risk acceptance #{acceptance.Id} was revoked by {acceptance.RevokedBy}: {reason}", ct)
                : [];
            audit.Record(db, "risk-acceptance.revoke", nameof(RiskAcceptance), id.ToString(CultureInfo.InvariantCulture),
                before, new { acceptance.Status, acceptance.RevokedBy, acceptance.RevocationReason, reopenedFindings = reopened });
            await db.SaveChangesAsync(ct);
            await transaction.CommitAsync(ct);
            return reopened.Count;
        }, cancellationToken);
        notifier.NotifyFindingsChanged();
        return (RiskAcceptanceStatus.Revoked, reopened);
    }

    /// <summary>
    /// The findings an ending acceptance covered that still carry RiskAccepted, and that no other acceptance in force covers,
    /// go back to no verdict (open), each with a history row saying why; the caller saves.
    /// </summary>
    private static async Task<List<long>> ReopenCoveredAsync(K8PostureDbContext db, RiskAcceptance acceptance, DateTimeOffset now, string why, CancellationToken cancellationToken)
    {
        var coveredIds = await db.RiskAcceptanceCoverage.Where(c => c.RiskAcceptanceId == acceptance.Id).Select(c => c.FindingId).ToListAsync(cancellationToken);
        var stillCovered = await db.RiskAcceptanceCoverage
            .Where(c => coveredIds.Contains(c.FindingId) && c.RiskAcceptanceId != acceptance.Id
                && c.RiskAcceptance!.Status == RiskAcceptanceStatus.Approved && c.RiskAcceptance.ExpiresAt > now)
            .Select(c => c.FindingId).Distinct().ToListAsync(cancellationToken);
        var findings = await db.Findings.Where(f => coveredIds.Contains(f.Id) && !stillCovered.Contains(f.Id) && f.Resolution == FindingResolution.RiskAccepted)
            .ToListAsync(cancellationToken);
        var detail = $"RiskAccepted → None: {why}; the finding is open again.";
        detail = ColumnLengths.Clip(detail, FindingEventConfiguration.DetailMaxLength);
        foreach (var finding in findings)
        {
            finding.Resolution = FindingResolution.None;
            db.FindingEvents.Add(new FindingEvent
            {
                FindingId = finding.Id,
                Kind = FindingEventKind.ResolutionChanged,
                At = now,
                Actor = db.Scope.Actor,
                Detail = detail,
            });
        }
        return findings.Select(f => f.Id).ToList();
    }

    public async Task<IReadOnlyList<RiskAcceptanceRow>> ListAsync(RiskAcceptanceStatus? status, CancellationToken cancellationToken, int take = 500)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var query = db.RiskAcceptances.AsNoTracking();
        if (status is { } s)
        {
            query = query.Where(r => r.Status == s);
        }
        return await Project(db, query.OrderByDescending(r => r.RequestedAt).Take(take)).ToListAsync(cancellationToken);
    }

    public static IQueryable<RiskAcceptanceRow> Project(K8PostureDbContext db, IQueryable<RiskAcceptance> query) =>
        query.Select(r => new RiskAcceptanceRow(
            r.Id, r.FindingId, r.Finding != null ? r.Finding.Title : null, r.RuleId,
            db.Clusters.IgnoreQueryFilters(new[] { K8PostureDbContext.ClusterVisibilityFilter }).Where(c => c.Id == r.ClusterId).Select(c => c.Name).FirstOrDefault(),
            r.NamespaceName, r.ImageRepository, r.OwnerTeamId, r.OwnerTeam != null ? r.OwnerTeam.Name : null, r.Severity, r.Reason, r.Status,
            r.RequestedAt, r.RequestedBy, r.ExpiresAt, r.DecidedAt, r.DecidedBy, r.DecisionComment, r.Coverage.Count, r.RevokedBy, r.RevocationReason));

    /// <summary>Sets RiskAccepted on the open, verdict-free findings the acceptance matches and records them; the caller saves.</summary>
    private static async Task<int> CoverAsync(K8PostureDbContext db, RiskAcceptance acceptance, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var findings = await db.Findings.Where(Covers(acceptance))
            .Where(f => f.Status == FindingStatus.Open && f.Resolution == FindingResolution.None)
            // Oldest first, so a run past the cap covers a definite set and the next coverage run continues after it.
            .OrderBy(f => f.Id)
            .Take(50_000)
            .ToListAsync(cancellationToken);
        foreach (var finding in findings)
        {
            finding.Resolution = FindingResolution.RiskAccepted;
            db.RiskAcceptanceCoverage.Add(new RiskAcceptanceCoverage { RiskAcceptanceId = acceptance.Id, FindingId = finding.Id, CoveredAt = now });
            db.FindingEvents.Add(new FindingEvent
            {
                FindingId = finding.Id,
                Kind = FindingEventKind.ResolutionChanged,
                At = now,
                Actor = acceptance.DecidedBy,
                Detail = $"None → RiskAccepted: risk acceptance #{acceptance.Id} (requested by {acceptance.RequestedBy}, approved by {acceptance.DecidedBy}) until {acceptance.ExpiresAt:yyyy-MM-dd}.",
            });
        }
        return findings.Count;
    }

    /// <summary>The findings an acceptance speaks for: its one finding, or its rule/vulnerability id within every scope field it sets.</summary>
    public static Expression<Func<Finding, bool>> Covers(RiskAcceptance a)
    {
        if (a.FindingId is { } id)
        {
            return f => f.Id == id;
        }
        var rule = a.RuleId;
        var cluster = a.ClusterId;
        var ns = a.NamespaceName;
        var image = a.ImageRepository;
        var team = a.OwnerTeamId;
        return f => (f.RuleId == rule || f.VulnerabilityId == rule)
            && (cluster == null || f.ClusterId == cluster)
            && (ns == null || f.NamespaceName == ns)
            && (image == null || f.ImageRepository == image)
            && (team == null || f.OwnerTeamId == team);
    }

    private static object Describe(RiskAcceptance a) => new
    {
        a.FindingId, a.RuleId, a.ClusterId, a.NamespaceName, a.ImageRepository, a.OwnerTeamId, a.Severity, a.Reason, a.Status, a.RequestedBy, a.ExpiresAt,
    };

    private static string? Blank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();

    private static void CheckLength(List<string> errors, string field, string? value, int max)
    {
        if (value is { } v && v.Trim().Length > max)
        {
            errors.Add($"{field}: at most {max} characters");
        }
    }

    private static void ThrowIfAny(List<string> errors)
    {
        if (errors.Count > 0)
        {
            throw RemediationProblem.Invalid("Nothing was saved: " + string.Join("; ", errors) + ".");
        }
    }
}
