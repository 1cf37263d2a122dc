using K8Posture.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace K8Posture.Features.Remediation;

public sealed class RemediationMetricSnapshotConfiguration : IEntityTypeConfiguration<RemediationMetricSnapshot>
{
    public void Configure(EntityTypeBuilder<RemediationMetricSnapshot> e)
    {
        e.HasIndex(x => new { x.Day, x.TeamId }).IsUnique();
        e.HasOne<Team>().WithMany().HasForeignKey(x => x.TeamId).OnDelete(DeleteBehavior.ClientSetNull);
    }
}
