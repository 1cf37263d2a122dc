using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace K8Posture.Features.Landscape;

public sealed class LandscapeCellConfiguration : IEntityTypeConfiguration<LandscapeCell>
{
    public void Configure(EntityTypeBuilder<LandscapeCell> e)
    {
        e.ToTable("LandscapeCells");
        e.Property(x => x.Key).HasMaxLength(LandscapeCell.MaxKeyLength);
        e.HasIndex(x => new { x.Dimension, x.TeamId, x.ClusterId });
    }
}
