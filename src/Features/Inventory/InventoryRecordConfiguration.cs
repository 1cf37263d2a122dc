using K8Posture.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace K8Posture.Features.Inventory;

public sealed class InventoryRecordConfiguration : IEntityTypeConfiguration<InventoryRecord>
{
    public const int NaturalKeyMaxLength = 450;
    public const int NameMaxLength = 300;
    public const int SourceMaxLength = 64;
    public const int CloudAccountMaxLength = 200;
    public const int VpcMaxLength = 300;
    public const int RegionMaxLength = 100;
    public const int EndpointMaxLength = 500;
    public const int HostnameMaxLength = 253;
    public const int UserNameMaxLength = 200;
    public const int VersionMaxLength = 100;
    public const int ProductMaxLength = 100;
    public const int PortsMaxLength = 500;
    public const int MatchedByMaxLength = 50;
    public const int EvidenceJsonMaxLength = 8000;

    public void Configure(EntityTypeBuilder<InventoryRecord> e)
    {
        e.Property(x => x.NaturalKey).HasMaxLength(NaturalKeyMaxLength);
        e.Property(x => x.Name).HasMaxLength(NameMaxLength);
        e.Property(x => x.Source).HasMaxLength(SourceMaxLength);
        e.Property(x => x.CloudAccount).HasMaxLength(CloudAccountMaxLength);
        e.Property(x => x.Vpc).HasMaxLength(VpcMaxLength);
        e.Property(x => x.Region).HasMaxLength(RegionMaxLength);
        e.Property(x => x.Endpoint).HasMaxLength(EndpointMaxLength);
        e.Property(x => x.Hostname).HasMaxLength(HostnameMaxLength);
        e.Property(x => x.UserName).HasMaxLength(UserNameMaxLength);
        e.Property(x => x.Version).HasMaxLength(VersionMaxLength);
        e.Property(x => x.Product).HasMaxLength(ProductMaxLength);
        e.Property(x => x.Ports).HasMaxLength(PortsMaxLength);
        e.Property(x => x.MatchedBy).HasMaxLength(MatchedByMaxLength);
        e.Property(x => x.EvidenceJson).HasMaxLength(EvidenceJsonMaxLength);
        e.HasIndex(x => new { x.Kind, x.NaturalKey }).IsUnique();
        e.HasIndex(x => new { x.Kind, x.LastSeenAt });
        e.HasIndex(x => new { x.OwnerTeamId, x.Kind });
        e.HasIndex(x => x.MatchedClusterId);
        e.HasOne(x => x.BusinessUnit).WithMany().OnDelete(DeleteBehavior.ClientSetNull);
        e.HasOne(x => x.OwnerTeam).WithMany().OnDelete(DeleteBehavior.ClientSetNull);
        e.HasOne(x => x.MatchedCluster).WithMany().OnDelete(DeleteBehavior.ClientSetNull);
    }
}
