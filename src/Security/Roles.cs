using System.Security.Claims;

namespace K8Posture.Security;

/// <summary>The Entra ID app roles (docs/ARCHITECTURE.md, Roles and data scope).</summary>
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
    /// <summary>
    /// Set (to the application id) on principals built from an Entra app-only token, i.e. a pipeline's service principal.
    /// Only the bearer handler adds it; claims of this name arriving in any token are dropped first.
    /// </summary>
    public const string EntraApp = "k8p_entra_app";
    /// <summary>The display name of an Entra app token's service principal (registered pipeline identity, or the token's own).</summary>
    public const string EntraAppName = "k8p_entra_app_name";
    /// <summary>Id of the <c>PipelineIdentity</c> row an Entra app token matched.</summary>
    public const string PipelineIdentity = "k8p_pipeline_identity";
    /// <summary>
    /// The person's token said their groups did not fit ("groups overage") and Microsoft Graph could not list them;
    /// the value says why (<see cref="GroupsUnresolvedReasons"/>).
    /// </summary>
    public const string GroupsUnresolved = "k8p_groups_unresolved";

    /// <summary>Every claim type K8Posture sets itself; a token that brings one of these has it removed.</summary>
    public const string Prefix = "k8p_";
}

public static class GroupsUnresolvedReasons
{
    public const string GraphNotConfigured = "graph-not-configured";
    public const string GraphFailed = "graph-failed";
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
    /// <summary>The OpenAPI document and Scalar: any person with a K8Posture role or any authenticated machine caller.</summary>
    public const string ApiDocs = "ApiDocs";
}

public static class PrincipalExtensions
{
    /// <summary>Who did it, as the audit log and ingest batches record it: a person's sign-in name, a key, or an Entra app.</summary>
    public static string ActorName(this ClaimsPrincipal user)
    {
        if (user.FindFirst(K8PostureClaims.ApiKeyId) is { } key)
        {
            return $"key:{user.Identity?.Name ?? key.Value}";
        }
        if (user.FindFirst(K8PostureClaims.EntraApp) is { } app)
        {
            var name = user.FindFirst(K8PostureClaims.EntraAppName)?.Value;
            return string.IsNullOrWhiteSpace(name) || name == app.Value ? $"app:{app.Value}" : $"app:{name} ({app.Value})";
        }
        return user.FindFirst("preferred_username")?.Value
            ?? user.FindFirst(ClaimTypes.Email)?.Value
            ?? user.FindFirst("email")?.Value
            ?? user.Identity?.Name
            ?? "anonymous";
    }

    /// <summary>What the header shows: a person's <c>name</c> claim, else their sign-in name.</summary>
    public static string DisplayName(this ClaimsPrincipal user) =>
        user.IsMachine() ? user.ActorName() : user.FindFirst("name")?.Value is { Length: > 0 } name ? name : user.ActorName();

    /// <summary>A pipeline key or an Entra app-only token, as opposed to a person.</summary>
    public static bool IsMachine(this ClaimsPrincipal user) =>
        user.HasClaim(c => c.Type is K8PostureClaims.ApiKeyId or K8PostureClaims.EntraApp);

    /// <summary>Holds one of the K8Posture app roles of <see cref="Roles.All"/>.</summary>
    public static bool HasK8PostureRole(this ClaimsPrincipal user) => Roles.All.Any(user.IsInRole);

    public static bool SeesAllTeams(this ClaimsPrincipal user)
    {
        if (Roles.OrganisationWide.Any(user.IsInRole))
        {
            return true;
        }
        if (user.HasClaim(c => c.Type == K8PostureClaims.Team))
        {
            return false;
        }
        // A machine without a team acts for the Security Team's pipelines: a key without a team, a registered Entra
        // pipeline identity without a team, or an unregistered Entra app the tenant granted a Pipeline.* app role.
        // People never get here: only keys and app-only bearer tokens carry these claims.
        return user.HasClaim(c => c.Type == K8PostureClaims.ApiKeyId)
            || (user.HasClaim(c => c.Type == K8PostureClaims.EntraApp)
                && (user.HasClaim(c => c.Type == K8PostureClaims.PipelineIdentity) || PipelineRoles.Any(user.IsInRole)));
    }

    /// <summary>The Entra app roles a pipeline's service principal can be granted ("Pipeline.Ingest" …), one per API scope.</summary>
    public static IReadOnlyList<string> PipelineRoles { get; } =
        ApiScopes.All.Select(s => "Pipeline." + char.ToUpperInvariant(s[0]) + s[1..]).ToList();

    public static IReadOnlyList<int> TeamIds(this ClaimsPrincipal user) =>
        user.FindAll(K8PostureClaims.Team)
            .Select(c => int.TryParse(c.Value, out var id) ? id : (int?)null)
            .OfType<int>()
            .Distinct()
            .ToList();

    public static bool HasApiScope(this ClaimsPrincipal user, string scope) =>
        user.HasClaim(K8PostureClaims.Scope, scope);
}
