using System.Globalization;
using K8Posture.Data;
using K8Posture.Data.EntityConfigurations;
using K8Posture.Features.Admin;
using K8Posture.Security;
using K8Posture.Shared.Http;
using Microsoft.EntityFrameworkCore;
using static K8Posture.Shared.ColumnLengths;

namespace K8Posture.Features.Packages;

public sealed record PackageWatchView(int Id, string Name, string Purl, string? VersionRange, FindingSeverity Severity, string CreatedBy, DateTimeOffset CreatedAt,
    DateTimeOffset? LastEvaluatedAt, int LastMatches);

public sealed record PackageWatchRequest(string? Name, string? Purl, string? VersionRange, FindingSeverity? Severity);

/// <summary>
/// Saved package queries. Anyone who may read sees them (a watch says nothing about a team; its findings are scoped like
/// all findings); the Security Team (Security.Admin, Security.Analyst, or an organisation-wide admin key) creates and
/// deletes them, audited in the same SaveChanges. A new watch is evaluated at once; a deleted one closes its findings.
/// </summary>
public sealed class PackageWatchService(IDbContextFactory<K8PostureDbContext> contexts, DataScope scope, PackageWatchEvaluator evaluator,
    AuditLog audit, TimeProvider clock)
{
    public async Task<IReadOnlyList<PackageWatchView>> ListAsync(CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var watches = await db.PackageWatches.AsNoTracking().OrderBy(w => w.Name).ToListAsync(ct);
        return watches.Select(View).ToList();
    }

    public static bool MayManage(DataScope scope) =>
        scope.SeesAllTeams && (SecurityTeamOnly.MayAdminister(scope) || scope.User?.IsInRole(Roles.SecurityAnalyst) == true);

    /// <summary>Whether the caller of this scope may create and delete watches; pages ask here rather than judging roles themselves.</summary>
    public bool CallerMayManage => MayManage(scope);

    public async Task<PackageWatchView> CreateAsync(PackageWatchRequest request, CancellationToken ct)
    {
        RequireManager();
        var name = request.Name?.Trim();
        if (string.IsNullOrEmpty(name) || name.Length > PackageWatchConfiguration.NameMaxLength)
        {
            throw ProblemException.BadRequest("Invalid watch", $"name: give the watch a name of 1 to {PackageWatchConfiguration.NameMaxLength} characters.", "name");
        }
        var question = PackageQuestion.Parse(request.Purl, request.VersionRange);
        if (question.Package.PackageKey.Length > Data.EntityConfigurations.FindingConfiguration.PurlMaxLength)
        {
            throw ProblemException.BadRequest("Invalid purl", "purl: longer than the 1000 characters a purl may have here.", "purl");
        }
        await using var db = await contexts.CreateDbContextAsync(ct);
        if (await db.PackageWatches.AnyAsync(w => w.Name == name, ct))
        {
            throw new ProblemException(StatusCodes.Status409Conflict, "Watch exists", $"A package watch named '{name}' exists already.", new Dictionary<string, object?> { ["field"] = "name" });
        }
        var watch = new PackageWatch
        {
            Name = name,
            Purl = question.Package.PackageKey,
            VersionRange = string.IsNullOrWhiteSpace(question.Range.Text) ? null : question.Range.Text,
            Severity = request.Severity ?? FindingSeverity.High,
            CreatedBy = Clip(scope.Actor, AuditEventConfiguration.ActorMaxLength),
            CreatedAt = clock.GetUtcNow(),
        };
        db.PackageWatches.Add(watch);
        audit.Record(db, "package-watch.create", nameof(PackageWatch), null, after: new { watch.Name, watch.Purl, watch.VersionRange, watch.Severity });
        await db.SaveChangesAsync(ct);
        await evaluator.EvaluateOneAsync(watch.Id, deleted: false, ct);
        await db.Entry(watch).ReloadAsync(ct);
        return View(watch);
    }

    public async Task<bool> DeleteAsync(int id, CancellationToken ct)
    {
        RequireManager();
        await using var db = await contexts.CreateDbContextAsync(ct);
        var watch = await db.PackageWatches.FirstOrDefaultAsync(w => w.Id == id, ct);
        if (watch is null)
        {
            return false;
        }
        db.PackageWatches.Remove(watch);
        audit.Record(db, "package-watch.delete", nameof(PackageWatch), id.ToString(CultureInfo.InvariantCulture), before: new { watch.Name, watch.Purl, watch.VersionRange, watch.Severity });
        await db.SaveChangesAsync(ct);
        await evaluator.EvaluateOneAsync(watch.Id, deleted: true, ct, watch);
        return true;
    }

    public void RequireManager()
    {
        if (!MayManage(scope))
        {
            throw new SecurityTeamRequiredException(
                $"Package watches are managed by the Security Team (Security.Admin or Security.Analyst, or an organisation-wide admin key); {scope.Actor} may read them only.");
        }
    }

    private static PackageWatchView View(PackageWatch w) =>
        new(w.Id, w.Name, w.Purl, w.VersionRange, w.Severity, w.CreatedBy, w.CreatedAt, w.LastEvaluatedAt, w.LastMatches);
}
