using K8Posture.Data.EntityConfigurations;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace K8Posture.Features.Packages;

public sealed class SbomImageConfiguration : IEntityTypeConfiguration<SbomImage>
{
    public const int ImageKeyMaxLength = 450;
    public const int SbomFormatMaxLength = 40;

    public void Configure(EntityTypeBuilder<SbomImage> e)
    {
        e.Property(x => x.ImageKey).HasMaxLength(ImageKeyMaxLength);
        e.HasIndex(x => x.ImageKey).IsUnique();
        e.Property(x => x.ImageRegistry).HasMaxLength(FindingConfiguration.ImageRegistryMaxLength);
        e.Property(x => x.ImageRepository).HasMaxLength(FindingConfiguration.ImageRepositoryMaxLength);
        e.Property(x => x.ImageTag).HasMaxLength(FindingConfiguration.ImageTagMaxLength);
        e.Property(x => x.ImageDigest).HasMaxLength(FindingConfiguration.ImageDigestMaxLength).IsUnicode(false);
        e.HasIndex(x => x.ImageDigest);
        e.HasIndex(x => new { x.ImageRegistry, x.ImageRepository, x.ImageTag });
        e.Property(x => x.SbomFormat).HasMaxLength(SbomFormatMaxLength);
        e.Property(x => x.Source).HasMaxLength(FindingConfiguration.SourceMaxLength);
        e.HasOne<K8Posture.Data.Team>().WithMany().HasForeignKey(x => x.OwnerTeamId).OnDelete(DeleteBehavior.SetNull);
    }
}

public sealed class SoftwareComponentConfiguration : IEntityTypeConfiguration<SoftwareComponent>
{
    public const int PurlTypeMaxLength = 50;
    public const int PurlNamespaceMaxLength = 300;
    public const int PurlNameMaxLength = 300;
    public const int LicencesMaxLength = 1000;
    public const int ComponentTypeMaxLength = 50;

    public void Configure(EntityTypeBuilder<SoftwareComponent> e)
    {
        e.Property(x => x.PurlType).HasMaxLength(PurlTypeMaxLength);
        e.Property(x => x.PurlNamespace).HasMaxLength(PurlNamespaceMaxLength);
        e.Property(x => x.PurlName).HasMaxLength(PurlNameMaxLength);
        e.Property(x => x.Purl).HasMaxLength(FindingConfiguration.PurlMaxLength);
        e.Property(x => x.Name).HasMaxLength(FindingConfiguration.PackageNameMaxLength);
        e.Property(x => x.Version).HasMaxLength(FindingConfiguration.InstalledVersionMaxLength);
        e.Property(x => x.Licences).HasMaxLength(LicencesMaxLength);
        e.Property(x => x.ComponentType).HasMaxLength(ComponentTypeMaxLength);
        // The "where is it running?" seek; the image id rides along so the candidates need no lookup.
        e.HasIndex(x => new { x.PurlType, x.PurlNamespace, x.PurlName, x.SbomImageId });
        e.HasIndex(x => x.SbomImageId);
        e.HasOne<SbomImage>().WithMany().HasForeignKey(x => x.SbomImageId).OnDelete(DeleteBehavior.Cascade);
    }
}

public sealed class WorkloadImageConfiguration : IEntityTypeConfiguration<WorkloadImage>
{
    public const int WorkloadKindMaxLength = 100;

    public void Configure(EntityTypeBuilder<WorkloadImage> e)
    {
        e.Property(x => x.NamespaceName).HasMaxLength(FindingConfiguration.NamespaceNameMaxLength);
        e.Property(x => x.WorkloadKind).HasMaxLength(WorkloadKindMaxLength);
        e.Property(x => x.WorkloadName).HasMaxLength(FindingConfiguration.ResourceNameMaxLength);
        e.Property(x => x.Container).HasMaxLength(FindingConfiguration.ContainerMaxLength);
        e.Property(x => x.ImageRegistry).HasMaxLength(FindingConfiguration.ImageRegistryMaxLength);
        e.Property(x => x.ImageRepository).HasMaxLength(FindingConfiguration.ImageRepositoryMaxLength);
        e.Property(x => x.ImageTag).HasMaxLength(FindingConfiguration.ImageTagMaxLength);
        e.Property(x => x.ImageDigest).HasMaxLength(FindingConfiguration.ImageDigestMaxLength).IsUnicode(false);
        e.Property(x => x.Source).HasMaxLength(FindingConfiguration.SourceMaxLength);
        e.HasIndex(x => x.ImageDigest);
        e.HasIndex(x => new { x.ImageRegistry, x.ImageRepository, x.ImageTag });
        e.HasIndex(x => new { x.ClusterId, x.Source });
        e.HasOne(x => x.Cluster).WithMany().HasForeignKey(x => x.ClusterId).OnDelete(DeleteBehavior.Cascade);
        e.HasOne(x => x.OwnerTeam).WithMany().HasForeignKey(x => x.OwnerTeamId).OnDelete(DeleteBehavior.SetNull);
    }
}

public sealed class PackageWatchConfiguration : IEntityTypeConfiguration<PackageWatch>
{
    public const int NameMaxLength = 200;
    public const int VersionRangeMaxLength = 500;

    public void Configure(EntityTypeBuilder<PackageWatch> e)
    {
        e.Property(x => x.Name).HasMaxLength(NameMaxLength);
        e.HasIndex(x => x.Name).IsUnique();
        e.Property(x => x.Purl).HasMaxLength(FindingConfiguration.PurlMaxLength);
        e.Property(x => x.VersionRange).HasMaxLength(VersionRangeMaxLength);
        e.Property(x => x.CreatedBy).HasMaxLength(AuditEventConfiguration.ActorMaxLength);
    }
}
