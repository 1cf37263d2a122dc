using K8Posture.Shared.Http;
using System.Globalization;
using System.Security.Claims;
using K8Posture.Data;
using K8Posture.Shared;
using K8Posture.Security;
using Microsoft.AspNetCore.Authorization;
using Microsoft.EntityFrameworkCore;

namespace K8Posture.Features.Tenancy;

public sealed record AssessmentSummary(
    int Id, string Application, int? OwnerTeamId, string? OwnerTeam, AssessmentStatus Status, int Score, TenancyModel Recommendation,
    string CreatedBy, DateTimeOffset CreatedAt, string? SubmittedBy, DateTimeOffset? SubmittedAt, string? ReviewedBy, DateTimeOffset? ReviewedAt,
    string? ReviewComment, DateTimeOffset? ReassessDueAt, bool ReassessmentOverdue, IReadOnlyList<ClusterPlacement> RunsOn)
{
    /// <summary>The application runs on a cluster less isolated than this assessment recommends.</summary>
    public bool Mismatch => RunsOn.Any(p => p.IsWeakerThan(Recommendation));
}

public sealed record AssessmentDetail(AssessmentSummary Summary, TenancyAnswers Answers, TenancyResult Result, IReadOnlyList<AssessmentSummary> History);

/// <summary>An application a team can assess: from its namespaces, or one not deployed yet.</summary>
public sealed record AssessableApplication(string Application, int? TeamId, string? TeamName);

/// <summary>
/// What a caller may do with one assessment (or with a new one): the page shows the buttons these allow, and the service
/// enforces the same rules on every write.
/// </summary>
public sealed record AssessmentPermissions(bool MayCreate, bool MayWrite, bool MayDecide, bool IsAuthor);

