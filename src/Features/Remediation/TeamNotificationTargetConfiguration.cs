using K8Posture.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace K8Posture.Features.Remediation;

public sealed class TeamNotificationTargetConfiguration : IEntityTypeConfiguration<TeamNotificationTarget>
{
    public const int AddressProtectedMaxLength = 4000;
    public const int DisplayAddressMaxLength = 300;
    public const int CreatedByMaxLength = 200;
    public const int LastErrorMaxLength = 1000;

    public void Configure(EntityTypeBuilder<TeamNotificationTarget> e)
    {
        e.Property(x => x.AddressProtected).HasMaxLength(AddressProtectedMaxLength);
        e.Property(x => x.DisplayAddress).HasMaxLength(DisplayAddressMaxLength);
        e.Property(x => x.CreatedBy).HasMaxLength(CreatedByMaxLength);
        e.Property(x => x.LastError).HasMaxLength(LastErrorMaxLength);
        e.HasIndex(x => x.TeamId);
        e.HasOne(x => x.Team).WithMany().OnDelete(DeleteBehavior.Cascade);
    }
}
