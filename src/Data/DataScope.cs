using System.Security.Claims;
using K8Posture.Security;

namespace K8Posture.Data;

/// <summary>
/// Whose rows the current caller may read. One per DI scope (request, circuit or job); every
/// <see cref="K8PostureDbContext"/> applies it as a query filter to each team-owned entity.
/// It starts closed: a caller that was never identified sees no team-owned rows at all.
/// </summary>
public sealed class DataScope
{
    public bool SeesAllTeams { get; private set; }
    public IReadOnlyList<int> TeamIds { get; private set; } = [];
    public string Actor { get; private set; } = "anonymous";

    /// <summary>The person or machine the scope was bound to; null for the system and for a scope never bound.</summary>
    public ClaimsPrincipal? User { get; private set; }

    /// <summary>Bound by <see cref="SetSystem"/>: a job, command or ingestion internal acting for the organisation.</summary>
    public bool IsSystem { get; private set; }

    public void SetUser(ClaimsPrincipal user)
    {
        User = user;
        IsSystem = false;
        Actor = user.ActorName();
        SeesAllTeams = user.SeesAllTeams();
        TeamIds = user.TeamIds();
    }

    /// <summary>For jobs, commands and ingestion internals that act for the whole organisation.</summary>
    public void SetSystem(string actor)
    {
        User = null;
        IsSystem = true;
        Actor = actor;
        SeesAllTeams = true;
        TeamIds = [];
    }
}
