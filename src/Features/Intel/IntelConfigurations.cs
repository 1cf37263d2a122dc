using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace K8Posture.Features.Intel;

// Feeds are keyed by CVE so later slices (SBOM components, VEX statements) join them the same way findings do.
public sealed class KevEntryConfiguration : IEntityTypeConfiguration<KevEntry>
{
    public const int CveIdMaxLength = 30;
    public const int VendorProjectMaxLength = 200;
    public const int ProductMaxLength = 300;
    public const int VulnerabilityNameMaxLength = 500;
    public const int RequiredActionMaxLength = 1000;

    public void Configure(EntityTypeBuilder<KevEntry> e)
    {
        e.HasKey(x => x.CveId);
        e.Property(x => x.CveId).HasMaxLength(CveIdMaxLength).IsUnicode(false);
        e.Property(x => x.VendorProject).HasMaxLength(VendorProjectMaxLength);
        e.Property(x => x.Product).HasMaxLength(ProductMaxLength);
        e.Property(x => x.VulnerabilityName).HasMaxLength(VulnerabilityNameMaxLength);
        e.Property(x => x.RequiredAction).HasMaxLength(RequiredActionMaxLength);
    }
}

public sealed class EpssScoreConfiguration : IEntityTypeConfiguration<EpssScore>
{
    public void Configure(EntityTypeBuilder<EpssScore> e)
    {
        e.HasKey(x => x.CveId);
        e.Property(x => x.CveId).HasMaxLength(KevEntryConfiguration.CveIdMaxLength).IsUnicode(false);
    }
}

public sealed class IntelFeedLoadConfiguration : IEntityTypeConfiguration<IntelFeedLoad>
{
    public const int VersionMaxLength = 100;

    public void Configure(EntityTypeBuilder<IntelFeedLoad> e)
    {
        e.Property(x => x.Version).HasMaxLength(VersionMaxLength);
        e.Property(x => x.LoadedBy).HasMaxLength(200);
        e.Property(x => x.PayloadSha256).HasMaxLength(64).IsUnicode(false);
        e.HasIndex(x => new { x.Kind, x.LoadedAt });
    }
}

public sealed class IntelWorkloadSignalConfiguration : IEntityTypeConfiguration<IntelWorkloadSignal>
{
    public void Configure(EntityTypeBuilder<IntelWorkloadSignal> e)
    {
        e.Property(x => x.NamespaceName).HasMaxLength(253);
        e.Property(x => x.Workload).HasMaxLength(600);
        e.HasIndex(x => new { x.ClusterId, x.NamespaceName, x.Signal, x.Workload });
    }
}
