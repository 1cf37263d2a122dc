using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace K8Posture.Data.EntityConfigurations;

public sealed class IngestBatchConfiguration : IEntityTypeConfiguration<IngestBatch>
{
    public const int FormatMaxLength = 64;
    public const int SourceMaxLength = 64;
    public const int ScopeKeyMaxLength = 450;
    public const int ClusterNameMaxLength = 200;
    public const int RequestedScopeMaxLength = 450;
    public const int PipelineMaxLength = 300;
    public const int CommitMaxLength = 100;
    public const int ActorMaxLength = 200;
    public const int PayloadSha256MaxLength = 64;
    public const int ErrorMaxLength = 4000;

    public void Configure(EntityTypeBuilder<IngestBatch> e)
    {
        e.Property(x => x.Format).HasMaxLength(FormatMaxLength);
        e.Property(x => x.Source).HasMaxLength(SourceMaxLength);
        e.Property(x => x.ScopeKey).HasMaxLength(ScopeKeyMaxLength);
        e.Property(x => x.ClusterName).HasMaxLength(ClusterNameMaxLength);
        e.Property(x => x.RequestedScope).HasMaxLength(RequestedScopeMaxLength);
        e.Property(x => x.Pipeline).HasMaxLength(PipelineMaxLength);
        e.Property(x => x.Commit).HasMaxLength(CommitMaxLength);
        e.Property(x => x.Actor).HasMaxLength(ActorMaxLength);
        e.Property(x => x.PayloadSha256).HasMaxLength(PayloadSha256MaxLength).IsUnicode(false);
        e.Property(x => x.Error).HasMaxLength(ErrorMaxLength);
        e.HasIndex(x => new { x.PayloadSha256, x.ScopeKey });
        e.HasIndex(x => x.ReceivedAt);
        e.HasIndex(x => new { x.Status, x.ReceivedAt });
        e.HasOne(x => x.Team).WithMany().OnDelete(DeleteBehavior.ClientSetNull);
    }
}
