using System.Globalization;
using System.Security.Claims;
using K8Posture.Data;
using K8Posture.Security;
using Microsoft.AspNetCore.Authorization;
using Microsoft.EntityFrameworkCore;

namespace K8Posture.Features.Audit;

/// <summary>What to list from the audit log; null means any. Actor matches a part of the name; the rest match exactly.</summary>
public sealed record AuditCriteria(string? Actor = null, string? Action = null, string? EntityType = null, string? EntityId = null, DateTimeOffset? From = null, DateTimeOffset? To = null)
{
    public const string ActorKey = "actor";
    public const string ActionKey = "action";
    public const string EntityKey = "entity";
    public const string EntityIdKey = "entityId";
    public const string FromKey = "from";
    public const string ToKey = "to";

    /// <summary>Parses query-string filters; dates are ISO 8601 (a bare date is midnight UTC; "to" is exclusive).</summary>
    public static bool TryParse(IReadOnlyDictionary<string, string> filters, out AuditCriteria criteria, out Dictionary<string, string[]> errors)
    {
        errors = [];
        var from = ParseInstant(filters, FromKey, errors);
        var to = ParseInstant(filters, ToKey, errors);
        if (from is not null && to is not null && to <= from)
        {
            errors[ToKey] = ["'to' must be after 'from'."];
        }
        criteria = new AuditCriteria(
            Blank(filters.GetValueOrDefault(ActorKey)), Blank(filters.GetValueOrDefault(ActionKey)),
            Blank(filters.GetValueOrDefault(EntityKey)), Blank(filters.GetValueOrDefault(EntityIdKey)), from, to);
        return errors.Count == 0;
    }

    public IReadOnlyDictionary<string, string> ToFilters()
    {
        var filters = new Dictionary<string, string>();
        void Add(string key, string? value)
        {
            if (!string.IsNullOrWhiteSpace(value))
            {
                filters[key] = value.Trim();
            }
        }
        Add(ActorKey, Actor);
        Add(ActionKey, Action);
        Add(EntityKey, EntityType);
        Add(EntityIdKey, EntityId);
        Add(FromKey, From?.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture));
        Add(ToKey, To?.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture));
        return filters;
    }

    private static string? Blank(string? text) => string.IsNullOrWhiteSpace(text) ? null : text.Trim();

    private static DateTimeOffset? ParseInstant(IReadOnlyDictionary<string, string> filters, string key, Dictionary<string, string[]> errors)
    {
        if (filters.GetValueOrDefault(key) is not { Length: > 0 } text)
        {
            return null;
        }
        if (DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var at))
        {
            return at.ToUniversalTime();
        }
        errors[key] = [$"'{text}' is not a date; use ISO 8601, e.g. 2026-01-31 or 2026-01-31T12:00:00Z."];
        return null;
    }
}

public sealed record AuditListResult(int Total, IReadOnlyList<AuditEvent> Items);

/// <summary>The one audit log listing, for the Audit page and the audit export. The log is organisation-wide: callers are authorised by policy.</summary>
public static class AuditQuery
{
    public static IQueryable<AuditEvent> Filter(IQueryable<AuditEvent> events, AuditCriteria criteria)
    {
        if (criteria.Actor is { } actor)
        {
            var pattern = SqlLike.Containing(actor);
            events = events.Where(e => EF.Functions.Like(e.Actor, pattern, SqlLike.Escape));
        }
        if (criteria.Action is { } action)
        {
            events = events.Where(e => e.Action == action);
        }
        if (criteria.EntityType is { } entity)
        {
            events = events.Where(e => e.EntityType == entity);
        }
        if (criteria.EntityId is { } entityId)
        {
            events = events.Where(e => e.EntityId == entityId);
        }
        if (criteria.From is { } from)
        {
            events = events.Where(e => e.At >= from);
        }
        if (criteria.To is { } to)
        {
            events = events.Where(e => e.At < to);
        }
        return events;
    }

    /// <summary>Newest first; the id breaks ties so pages never repeat a row.</summary>
    public static IOrderedQueryable<AuditEvent> Newest(IQueryable<AuditEvent> events) => events.OrderByDescending(e => e.At).ThenByDescending(e => e.Id);
}

/// <summary>The Audit page's reads: a page of the log, the filter vocabulary, and whether the caller may open push payloads.</summary>
public sealed class AuditLogReader(IDbContextFactory<K8PostureDbContext> contexts, IAuthorizationService authorization)
{
    public async Task<AuditListResult> ListAsync(AuditCriteria criteria, int pageIndex, int pageSize, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var events = AuditQuery.Filter(db.AuditEvents.AsNoTracking(), criteria);
        var total = await events.CountAsync(cancellationToken);
        var items = await AuditQuery.Newest(events).Skip(Math.Max(0, pageIndex) * pageSize).Take(Math.Clamp(pageSize, 1, 500)).ToListAsync(cancellationToken);
        return new AuditListResult(total, items);
    }

    /// <summary>The distinct actions and entity types, for the filter pickers.</summary>
    public async Task<(IReadOnlyList<string> Actions, IReadOnlyList<string> EntityTypes)> VocabularyAsync(CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var actions = await db.AuditEvents.AsNoTracking().Select(e => e.Action).Distinct().OrderBy(a => a).ToListAsync(cancellationToken);
        var entities = await db.AuditEvents.AsNoTracking().Select(e => e.EntityType).Distinct().OrderBy(a => a).ToListAsync(cancellationToken);
        return (actions, entities);
    }

    /// <summary>Auditors and admins open a push's raw payload; the payload endpoint requires the same policy.</summary>
    public async Task<bool> MayDownloadPayloadsAsync(ClaimsPrincipal user) =>
        (await authorization.AuthorizeAsync(user, Policies.Auditor)).Succeeded;
}
