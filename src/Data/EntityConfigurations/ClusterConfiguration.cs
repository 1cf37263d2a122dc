using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace K8Posture.Data.EntityConfigurations;

public sealed class ClusterConfiguration : IEntityTypeConfiguration<Cluster>
{
    public const int NameMaxLength = 200;
    public const int EnvironmentMaxLength = 50;
    public const int RegionMaxLength = 100;
    public const int CloudAccountMaxLength = 200;
    public const int VpcMaxLength = 300;
    public const int ServerUrlMaxLength = 500;
    public const int KubeconfigContextMaxLength = 253;
    public const int LastErrorMaxLength = 1000;
    public const int ServerVersionMaxLength = 100;
    public const int ObjectCountsJsonMaxLength = 2000;

    public void Configure(EntityTypeBuilder<Cluster> e)
    {
        e.Property(x => x.Name).HasMaxLength(NameMaxLength);
        e.HasIndex(x => x.Name).IsUnique();
        e.Property(x => x.Environment).HasMaxLength(EnvironmentMaxLength);
        e.Property(x => x.Region).HasMaxLength(RegionMaxLength);
        e.Property(x => x.CloudAccount).HasMaxLength(CloudAccountMaxLength);
        e.Property(x => x.Vpc).HasMaxLength(VpcMaxLength);
        e.HasOne(x => x.BusinessUnit).WithMany().OnDelete(DeleteBehavior.ClientSetNull);
        e.Property(x => x.ServerUrl).HasMaxLength(ServerUrlMaxLength);
        e.Property(x => x.KubeconfigContext).HasMaxLength(KubeconfigContextMaxLength);
        e.Property(x => x.LastError).HasMaxLength(LastErrorMaxLength);
        e.Property(x => x.ServerVersion).HasMaxLength(ServerVersionMaxLength);
        e.Property(x => x.ObjectCountsJson).HasMaxLength(ObjectCountsJsonMaxLength);
    }
}
