using System.Text;
using K8Posture.Security;

namespace K8Posture.IntegrationTests.Security;

/// <summary>What a caller gets from an endpoint, as far as access goes.</summary>
public enum Access
{
    /// <summary>Past authentication and authorisation: any answer but 401/403 (and never a 5xx).</summary>
    Allowed,
    /// <summary>401, or a redirect to the sign-in page.</summary>
    SignIn,
    /// <summary>403, or a redirect to the access-denied (or no-role) page.</summary>
    Refused,
}

/// <summary>One endpoint of the matrix: its key as the endpoint data source lists it, the path the test calls, and who gets in.</summary>
public sealed record MatrixRow(string Endpoint, string SamplePath, string Profile)
{
    /// <summary>The cells, one per <see cref="AccessMatrix.Callers"/> entry.</summary>
    public IReadOnlyList<Access> Cells { get; } = AccessMatrix.Parse(Profile);
}

/// <summary>
/// The product's access matrix: every endpoint × every kind of caller. <c>AccessMatrixFacts</c> calls each cell against the
/// real app and fails on any difference, on any endpoint the app maps that is missing here, and when the README's copy
/// differs from <see cref="RenderMarkdown"/>.
/// </summary>
public static class AccessMatrix
{
    /// <summary>The columns. Team-bound callers belong to <see cref="DemoPortal.HomeTeam"/>; a team-bound key cannot hold <c>admin</c>.</summary>
    public static readonly IReadOnlyList<MatrixCaller> Callers =
    [
        new("anonymous"),
        new("Security.Admin", Role: Roles.SecurityAdmin),
        new("Security.Analyst", Role: Roles.SecurityAnalyst),
        new("Leadership.Viewer", Role: Roles.LeadershipViewer),
        new("Auditor", Role: Roles.Auditor),
        new("AppTeam.Member", Role: Roles.AppTeamMember),
        new("key ingest", Scope: ApiScopes.Ingest),
        new("key evaluate", Scope: ApiScopes.Evaluate),
        new("key read", Scope: ApiScopes.Read),
        new("key admin", Scope: ApiScopes.Admin),
        new("team key ingest", Scope: ApiScopes.Ingest, TeamBound: true),
        new("team key evaluate", Scope: ApiScopes.Evaluate, TeamBound: true),
        new("team key read", Scope: ApiScopes.Read, TeamBound: true),
    ];

    // Profiles: one letter per caller in the order above, grouped as anonymous | people | organisation-wide keys | team keys.
    // A = allowed, S = must sign in (401 / sign-in page), F = forbidden (403 / access-denied page).

