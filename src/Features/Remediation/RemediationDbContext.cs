using K8Posture.Shared;
using K8Posture.Features.Remediation;
using Microsoft.EntityFrameworkCore;

namespace K8Posture.Data;

public abstract partial class K8PostureDbContext
{
    public DbSet<FindingComment> FindingComments => Set<FindingComment>();
    public DbSet<RiskAcceptance> RiskAcceptances => Set<RiskAcceptance>();
    public DbSet<RiskAcceptanceCoverage> RiskAcceptanceCoverage => Set<RiskAcceptanceCoverage>();
    public DbSet<TeamNotificationTarget> TeamNotificationTargets => Set<TeamNotificationTarget>();
    public DbSet<SlaBreachNotification> SlaBreachNotifications => Set<SlaBreachNotification>();
    public DbSet<RemediationMetricSnapshot> RemediationMetricSnapshots => Set<RemediationMetricSnapshot>();

    partial void OnRemediationModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<FindingComment>(e =>
        {
            e.Property(x => x.Author).HasMaxLength(200);
            e.Property(x => x.Text).HasMaxLength(4000);
            e.HasIndex(x => new { x.FindingId, x.At });
            e.HasOne(x => x.Finding).WithMany().OnDelete(DeleteBehavior.Cascade);
            e.HasQueryFilter(c => SeesAllTeams || (c.Finding!.OwnerTeamId != null && VisibleTeamIds.Contains(c.Finding.OwnerTeamId.Value)));
        });

        modelBuilder.Entity<RiskAcceptance>(e =>
        {
            e.Property(x => x.RuleId).HasMaxLength(200);
            e.Property(x => x.NamespaceName).HasMaxLength(ColumnLengths.KubernetesName);
            e.Property(x => x.ImageRepository).HasMaxLength(500);
            e.Property(x => x.Reason).HasMaxLength(2000);
            e.Property(x => x.RequestedBy).HasMaxLength(200);
            e.Property(x => x.RequestedBySubject).HasMaxLength(200);
            e.Property(x => x.DecidedBy).HasMaxLength(200);
            e.Property(x => x.DecidedBySubject).HasMaxLength(200);
            e.Property(x => x.DecisionComment).HasMaxLength(2000);
            e.Property(x => x.RevokedBy).HasMaxLength(ColumnLengths.Actor);
            e.Property(x => x.RevocationReason).HasMaxLength(2000);
            e.HasIndex(x => new { x.Status, x.ExpiresAt });
            e.HasIndex(x => new { x.OwnerTeamId, x.Status });
            e.HasIndex(x => x.FindingId);
            // Ownership never cascades: deleting a finding or team leaves the acceptance as evidence.
            e.HasOne(x => x.Finding).WithMany().OnDelete(DeleteBehavior.ClientSetNull);
            e.HasOne(x => x.OwnerTeam).WithMany().OnDelete(DeleteBehavior.ClientSetNull);
            e.HasOne<Cluster>().WithMany().HasForeignKey(x => x.ClusterId).OnDelete(DeleteBehavior.ClientSetNull);
            e.HasQueryFilter(r => SeesAllTeams || (r.OwnerTeamId != null && VisibleTeamIds.Contains(r.OwnerTeamId.Value)));
        });

        modelBuilder.Entity<RiskAcceptanceCoverage>(e =>
        {
            e.HasIndex(x => new { x.RiskAcceptanceId, x.FindingId }).IsUnique();
            e.HasIndex(x => x.FindingId);
            e.HasOne(x => x.RiskAcceptance).WithMany(x => x.Coverage).OnDelete(DeleteBehavior.Cascade);
            e.HasOne(x => x.Finding).WithMany().OnDelete(DeleteBehavior.ClientSetNull);
            e.HasQueryFilter(c => SeesAllTeams || (c.Finding!.OwnerTeamId != null && VisibleTeamIds.Contains(c.Finding.OwnerTeamId.Value)));
        });

        modelBuilder.Entity<TeamNotificationTarget>(e =>
        {
            e.Property(x => x.AddressProtected).HasMaxLength(4000);
            e.Property(x => x.DisplayAddress).HasMaxLength(300);
            e.Property(x => x.CreatedBy).HasMaxLength(ColumnLengths.Actor);
            e.Property(x => x.LastError).HasMaxLength(ColumnLengths.LastError);
            e.HasIndex(x => x.TeamId);
            e.HasOne(x => x.Team).WithMany().OnDelete(DeleteBehavior.Cascade);
            e.HasQueryFilter(t => SeesAllTeams || VisibleTeamIds.Contains(t.TeamId));
        });

        modelBuilder.Entity<SlaBreachNotification>(e =>
        {
            e.HasIndex(x => new { x.FindingId, x.SlaDueAt, x.TargetId }).IsUnique();
            e.HasIndex(x => new { x.TeamId, x.SentAt });
            e.HasOne<Finding>().WithMany().HasForeignKey(x => x.FindingId).OnDelete(DeleteBehavior.Cascade);
            e.HasOne<TeamNotificationTarget>().WithMany().HasForeignKey(x => x.TargetId).OnDelete(DeleteBehavior.Cascade);
            e.HasQueryFilter(n => SeesAllTeams || VisibleTeamIds.Contains(n.TeamId));
        });

        modelBuilder.Entity<RemediationMetricSnapshot>(e =>
        {
            e.HasIndex(x => new { x.Day, x.TeamId }).IsUnique();
            e.HasOne<Team>().WithMany().HasForeignKey(x => x.TeamId).OnDelete(DeleteBehavior.ClientSetNull);
            e.HasQueryFilter(s => SeesAllTeams || (s.TeamId != null && VisibleTeamIds.Contains(s.TeamId.Value)));
        });
    }
}
