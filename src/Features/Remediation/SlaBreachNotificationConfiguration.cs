using K8Posture.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace K8Posture.Features.Remediation;

public sealed class SlaBreachNotificationConfiguration : IEntityTypeConfiguration<SlaBreachNotification>
{
    public void Configure(EntityTypeBuilder<SlaBreachNotification> e)
    {
        e.HasIndex(x => new { x.FindingId, x.SlaDueAt, x.TargetId }).IsUnique();
        e.HasIndex(x => new { x.TeamId, x.SentAt });
        e.HasOne<Finding>().WithMany().HasForeignKey(x => x.FindingId).OnDelete(DeleteBehavior.Cascade);
        e.HasOne<TeamNotificationTarget>().WithMany().HasForeignKey(x => x.TargetId).OnDelete(DeleteBehavior.Cascade);
    }
}
