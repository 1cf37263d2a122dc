using K8Posture.Shared;
using K8Posture.Features.Inventory;
using Microsoft.EntityFrameworkCore;

namespace K8Posture.Data;

public abstract partial class K8PostureDbContext
{
    public DbSet<InventoryRecord> InventoryRecords => Set<InventoryRecord>();
    public DbSet<EgressObservation> EgressObservations => Set<EgressObservation>();
    public DbSet<EgressDaily> EgressDaily => Set<EgressDaily>();

    partial void OnInventoryModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<InventoryRecord>(e =>
        {
            e.Property(x => x.NaturalKey).HasMaxLength(450);
            e.Property(x => x.Name).HasMaxLength(300);
            e.Property(x => x.Source).HasMaxLength(ColumnLengths.Source);
            e.Property(x => x.CloudAccount).HasMaxLength(200);
            e.Property(x => x.Vpc).HasMaxLength(300);
            e.Property(x => x.Region).HasMaxLength(100);
            e.Property(x => x.Endpoint).HasMaxLength(500);
            e.Property(x => x.Hostname).HasMaxLength(ColumnLengths.KubernetesName);
            e.Property(x => x.UserName).HasMaxLength(200);
            e.Property(x => x.Version).HasMaxLength(100);
            e.Property(x => x.Product).HasMaxLength(100);
            e.Property(x => x.Ports).HasMaxLength(500);
            e.Property(x => x.MatchedBy).HasMaxLength(50);
            e.Property(x => x.EvidenceJson).HasMaxLength(8000);
            e.HasIndex(x => new { x.Kind, x.NaturalKey }).IsUnique();
            e.HasIndex(x => new { x.Kind, x.LastSeenAt });
            e.HasIndex(x => new { x.OwnerTeamId, x.Kind });
            e.HasIndex(x => x.MatchedClusterId);
            e.HasOne(x => x.BusinessUnit).WithMany().OnDelete(DeleteBehavior.ClientSetNull);
            e.HasOne(x => x.OwnerTeam).WithMany().OnDelete(DeleteBehavior.ClientSetNull);
            e.HasOne(x => x.MatchedCluster).WithMany().OnDelete(DeleteBehavior.ClientSetNull);
            e.HasQueryFilter(r => SeesAllTeams || (r.OwnerTeamId != null && VisibleTeamIds.Contains(r.OwnerTeamId.Value)));
        });

        modelBuilder.Entity<EgressObservation>(e =>
        {
            e.Property(x => x.LineHash).HasMaxLength(64).IsUnicode(false);
            e.Property(x => x.SourceHost).HasMaxLength(253);
            e.Property(x => x.UserName).HasMaxLength(200);
            e.Property(x => x.DestinationHost).HasMaxLength(253);
            e.HasIndex(x => x.LineHash).IsUnique();
            e.HasIndex(x => x.At);
            e.HasOne<Team>().WithMany().HasForeignKey(x => x.OwnerTeamId).OnDelete(DeleteBehavior.ClientSetNull);
            e.HasQueryFilter(o => SeesAllTeams || (o.OwnerTeamId != null && VisibleTeamIds.Contains(o.OwnerTeamId.Value)));
        });

        modelBuilder.Entity<EgressDaily>(e =>
        {
            e.ToTable("EgressDaily");
            e.Property(x => x.SourceHost).HasMaxLength(253);
            e.Property(x => x.DestinationHost).HasMaxLength(253);
            e.Property(x => x.Registry).HasMaxLength(50);
            e.HasIndex(x => new { x.Day, x.OwnerTeamId, x.SourceHost, x.DestinationHost }).IsUnique();
            e.HasOne<Team>().WithMany().HasForeignKey(x => x.OwnerTeamId).OnDelete(DeleteBehavior.ClientSetNull);
            e.HasQueryFilter(d => SeesAllTeams || (d.OwnerTeamId != null && VisibleTeamIds.Contains(d.OwnerTeamId.Value)));
        });
    }
}
