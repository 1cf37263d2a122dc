using K8Posture.Shared;
using K8Posture.Features.Reports;
using Microsoft.EntityFrameworkCore;

namespace K8Posture.Data;

public abstract partial class K8PostureDbContext
{
    public DbSet<ExecutiveReport> ExecutiveReports => Set<ExecutiveReport>();

    partial void OnReportsModelCreating(ModelBuilder modelBuilder)
    {
        // Organisation-wide (every team's figures): no team filter; the endpoints authorise by policy instead.
        modelBuilder.Entity<ExecutiveReport>(e =>
        {
            e.Property(x => x.CreatedBy).HasMaxLength(ColumnLengths.Actor);
            e.Property(x => x.Sha256).HasMaxLength(64).IsUnicode(false);
            e.Property(x => x.Trigger).HasConversion<string>().HasMaxLength(20);
            e.HasIndex(x => x.CreatedAt);
            e.HasIndex(x => new { x.PeriodStart, x.PeriodEnd });
        });
    }
}
