using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace K8Posture.Data.EntityConfigurations;

public sealed class ClusterNamespaceConfiguration : IEntityTypeConfiguration<ClusterNamespace>
{
    public const int NameMaxLength = 253;
    public const int ApplicationMaxLength = 200;

    public void Configure(EntityTypeBuilder<ClusterNamespace> e)
    {
        e.ToTable("Namespaces");
        e.Property(x => x.Name).HasMaxLength(NameMaxLength);
        e.Property(x => x.Application).HasMaxLength(ApplicationMaxLength);
        e.HasIndex(x => new { x.ClusterId, x.Name }).IsUnique();
        e.HasOne(x => x.Cluster).WithMany(x => x.Namespaces).OnDelete(DeleteBehavior.Cascade);
        e.HasOne(x => x.OwnerTeam).WithMany().OnDelete(DeleteBehavior.ClientSetNull);
    }
}
