using K8Posture.Data;
using Microsoft.EntityFrameworkCore;

namespace K8Posture.Features.Audit;

/// <summary>Thrown when code tries to change or remove an audit event.</summary>
public sealed class AuditLogAppendOnlyException(string message) : InvalidOperationException(message);

internal static class AuditAppendOnlyGuard
{
    public static void RefuseRewrites(K8PostureDbContext db)
    {
        foreach (var entry in db.ChangeTracker.Entries<AuditEvent>())
        {
            if (entry.State is EntityState.Modified or EntityState.Deleted)
            {
                throw new AuditLogAppendOnlyException(
                    $"The audit log is append-only: audit event {entry.Entity.Id} cannot be {(entry.State == EntityState.Deleted ? "deleted" : "updated")}.");
            }
        }
    }
}
