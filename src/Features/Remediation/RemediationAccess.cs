using K8Posture.Shared.Http;
using System.Linq.Expressions;
using System.Security.Claims;
using K8Posture.Data;
using K8Posture.Security;

namespace K8Posture.Features.Remediation;

/// <summary>A remediation change was refused: not allowed (403), not found (404), invalid (400) or in the wrong state (409). Nothing was written.</summary>
public static class RemediationProblem
{
    public static ProblemException Forbidden(string detail) => ProblemException.Forbidden(detail);
    public static ProblemException Invalid(string detail) => ProblemException.BadRequest("Invalid request", detail);
    public static ProblemException NotFound(string detail) => ProblemException.NotFound("Not found", detail);
    public static ProblemException Conflict(string detail) => ProblemException.Conflict("Conflict", detail);
}

/// <summary>Who may do what in remediation; checked by the services on the server, whatever the page shows.</summary>
public static class RemediationAccess
{
    private const string ObjectIdClaim = "http://schemas.microsoft.com/identity/claims/objectidentifier";

    public static bool IsSecurityTeam(ClaimsPrincipal user) => user.IsInRole(Roles.SecurityAdmin) || user.IsInRole(Roles.SecurityAnalyst);

    /// <summary>Security admins and analysts change any finding; app-team members their teams' findings; leadership and auditors only read.</summary>
    public static bool MayWork(ClaimsPrincipal user) => IsSecurityTeam(user) || (user.IsInRole(Roles.AppTeamMember) && user.TeamIds().Count > 0);

    public static bool MayWorkOn(ClaimsPrincipal user, int? ownerTeamId) =>
        IsSecurityTeam(user) || (user.IsInRole(Roles.AppTeamMember) && ownerTeamId is { } team && user.TeamIds().Contains(team));

    /// <summary>A stable identity for the four-eyes rule: the Entra object id when there is one, else the name identifier, else the name.</summary>
    public static string Subject(ClaimsPrincipal user) =>
        user.FindFirst(ObjectIdClaim)?.Value ?? user.FindFirst("oid")?.Value ?? user.FindFirst(ClaimTypes.NameIdentifier)?.Value ?? user.ActorName();

    public static bool IsSamePerson(ClaimsPrincipal user, string subject, string actorName) =>
        string.Equals(Subject(user), subject, StringComparison.OrdinalIgnoreCase)
        || string.Equals(user.ActorName(), actorName, StringComparison.OrdinalIgnoreCase);
}

/// <summary>
/// The one status word of a finding, derived from its three columns (scanner lifecycle, verdict, team workflow). Every view
/// that shows a finding's status (findings list and drawer, remediation queue and work list, exports, the API's
/// <c>displayStatus</c>) shows this, through <see cref="RemediationStatuses.Of(FindingStatus, FindingResolution, FindingWorkflow)"/>.
/// </summary>
public enum RemediationStatus { Open, InProgress, RiskAccepted, FalsePositive, Resolved, ClosedByScan, NotAffected }

/// <summary>The status vocabulary: which word a finding's three columns make, its colour, and the same rule as a query predicate.</summary>
public static class RemediationStatuses
{
    public static readonly IReadOnlyList<RemediationStatus> All = Enum.GetValues<RemediationStatus>();

    /// <summary>The scanner decides first (a closed finding is closed whatever else is set), then the verdict, then the team's workflow.</summary>
    public static RemediationStatus Of(FindingStatus status, FindingResolution resolution, FindingWorkflow workflow) =>
        status == FindingStatus.Closed ? RemediationStatus.ClosedByScan
        : resolution == FindingResolution.RiskAccepted ? RemediationStatus.RiskAccepted
        : resolution == FindingResolution.FalsePositive ? RemediationStatus.FalsePositive
        : resolution == FindingResolution.NotAffected ? RemediationStatus.NotAffected
        : workflow == FindingWorkflow.Resolved ? RemediationStatus.Resolved
        : workflow == FindingWorkflow.InProgress ? RemediationStatus.InProgress
        : RemediationStatus.Open;

    public static RemediationStatus Of(Finding f) => Of(f.Status, f.Resolution, f.Workflow);

    /// <summary>The same rule as a query predicate.</summary>
    public static Expression<Func<Finding, bool>> Is(RemediationStatus status) => status switch
    {
        RemediationStatus.ClosedByScan => f => f.Status == FindingStatus.Closed,
        RemediationStatus.RiskAccepted => f => f.Status == FindingStatus.Open && f.Resolution == FindingResolution.RiskAccepted,
        RemediationStatus.FalsePositive => f => f.Status == FindingStatus.Open && f.Resolution == FindingResolution.FalsePositive,
        RemediationStatus.NotAffected => f => f.Status == FindingStatus.Open && f.Resolution == FindingResolution.NotAffected,
        RemediationStatus.Resolved => f => f.Status == FindingStatus.Open && f.Resolution == FindingResolution.None && f.Workflow == FindingWorkflow.Resolved,
        RemediationStatus.InProgress => f => f.Status == FindingStatus.Open && f.Resolution == FindingResolution.None && f.Workflow == FindingWorkflow.InProgress,
        _ => f => f.Status == FindingStatus.Open && f.Resolution == FindingResolution.None && f.Workflow == FindingWorkflow.Open,
    };

    public static string Label(this RemediationStatus status) => status switch
    {
        RemediationStatus.InProgress => "In progress",
        RemediationStatus.RiskAccepted => "Risk accepted",
        RemediationStatus.FalsePositive => "False positive",
        RemediationStatus.NotAffected => "Not affected (VEX)",
        RemediationStatus.Resolved => "Resolved (awaiting scan)",
        RemediationStatus.ClosedByScan => "Closed by scan",
        _ => "Open",
    };

    public static MudBlazor.Color Colour(this RemediationStatus status) => status switch
    {
        RemediationStatus.InProgress => MudBlazor.Color.Info,
        RemediationStatus.RiskAccepted => MudBlazor.Color.Warning,
        RemediationStatus.FalsePositive => MudBlazor.Color.Secondary,
        RemediationStatus.NotAffected => MudBlazor.Color.Secondary,
        RemediationStatus.Resolved => MudBlazor.Color.Tertiary,
        RemediationStatus.ClosedByScan => MudBlazor.Color.Success,
        _ => MudBlazor.Color.Error,
    };
}
