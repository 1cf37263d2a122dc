using K8Posture.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace K8Posture.Features.Inventory;

public sealed class EgressObservationConfiguration : IEntityTypeConfiguration<EgressObservation>
{
    public const int LineHashMaxLength = 64;
    public const int SourceHostMaxLength = 253;
    public const int UserNameMaxLength = 200;
    public const int DestinationHostMaxLength = 253;

    public void Configure(EntityTypeBuilder<EgressObservation> e)
    {
        e.Property(x => x.LineHash).HasMaxLength(LineHashMaxLength).IsUnicode(false);
        e.Property(x => x.SourceHost).HasMaxLength(SourceHostMaxLength);
        e.Property(x => x.UserName).HasMaxLength(UserNameMaxLength);
        e.Property(x => x.DestinationHost).HasMaxLength(DestinationHostMaxLength);
        e.HasIndex(x => x.LineHash).IsUnique();
        e.HasIndex(x => x.At);
        e.HasOne<Team>().WithMany().HasForeignKey(x => x.OwnerTeamId).OnDelete(DeleteBehavior.ClientSetNull);
    }
}
