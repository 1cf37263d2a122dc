using K8Posture.Shared.Http;
using System.Globalization;
using System.Security.Claims;
using K8Posture.Data;
using K8Posture.Data.EntityConfigurations;
using K8Posture.Features.Rules;
using K8Posture.Security;
using Microsoft.AspNetCore.Authorization;
using Microsoft.EntityFrameworkCore;
using K8Posture.Shared;

namespace K8Posture.Features.Policy;

/// <summary>The policy in force: its version (0 = the built-in default, never saved) and document.</summary>
public sealed record CurrentPolicy(int Version, PolicyDocument Document, DateTimeOffset? CreatedAt, string? CreatedBy, string? Comment);

public sealed record PolicyVersionRow(int Version, DateTimeOffset CreatedAt, string CreatedBy, string Comment);

public enum DiffKind { Same, Added, Removed }

public sealed record DiffLine(DiffKind Kind, string Text);

/// <summary>A save was refused: not allowed (403), invalid (400), or someone saved a newer version first (409).</summary>
/// <summary>
/// Reads and versions the Security Team's policy. Saving is for Security admins only — checked here, on the server, for the
/// API and the page alike — and writes the new version and its audit event (before/after) in one transaction.
/// </summary>
public sealed class PolicyStore(IDbContextFactory<K8PostureDbContext> contexts, IAuthorizationService authorization, AuditLog audit, RuleCatalogue catalogue, TimeProvider clock)
{
    public const int MaxCommentLength = PolicyVersionConfiguration.CommentMaxLength;

    public async Task<CurrentPolicy> GetCurrentAsync(CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var latest = await db.PolicyVersions.AsNoTracking().OrderByDescending(v => v.Version).FirstOrDefaultAsync(cancellationToken);
        return latest is null
            ? new CurrentPolicy(0, PolicyDocument.Default(), null, null, null)
            : new CurrentPolicy(latest.Version, PolicyDocument.FromJson(latest.Document), latest.CreatedAt, latest.CreatedBy, latest.Comment);
    }

    public async Task<IReadOnlyList<PolicyVersionRow>> ListVersionsAsync(CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        return await db.PolicyVersions.AsNoTracking().OrderByDescending(v => v.Version)
            .Select(v => new PolicyVersionRow(v.Version, v.CreatedAt, v.CreatedBy, v.Comment))
            .ToListAsync(cancellationToken);
    }

    /// <summary>The document of a version; version 0 is the built-in default. Null when the version does not exist.</summary>
    public async Task<PolicyDocument?> GetVersionAsync(int version, CancellationToken cancellationToken)
    {
        if (version == 0)
        {
            return PolicyDocument.Default();
        }
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var json = await db.PolicyVersions.AsNoTracking().Where(v => v.Version == version).Select(v => v.Document).FirstOrDefaultAsync(cancellationToken);
        return json is null ? null : PolicyDocument.FromJson(json);
    }

    /// <summary>A line diff of the two versions' pretty JSON; null when either does not exist.</summary>
    public async Task<IReadOnlyList<DiffLine>?> DiffAsync(int fromVersion, int toVersion, CancellationToken cancellationToken)
    {
        var from = await GetVersionAsync(fromVersion, cancellationToken);
        var to = await GetVersionAsync(toVersion, cancellationToken);
        return from is null || to is null ? null : LineDiff.Compute(from.Normalised().ToJson(), to.Normalised().ToJson());
    }

    /// <summary>Security admins edit the policy; everyone else reads it. <see cref="SaveNewVersionAsync"/> checks the same.</summary>
    public async Task<bool> MayEditAsync(ClaimsPrincipal user) =>
        (await authorization.AuthorizeAsync(user, Policies.SecurityAdmin)).Succeeded;

