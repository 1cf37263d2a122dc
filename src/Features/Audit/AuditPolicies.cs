using K8Posture.Security;
using Microsoft.AspNetCore.Authorization;

namespace K8Posture.Features.Audit;

/// <summary>
/// Who reads the audit log: Auditors, Security admins and Security analysts. Leadership reads the executive report
/// instead, and app teams never read it — it is organisation-wide, not team-scoped.
/// </summary>
public static class AuditPolicies
{
    public const string Reader = "Audit.Reader";

    public static readonly IReadOnlyList<string> ReaderRoles = [Roles.Auditor, Roles.SecurityAdmin, Roles.SecurityAnalyst];

    public static AuthorizationBuilder AddAuditPolicies(this AuthorizationBuilder builder) =>
        builder.AddPolicy(Reader, p => p.RequireRole(ReaderRoles));
}