    /// <summary>The rows, in README order. Sample paths use {tokens} filled from the demo data (DemoPortal.Samples).</summary>
    public static readonly IReadOnlyList<MatrixRow> Rows =
    [
        new("GET,POST /account/access-denied", "/account/access-denied", "A AAAAA AAAA AAA"),
        new("GET /account/challenge", "/account/challenge", "S SSSSS SSSS SSS"),
        new("GET,POST /account/confirm-sign-out", "/account/confirm-sign-out", "A AAAAA AAAA AAA"),
        new("GET,POST /account/no-role", "/account/no-role", "A AAAAA AAAA AAA"),
        new("GET,POST /account/signed-out", "/account/signed-out", "A AAAAA AAAA AAA"),
        new("GET,POST /account/signin", "/account/signin", "A AAAAA AAAA AAA"),
        new("POST /account/signin/local", "/account/signin/local", "A AAAAA AAAA AAA"),
        new("GET /account/signout", "/account/signout", "A AAAAA AAAA AAA"),
        new("POST /account/signout", "/account/signout", "A AAAAA AAAA AAA"),
        new("GET,POST /", "/", "S AAAAA FFFF FFF"),
        new("GET,POST /admin/api-keys", "/admin/api-keys", "S AFFFF FFFF FFF"),
        new("GET,POST /admin/organisation", "/admin/organisation", "S AFFFF FFFF FFF"),
        new("GET,POST /admin/tickets", "/admin/tickets", "S AFFFF FFFF FFF"),
        new("GET,POST /admin/tickets/mappings", "/admin/tickets/mappings", "S AFFFF FFFF FFF"),
        new("GET,POST /alerts", "/alerts", "S AAAAA FFFF FFF"),
        new("GET,POST /alerts/forwarding", "/alerts/forwarding", "S AFFFF FFFF FFF"),
        new("GET,POST /audit", "/audit", "S AAFAF FFFF FFF"),
        new("GET,POST /clusters", "/clusters", "S AAAAA FFFF FFF"),
        new("GET,POST /clusters/manage", "/clusters/manage", "S AFFFF FFFF FFF"),
        new("GET,POST /clusters/{Name}", "/clusters/{cluster}", "S AAAAA FFFF FFF"),
        new("GET,POST /findings", "/findings", "S AAAAA FFFF FFF"),
        new("GET,POST /fix-first", "/fix-first", "S AAAAA FFFF FFF"),
        new("GET,POST /governance", "/governance", "S AAAAA FFFF FFF"),
        new("GET,POST /governance/raci", "/governance/raci", "S AAAAA FFFF FFF"),
        new("GET,POST /governance/tenancy", "/governance/tenancy", "S AAAAA FFFF FFF"),
        new("GET,POST /governance/tenancy/new", "/governance/tenancy/new", "S AAAAA FFFF FFF"),
        new("GET,POST /governance/tenancy/{Id:int}", "/governance/tenancy/{assessment}", "S AAAAA FFFF FFF"),
        new("GET,POST /ingestion", "/ingestion", "S AAAAA FFFF FFF"),
        new("GET,POST /ingestion/{Id:long}", "/ingestion/{batch}", "S AAAAA FFFF FFF"),
        new("GET,POST /inventory", "/inventory", "S AAAAA FFFF FFF"),
        new("GET,POST /packages", "/packages", "S AAAAA FFFF FFF"),
        new("GET,POST /policy", "/policy", "S AAAAA FFFF FFF"),
        new("GET,POST /remediation", "/remediation", "S AAAAA FFFF FFF"),
        new("GET,POST /remediation/notifications", "/remediation/notifications", "S AFFFF FFFF FFF"),
        new("GET,POST /remediation/queue", "/remediation/queue", "S AAAAA FFFF FFF"),
        new("GET,POST /reports", "/reports", "S AAAAA FFFF FFF"),
        new("GET,POST /rules", "/rules", "S AAAAA FFFF FFF"),
        new("GET,POST /scorecard", "/scorecard", "S AAAAA FFFF FFF"),
        new("GET,POST /setup", "/setup", "S AAAAA FFFF FFF"),
        new("GET,POST /teams", "/teams", "S AAAAA FFFF FFF"),
        new("GET,POST /teams/{Name}", "/teams/{team}", "S AAAAA FFFF FFF"),
        new("GET /api/v1/alerts", "/api/v1/alerts", "S AAAAA FFAA FFA"),
        new("POST /api/v1/alerts/{id:long}/triage", "/api/v1/alerts/{alert}/triage", "S AAFFF FFFF FFF"),
        new("GET /api/v1/applications/", "/api/v1/applications/", "S AAAAA FFAA FFA"),
        new("POST /api/v1/applications/", "/api/v1/applications/", "S AFFFF FFFA FFF"),
        new("DELETE /api/v1/applications/{name}", "/api/v1/applications/no-such-application", "S AFFFF FFFA FFF"),
        new("GET /api/v1/applications/{name}", "/api/v1/applications/{application}", "S AAAAA FFAA FFA"),
        new("PUT /api/v1/applications/{name}", "/api/v1/applications/{application}", "S AFFFF FFFA FFF"),
        new("GET /api/v1/business-units/", "/api/v1/business-units/", "S AAAAA FFAA FFA"),
        new("POST /api/v1/business-units/", "/api/v1/business-units/", "S AFFFF FFFA FFF"),
        new("DELETE /api/v1/business-units/{name}", "/api/v1/business-units/no-such-unit", "S AFFFF FFFA FFF"),
        new("GET /api/v1/business-units/{name}", "/api/v1/business-units/{business-unit}", "S AAAAA FFAA FFA"),
        new("PUT /api/v1/business-units/{name}", "/api/v1/business-units/{business-unit}", "S AFFFF FFFA FFF"),
        new("GET /api/v1/clusters/", "/api/v1/clusters/", "S AAAAA FFAA FFA"),
        new("POST /api/v1/clusters/", "/api/v1/clusters/", "S AFFFF FFFA FFF"),
        new("DELETE /api/v1/clusters/{name}", "/api/v1/clusters/no-such-cluster", "S AFFFF FFFA FFF"),
        new("POST /api/v1/clusters/{name}/refresh", "/api/v1/clusters/{cluster}/refresh", "S AFFFF FFFA FFF"),
        new("POST /api/v1/clusters/{name}/test", "/api/v1/clusters/no-such-cluster/test", "S AFFFF FFFA FFF"),
        new("POST /api/v1/evaluate", "/api/v1/evaluate", "S FFFFF FAFA FAF"),
        new("GET /api/v1/exports", "/api/v1/exports", "S AAAAA FFAA FFA"),
        new("GET /api/v1/exports/{file}", "/api/v1/exports/findings.csv", "S AAAAA FFAA FFA"),
        new("GET /api/v1/findings", "/api/v1/findings", "S AAAAA FFAA FFA"),
        new("GET /api/v1/posture", "/api/v1/posture", "S AAAAA FFAA FFA"),
        new("POST /api/v1/findings/remediation", "/api/v1/findings/remediation", "S AAFFA FFFF FFF"),
        new("POST /api/v1/findings/{id:long}/comments", "/api/v1/findings/{finding}/comments", "S AAFFA FFFF FFF"),
        new("GET /api/v1/findings/{id:long}/history", "/api/v1/findings/{finding}/history", "S AAAAA FFAA FFA"),
        new("GET /api/v1/fix-first", "/api/v1/fix-first", "S AAAAA FFAA FFA"),
        new("POST /api/v1/ingest/alerts", "/api/v1/ingest/alerts", "S FFFFF AFFA AFF"),
        new("GET /api/v1/ingest/batches/", "/api/v1/ingest/batches/", "S AAAAA FFAA FFA"),
        new("GET /api/v1/ingest/batches/{id:long}/payload", "/api/v1/ingest/batches/{batch}/payload", "S AFFAF FFFF FFF"),
        new("POST /api/v1/ingest/inventory", "/api/v1/ingest/inventory", "S FFFFF AFFA AFF"),
        new("POST /api/v1/ingest/scans", "/api/v1/ingest/scans", "S FFFFF AFFA AFF"),
        new("POST /api/v1/ingest/vex", "/api/v1/ingest/vex", "S FFFFF AFFA AFF"),
        new("DELETE /api/v1/ingest/vex", "/api/v1/ingest/vex", "S FFFFF AFFA AFF"),
        new("GET /api/v1/intel", "/api/v1/intel", "S AAAAA FFAA FFA"),
        new("POST /api/v1/intel/epss", "/api/v1/intel/epss", "S FFFFF AFFA FFF"),
        new("POST /api/v1/intel/kev", "/api/v1/intel/kev", "S FFFFF AFFA FFF"),
        new("GET /api/v1/inventory", "/api/v1/inventory", "S AAAAA FFAA FFA"),
        new("GET /api/v1/organisation", "/api/v1/organisation", "S AAAAF FFAA FFF"),
        new("POST /api/v1/organisation", "/api/v1/organisation", "S AFFFF FFFA FFF"),
        new("GET /api/v1/package-watches/", "/api/v1/package-watches/", "S AAAAA FFAA FFA"),
        new("POST /api/v1/package-watches/", "/api/v1/package-watches/", "S AAFFF FFFA FFF"),
        new("DELETE /api/v1/package-watches/{id:int}", "/api/v1/package-watches/999999", "S AAFFF FFFA FFF"),
        new("GET /api/v1/packages", "/api/v1/packages?purl=pkg:maven/org.apache.logging.log4j/log4j-core", "S AAAAA FFAA FFA"),
        new("GET /api/v1/pipeline-identities/", "/api/v1/pipeline-identities/", "S AAAAA FFAA FFA"),
        new("POST /api/v1/pipeline-identities/", "/api/v1/pipeline-identities/", "S AFFFF FFFA FFF"),
        new("DELETE /api/v1/pipeline-identities/{entraId}", "/api/v1/pipeline-identities/4d2a8c1e-0000-4000-8000-000000000001", "S AFFFF FFFA FFF"),
        new("PUT /api/v1/pipeline-identities/{entraId}", "/api/v1/pipeline-identities/4d2a8c1e-0000-4000-8000-000000000001", "S AFFFF FFFA FFF"),
        new("GET /api/v1/policy/", "/api/v1/policy/", "S AAAAA FFAA FFA"),
        new("POST /api/v1/policy/", "/api/v1/policy/", "S AFFFF FFFF FFF"),
        new("GET /api/v1/policy/diff", "/api/v1/policy/diff", "S AAAAA FFAA FFA"),
        new("GET /api/v1/policy/versions", "/api/v1/policy/versions", "S AAAAA FFAA FFA"),
        new("GET /api/v1/raci/", "/api/v1/raci/", "S AAAAA FFAA FFA"),
        new("PUT /api/v1/raci/", "/api/v1/raci/", "S AFFFF FFFF FFF"),
        new("GET /api/v1/raci/diff", "/api/v1/raci/diff", "S AAAAA FFAA FFA"),
        new("GET /api/v1/raci/versions", "/api/v1/raci/versions", "S AAAAA FFAA FFA"),
        new("GET /api/v1/raci/violations", "/api/v1/raci/violations", "S AAAAA FFAA FFA"),
        new("GET /api/v1/reports/executive/", "/api/v1/reports/executive/", "S AAAAF FFFF FFF"),
        new("POST /api/v1/reports/executive/", "/api/v1/reports/executive/", "S AAAAF FFFF FFF"),
        new("GET /api/v1/reports/executive/{id:long}.pdf", "/api/v1/reports/executive/999999.pdf", "S AAAAF FFFF FFF"),
        new("POST /api/v1/tickets/", "/api/v1/tickets/", "S AAFFA FFFF FFF"),
        new("GET /api/v1/tickets/connections", "/api/v1/tickets/connections", "S AFFFF FFFA FFF"),
        new("POST /api/v1/tickets/connections", "/api/v1/tickets/connections", "S AFFFF FFFA FFF"),
        new("POST /api/v1/tickets/connections/{id:int}/test", "/api/v1/tickets/connections/999999/test", "S AFFFF FFFA FFF"),
        new("GET /api/v1/tickets/findings/{id:long}", "/api/v1/tickets/findings/{finding}", "S AAAAA FFAA FFA"),
        new("GET /api/v1/tickets/mappings", "/api/v1/tickets/mappings", "S AFFFF FFFA FFF"),
        new("PUT /api/v1/tickets/mappings", "/api/v1/tickets/mappings", "S AFFFF FFFA FFF"),
        new("GET /api/v1/tickets/outbox", "/api/v1/tickets/outbox", "S AFFFF FFFA FFF"),
        new("POST /api/v1/tickets/outbox/requeue", "/api/v1/tickets/outbox/requeue", "S AFFFF FFFA FFF"),
        new("POST /api/v1/webhooks/azure-devops", "/api/v1/webhooks/azure-devops", "A AAAAA AAAA AAA"),
        new("POST /api/v1/webhooks/jira", "/api/v1/webhooks/jira", "A AAAAA AAAA AAA"),
        new("GET /api/v1/risk-acceptances", "/api/v1/risk-acceptances", "S AAAAA FFAA FFA"),
        new("POST /api/v1/risk-acceptances", "/api/v1/risk-acceptances", "S AAFFA FFFF FFF"),
        new("POST /api/v1/risk-acceptances/{id:long}/decision", "/api/v1/risk-acceptances/{risk-acceptance}/decision", "S AAFFF FFFF FFF"),
        new("POST /api/v1/risk-acceptances/{id:long}/revoke", "/api/v1/risk-acceptances/{risk-acceptance}/revoke", "S AAAAA FFFF FFF"),
        new("GET /api/v1/rules", "/api/v1/rules", "S AAAAA FFAA FFA"),
        new("GET /api/v1/saved-views/", "/api/v1/saved-views/", "S AAAAA FFFF FFF"),
        new("POST /api/v1/saved-views/", "/api/v1/saved-views/", "S AAAAA FFFF FFF"),
        new("DELETE /api/v1/saved-views/{id:int}", "/api/v1/saved-views/999999", "S AAAAA FFFF FFF"),
        new("GET /api/v1/scorecard", "/api/v1/scorecard", "S AAAAA FFAA FFA"),
        new("GET /api/v1/teams/", "/api/v1/teams/", "S AAAAA FFAA FFA"),
        new("POST /api/v1/teams/", "/api/v1/teams/", "S AFFFF FFFA FFF"),
        new("DELETE /api/v1/teams/{name}", "/api/v1/teams/{team}", "S AFFFF FFFA FFF"),
        new("GET /api/v1/teams/{name}", "/api/v1/teams/{team}", "S AAAAA FFAA FFA"),
        new("PUT /api/v1/teams/{name}", "/api/v1/teams/{team}", "S AFFFF FFFA FFF"),
        new("GET /api/v1/teams/{name}/groups", "/api/v1/teams/{team}/groups", "S AAAAA FFAA FFA"),
        new("POST /api/v1/teams/{name}/groups", "/api/v1/teams/{team}/groups", "S AFFFF FFFA FFF"),
        new("DELETE /api/v1/teams/{name}/groups/{groupId}", "/api/v1/teams/{team}/groups/4d2a8c1e-0000-4000-8000-000000000002", "S AFFFF FFFA FFF"),
        new("GET /api/v1/teams/{name}/holdings", "/api/v1/teams/{team}/holdings", "S AAAAA FFAA FFA"),
        new("GET /api/v1/tenancy/assessments", "/api/v1/tenancy/assessments", "S AAAAA FFAA FFA"),
        new("POST /api/v1/tenancy/assessments", "/api/v1/tenancy/assessments", "S AAAAA FFFF FFF"),
        new("GET /api/v1/tenancy/assessments/{id:int}", "/api/v1/tenancy/assessments/{assessment}", "S AAAAA FFAA FFA"),
        new("PUT /api/v1/tenancy/assessments/{id:int}/answers", "/api/v1/tenancy/assessments/{assessment}/answers", "S AAFFA FFFF FFF"),
        new("POST /api/v1/tenancy/assessments/{id:int}/approve", "/api/v1/tenancy/assessments/{assessment}/approve", "S AAFFF FFFF FFF"),
        new("POST /api/v1/tenancy/assessments/{id:int}/reject", "/api/v1/tenancy/assessments/{assessment}/reject", "S AAFFF FFFF FFF"),
        new("POST /api/v1/tenancy/assessments/{id:int}/submit", "/api/v1/tenancy/assessments/{assessment}/submit", "S AAFFA FFFF FFF"),
        new("GET /api/v1/tenancy/scoring", "/api/v1/tenancy/scoring", "S AAAAA FFAA FFA"),
        new("GET /api/v1/vex", "/api/v1/vex", "S AAAAA FFAA FFA"),
        new("* /_blazor", "/_blazor", "A AAAAA AAAA AAA"),
        new("* /_blazor/disconnect/", "/_blazor/disconnect/", "A AAAAA AAAA AAA"),
        new("* /_blazor/initializers/", "/_blazor/initializers/", "A AAAAA AAAA AAA"),
        new("* /_blazor/negotiate", "/_blazor/negotiate", "A AAAAA AAAA AAA"),
        new("GET /_framework/opaque-redirect", "/_framework/opaque-redirect", "A AAAAA AAAA AAA"),
        new("* /hangfire/{**path}", "/hangfire", "S AFFFF FFFF FFF"),
        new("* /healthz", "/healthz", "A AAAAA AAAA AAA"),
        new("GET /openapi/{documentName}.json", "/openapi/v1.json", "A AAAAA AAAA AAA"),
        new("* /readyz", "/readyz", "A AAAAA AAAA AAA"),
        new("GET /scalar/favicon.svg", "/scalar/favicon.svg", "A AAAAA AAAA AAA"),
        new("GET /scalar/scalar.aspnetcore.js", "/scalar/scalar.aspnetcore.js", "A AAAAA AAAA AAA"),
        new("GET /scalar/scalar.js", "/scalar/scalar.js", "A AAAAA AAAA AAA"),
        new("GET /scalar/{documentName?}", "/scalar", "A AAAAA AAAA AAA"),
        new("GET /{**path:file}", "/no-such-file.txt", "A AAAAA AAAA AAA"),
    ];

