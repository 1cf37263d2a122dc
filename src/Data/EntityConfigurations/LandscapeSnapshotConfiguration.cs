using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace K8Posture.Data.EntityConfigurations;

public sealed class LandscapeSnapshotConfiguration : IEntityTypeConfiguration<LandscapeSnapshot>
{
    public void Configure(EntityTypeBuilder<LandscapeSnapshot> e)
    {
        e.HasIndex(x => new { x.Day, x.TeamId, x.Category, x.Severity }).IsUnique();
        e.HasOne<Team>().WithMany().HasForeignKey(x => x.TeamId).OnDelete(DeleteBehavior.ClientSetNull);
        // The trend of an app team (or a team filter) reads its own snapshot rows by team first, not every team's days.
        e.HasIndex(x => new { x.TeamId, x.Day });
    }
}
