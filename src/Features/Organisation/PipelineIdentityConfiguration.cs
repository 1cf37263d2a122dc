using K8Posture.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace K8Posture.Features.Organisation;

/// <summary>Organisation-wide configuration, read only by Security admins and the authentication handler: no query filter.</summary>
public sealed class PipelineIdentityConfiguration : IEntityTypeConfiguration<PipelineIdentity>
{
    public const int EntraIdMaxLength = 64;
    public const int DisplayNameMaxLength = 200;
    public const int CreatedByMaxLength = 200;

    public void Configure(EntityTypeBuilder<PipelineIdentity> e)
    {
        e.Property(x => x.EntraId).HasMaxLength(EntraIdMaxLength).IsUnicode(false);
        e.HasIndex(x => x.EntraId).IsUnique();
        e.Property(x => x.DisplayName).HasMaxLength(DisplayNameMaxLength);
        e.Property(x => x.CreatedBy).HasMaxLength(CreatedByMaxLength);
        e.HasOne(x => x.Team).WithMany().OnDelete(DeleteBehavior.ClientSetNull);
    }
}
