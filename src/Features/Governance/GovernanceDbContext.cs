using K8Posture.Shared;
using K8Posture.Features.Raci;
using K8Posture.Features.Tenancy;
using Microsoft.EntityFrameworkCore;

namespace K8Posture.Data;

public abstract partial class K8PostureDbContext
{
    public DbSet<RaciVersion> RaciVersions => Set<RaciVersion>();
    public DbSet<TenancyAssessment> TenancyAssessments => Set<TenancyAssessment>();

    partial void OnGovernanceModelCreating(ModelBuilder modelBuilder)
    {
        // The RACI matrix is organisation-wide, like the policy: no query filter.
        modelBuilder.Entity<RaciVersion>(e =>
        {
            e.Property(x => x.CreatedBy).HasMaxLength(ColumnLengths.Actor);
            e.Property(x => x.Comment).HasMaxLength(1000);
            e.HasIndex(x => x.Version).IsUnique();
        });

        modelBuilder.Entity<TenancyAssessment>(e =>
        {
            e.Property(x => x.Application).HasMaxLength(200);
            e.Property(x => x.CreatedBy).HasMaxLength(ColumnLengths.Actor);
            e.Property(x => x.SubmittedBy).HasMaxLength(ColumnLengths.Actor);
            e.Property(x => x.ReviewedBy).HasMaxLength(ColumnLengths.Actor);
            e.Property(x => x.ReviewComment).HasMaxLength(2000);
            e.Property(x => x.AnswersJson).HasMaxLength(8000);
            e.HasIndex(x => new { x.Application, x.Status });
            e.HasIndex(x => new { x.OwnerTeamId, x.Status });
            e.HasIndex(x => x.ReassessDueAt);
            e.HasOne(x => x.OwnerTeam).WithMany().OnDelete(DeleteBehavior.ClientSetNull);
            e.HasQueryFilter(a => SeesAllTeams || (a.OwnerTeamId != null && VisibleTeamIds.Contains(a.OwnerTeamId.Value)));
        });
    }
}
