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
}
