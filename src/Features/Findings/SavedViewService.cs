using K8Posture.Shared.Http;
using System.Security.Claims;
using K8Posture.Data;
using K8Posture.Security;
using Microsoft.EntityFrameworkCore;

namespace K8Posture.Features.Findings;

public sealed record SavedViewRow(int Id, string Name, string QueryString, bool IsShared, string OwnerName, bool IsMine, DateTimeOffset CreatedAt);

/// <summary>A saved view request that cannot be honoured: <see cref="Field"/> names what, the message says why.</summary>
/// <summary>
/// Saved findings views. Who sees what is the data layer's query filter (own views plus shared ones); this service adds
/// the rules for changing them: anyone signed in may keep their own, only the Security Team may share, only the owner
/// may delete. Every change is audited.
/// </summary>
public sealed class SavedViewService(IDbContextFactory<K8PostureDbContext> contexts, AuditLog audit, TimeProvider clock)
{
    public const int MaxViewsPerPerson = 100;

    private static ProblemException NotSaved(int statusCode, string field, string detail) =>
        new(statusCode, "The view was not saved", detail, new Dictionary<string, object?> { ["field"] = field });

    public async Task<IReadOnlyList<SavedViewRow>> ListAsync(CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var actor = db.Scope.Actor;
        var views = await db.SavedViews.AsNoTracking().ToListAsync(cancellationToken);
        return views
            .Select(v => new SavedViewRow(v.Id, v.Name, v.QueryString, v.IsShared, v.OwnerName, v.OwnerUserId == actor, v.CreatedAt))
            .OrderByDescending(v => v.IsMine).ThenBy(v => v.Name, StringComparer.OrdinalIgnoreCase)
            .ToList();
    }

    /// <summary>Saves (or replaces, by name) one of the caller's views.</summary>
    public async Task<SavedViewRow> SaveAsync(ClaimsPrincipal user, string? name, string? queryString, bool share, CancellationToken cancellationToken = default)
    {
        name = name?.Trim();
        if (string.IsNullOrEmpty(name) || name.Length > SavedView.MaxNameLength)
        {
            throw NotSaved(400, "name", $"A view needs a name of 1 to {SavedView.MaxNameLength} characters.");
        }
        var query = (queryString ?? "").Trim().TrimStart('?');
        if (query.Length > SavedView.MaxQueryLength)
        {
            throw NotSaved(400, "queryString", $"The query string is longer than {SavedView.MaxQueryLength} characters.");
        }
        if (share && !(user.IsInRole(Roles.SecurityAdmin) || user.IsInRole(Roles.SecurityAnalyst)))
        {
            throw NotSaved(403, "shared", "Only the Security Team shares views with everyone.");
        }
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        db.Scope.EnsureActsFor(user);
        var actor = db.Scope.Actor;
        if (actor == "anonymous")
        {
            throw NotSaved(403, "owner", "Sign in to keep views.");
        }
        var existing = await db.SavedViews.FirstOrDefaultAsync(v => v.OwnerUserId == actor && v.Name == name, cancellationToken);
        if (existing is null)
        {
            if (await db.SavedViews.CountAsync(v => v.OwnerUserId == actor, cancellationToken) >= MaxViewsPerPerson)
            {
                throw NotSaved(409, "name", $"You already keep {MaxViewsPerPerson} views; delete one first.");
            }
            existing = new SavedView { OwnerUserId = actor, OwnerName = user.Identity?.Name ?? actor, Name = name, QueryString = query, IsShared = share, CreatedAt = clock.GetUtcNow() };
            db.SavedViews.Add(existing);
            audit.Record(db, "saved-view.create", nameof(SavedView), null, after: new { name, query, share });
        }
        else
        {
            var before = new { existing.Name, Query = existing.QueryString, Share = existing.IsShared };
            existing.QueryString = query;
            existing.IsShared = share;
            audit.Record(db, "saved-view.update", nameof(SavedView), existing.Id.ToString(System.Globalization.CultureInfo.InvariantCulture), before, new { name, query, share });
        }
        await db.SaveChangesAsync(cancellationToken);
        return new SavedViewRow(existing.Id, existing.Name, existing.QueryString, existing.IsShared, existing.OwnerName, true, existing.CreatedAt);
    }

    /// <returns>False when the caller has no such view (someone else's views are not theirs to delete).</returns>
    public async Task<bool> DeleteAsync(int id, CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var actor = db.Scope.Actor;
        var view = await db.SavedViews.FirstOrDefaultAsync(v => v.Id == id && v.OwnerUserId == actor, cancellationToken);
        if (view is null)
        {
            return false;
        }
        db.SavedViews.Remove(view);
        audit.Record(db, "saved-view.delete", nameof(SavedView), id.ToString(System.Globalization.CultureInfo.InvariantCulture), new { view.Name, Query = view.QueryString, Share = view.IsShared });
        await db.SaveChangesAsync(cancellationToken);
        return true;
    }
}