    public static IReadOnlyList<Access> Parse(string profile)
    {
        var letters = profile.Replace(" ", "", StringComparison.Ordinal);
        if (letters.Length != Callers.Count)
        {
            throw new ArgumentException($"Profile '{profile}' has {letters.Length} cells; the matrix has {Callers.Count} callers.");
        }
        return letters.Select(c => c switch
        {
            'A' => Access.Allowed,
            'S' => Access.SignIn,
            'F' => Access.Refused,
            _ => throw new ArgumentException($"Profile '{profile}': '{c}' is not A, S or F."),
        }).ToList();
    }

    public static string Format(IReadOnlyList<Access> cells)
    {
        var letters = cells.Select(c => c switch { Access.Allowed => 'A', Access.SignIn => 'S', _ => 'F' }).ToArray();
        return $"{letters[0]} {new string(letters, 1, 5)} {new string(letters, 6, 4)} {new string(letters, 10, 3)}";
    }

    public const string StartMarker = "<!-- access-matrix:start -->";
    public const string EndMarker = "<!-- access-matrix:end -->";

    /// <summary>The README's table, markers included.</summary>
    public static string RenderMarkdown()
    {
        var markdown = new StringBuilder();
        markdown.Append(StartMarker).Append('\n');
        markdown.Append("| endpoint | ").AppendJoin(" | ", Callers.Select(c => c.Column)).Append(" |\n");
        markdown.Append("|---|").AppendJoin("", Callers.Select(_ => ":-:|")).Append('\n');
        foreach (var row in Rows)
        {
            markdown.Append("| `").Append(row.Endpoint).Append("` | ")
                .AppendJoin(" | ", row.Cells.Select(c => c switch { Access.Allowed => "✓", Access.SignIn => "401", _ => "403" }))
                .Append(" |\n");
        }
        markdown.Append(EndMarker);
        return markdown.ToString();
    }
}
