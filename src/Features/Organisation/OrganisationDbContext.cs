using K8Posture.Shared;
using K8Posture.Features.Organisation;
using Microsoft.EntityFrameworkCore;

namespace K8Posture.Data;

public abstract partial class K8PostureDbContext
{
    public DbSet<Application> Applications => Set<Application>();
    public DbSet<PipelineIdentity> PipelineIdentities => Set<PipelineIdentity>();

    partial void OnOrganisationModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<BusinessUnit>(e => e.Property(x => x.Description).HasMaxLength(1000));

        modelBuilder.Entity<Team>(e =>
        {
            e.Property(x => x.Description).HasMaxLength(1000);
            e.Property(x => x.ContactEmail).HasMaxLength(320);
            e.Property(x => x.ChatChannel).HasMaxLength(500);
        });

        modelBuilder.Entity<TeamGroup>(e => e.Property(x => x.DisplayName).HasMaxLength(256));

        modelBuilder.Entity<Application>(e =>
        {
            e.Property(x => x.Name).HasMaxLength(200);
            e.HasIndex(x => x.Name).IsUnique();
            e.Property(x => x.Description).HasMaxLength(1000);
            e.Property(x => x.RegulatoryScope).HasMaxLength(500);
            e.Property(x => x.RequiredPrivileges).HasMaxLength(1000);
            e.Property(x => x.DataClassification).HasConversion<string>().HasMaxLength(20);
            e.HasIndex(x => x.TeamId);
            e.HasOne(x => x.Team).WithMany().OnDelete(DeleteBehavior.Restrict);
            e.HasQueryFilter(a => SeesAllTeams || VisibleTeamIds.Contains(a.TeamId));
        });

        // Organisation-wide configuration, read only by Security admins and the authentication handler: no query filter.
        modelBuilder.Entity<PipelineIdentity>(e =>
        {
            e.Property(x => x.EntraId).HasMaxLength(64).IsUnicode(false);
            e.HasIndex(x => x.EntraId).IsUnique();
            e.Property(x => x.DisplayName).HasMaxLength(200);
            e.Property(x => x.CreatedBy).HasMaxLength(ColumnLengths.Actor);
            e.HasOne(x => x.Team).WithMany().OnDelete(DeleteBehavior.ClientSetNull);
        });
    }
}
