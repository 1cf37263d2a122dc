using K8Posture.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace K8Posture.Features.Inventory;

public sealed class EgressDailyConfiguration : IEntityTypeConfiguration<EgressDaily>
{
    public const int SourceHostMaxLength = 253;
    public const int DestinationHostMaxLength = 253;
    public const int RegistryMaxLength = 50;

    public void Configure(EntityTypeBuilder<EgressDaily> e)
    {
        e.ToTable("EgressDaily");
        e.Property(x => x.SourceHost).HasMaxLength(SourceHostMaxLength);
        e.Property(x => x.DestinationHost).HasMaxLength(DestinationHostMaxLength);
        e.Property(x => x.Registry).HasMaxLength(RegistryMaxLength);
        e.HasIndex(x => new { x.Day, x.OwnerTeamId, x.SourceHost, x.DestinationHost }).IsUnique();
        e.HasOne<Team>().WithMany().HasForeignKey(x => x.OwnerTeamId).OnDelete(DeleteBehavior.ClientSetNull);
    }
}
