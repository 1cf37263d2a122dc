using K8Posture.Shared;
using K8Posture.Features.Alerts;
using K8Posture.Features.Alerts.Siem;
using Microsoft.EntityFrameworkCore;

namespace K8Posture.Data;

public abstract partial class K8PostureDbContext
{
    public DbSet<RuntimeAlert> RuntimeAlerts => Set<RuntimeAlert>();
    public DbSet<RuntimeAlertEvent> RuntimeAlertEvents => Set<RuntimeAlertEvent>();
    public DbSet<SiemOutboxEntry> SiemOutbox => Set<SiemOutboxEntry>();

    partial void OnAlertsModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<RuntimeAlert>(e =>
        {
            e.Property(x => x.Source).HasMaxLength(ColumnLengths.Source);
            e.Property(x => x.SourceId).HasMaxLength(200);
            e.Property(x => x.DedupeKey).HasMaxLength(64).IsUnicode(false);
            e.Property(x => x.Rule).HasMaxLength(300);
            e.Property(x => x.Priority).HasMaxLength(50);
            e.Property(x => x.IocEvidence).HasMaxLength(500);
            e.Property(x => x.Output).HasMaxLength(4000);
            e.Property(x => x.Tags).HasMaxLength(1000);
            e.Property(x => x.ClusterName).HasMaxLength(ColumnLengths.ClusterName);
            e.Property(x => x.NamespaceName).HasMaxLength(ColumnLengths.KubernetesName);
            e.Property(x => x.Workload).HasMaxLength(300);
            e.Property(x => x.Pod).HasMaxLength(ColumnLengths.KubernetesName);
            e.Property(x => x.Container).HasMaxLength(ColumnLengths.KubernetesName);
            e.Property(x => x.Image).HasMaxLength(500);
            e.Property(x => x.Process).HasMaxLength(300);
            e.Property(x => x.CommandLine).HasMaxLength(2000);
            e.Property(x => x.User).HasMaxLength(200);
            e.Property(x => x.Hostname).HasMaxLength(ColumnLengths.KubernetesName);
            e.Property(x => x.FieldsJson).HasMaxLength(RuntimeAlertLimits.FieldsJson);
            e.Property(x => x.TriagedBy).HasMaxLength(ColumnLengths.Actor);
            e.Property(x => x.TriageNote).HasMaxLength(1000);
            e.Property(x => x.SuppressedBy).HasMaxLength(64);
            e.HasIndex(x => x.DedupeKey).IsUnique();
            e.HasIndex(x => new { x.SuppressedBy, x.LastSeenAt });
            e.HasIndex(x => new { x.OwnerTeamId, x.LastSeenAt });
            e.HasIndex(x => new { x.IocClass, x.LastSeenAt });
            e.HasIndex(x => new { x.Triage, x.LastSeenAt });
            e.HasIndex(x => x.LastSeenAt);
            e.HasOne(x => x.Cluster).WithMany().OnDelete(DeleteBehavior.ClientSetNull);
            e.HasOne(x => x.OwnerTeam).WithMany().OnDelete(DeleteBehavior.ClientSetNull);
            e.HasQueryFilter(a => SeesAllTeams || (a.OwnerTeamId != null && VisibleTeamIds.Contains(a.OwnerTeamId.Value)));
        });

        modelBuilder.Entity<RuntimeAlertEvent>(e =>
        {
            e.Property(x => x.Actor).HasMaxLength(ColumnLengths.Actor);
            e.Property(x => x.Note).HasMaxLength(1000);
            e.HasIndex(x => new { x.AlertId, x.At });
            e.HasOne(x => x.Alert).WithMany(x => x.Events).OnDelete(DeleteBehavior.Cascade);
            e.HasQueryFilter(ev => SeesAllTeams || (ev.Alert!.OwnerTeamId != null && VisibleTeamIds.Contains(ev.Alert.OwnerTeamId.Value)));
        });

        // Organisation-wide delivery state, read by admins only: no team filter.
        modelBuilder.Entity<SiemOutboxEntry>(e =>
        {
            e.ToTable("SiemOutbox");
            e.Property(x => x.EventJson).HasMaxLength(RuntimeAlertLimits.FieldsJson + 8000);
            e.Property(x => x.LastError).HasMaxLength(ColumnLengths.LastError);
            e.HasIndex(x => new { x.Kind, x.EntityId }).IsUnique();
            e.HasIndex(x => new { x.Status, x.NextAttemptAt });
        });
    }
}
