using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace K8Posture.Data.EntityConfigurations;

public sealed class AuditEventConfiguration : IEntityTypeConfiguration<AuditEvent>
{
    public const int ActorMaxLength = 200;
    public const int ActionMaxLength = 100;
    public const int EntityTypeMaxLength = 100;
    public const int EntityIdMaxLength = 200;

    public void Configure(EntityTypeBuilder<AuditEvent> e)
    {
        e.Property(x => x.Actor).HasMaxLength(ActorMaxLength);
        e.Property(x => x.Action).HasMaxLength(ActionMaxLength);
        e.Property(x => x.EntityType).HasMaxLength(EntityTypeMaxLength);
        e.Property(x => x.EntityId).HasMaxLength(EntityIdMaxLength);
        e.HasIndex(x => x.At);
        // Append-only triggers (src/Features/Audit/AuditLogProtection): declared so EF does not use OUTPUT/RETURNING on inserts,
        // which SQL Server refuses on a table with triggers.
        e.ToTable(t =>
        {
            t.HasTrigger(K8Posture.Features.Audit.AuditLogProtection.SqlServerTrigger);
            t.HasTrigger(K8Posture.Features.Audit.AuditLogProtection.SqliteUpdateTrigger);
            t.HasTrigger(K8Posture.Features.Audit.AuditLogProtection.SqliteDeleteTrigger);
        });
        // The Audit page filters by these.
        e.HasIndex(x => new { x.Actor, x.At });
        e.HasIndex(x => new { x.Action, x.At });
        e.HasIndex(x => new { x.EntityType, x.EntityId });
    }
}
