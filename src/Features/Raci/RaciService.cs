using K8Posture.Shared.Http;
using System.Globalization;
using System.Security.Claims;
using System.Text.RegularExpressions;
using K8Posture.Data;
using K8Posture.Security;
using Microsoft.AspNetCore.Authorization;
using Microsoft.EntityFrameworkCore;

namespace K8Posture.Features.Raci;

/// <summary>The matrix in force: version 0 is the study guide's activities with nobody assigned (never saved).</summary>
public sealed record CurrentRaci(int Version, RaciMatrix Matrix, IReadOnlyList<RaciViolation> Violations, DateTimeOffset? CreatedAt, string? CreatedBy, string? Comment);

public sealed record RaciVersionRow(int Version, DateTimeOffset CreatedAt, string CreatedBy, string Comment, int ViolationCount);

/// <summary>
/// Reads and versions the RACI matrix. Saving is for Security admins only — checked here on the server for the API and
/// the page alike — and writes the new version and its audit event (before, after and the changes) in one transaction.
/// Rule violations do not block a save: an incomplete matrix is still the truth, and the page and scorecard show the gaps.
/// </summary>
public sealed partial class RaciService(IDbContextFactory<K8PostureDbContext> contexts, IAuthorizationService authorization, AuditLog audit, TimeProvider clock, RaciChangeNotifier notifier)
{
    public const int MaxCommentLength = RaciVersionConfiguration.CommentMaxLength;
    public const int MaxActivities = 200;
    public const int MaxParties = 100;

    public async Task<CurrentRaci> GetCurrentAsync(CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var latest = await db.RaciVersions.AsNoTracking().OrderByDescending(v => v.Version).FirstOrDefaultAsync(cancellationToken);
        var matrix = latest is null ? RaciDefaults.Matrix() : RaciMatrix.FromJson(latest.Matrix);
        return new CurrentRaci(latest?.Version ?? 0, matrix, RaciRules.Check(matrix), latest?.CreatedAt, latest?.CreatedBy, latest?.Comment);
    }

    /// <summary>The rule violations of the matrix in force (what the landscape scorecard reads).</summary>
    public async Task<IReadOnlyList<RaciViolation>> GetViolationsAsync(CancellationToken cancellationToken = default) =>
        (await GetCurrentAsync(cancellationToken)).Violations;

    public async Task<IReadOnlyList<RaciVersionRow>> ListVersionsAsync(CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        return await db.RaciVersions.AsNoTracking().OrderByDescending(v => v.Version)
            .Select(v => new RaciVersionRow(v.Version, v.CreatedAt, v.CreatedBy, v.Comment, v.ViolationCount))
            .ToListAsync(cancellationToken);
    }

    /// <summary>The matrix of a version (0: the built-in starting point); null when it does not exist.</summary>
    public async Task<RaciMatrix?> GetVersionAsync(int version, CancellationToken cancellationToken)
    {
        if (version == 0)
        {
            return RaciDefaults.Matrix();
        }
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var json = await db.RaciVersions.AsNoTracking().Where(v => v.Version == version).Select(v => v.Matrix).FirstOrDefaultAsync(cancellationToken);
        return json is null ? null : RaciMatrix.FromJson(json);
    }

    /// <summary>What changed from one version to another (any two, either order); null when either does not exist.</summary>
    public async Task<IReadOnlyList<RaciChange>?> DiffAsync(int fromVersion, int toVersion, CancellationToken cancellationToken)
    {
        var from = await GetVersionAsync(fromVersion, cancellationToken);
        var to = await GetVersionAsync(toVersion, cancellationToken);
        return from is null || to is null ? null : RaciDiff.Compute(from, to);
    }

    /// <summary>Security admins edit the matrix; everyone else reads it. <see cref="SaveNewVersionAsync"/> checks the same.</summary>
    public async Task<bool> MayEditAsync(ClaimsPrincipal user) =>
        (await authorization.AuthorizeAsync(user, Policies.SecurityAdmin)).Succeeded;

