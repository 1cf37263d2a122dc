using K8Posture.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace K8Posture.Features.Organisation;

public sealed class ApplicationConfiguration : IEntityTypeConfiguration<Application>
{
    public const int NameMaxLength = 200;
    public const int DescriptionMaxLength = 1000;
    public const int RegulatoryScopeMaxLength = 500;
    public const int RequiredPrivilegesMaxLength = 1000;

    public void Configure(EntityTypeBuilder<Application> e)
    {
        e.Property(x => x.Name).HasMaxLength(NameMaxLength);
        e.HasIndex(x => x.Name).IsUnique();
        e.Property(x => x.Description).HasMaxLength(DescriptionMaxLength);
        e.Property(x => x.RegulatoryScope).HasMaxLength(RegulatoryScopeMaxLength);
        e.Property(x => x.RequiredPrivileges).HasMaxLength(RequiredPrivilegesMaxLength);
        e.Property(x => x.DataClassification).HasConversion<string>().HasMaxLength(20);
        e.HasIndex(x => x.TeamId);
        e.HasOne(x => x.Team).WithMany().OnDelete(DeleteBehavior.Restrict);
    }
}