/// <summary>
/// Tenancy-risk assessments. An app team drafts and submits assessments of its own applications; the Security Team
/// (admin or analyst) approves or rejects them — never the person who wrote or submitted it. Every check is here, on the
/// server; reads go through the team query filter. Every change is audited in the same SaveChanges.
/// </summary>
public sealed class TenancyService(
    IDbContextFactory<K8PostureDbContext> contexts,
    IAuthorizationService authorization,
    AuditLog audit,
    TimeProvider clock,
    TenancyChangeNotifier notifier,
    IServiceScopeFactory scopes,
    DataScope caller)
{
    public const int MaxCommentLength = TenancyAssessmentConfiguration.ReviewCommentMaxLength;
    public const int MaxApplicationLength = TenancyAssessmentConfiguration.ApplicationMaxLength;
    /// <summary>More than every option of a question, repeated: enough for any honest answer.</summary>
    public const int MaxAnswerListLength = 50;

    public async Task<IReadOnlyList<AssessmentSummary>> ListAsync(CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var rows = await db.TenancyAssessments.AsNoTracking().Include(a => a.OwnerTeam)
            .OrderBy(a => a.Application).ThenByDescending(a => a.CreatedAt)
            .ToListAsync(cancellationToken);
        return await SummariseAsync(db, rows, cancellationToken);
    }

    /// <summary>Null when it does not exist or belongs to a team the caller cannot see.</summary>
    public async Task<AssessmentDetail?> GetAsync(int id, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var assessment = await db.TenancyAssessments.AsNoTracking().Include(a => a.OwnerTeam).FirstOrDefaultAsync(a => a.Id == id, cancellationToken);
        if (assessment is null)
        {
            return null;
        }
        var history = await db.TenancyAssessments.AsNoTracking().Include(a => a.OwnerTeam)
            .Where(a => a.Application == assessment.Application && a.OwnerTeamId == assessment.OwnerTeamId)
            .OrderByDescending(a => a.CreatedAt)
            .ToListAsync(cancellationToken);
        var summaries = await SummariseAsync(db, history, cancellationToken);
        var answers = TenancyAnswers.FromJson(assessment.AnswersJson);
        return new AssessmentDetail(summaries.Single(s => s.Id == id), answers, TenancyScoring.Score(answers), summaries);
    }

    /// <summary>Applications the caller may assess: those of its teams' namespaces (Security: all).</summary>
    public async Task<IReadOnlyList<AssessableApplication>> ListApplicationsAsync(CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var rows = await db.Namespaces.AsNoTracking()
            .Where(n => n.Application != null && n.OwnerTeamId != null)
            .Select(n => new { n.Application, n.OwnerTeamId, Team = n.OwnerTeam!.Name })
            .Distinct()
            .ToListAsync(cancellationToken);
        return rows.OrderBy(r => r.Application, StringComparer.Ordinal)
            .Select(r => new AssessableApplication(r.Application!, r.OwnerTeamId, r.Team)).ToList();
    }

    public async Task<int> CreateDraftAsync(ClaimsPrincipal user, string? application, int? teamId, TenancyAnswers answers, CancellationToken cancellationToken)
    {
        var name = application?.Trim() ?? "";
        var errors = new List<string>();
        if (name.Length is 0 or > MaxApplicationLength)
        {
            errors.Add($"application is required and at most {MaxApplicationLength} characters");
        }
        if (teamId is null)
        {
            errors.Add("teamId (the owner team of the application) is required");
        }
        errors.AddRange(ValidateAnswers(answers));
        if (errors.Count > 0)
        {
            throw ProblemException.Invalid("Invalid assessment", errors);
        }
        await EnsureMayWriteAsync(user, teamId);

        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        db.Scope.EnsureActsFor(user);
        if (!await db.Teams.AnyAsync(t => t.Id == teamId, cancellationToken))
        {
            throw ProblemException.Invalid("Invalid assessment", [$"team {teamId} does not exist"]);
        }
        var result = TenancyScoring.Score(answers);
        var now = clock.GetUtcNow();
        var assessment = new TenancyAssessment
        {
            Application = name,
            OwnerTeamId = teamId,
            Status = AssessmentStatus.Draft,
            AnswersJson = answers.ToJson(),
            Score = result.Score,
            Recommendation = result.Recommendation,
            CreatedAt = now,
            CreatedBy = user.ActorName(),
            UpdatedAt = now,
        };
        // The audit event names the new id, so the row is written first — both in one transaction.
        var strategy = db.Database.CreateExecutionStrategy();
        await strategy.ExecuteAsync(async ct =>
        {
            db.ChangeTracker.Clear();
            await using var transaction = await db.Database.BeginTransactionAsync(ct);
            assessment.Id = 0;
            db.TenancyAssessments.Add(assessment);
            await db.SaveChangesAsync(ct);
            audit.Record(db, "tenancy.create", nameof(TenancyAssessment), Id(assessment), after: Snapshot(assessment, answers));
            await db.SaveChangesAsync(ct);
            await transaction.CommitAsync(ct);
        }, cancellationToken);
        notifier.NotifyChanged();
        return assessment.Id;
    }

    public async Task UpdateDraftAsync(ClaimsPrincipal user, int id, TenancyAnswers answers, CancellationToken cancellationToken)
    {
        var errors = ValidateAnswers(answers).ToList();
        if (errors.Count > 0)
        {
            throw ProblemException.Invalid("Invalid assessment", errors);
        }
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        db.Scope.EnsureActsFor(user);
        var assessment = await FindAsync(db, id, cancellationToken);
        await EnsureMayWriteAsync(user, assessment.OwnerTeamId);
        RequireStatus(assessment, AssessmentStatus.Draft, "edited");
        var before = Snapshot(assessment, TenancyAnswers.FromJson(assessment.AnswersJson));
        var result = TenancyScoring.Score(answers);
        assessment.AnswersJson = answers.ToJson();
        assessment.Score = result.Score;
        assessment.Recommendation = result.Recommendation;
        assessment.UpdatedAt = clock.GetUtcNow();
        audit.Record(db, "tenancy.update", nameof(TenancyAssessment), Id(assessment), before, Snapshot(assessment, answers));
        await db.SaveChangesAsync(cancellationToken);
        notifier.NotifyChanged();
    }

    public async Task SubmitAsync(ClaimsPrincipal user, int id, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        db.Scope.EnsureActsFor(user);
        var assessment = await FindAsync(db, id, cancellationToken);
        await EnsureMayWriteAsync(user, assessment.OwnerTeamId);
        RequireStatus(assessment, AssessmentStatus.Draft, "submitted");
        assessment.Status = AssessmentStatus.Submitted;
        assessment.SubmittedAt = clock.GetUtcNow();
        assessment.SubmittedBy = user.ActorName();
        assessment.UpdatedAt = assessment.SubmittedAt.Value;
        audit.Record(db, "tenancy.submit", nameof(TenancyAssessment), Id(assessment),
            new { status = AssessmentStatus.Draft }, new { status = assessment.Status, assessment.Score, assessment.Recommendation });
        await db.SaveChangesAsync(cancellationToken);
        notifier.NotifyChanged();
    }

    /// <summary>Four-eyes: a Security admin or analyst other than the assessment's author and submitter.</summary>
    public async Task ApproveAsync(ClaimsPrincipal user, int id, string? comment, CancellationToken cancellationToken) =>
        await DecideAsync(user, id, approve: true, comment, cancellationToken);

    public async Task RejectAsync(ClaimsPrincipal user, int id, string? comment, CancellationToken cancellationToken) =>
        await DecideAsync(user, id, approve: false, comment, cancellationToken);

    private async Task DecideAsync(ClaimsPrincipal user, int id, bool approve, string? comment, CancellationToken cancellationToken)
    {
        if (!await IsSecurityTeamAsync(user))
        {
            throw ProblemException.Forbidden("Only the Security Team (Security.Admin or Security.Analyst) approves or rejects tenancy assessments.");
        }
        var trimmed = comment?.Trim();
        if (trimmed?.Length > MaxCommentLength || (!approve && string.IsNullOrEmpty(trimmed)))
        {
            throw ProblemException.Invalid("Invalid decision", [approve ? $"the comment is longer than {MaxCommentLength} characters" : $"a rejection needs a comment (at most {MaxCommentLength} characters) telling the team what to change"]);
        }
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        db.Scope.EnsureActsFor(user);
        var assessment = await FindAsync(db, id, cancellationToken);
        RequireStatus(assessment, AssessmentStatus.Submitted, approve ? "approved" : "rejected");
        var actor = user.ActorName();
        if (IsAuthor(actor, assessment.CreatedBy, assessment.SubmittedBy))
        {
            throw ProblemException.Forbidden($"Four-eyes rule: {actor} wrote or submitted this assessment, so someone else in the Security Team must decide it.");
        }
        var now = clock.GetUtcNow();
        var before = new { status = assessment.Status };
        assessment.Status = approve ? AssessmentStatus.Approved : AssessmentStatus.Rejected;
        assessment.ReviewedAt = now;
        assessment.ReviewedBy = actor;
        assessment.ReviewComment = string.IsNullOrEmpty(trimmed) ? null : trimmed;
        assessment.UpdatedAt = now;
        if (approve)
        {
            assessment.ReassessDueAt = now.AddMonths(TenancyScoring.ReassessMonths(TenancyScoring.Score(TenancyAnswers.FromJson(assessment.AnswersJson))));
            // The newest approved assessment is the decision in force; earlier ones stay as history.
            var previous = await db.TenancyAssessments
                .Where(a => a.Id != assessment.Id && a.Application == assessment.Application && a.OwnerTeamId == assessment.OwnerTeamId && a.Status == AssessmentStatus.Approved)
                .ToListAsync(cancellationToken);
            foreach (var old in previous)
            {
                old.Status = AssessmentStatus.Superseded;
                audit.Record(db, "tenancy.supersede", nameof(TenancyAssessment), Id(old), new { status = AssessmentStatus.Approved }, new { status = old.Status, by = assessment.Id });
            }
        }
        audit.Record(db, approve ? "tenancy.approve" : "tenancy.reject", nameof(TenancyAssessment), Id(assessment), before,
            new { status = assessment.Status, assessment.ReviewComment, assessment.Score, assessment.Recommendation, assessment.ReassessDueAt });
        await db.SaveChangesAsync(cancellationToken);
        notifier.NotifyChanged();
        if (approve)
        {
            await ReconcileMismatchesAsync(cancellationToken);
        }
    }

    /// <summary>Compares every approved assessment with where its application runs and updates the mismatch findings now.</summary>
    public async Task<TenancyReconcileResult> ReconcileMismatchesAsync(CancellationToken cancellationToken)
    {
        // The check opens, reopens and closes findings of every team, so it is the Security Team's (or the job's) to run.
        if (!caller.IsSystem && !(caller.User is { } user && (await authorization.AuthorizeAsync(user, Policies.SecurityTeam)).Succeeded))
        {
            throw ProblemException.Forbidden(
                $"Only the Security Team (Security.Admin or Security.Analyst) checks placements against tenancy decisions on demand; {caller.Actor} may not. The daily job checks them for everyone.");
        }
        await using var scope = scopes.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<TenancyMismatchJob>().RunAsync(cancellationToken);
    }

    /// <summary>Who sees "New assessment": the Security Team, and app-team members of at least one team (they write for their own teams).</summary>
    public async Task<bool> MayCreateAsync(ClaimsPrincipal user) =>
        MayCreate(await IsSecurityTeamAsync(user), user);

    /// <summary>What the caller may do with this assessment (null: a new one); the writes below check the same rules.</summary>
    public async Task<AssessmentPermissions> PermissionsAsync(ClaimsPrincipal user, AssessmentSummary? assessment)
    {
        var isSecurity = await IsSecurityTeamAsync(user);
        if (assessment is null)
        {
            return new AssessmentPermissions(MayCreate(isSecurity, user), MayWrite: false, MayDecide: false, IsAuthor: false);
        }
        return new AssessmentPermissions(MayCreate(isSecurity, user), MayWrite(isSecurity, user, assessment.OwnerTeamId), MayDecide: isSecurity,
            IsAuthor(user.ActorName(), assessment.CreatedBy, assessment.SubmittedBy));
    }

    /// <summary>The teams the caller may write an assessment for (Security: every team), by name.</summary>
    public async Task<IReadOnlyList<(int Id, string Name)>> ListWritableTeamsAsync(ClaimsPrincipal user, CancellationToken cancellationToken)
    {
        var isSecurity = await IsSecurityTeamAsync(user);
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        return (await TeamList.ByNameAsync(db, cancellationToken)).Where(t => MayWrite(isSecurity, user, t.Id)).ToList();
    }

    /// <summary>The clusters an application of a team runs on now, for the wizard's recommendation step.</summary>
    public async Task<IReadOnlyList<ClusterPlacement>> ListPlacementsAsync(string application, int? teamId, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        return (await TenancyPlacement.LoadAsync(db, [(application, teamId)], cancellationToken))[(application, teamId)];
    }

    private async Task<bool> IsSecurityTeamAsync(ClaimsPrincipal user) =>
        (await authorization.AuthorizeAsync(user, Policies.SecurityTeam)).Succeeded;

    private static bool MayCreate(bool isSecurity, ClaimsPrincipal user) =>
        isSecurity || (user.IsInRole(Roles.AppTeamMember) && user.TeamIds().Count > 0);

    private static bool MayWrite(bool isSecurity, ClaimsPrincipal user, int? teamId) =>
        isSecurity || (user.IsInRole(Roles.AppTeamMember) && teamId is { } team && user.TeamIds().Contains(team));

    private static bool IsAuthor(string actor, string createdBy, string? submittedBy) =>
        string.Equals(actor, createdBy, StringComparison.OrdinalIgnoreCase) || string.Equals(actor, submittedBy, StringComparison.OrdinalIgnoreCase);

    private async Task EnsureMayWriteAsync(ClaimsPrincipal user, int? teamId)
    {
        if (!MayWrite(await IsSecurityTeamAsync(user), user, teamId))
        {
            throw ProblemException.Forbidden("Only members of the application's owner team or the Security Team write tenancy assessments.");
        }
    }

    private static async Task<TenancyAssessment> FindAsync(K8PostureDbContext db, int id, CancellationToken cancellationToken) =>
        await db.TenancyAssessments.FirstOrDefaultAsync(a => a.Id == id, cancellationToken)
        ?? throw NotFound(id);

    /// <summary>The same answer whether the assessment does not exist or belongs to a team the caller does not see.</summary>
    public static ProblemException NotFound(int id) =>
        ProblemException.NotFound("Assessment not found", $"Tenancy assessment {id} does not exist or belongs to another team.");

    private static void RequireStatus(TenancyAssessment assessment, AssessmentStatus required, string verb)
    {
        if (assessment.Status != required)
        {
            throw new ProblemException(StatusCodes.Status409Conflict, "Wrong status",
                $"Assessment {assessment.Id} is {assessment.Status}; only a {required} assessment can be {verb}. Start a new assessment to change a decided one.");
        }
    }

    private static IEnumerable<string> ValidateAnswers(TenancyAnswers? answers)
    {
        if (answers is null)
        {
            yield return "answers are required";
            yield break;
        }
        // A JSON null or an endless list in a list field: name it instead of failing on it below.
        var lists = new (string Pointer, System.Collections.ICollection? Items)[]
        {
            ("/answers/dataClasses", answers.DataClasses), ("/answers/regulations", answers.Regulations), ("/answers/runtimeNeeds", answers.RuntimeNeeds),
        };
        var broken = false;
        foreach (var (pointer, items) in lists)
        {
            if (items is null)
            {
                broken = true;
                yield return $"{pointer} must be a list (use [] for none), not null";
            }
            else if (items.Count > MaxAnswerListLength)
            {
                broken = true;
                yield return $"{pointer} has {items.Count} entries; at most {MaxAnswerListLength}";
            }
        }
        if (broken)
        {
            yield break;
        }
        if (answers.VendorProduct?.Length > 200)
        {
            yield return "/answers/vendorProduct is longer than 200 characters";
        }
        if (answers.ResidencyRegion?.Length > 100)
        {
            yield return "/answers/residencyRegion is longer than 100 characters";
        }
        if (answers.DataClasses.Any(d => !Enum.IsDefined(d)) || answers.Regulations.Any(r => !Enum.IsDefined(r)) || answers.RuntimeNeeds.Any(n => !Enum.IsDefined(n))
            || !Enum.IsDefined(answers.Autonomy) || !Enum.IsDefined(answers.BlastRadius))
        {
            yield return "an answer holds a value that is not one of the listed options";
        }
        if (answers.DataClasses.Count == 0)
        {
            yield return "/answers/dataClasses needs at least one class (Public if nothing else)";
        }
    }

    private async Task<IReadOnlyList<AssessmentSummary>> SummariseAsync(K8PostureDbContext db, List<TenancyAssessment> rows, CancellationToken cancellationToken)
    {
        var placements = await TenancyPlacement.LoadAsync(db, rows.Select(r => (r.Application, r.OwnerTeamId)), cancellationToken);
        var now = clock.GetUtcNow();
        return rows.Select(a => new AssessmentSummary(a.Id, a.Application, a.OwnerTeamId, a.OwnerTeam?.Name, a.Status, a.Score, a.Recommendation,
            a.CreatedBy, a.CreatedAt, a.SubmittedBy, a.SubmittedAt, a.ReviewedBy, a.ReviewedAt, a.ReviewComment, a.ReassessDueAt,
            a.Status == AssessmentStatus.Approved && a.ReassessDueAt < now,
            placements[(a.Application, a.OwnerTeamId)])).ToList();
    }

    private static string Id(TenancyAssessment assessment) => assessment.Id.ToString(CultureInfo.InvariantCulture);

    private static object Snapshot(TenancyAssessment assessment, TenancyAnswers answers) =>
        new { assessment.Application, assessment.OwnerTeamId, assessment.Status, assessment.Score, assessment.Recommendation, answers };
}
