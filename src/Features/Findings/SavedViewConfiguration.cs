using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace K8Posture.Features.Findings;

public sealed class SavedViewConfiguration : IEntityTypeConfiguration<SavedView>
{
    public const int OwnerUserIdMaxLength = 200;
    public const int OwnerNameMaxLength = 200;

    public void Configure(EntityTypeBuilder<SavedView> e)
    {
        e.Property(x => x.OwnerUserId).HasMaxLength(OwnerUserIdMaxLength);
        e.Property(x => x.OwnerName).HasMaxLength(OwnerNameMaxLength);
        e.Property(x => x.Name).HasMaxLength(SavedView.MaxNameLength);
        e.Property(x => x.QueryString).HasMaxLength(SavedView.MaxQueryLength);
        e.HasIndex(x => new { x.OwnerUserId, x.Name }).IsUnique();
    }
}
