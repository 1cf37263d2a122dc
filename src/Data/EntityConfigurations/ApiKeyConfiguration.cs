using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace K8Posture.Data.EntityConfigurations;

public sealed class ApiKeyConfiguration : IEntityTypeConfiguration<ApiKey>
{
    public const int NameMaxLength = 200;
    public const int PrefixMaxLength = 20;
    public const int SecretHashMaxLength = 64;
    public const int ScopesMaxLength = 200;
    public const int CreatedByMaxLength = 200;
    public const int RevokedByMaxLength = 200;

    public void Configure(EntityTypeBuilder<ApiKey> e)
    {
        e.Property(x => x.Name).HasMaxLength(NameMaxLength);
        e.Property(x => x.Prefix).HasMaxLength(PrefixMaxLength).IsUnicode(false);
        e.Property(x => x.SecretHash).HasMaxLength(SecretHashMaxLength).IsUnicode(false);
        e.Property(x => x.Scopes).HasMaxLength(ScopesMaxLength);
        e.Property(x => x.CreatedBy).HasMaxLength(CreatedByMaxLength);
        e.Property(x => x.RevokedBy).HasMaxLength(RevokedByMaxLength);
        e.HasIndex(x => x.SecretHash).IsUnique();
        e.HasOne(x => x.Team).WithMany().OnDelete(DeleteBehavior.ClientSetNull);
    }
}
