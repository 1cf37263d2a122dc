using System.Security.Claims;

namespace K8Posture.Security;

/// <summary>The Entra ID app roles of DESIGN.md §1.</summary>
public static class Roles
{
    public const string SecurityAdmin = "Security.Admin";
    public const string SecurityAnalyst = "Security.Analyst";
    public const string LeadershipViewer = "Leadership.Viewer";
    public const string AppTeamMember = "AppTeam.Member";
    public const string Auditor = "Auditor";

    public static readonly IReadOnlyList<string> All = [SecurityAdmin, SecurityAnalyst, LeadershipViewer, AppTeamMember, Auditor];

    /// <summary>Roles whose holders see every team's rows.</summary>
    public static readonly IReadOnlyList<string> OrganisationWide = [SecurityAdmin, SecurityAnalyst, LeadershipViewer, Auditor];
}

/// <summary>What a pipeline key (or an Entra app token's role) lets a machine do.</summary>
public static class ApiScopes
{
    public const string Ingest = "ingest";
    public const string Evaluate = "evaluate";
    public const string Read = "read";
    public const string Admin = "admin";

    public static readonly IReadOnlyList<string> All = [Ingest, Evaluate, Read, Admin];
}

public static class K8PostureClaims
{
    /// <summary>Team id (database key) the caller belongs to; one claim per team.</summary>
    public const string Team = "k8p_team";
    /// <summary>Pipeline scope granted to a machine caller; one claim per scope.</summary>
    public const string Scope = "k8p_scope";
    /// <summary>Set on principals built from a pipeline key.</summary>
    public const string ApiKeyId = "k8p_key";
    /// <summary>Entra ID's group claim (object ids).</summary>
    public const string EntraGroups = "groups";
}

public static class Policies
{
    public const string SecurityAdmin = "Security.Admin";
    /// <summary>Security admins and analysts: triage and approvals.</summary>
    public const string SecurityTeam = "SecurityTeam";
    /// <summary>Any signed-in person with a K8Posture role.</summary>
    public const string Reader = "Reader";
    public const string Auditor = "Auditor";
    public const string Ingest = "Api.Ingest";
    public const string Evaluate = "Api.Evaluate";
    public const string ApiRead = "Api.Read";
    public const string ApiAdmin = "Api.Admin";
}

public static class PrincipalExtensions
{
    public static string ActorName(this ClaimsPrincipal user)
    {
        if (user.FindFirst(K8PostureClaims.ApiKeyId) is { } key)
        {
            return $"key:{user.Identity?.Name ?? key.Value}";
        }
        return user.FindFirst("preferred_username")?.Value
            ?? user.FindFirst(ClaimTypes.Email)?.Value
            ?? user.Identity?.Name
            ?? "anonymous";
    }

    public static bool SeesAllTeams(this ClaimsPrincipal user) =>
        Roles.OrganisationWide.Any(user.IsInRole)
        // A machine key without a team acts for the Security Team's pipelines.
        || (user.FindFirst(K8PostureClaims.ApiKeyId) is not null && user.FindFirst(K8PostureClaims.Team) is null);

    public static IReadOnlyList<int> TeamIds(this ClaimsPrincipal user) =>
        user.FindAll(K8PostureClaims.Team)
            .Select(c => int.TryParse(c.Value, out var id) ? id : (int?)null)
            .OfType<int>()
            .Distinct()
            .ToList();

    public static bool HasApiScope(this ClaimsPrincipal user, string scope) =>
        user.HasClaim(K8PostureClaims.Scope, scope);
}
