using K8Posture.Security;
using Microsoft.AspNetCore.Authorization;

namespace K8Posture.Features.Reports;

/// <summary>
/// Exports are open to every signed-in role (app-team members get their own teams' rows, scoped by the data layer).
/// The executive report is organisation-wide, so it is for Leadership, the Security Team and Auditors only.
/// </summary>
public static class ReportsPolicies
{
    public const string ExecutiveReport = "Reports.Executive";

    public static readonly IReadOnlyList<string> ExecutiveReportRoles = [Roles.LeadershipViewer, Roles.SecurityAdmin, Roles.SecurityAnalyst, Roles.Auditor];

    public static AuthorizationBuilder AddReportsPolicies(this AuthorizationBuilder builder) =>
        builder.AddPolicy(ExecutiveReport, p => p.RequireRole(ExecutiveReportRoles));
}
