using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace K8Posture.Features.Alerts;

public sealed class RuntimeAlertEventConfiguration : IEntityTypeConfiguration<RuntimeAlertEvent>
{
    public const int ActorMaxLength = 200;
    public const int NoteMaxLength = 1000;

    public void Configure(EntityTypeBuilder<RuntimeAlertEvent> e)
    {
        e.Property(x => x.Actor).HasMaxLength(ActorMaxLength);
        e.Property(x => x.Note).HasMaxLength(NoteMaxLength);
        e.HasIndex(x => new { x.AlertId, x.At });
        e.HasOne(x => x.Alert).WithMany(x => x.Events).OnDelete(DeleteBehavior.Cascade);
    }
}
