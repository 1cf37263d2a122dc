using System.Security.Claims;
using K8Posture.Security;

namespace K8Posture.Data;

/// <summary>
/// Whose rows the current caller may read, and who acts. One per DI scope (request, circuit or job); every
/// <see cref="K8PostureDbContext"/> applies it as a query filter to each team-owned entity, and every audit event,
/// finding event and batch takes its actor from it.
/// It starts closed: a caller that was never identified sees no team-owned rows at all.
/// </summary>
/// <remarks>
/// A scope is bound once to one kind of identity: a person or machine (<see cref="SetUser"/>, which may be bound again
/// when the same circuit's authentication state changes) or the system (<see cref="SetSystem"/>). Binding a scope that
/// already acts for someone else throws, so work for a job can never run under a person's identity (or the reverse),
/// and one job can never re-label another actor's scope: such work gets its own DI scope.
/// </remarks>
public sealed class DataScope
{
    private bool bound;

    public bool SeesAllTeams { get; private set; }
    public IReadOnlyList<int> TeamIds { get; private set; } = [];
    public string Actor { get; private set; } = "anonymous";

    /// <summary>The person or machine the scope was bound to; null for the system and for a scope never bound.</summary>
    public ClaimsPrincipal? User { get; private set; }

    /// <summary>Bound by <see cref="SetSystem"/>: a job, command or ingestion internal acting for the organisation.</summary>
    public bool IsSystem { get; private set; }

    public void SetUser(ClaimsPrincipal user)
    {
        if (bound && IsSystem)
        {
            throw new InvalidOperationException($"This scope acts for {Actor}; a person's work needs its own scope.");
        }
        bound = true;
        User = user;
        IsSystem = false;
        Actor = user.ActorName();
        SeesAllTeams = user.SeesAllTeams();
        TeamIds = user.TeamIds();
    }

    /// <summary>For jobs, commands and ingestion internals that act for the whole organisation.</summary>
    public void SetSystem(string actor)
    {
        if (bound && !(IsSystem && Actor == actor))
        {
            throw new InvalidOperationException($"This scope already acts for {Actor}; run {actor} in its own scope.");
        }
        bound = true;
        User = null;
        IsSystem = true;
        Actor = actor;
        SeesAllTeams = true;
        TeamIds = [];
    }

    /// <summary>
    /// For services that take the acting person as an argument: the person must be the one this scope acts for,
    /// because what they change is recorded under <see cref="Actor"/>.
    /// </summary>
    public void EnsureActsFor(ClaimsPrincipal user)
    {
        if (IsSystem || User is null || User.ActorName() != user.ActorName())
        {
            throw new InvalidOperationException($"This scope acts for {Actor}, not for {user.ActorName()}: act for a person in a scope bound to them.");
        }
    }
}
