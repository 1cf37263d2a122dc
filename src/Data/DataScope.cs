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

    public void SetUser(ClaimsPrincipal user)
    {
        Actor = user.ActorName();
        SeesAllTeams = user.SeesAllTeams();
        TeamIds = user.TeamIds();
    }

    /// <summary>For jobs, commands and ingestion internals that act for the whole organisation.</summary>
    public void SetSystem(string actor)
    {
        Actor = actor;
        SeesAllTeams = true;
        TeamIds = [];
    }
}
