using System.Runtime.CompilerServices;
using K8Posture.Data;
using K8Posture.Features.Reports;
using Microsoft.EntityFrameworkCore;

namespace K8Posture.Features.Audit;

/// <summary>The audit log with the Audit page's filters; only audit readers may export it (it is not team-scoped).</summary>
public sealed class AuditLogExportSource : IExportSource
{
    public string Key => "audit";
    public string Title => "Audit log";
    public string? RequiredPolicy => AuditPolicies.Reader;

    public IReadOnlyList<string> Columns { get; } = ["Id", "At", "Actor", "Action", "Entity", "Entity id", "Before", "After"];

    public IReadOnlyList<ExportFilter> Filters { get; } =
    [
        new(AuditCriteria.ActorKey, "Actor"),
        new(AuditCriteria.ActionKey, "Action"),
        new(AuditCriteria.EntityKey, "Entity"),
        new(AuditCriteria.FromKey, "From (ISO date)"),
        new(AuditCriteria.ToKey, "To (ISO date, exclusive)"),
    ];

    public IReadOnlyDictionary<string, string[]> ValidateFilters(IReadOnlyDictionary<string, string> filters)
    {
        AuditCriteria.TryParse(filters, out _, out var errors);
        return errors;
    }

    public async IAsyncEnumerable<object?[]> ReadRowsAsync(K8PostureDbContext db, IReadOnlyDictionary<string, string> filters, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        if (!AuditCriteria.TryParse(filters, out var criteria, out _))
        {
            throw new ArgumentException("Invalid audit filters; validate them first.", nameof(filters));
        }
        var events = AuditQuery.Newest(AuditQuery.Filter(db.AuditEvents.AsNoTracking(), criteria)).AsAsyncEnumerable();
        await foreach (var e in events.WithCancellation(cancellationToken))
        {
            yield return [e.Id, e.At, e.Actor, e.Action, e.EntityType, e.EntityId, e.Before, e.After];
        }
    }
}
