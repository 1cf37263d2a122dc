using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace K8Posture.Features.Raci;

/// <summary>The RACI matrix is organisation-wide, like the policy: no query filter.</summary>
public sealed class RaciVersionConfiguration : IEntityTypeConfiguration<RaciVersion>
{
    public const int CreatedByMaxLength = 200;
    public const int CommentMaxLength = 1000;

    public void Configure(EntityTypeBuilder<RaciVersion> e)
    {
        e.Property(x => x.CreatedBy).HasMaxLength(CreatedByMaxLength);
        e.Property(x => x.Comment).HasMaxLength(CommentMaxLength);
        e.HasIndex(x => x.Version).IsUnique();
    }
}
