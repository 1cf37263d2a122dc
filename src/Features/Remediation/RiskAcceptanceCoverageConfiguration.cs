using K8Posture.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace K8Posture.Features.Remediation;

public sealed class RiskAcceptanceCoverageConfiguration : IEntityTypeConfiguration<RiskAcceptanceCoverage>
{
    public void Configure(EntityTypeBuilder<RiskAcceptanceCoverage> e)
    {
        e.HasIndex(x => new { x.RiskAcceptanceId, x.FindingId }).IsUnique();
        e.HasIndex(x => x.FindingId);
        e.HasOne(x => x.RiskAcceptance).WithMany(x => x.Coverage).OnDelete(DeleteBehavior.Cascade);
        e.HasOne(x => x.Finding).WithMany().OnDelete(DeleteBehavior.ClientSetNull);
    }
}