    /// <param name="expectedVersion">The version the editor started from; a newer saved version makes this a 409 instead of silently overwriting it.</param>
    /// <exception cref="ProblemException">403 for anyone but a Security admin, 400 for an invalid document, 409 on a concurrent save.</exception>
    public async Task<int> SaveNewVersionAsync(ClaimsPrincipal user, PolicyDocument document, string? comment, int? expectedVersion, CancellationToken cancellationToken)
    {
        if (!await MayEditAsync(user))
        {
            throw new ProblemException(StatusCodes.Status403Forbidden, "Forbidden", "Only Security admins (role Security.Admin) change the policy.");
        }
        if (document.ShapeProblems() is { Count: > 0 } shape)
        {
            throw new ProblemException(StatusCodes.Status400BadRequest, "Invalid policy", "The policy was not saved: " + string.Join("; ", shape) + ".");
        }
        var normalised = document.Normalised();
        Validate(normalised, comment);

        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var latest = await db.PolicyVersions.OrderByDescending(v => v.Version).FirstOrDefaultAsync(cancellationToken);
        var currentVersion = latest?.Version ?? 0;
        if (expectedVersion is { } expected && expected != currentVersion)
        {
            throw new ProblemException(StatusCodes.Status409Conflict, "Policy changed meanwhile",
                $"Version {currentVersion} was saved after the version {expected} you edited; reload the policy and apply your change again.");
        }
        var before = latest is null ? PolicyDocument.Default() : PolicyDocument.FromJson(latest.Document);
        var saved = new PolicyVersion
        {
            Version = currentVersion + 1,
            CreatedAt = clock.GetUtcNow(),
            CreatedBy = db.Scope.Actor,
            Comment = comment!.Trim(),
            Document = normalised.ToJson(),
        };
        db.PolicyVersions.Add(saved);
        audit.Record(db, "policy.save", nameof(PolicyVersion), saved.Version.ToString(CultureInfo.InvariantCulture),
            before: new { version = currentVersion, document = before.Normalised() },
            after: new { version = saved.Version, comment = saved.Comment, document = normalised });
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException)
        {
            // The unique index on Version: another admin saved the same version number first.
            throw new ProblemException(StatusCodes.Status409Conflict, "Policy changed meanwhile",
                $"Another version {saved.Version} was saved at the same time; reload the policy and apply your change again.");
        }
        return saved.Version;
    }

    /// <summary>
    /// Stages a new version made by <paramref name="change"/> (which answers false when it changed nothing) in the caller's
    /// context, audited like <see cref="SaveNewVersionAsync"/>, so it commits with the caller's own change in one transaction.
    /// For changes that follow from another authorised change (a team renamed in the ownership rules), never for edits of the
    /// policy itself. Null when nothing changed or no version was ever saved and the default already fits.
    /// </summary>
    public static async Task<PolicyVersion?> StageFollowUpVersionAsync(
        K8PostureDbContext db, AuditLog audit, TimeProvider clock, Func<PolicyDocument, bool> change, string comment, CancellationToken cancellationToken)
    {
        var latest = await db.PolicyVersions.OrderByDescending(v => v.Version).FirstOrDefaultAsync(cancellationToken);
        var before = latest is null ? PolicyDocument.Default() : PolicyDocument.FromJson(latest.Document);
        var document = before.Clone();
        if (!change(document))
        {
            return null;
        }
        var normalised = document.Normalised();
        var saved = new PolicyVersion
        {
            Version = (latest?.Version ?? 0) + 1,
            CreatedAt = clock.GetUtcNow(),
            CreatedBy = db.Scope.Actor,
            Comment = comment.Length > MaxCommentLength ? comment[..MaxCommentLength] : comment,
            Document = normalised.ToJson(),
        };
        db.PolicyVersions.Add(saved);
        audit.Record(db, "policy.save", nameof(PolicyVersion), saved.Version.ToString(CultureInfo.InvariantCulture),
            before: new { version = latest?.Version ?? 0, document = before.Normalised() },
            after: new { version = saved.Version, comment = saved.Comment, document = normalised });
        return saved;
    }

    private void Validate(PolicyDocument document, string? comment)
    {
        var errors = new List<string>();
        if (string.IsNullOrWhiteSpace(comment))
        {
            errors.Add("a comment saying why the policy changes is required");
        }
        else if (comment.Trim().Length > MaxCommentLength)
        {
            errors.Add($"the comment is longer than {MaxCommentLength} characters");
        }
        foreach (var registry in document.AllowedRegistries)
        {
            if (registry.Contains("://", StringComparison.Ordinal) || registry.Any(char.IsWhiteSpace) || registry.Contains('@', StringComparison.Ordinal))
            {
                errors.Add($"allowed registry '{registry}' should be a host or host/path prefix, e.g. contoso.azurecr.io or ghcr.io/contoso");
            }
        }
        foreach (var (severity, days) in document.SlaDays)
        {
            if (days is < 1 or > 3650)
            {
                errors.Add($"SLA days for {severity} must be between 1 and 3650 (was {days})");
            }
        }
        var unknown = document.RuleSwitches.Keys.Concat(document.SeverityOverrides.Keys).Where(id => !catalogue.ById.ContainsKey(id)).Distinct().ToList();
        if (unknown.Count > 0)
        {
            errors.Add($"unknown rule id(s): {string.Join(", ", unknown)} (see GET /api/v1/rules)");
        }
        if (document.EvaluateFailThreshold == FindingSeverity.Unknown || document.SeverityOverrides.Values.Any(s => s == FindingSeverity.Unknown))
        {
            errors.Add("severities must be one of Info, Low, Medium, High, Critical");
        }
        if (errors.Count > 0)
        {
            throw new ProblemException(StatusCodes.Status400BadRequest, "Invalid policy", "The policy was not saved: " + string.Join("; ", errors) + ".");
        }
    }
}

/// <summary>A line diff (longest common subsequence) — the policy JSON is small, so the quadratic table is fine.</summary>
public static class LineDiff
{
    public static IReadOnlyList<DiffLine> Compute(string before, string after)
    {
        var a = before.ReplaceLineEndings("\n").Split('\n');
        var b = after.ReplaceLineEndings("\n").Split('\n');
        var lcs = new int[a.Length + 1, b.Length + 1];
        for (var i = a.Length - 1; i >= 0; i--)
        {
            for (var j = b.Length - 1; j >= 0; j--)
            {
                lcs[i, j] = a[i] == b[j] ? lcs[i + 1, j + 1] + 1 : Math.Max(lcs[i + 1, j], lcs[i, j + 1]);
            }
        }
        var lines = new List<DiffLine>();
        int x = 0, y = 0;
        while (x < a.Length && y < b.Length)
        {
            if (a[x] == b[y])
            {
                lines.Add(new DiffLine(DiffKind.Same, a[x]));
                x++;
                y++;
            }
            else if (lcs[x + 1, y] >= lcs[x, y + 1])
            {
                lines.Add(new DiffLine(DiffKind.Removed, a[x++]));
            }
            else
            {
                lines.Add(new DiffLine(DiffKind.Added, b[y++]));
            }
        }
        while (x < a.Length)
        {
            lines.Add(new DiffLine(DiffKind.Removed, a[x++]));
        }
        while (y < b.Length)
        {
            lines.Add(new DiffLine(DiffKind.Added, b[y++]));
        }
        return lines;
    }
}
