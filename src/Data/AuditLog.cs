using System.Text.Json;
using System.Text.Json.Serialization;

namespace K8Posture.Data;

/// <summary>Adds audit events to a context so they commit in the same transaction as the change they describe.</summary>
public sealed class AuditLog(TimeProvider clock)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Converters = { new JsonStringEnumConverter() },
    };

    public AuditEvent Record(K8PostureDbContext db, string action, string entityType, string? entityId, object? before = null, object? after = null)
    {
        var audit = new AuditEvent
        {
            At = clock.GetUtcNow(),
            Actor = db.Scope.Actor,
            Action = action,
            EntityType = entityType,
            EntityId = entityId,
            Before = before is null ? null : JsonSerializer.Serialize(before, Json),
            After = after is null ? null : JsonSerializer.Serialize(after, Json),
        };
        db.AuditEvents.Add(audit);
        return audit;
    }
}
