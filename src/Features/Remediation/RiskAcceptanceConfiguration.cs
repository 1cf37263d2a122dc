using K8Posture.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace K8Posture.Features.Remediation;

public sealed class RiskAcceptanceConfiguration : IEntityTypeConfiguration<RiskAcceptance>
{
    public const int RuleIdMaxLength = 200;
    public const int NamespaceNameMaxLength = 253;
    public const int ImageRepositoryMaxLength = 500;
    public const int ReasonMaxLength = 2000;
    public const int RequestedByMaxLength = 200;
    public const int RequestedBySubjectMaxLength = 200;
    public const int DecidedByMaxLength = 200;
    public const int DecidedBySubjectMaxLength = 200;
    public const int DecisionCommentMaxLength = 2000;
    public const int RevokedByMaxLength = 200;
    public const int RevocationReasonMaxLength = 2000;

    public void Configure(EntityTypeBuilder<RiskAcceptance> e)
    {
        e.Property(x => x.RuleId).HasMaxLength(RuleIdMaxLength);
        e.Property(x => x.NamespaceName).HasMaxLength(NamespaceNameMaxLength);
        e.Property(x => x.ImageRepository).HasMaxLength(ImageRepositoryMaxLength);
        e.Property(x => x.Reason).HasMaxLength(ReasonMaxLength);
        e.Property(x => x.RequestedBy).HasMaxLength(RequestedByMaxLength);
        e.Property(x => x.RequestedBySubject).HasMaxLength(RequestedBySubjectMaxLength);
        e.Property(x => x.DecidedBy).HasMaxLength(DecidedByMaxLength);
        e.Property(x => x.DecidedBySubject).HasMaxLength(DecidedBySubjectMaxLength);
        e.Property(x => x.DecisionComment).HasMaxLength(DecisionCommentMaxLength);
        e.Property(x => x.RevokedBy).HasMaxLength(RevokedByMaxLength);
        e.Property(x => x.RevocationReason).HasMaxLength(RevocationReasonMaxLength);
        e.HasIndex(x => new { x.Status, x.ExpiresAt });
        e.HasIndex(x => new { x.OwnerTeamId, x.Status });
        e.HasIndex(x => x.FindingId);
        // Ownership never cascades: deleting a finding or team leaves the acceptance as evidence.
        e.HasOne(x => x.Finding).WithMany().OnDelete(DeleteBehavior.ClientSetNull);
        e.HasOne(x => x.OwnerTeam).WithMany().OnDelete(DeleteBehavior.ClientSetNull);
        e.HasOne<Cluster>().WithMany().HasForeignKey(x => x.ClusterId).OnDelete(DeleteBehavior.ClientSetNull);
    }
}
