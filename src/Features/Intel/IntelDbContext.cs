using K8Posture.Features.Intel;
using Microsoft.EntityFrameworkCore;

namespace K8Posture.Data;

public abstract partial class K8PostureDbContext
{
    public DbSet<KevEntry> KevEntries => Set<KevEntry>();
    public DbSet<EpssScore> EpssScores => Set<EpssScore>();
    public DbSet<IntelFeedLoad> IntelFeedLoads => Set<IntelFeedLoad>();
    public DbSet<IntelWorkloadSignal> IntelWorkloadSignals => Set<IntelWorkloadSignal>();

    partial void OnIntelModelCreating(ModelBuilder modelBuilder)
    {
        // Feeds are keyed by CVE so later slices (SBOM components, VEX statements) join them the same way findings do.
        modelBuilder.Entity<KevEntry>(e =>
        {
            e.HasKey(x => x.CveId);
            e.Property(x => x.CveId).HasMaxLength(30).IsUnicode(false);
            e.Property(x => x.VendorProject).HasMaxLength(200);
            e.Property(x => x.Product).HasMaxLength(300);
            e.Property(x => x.VulnerabilityName).HasMaxLength(500);
            e.Property(x => x.RequiredAction).HasMaxLength(1000);
        });
        modelBuilder.Entity<EpssScore>(e =>
        {
            e.HasKey(x => x.CveId);
            e.Property(x => x.CveId).HasMaxLength(30).IsUnicode(false);
        });
        modelBuilder.Entity<IntelFeedLoad>(e =>
        {
            e.Property(x => x.Version).HasMaxLength(100);
            e.Property(x => x.LoadedBy).HasMaxLength(200);
            e.Property(x => x.PayloadSha256).HasMaxLength(64).IsUnicode(false);
            e.HasIndex(x => new { x.Kind, x.LoadedAt });
        });
        modelBuilder.Entity<IntelWorkloadSignal>(e =>
        {
            e.Property(x => x.NamespaceName).HasMaxLength(253);
            e.Property(x => x.Workload).HasMaxLength(600);
            e.HasIndex(x => new { x.ClusterId, x.NamespaceName, x.Signal, x.Workload });
        });
        modelBuilder.Entity<Finding>(e =>
        {
            e.Property(x => x.IntelCveId).HasMaxLength(30).IsUnicode(false);
            e.HasIndex(x => x.IntelCveId);
            // Fix first: open findings by priority, for the organisation and per team.
            e.HasIndex(x => new { x.Status, x.Priority });
            e.HasIndex(x => new { x.OwnerTeamId, x.Status, x.Priority });
        });
    }
}
