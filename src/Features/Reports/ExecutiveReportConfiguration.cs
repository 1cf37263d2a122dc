using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace K8Posture.Features.Reports;

/// <summary>Organisation-wide (every team's figures): no team filter; the endpoints authorise by policy instead.</summary>
public sealed class ExecutiveReportConfiguration : IEntityTypeConfiguration<ExecutiveReport>
{
    public const int CreatedByMaxLength = 200;
    public const int Sha256MaxLength = 64;

    public void Configure(EntityTypeBuilder<ExecutiveReport> e)
    {
        e.Property(x => x.CreatedBy).HasMaxLength(CreatedByMaxLength);
        e.Property(x => x.Sha256).HasMaxLength(Sha256MaxLength).IsUnicode(false);
        e.Property(x => x.Trigger).HasConversion<string>().HasMaxLength(20);
        e.HasIndex(x => x.CreatedAt);
        e.HasIndex(x => new { x.PeriodStart, x.PeriodEnd });
    }
}
