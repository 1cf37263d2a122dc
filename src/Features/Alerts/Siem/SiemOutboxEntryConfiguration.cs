using K8Posture.Features.Alerts;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace K8Posture.Features.Alerts.Siem;

/// <summary>Organisation-wide delivery state, read by admins only: no team filter.</summary>
public sealed class SiemOutboxEntryConfiguration : IEntityTypeConfiguration<SiemOutboxEntry>
{
    public const int LastErrorMaxLength = 1000;

    public void Configure(EntityTypeBuilder<SiemOutboxEntry> e)
    {
        e.ToTable("SiemOutbox");
        e.Property(x => x.EventJson).HasMaxLength(RuntimeAlertLimits.FieldsJson + 8000);
        e.Property(x => x.LastError).HasMaxLength(LastErrorMaxLength);
        e.HasIndex(x => new { x.Kind, x.EntityId }).IsUnique();
        e.HasIndex(x => new { x.Status, x.NextAttemptAt });
    }
}
