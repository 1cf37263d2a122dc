using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace K8Posture.Data.EntityConfigurations;

public sealed class FindingSightingConfiguration : IEntityTypeConfiguration<FindingSighting>
{
    public const int SourceMaxLength = 64;
    public const int ScopeKeyMaxLength = 450;

    public void Configure(EntityTypeBuilder<FindingSighting> e)
    {
        e.Property(x => x.Source).HasMaxLength(SourceMaxLength);
        e.Property(x => x.ScopeKey).HasMaxLength(ScopeKeyMaxLength);
        e.HasIndex(x => new { x.FindingId, x.Source }).IsUnique();
        e.HasIndex(x => new { x.Source, x.ScopeKey, x.IsOpen });
        e.HasOne(x => x.Finding).WithMany(x => x.Sightings).OnDelete(DeleteBehavior.Cascade);
    }
}
