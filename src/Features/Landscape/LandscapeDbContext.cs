using K8Posture.Features.Findings;
using K8Posture.Features.Landscape;
using Microsoft.EntityFrameworkCore;

namespace K8Posture.Data;

public abstract partial class K8PostureDbContext
{
    public DbSet<LandscapeCell> LandscapeCells => Set<LandscapeCell>();
    public DbSet<SavedView> SavedViews => Set<SavedView>();

    /// <summary>The caller's actor name, the owner key of saved views.</summary>
    private string CurrentActor => Scope.Actor;

    partial void OnLandscapeModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<LandscapeCell>(e =>
        {
            e.ToTable("LandscapeCells");
            e.Property(x => x.Key).HasMaxLength(LandscapeCell.MaxKeyLength);
            e.HasIndex(x => new { x.Dimension, x.TeamId, x.ClusterId });
            // Same rule as findings: the cells of an app team's findings only.
            e.HasQueryFilter(c => SeesAllTeams || (c.TeamId != null && VisibleTeamIds.Contains(c.TeamId.Value)));
        });

        // The trend of an app team (or a team filter) reads its own snapshot rows by team first, not every team's days.
        modelBuilder.Entity<LandscapeSnapshot>(e => e.HasIndex(x => new { x.TeamId, x.Day }));

        modelBuilder.Entity<SavedView>(e =>
        {
            e.Property(x => x.OwnerUserId).HasMaxLength(200);
            e.Property(x => x.OwnerName).HasMaxLength(200);
            e.Property(x => x.Name).HasMaxLength(SavedView.MaxNameLength);
            e.Property(x => x.QueryString).HasMaxLength(SavedView.MaxQueryLength);
            e.HasIndex(x => new { x.OwnerUserId, x.Name }).IsUnique();
            // A person sees their own views and the ones the Security Team shared; the rows a view shows stay scoped by the findings filter.
            e.HasQueryFilter(v => v.OwnerUserId == CurrentActor || v.IsShared);
        });
    }
}
