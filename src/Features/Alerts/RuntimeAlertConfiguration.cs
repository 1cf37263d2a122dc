using K8Posture.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace K8Posture.Features.Alerts;

public sealed class RuntimeAlertConfiguration : IEntityTypeConfiguration<RuntimeAlert>
{
    public const int SourceMaxLength = 64;
    public const int SourceIdMaxLength = 200;
    public const int DedupeKeyMaxLength = 64;
    public const int RuleMaxLength = 300;
    public const int PriorityMaxLength = 50;
    public const int IocEvidenceMaxLength = 500;
    public const int OutputMaxLength = 4000;
    public const int TagsMaxLength = 1000;
    public const int ClusterNameMaxLength = 200;
    public const int NamespaceNameMaxLength = 253;
    public const int WorkloadMaxLength = 300;
    public const int PodMaxLength = 253;
    public const int ContainerMaxLength = 253;
    public const int ImageMaxLength = 500;
    public const int ProcessMaxLength = 300;
    public const int CommandLineMaxLength = 2000;
    public const int UserMaxLength = 200;
    public const int HostnameMaxLength = 253;
    public const int TriagedByMaxLength = 200;
    public const int TriageNoteMaxLength = 1000;
    public const int SuppressedByMaxLength = 64;

    public void Configure(EntityTypeBuilder<RuntimeAlert> e)
    {
        e.Property(x => x.Source).HasMaxLength(SourceMaxLength);
        e.Property(x => x.SourceId).HasMaxLength(SourceIdMaxLength);
        e.Property(x => x.DedupeKey).HasMaxLength(DedupeKeyMaxLength).IsUnicode(false);
        e.Property(x => x.Rule).HasMaxLength(RuleMaxLength);
        e.Property(x => x.Priority).HasMaxLength(PriorityMaxLength);
        e.Property(x => x.IocEvidence).HasMaxLength(IocEvidenceMaxLength);
        e.Property(x => x.Output).HasMaxLength(OutputMaxLength);
        e.Property(x => x.Tags).HasMaxLength(TagsMaxLength);
        e.Property(x => x.ClusterName).HasMaxLength(ClusterNameMaxLength);
        e.Property(x => x.NamespaceName).HasMaxLength(NamespaceNameMaxLength);
        e.Property(x => x.Workload).HasMaxLength(WorkloadMaxLength);
        e.Property(x => x.Pod).HasMaxLength(PodMaxLength);
        e.Property(x => x.Container).HasMaxLength(ContainerMaxLength);
        e.Property(x => x.Image).HasMaxLength(ImageMaxLength);
        e.Property(x => x.Process).HasMaxLength(ProcessMaxLength);
        e.Property(x => x.CommandLine).HasMaxLength(CommandLineMaxLength);
        e.Property(x => x.User).HasMaxLength(UserMaxLength);
        e.Property(x => x.Hostname).HasMaxLength(HostnameMaxLength);
        e.Property(x => x.FieldsJson).HasMaxLength(RuntimeAlertLimits.FieldsJson);
        e.Property(x => x.TriagedBy).HasMaxLength(TriagedByMaxLength);
        e.Property(x => x.TriageNote).HasMaxLength(TriageNoteMaxLength);
        e.Property(x => x.SuppressedBy).HasMaxLength(SuppressedByMaxLength);
        e.HasIndex(x => x.DedupeKey).IsUnique();
        e.HasIndex(x => new { x.SuppressedBy, x.LastSeenAt });
        e.HasIndex(x => new { x.OwnerTeamId, x.LastSeenAt });
        e.HasIndex(x => new { x.IocClass, x.LastSeenAt });
        e.HasIndex(x => new { x.Triage, x.LastSeenAt });
        e.HasIndex(x => x.LastSeenAt);
        e.HasOne(x => x.Cluster).WithMany().OnDelete(DeleteBehavior.ClientSetNull);
        e.HasOne(x => x.OwnerTeam).WithMany().OnDelete(DeleteBehavior.ClientSetNull);
    }
}