    /// <param name="expectedVersion">The version the editor started from; a newer saved version makes this a 409 instead of silently overwriting it.</param>
    /// <exception cref="ProblemException">403 for anyone but a Security admin, 400 for an invalid matrix, 409 on a concurrent save or no change.</exception>
    public async Task<int> SaveNewVersionAsync(ClaimsPrincipal user, RaciMatrix matrix, string? comment, int? expectedVersion, CancellationToken cancellationToken)
    {
        if (!await MayEditAsync(user))
        {
            throw ProblemException.Forbidden("Only Security admins (role Security.Admin) change the RACI matrix; everyone else reads it.");
        }
        Validate(matrix, comment);
        var normalised = matrix.Normalised();

        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        db.Scope.EnsureActsFor(user);
        var latest = await db.RaciVersions.OrderByDescending(v => v.Version).FirstOrDefaultAsync(cancellationToken);
        var currentVersion = latest?.Version ?? 0;
        if (expectedVersion is { } expected && expected != currentVersion)
        {
            throw new ProblemException(StatusCodes.Status409Conflict, "RACI changed meanwhile",
                $"Version {currentVersion} was saved after the version {expected} you edited; reload the matrix and apply your change again.");
        }
        var before = latest is null ? RaciDefaults.Matrix() : RaciMatrix.FromJson(latest.Matrix);
        var changes = RaciDiff.Compute(before, normalised);
        if (changes.Count == 0 && latest is not null)
        {
            throw new ProblemException(StatusCodes.Status409Conflict, "Nothing changed", $"The matrix is the same as version {currentVersion}; no new version was saved.");
        }
        var violations = RaciRules.Check(normalised);
        var saved = new RaciVersion
        {
            Version = currentVersion + 1,
            CreatedAt = clock.GetUtcNow(),
            CreatedBy = db.Scope.Actor,
            Comment = comment!.Trim(),
            Matrix = normalised.ToJson(),
            ViolationCount = violations.Count,
        };
        db.RaciVersions.Add(saved);
        audit.Record(db, "raci.save", nameof(RaciVersion), saved.Version.ToString(CultureInfo.InvariantCulture),
            before: new { version = currentVersion, violations = RaciRules.Check(before).Count, matrix = before },
            after: new { version = saved.Version, comment = saved.Comment, violations = violations.Count, changes = changes.Select(c => c.Text), matrix = normalised });
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException)
        {
            // The unique index on Version: another admin saved the same version number first.
            throw new ProblemException(StatusCodes.Status409Conflict, "RACI changed meanwhile",
                $"Another version {saved.Version} was saved at the same time; reload the matrix and apply your change again.");
        }
        notifier.NotifyChanged();
        return saved.Version;
    }

    /// <summary>
    /// Stages a new version made by <paramref name="change"/> (false: nothing changed) in the caller's context, audited like
    /// <see cref="SaveNewVersionAsync"/>, so it commits with the caller's change (a team renamed or handed over) in one
    /// transaction. Null when nothing changed or no version was ever saved (the defaults name no K8Posture team).
    /// </summary>
    public static async Task<RaciVersion?> StageFollowUpVersionAsync(
        K8PostureDbContext db, AuditLog audit, TimeProvider clock, Func<RaciMatrix, bool> change, string comment, CancellationToken cancellationToken)
    {
        var latest = await db.RaciVersions.OrderByDescending(v => v.Version).FirstOrDefaultAsync(cancellationToken);
        if (latest is null)
        {
            return null;
        }
        var before = RaciMatrix.FromJson(latest.Matrix);
        var matrix = before.Clone();
        if (!change(matrix))
        {
            return null;
        }
        var normalised = matrix.Normalised();
        var changes = RaciDiff.Compute(before, normalised);
        var violations = RaciRules.Check(normalised);
        var saved = new RaciVersion
        {
            Version = latest.Version + 1,
            CreatedAt = clock.GetUtcNow(),
            CreatedBy = db.Scope.Actor,
            Comment = comment.Length > MaxCommentLength ? comment[..MaxCommentLength] : comment,
            Matrix = normalised.ToJson(),
            ViolationCount = violations.Count,
        };
        db.RaciVersions.Add(saved);
        audit.Record(db, "raci.save", nameof(RaciVersion), saved.Version.ToString(CultureInfo.InvariantCulture),
            before: new { version = latest.Version, violations = RaciRules.Check(before).Count, matrix = before },
            after: new { version = saved.Version, comment = saved.Comment, violations = violations.Count, changes = changes.Select(c => c.Text), matrix = normalised });
        return saved;
    }

    private static void Validate(RaciMatrix matrix, string? comment)
    {
        var errors = new List<string>();
        // JSON may carry explicit nulls where the model has none.
        matrix.Activities ??= [];
        matrix.Parties ??= [];
        matrix.Cells ??= [];
        if (matrix.Activities.Any(a => a is null) || matrix.Parties.Any(p => p is null))
        {
            throw ProblemException.Invalid("Invalid RACI matrix", ["activities and parties must be objects, not null"]);
        }
        if (string.IsNullOrWhiteSpace(comment))
        {
            errors.Add("a comment saying why the matrix changes is required");
        }
        else if (comment.Trim().Length > MaxCommentLength)
        {
            errors.Add($"the comment is longer than {MaxCommentLength} characters");
        }
        if (matrix.Activities.Count > MaxActivities || matrix.Parties.Count > MaxParties)
        {
            errors.Add($"at most {MaxActivities} activities and {MaxParties} parties");
        }
        CheckItems(errors, "activities", matrix.Activities.Select((a, i) => ((string?)a.Key, (string?)a.Name, i)));
        CheckItems(errors, "parties", matrix.Parties.Select((p, i) => ((string?)p.Key, (string?)p.Name, i)));
        foreach (var (activity, i) in matrix.Activities.Select((a, i) => (a, i)))
        {
            if ((activity.Description ?? "").Trim().Length > RaciMatrix.MaxDescriptionLength)
            {
                errors.Add($"/activities/{i}/description is longer than {RaciMatrix.MaxDescriptionLength} characters");
            }
        }
        foreach (var (party, i) in matrix.Parties.Select((p, i) => (p, i)))
        {
            if (!Enum.IsDefined(party.Kind))
            {
                errors.Add($"/parties/{i}/kind must be Team, BusinessUnit, Role or Vendor");
            }
        }
        var activityKeys = matrix.Activities.Select(a => a.Key?.Trim()).ToHashSet(StringComparer.Ordinal);
        var partyKeys = matrix.Parties.Select(p => p.Key?.Trim()).ToHashSet(StringComparer.Ordinal);
        foreach (var (activity, row) in matrix.Cells)
        {
            if (!activityKeys.Contains(activity))
            {
                errors.Add($"/cells/{activity} names no activity");
                continue;
            }
            foreach (var (party, letters) in row ?? [])
            {
                if (!partyKeys.Contains(party))
                {
                    errors.Add($"/cells/{activity}/{party} names no party");
                }
                else if (RaciLetters.Invalid(letters))
                {
                    errors.Add($"/cells/{activity}/{party} is '{letters}': use the letters R, A, C and I (e.g. \"AR\")");
                }
            }
        }
        if (errors.Count > 0)
        {
            throw ProblemException.Invalid("Invalid RACI matrix", errors.Take(20));
        }
    }

    private static void CheckItems(List<string> errors, string list, IEnumerable<(string? Key, string? Name, int Index)> items)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (key, name, index) in items)
        {
            var trimmed = key?.Trim() ?? "";
            if (!KeyPattern().IsMatch(trimmed))
            {
                errors.Add($"/{list}/{index}/key '{key}' must be 1–{RaciMatrix.MaxKeyLength} lower-case letters, digits or dashes");
            }
            else if (!seen.Add(trimmed))
            {
                errors.Add($"/{list}/{index}/key '{trimmed}' is used twice");
            }
            if (string.IsNullOrWhiteSpace(name) || name.Trim().Length > RaciMatrix.MaxNameLength)
            {
                errors.Add($"/{list}/{index}/name is required and at most {RaciMatrix.MaxNameLength} characters");
            }
        }
    }

    /// <summary>A key for a new activity or party from its name ("CIRT" → "cirt"), unique against <paramref name="taken"/>.</summary>
    public static string KeyFor(string name, IEnumerable<string> taken)
    {
        var stem = NotKeyCharacters().Replace(name.Trim().ToLowerInvariant(), "-").Trim('-');
        stem = stem.Length == 0 ? "item" : stem[..Math.Min(stem.Length, RaciMatrix.MaxKeyLength - 4)];
        var used = taken.ToHashSet(StringComparer.Ordinal);
        var key = stem;
        for (var n = 2; used.Contains(key); n++)
        {
            key = $"{stem}-{n}";
        }
        return key;
    }

    [GeneratedRegex("^[a-z0-9][a-z0-9-]{0,79}$")]
    private static partial Regex KeyPattern();

    [GeneratedRegex("[^a-z0-9]+")]
    private static partial Regex NotKeyCharacters();
}
