using K8Posture.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace K8Posture.Features.Remediation;

public sealed class FindingCommentConfiguration : IEntityTypeConfiguration<FindingComment>
{
    public const int AuthorMaxLength = 200;
    public const int TextMaxLength = 4000;

    public void Configure(EntityTypeBuilder<FindingComment> e)
    {
        e.Property(x => x.Author).HasMaxLength(AuthorMaxLength);
        e.Property(x => x.Text).HasMaxLength(TextMaxLength);
        e.HasIndex(x => new { x.FindingId, x.At });
        e.HasOne(x => x.Finding).WithMany().OnDelete(DeleteBehavior.Cascade);
    }
}
