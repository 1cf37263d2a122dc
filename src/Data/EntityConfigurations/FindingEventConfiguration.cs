using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace K8Posture.Data.EntityConfigurations;

public sealed class FindingEventConfiguration : IEntityTypeConfiguration<FindingEvent>
{
    public const int ActorMaxLength = 200;
    public const int DetailMaxLength = 2000;

    public void Configure(EntityTypeBuilder<FindingEvent> e)
    {
        e.Property(x => x.Actor).HasMaxLength(ActorMaxLength);
        e.Property(x => x.Detail).HasMaxLength(DetailMaxLength);
        e.HasIndex(x => new { x.FindingId, x.At });
        e.HasOne(x => x.Finding).WithMany(x => x.Events).OnDelete(DeleteBehavior.Cascade);
    }
}
