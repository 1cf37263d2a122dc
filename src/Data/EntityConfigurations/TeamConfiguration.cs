using K8Posture.Features.Organisation;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace K8Posture.Data.EntityConfigurations;

public sealed class TeamConfiguration : IEntityTypeConfiguration<Team>
{
    public const int NameMaxLength = 200;
    public const int DescriptionMaxLength = 1000;
    public const int ContactEmailMaxLength = 320;
    public const int ChatChannelMaxLength = 500;

    public void Configure(EntityTypeBuilder<Team> e)
    {
        e.Property(x => x.Name).HasMaxLength(NameMaxLength);
        e.HasIndex(x => x.Name).IsUnique();
        e.HasOne(x => x.BusinessUnit).WithMany(x => x.Teams).OnDelete(DeleteBehavior.ClientSetNull);
        e.Property(x => x.Description).HasMaxLength(DescriptionMaxLength);
        e.Property(x => x.ContactEmail).HasMaxLength(ContactEmailMaxLength);
        e.Property(x => x.ChatChannel).HasMaxLength(ChatChannelMaxLength);
    }
}
