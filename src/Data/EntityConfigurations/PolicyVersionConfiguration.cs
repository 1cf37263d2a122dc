using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace K8Posture.Data.EntityConfigurations;

/// <summary>The Security Team's policy is organisation-wide: no query filter.</summary>
public sealed class PolicyVersionConfiguration : IEntityTypeConfiguration<PolicyVersion>
{
    public const int CreatedByMaxLength = 200;
    public const int CommentMaxLength = 1000;

    public void Configure(EntityTypeBuilder<PolicyVersion> e)
    {
        e.Property(x => x.CreatedBy).HasMaxLength(CreatedByMaxLength);
        e.Property(x => x.Comment).HasMaxLength(CommentMaxLength);
        e.HasIndex(x => x.Version).IsUnique();
    }
}
