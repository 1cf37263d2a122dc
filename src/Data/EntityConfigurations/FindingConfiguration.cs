using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace K8Posture.Data.EntityConfigurations;

public sealed class FindingConfiguration : IEntityTypeConfiguration<Finding>
{
    public const int FingerprintMaxLength = 64;
    public const int ContentHashMaxLength = 64;
    public const int SourceMaxLength = 64;
    public const int ScopeKeyMaxLength = 450;
    public const int TitleMaxLength = 1000;
    public const int RuleIdMaxLength = 200;
    public const int VulnerabilityIdMaxLength = 100;
    public const int CweMaxLength = 200;
    public const int CvssVectorMaxLength = 200;
    public const int PackageNameMaxLength = 300;
    public const int PackageTypeMaxLength = 50;
    public const int PurlMaxLength = 1000;
    public const int InstalledVersionMaxLength = 200;
    public const int FixedVersionMaxLength = 500;
    public const int NamespaceNameMaxLength = 253;
    public const int ResourceKindMaxLength = 100;
    public const int ResourceNameMaxLength = 300;
    public const int ContainerMaxLength = 253;
    public const int ImageRegistryMaxLength = 253;
    public const int ImageRepositoryMaxLength = 500;
    public const int ImageTagMaxLength = 200;
    public const int ImageDigestMaxLength = 100;
    public const int OwaspK8sMaxLength = 20;
    public const int PssControlMaxLength = 100;
    public const int PrimaryUrlMaxLength = 1000;
    public const int AssigneeMaxLength = 200;
    public const int IntelCveIdMaxLength = 30;

    public void Configure(EntityTypeBuilder<Finding> e)
    {
        e.Property(x => x.Fingerprint).HasMaxLength(FingerprintMaxLength).IsUnicode(false);
        e.Property(x => x.ContentHash).HasMaxLength(ContentHashMaxLength).IsUnicode(false);
        e.Property(x => x.Source).HasMaxLength(SourceMaxLength);
        e.Property(x => x.ScopeKey).HasMaxLength(ScopeKeyMaxLength);
        e.Property(x => x.Title).HasMaxLength(TitleMaxLength);
        e.Property(x => x.RuleId).HasMaxLength(RuleIdMaxLength);
        e.Property(x => x.VulnerabilityId).HasMaxLength(VulnerabilityIdMaxLength);
        e.Property(x => x.Cwe).HasMaxLength(CweMaxLength);
        e.Property(x => x.CvssVector).HasMaxLength(CvssVectorMaxLength);
        e.Property(x => x.PackageName).HasMaxLength(PackageNameMaxLength);
        e.Property(x => x.PackageType).HasMaxLength(PackageTypeMaxLength);
        e.Property(x => x.Purl).HasMaxLength(PurlMaxLength);
        e.Property(x => x.InstalledVersion).HasMaxLength(InstalledVersionMaxLength);
        e.Property(x => x.FixedVersion).HasMaxLength(FixedVersionMaxLength);
        e.Property(x => x.NamespaceName).HasMaxLength(NamespaceNameMaxLength);
        e.Property(x => x.ResourceKind).HasMaxLength(ResourceKindMaxLength);
        e.Property(x => x.ResourceName).HasMaxLength(ResourceNameMaxLength);
        e.Property(x => x.Container).HasMaxLength(ContainerMaxLength);
        e.Property(x => x.ImageRegistry).HasMaxLength(ImageRegistryMaxLength);
        e.Property(x => x.ImageRepository).HasMaxLength(ImageRepositoryMaxLength);
        e.Property(x => x.ImageTag).HasMaxLength(ImageTagMaxLength);
        e.Property(x => x.ImageDigest).HasMaxLength(ImageDigestMaxLength);
        e.Property(x => x.OwaspK8s).HasMaxLength(OwaspK8sMaxLength);
        e.Property(x => x.PssControl).HasMaxLength(PssControlMaxLength);
        e.Property(x => x.PrimaryUrl).HasMaxLength(PrimaryUrlMaxLength);
        e.Property(x => x.Assignee).HasMaxLength(AssigneeMaxLength);
        e.Property(x => x.IntelCveId).HasMaxLength(IntelCveIdMaxLength).IsUnicode(false);
        e.HasIndex(x => x.IntelCveId);
        // Fix first: open findings by priority, for the organisation and per team.
        e.HasIndex(x => new { x.Status, x.Priority });
        e.HasIndex(x => new { x.OwnerTeamId, x.Status, x.Priority });
        e.HasIndex(x => x.Fingerprint).IsUnique();
        e.HasIndex(x => new { x.Source, x.ScopeKey, x.Status });
        e.HasIndex(x => new { x.Status, x.Category, x.Severity });
        e.HasIndex(x => new { x.OwnerTeamId, x.Status, x.Severity });
        // The team queue and the SLA-breach job: open findings of a team by due date.
        e.HasIndex(x => new { x.OwnerTeamId, x.Status, x.SlaDueAt });
        // The queue over every team: open findings without a verdict, worst first and then by due date, in the queue's own
        // order (severity descending), so a page of it stops after its rows; its overdue and due-soon counts read this
        // index alone (at 1,000,000 findings a table scan took 0.5 s, 2–4 s under load; a page sorted 500,000 rows).
        e.HasIndex(x => new { x.Status, x.Resolution, x.Severity, x.SlaDueAt }).IsDescending(false, false, true, false);
        // Known exploited (KEV) open findings: few rows, counted on the landscape and the queue without a scan.
        e.HasIndex(x => new { x.Status, x.Resolution, x.KevDateAdded });
        e.HasIndex(x => new { x.ClusterId, x.Status });
        // The findings explorer's default order (severity, then last seen) and its per-cluster pages, without a sort of every row.
        e.HasIndex(x => new { x.Status, x.Severity, x.LastSeenAt });
        e.HasIndex(x => new { x.ClusterId, x.Status, x.LastSeenAt });
        e.HasIndex(x => x.VulnerabilityId);
        e.HasIndex(x => x.VexStatementId);
        e.HasOne(x => x.Cluster).WithMany().OnDelete(DeleteBehavior.ClientSetNull);
        e.HasOne(x => x.OwnerTeam).WithMany().OnDelete(DeleteBehavior.ClientSetNull);
    }
}
