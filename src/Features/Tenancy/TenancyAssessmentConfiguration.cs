using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace K8Posture.Features.Tenancy;

public sealed class TenancyAssessmentConfiguration : IEntityTypeConfiguration<TenancyAssessment>
{
    public const int ApplicationMaxLength = 200;
    public const int CreatedByMaxLength = 200;
    public const int SubmittedByMaxLength = 200;
    public const int ReviewedByMaxLength = 200;
    public const int ReviewCommentMaxLength = 2000;
    public const int AnswersJsonMaxLength = 8000;

    public void Configure(EntityTypeBuilder<TenancyAssessment> e)
    {
        e.Property(x => x.Application).HasMaxLength(ApplicationMaxLength);
        e.Property(x => x.CreatedBy).HasMaxLength(CreatedByMaxLength);
        e.Property(x => x.SubmittedBy).HasMaxLength(SubmittedByMaxLength);
        e.Property(x => x.ReviewedBy).HasMaxLength(ReviewedByMaxLength);
        e.Property(x => x.ReviewComment).HasMaxLength(ReviewCommentMaxLength);
        e.Property(x => x.AnswersJson).HasMaxLength(AnswersJsonMaxLength);
        e.HasIndex(x => new { x.Application, x.Status });
        e.HasIndex(x => new { x.OwnerTeamId, x.Status });
        e.HasIndex(x => x.ReassessDueAt);
        e.HasOne(x => x.OwnerTeam).WithMany().OnDelete(DeleteBehavior.ClientSetNull);
    }
}
