using K8Posture.Features.Organisation;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace K8Posture.Data.EntityConfigurations;

public sealed class TeamGroupConfiguration : IEntityTypeConfiguration<TeamGroup>
{
    public const int EntraGroupIdMaxLength = 64;
    public const int DisplayNameMaxLength = 256;

    public void Configure(EntityTypeBuilder<TeamGroup> e)
    {
        e.Property(x => x.EntraGroupId).HasMaxLength(EntraGroupIdMaxLength);
        e.HasIndex(x => x.EntraGroupId).IsUnique();
        e.HasOne(x => x.Team).WithMany(x => x.Groups).OnDelete(DeleteBehavior.Cascade);
        e.Property(x => x.DisplayName).HasMaxLength(DisplayNameMaxLength);
    }
}
