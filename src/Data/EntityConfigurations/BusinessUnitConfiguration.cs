using K8Posture.Features.Organisation;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace K8Posture.Data.EntityConfigurations;

public sealed class BusinessUnitConfiguration : IEntityTypeConfiguration<BusinessUnit>
{
    public const int NameMaxLength = 200;
    public const int DescriptionMaxLength = 1000;

    public void Configure(EntityTypeBuilder<BusinessUnit> e)
    {
        e.Property(x => x.Name).HasMaxLength(NameMaxLength);
        e.HasIndex(x => x.Name).IsUnique();
        e.Property(x => x.Description).HasMaxLength(DescriptionMaxLength);
    }
}
