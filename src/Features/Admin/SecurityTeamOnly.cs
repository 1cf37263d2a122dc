using K8Posture.Data;
using K8Posture.Shared.Http;
using K8Posture.Security;

namespace K8Posture.Features.Admin;

/// <summary>The caller acts for one or more teams, but the change is the Security Team's to make.</summary>
public sealed class SecurityTeamRequiredException(string message)
    : ProblemException(StatusCodes.Status403Forbidden, "Security Team only", message);

/// <summary>
/// Changes only the Security Team may make: a Security.Admin person or an organisation-wide admin key. Services check this
/// themselves, so a page or endpoint that forgets (or a team key that still carries the admin scope) cannot get through.
/// </summary>
public static class SecurityTeamOnly
{
    public static void Require(DataScope scope, string change)
    {
        ArgumentNullException.ThrowIfNull(scope);
        if (!scope.SeesAllTeams)
        {
            throw new SecurityTeamRequiredException(
                $"{change} is for the Security Team: a Security.Admin person or an organisation-wide key with the admin scope. "
                + $"The caller ({scope.Actor}) is team-bound; a team-bound key cannot administer shared resources, even with the admin scope.");
        }
        if (!MayAdminister(scope))
        {
            throw new SecurityTeamRequiredException(
                $"{change} is for the Security Team: a Security.Admin person or an organisation-wide key with the admin scope. "
                + $"The caller ({scope.Actor}) sees every team but may not administer: reading everything is not changing it.");
        }
    }

    /// <summary>The system, a Security.Admin person, or a machine granted the admin scope (a key, or an Entra app's Pipeline.Admin role).</summary>
    public static bool MayAdminister(DataScope scope)
    {
        ArgumentNullException.ThrowIfNull(scope);
        if (scope.IsSystem)
        {
            return true;
        }
        return scope.User is { } user
            && (user.IsInRole(Roles.SecurityAdmin)
                || (user.IsMachine() && (user.HasApiScope(ApiScopes.Admin) || user.IsInRole("Pipeline.Admin"))));
    }
}
