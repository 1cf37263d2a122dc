using K8Posture.Data;
using K8Posture.Security;
using Microsoft.AspNetCore.Http.HttpResults;

namespace K8Posture.Features.Findings;

/// <summary>The JSON shape of <c>GET /api/v1/findings</c>.</summary>
public sealed record FindingsApiPage(int Total, int Page, int PageSize, IReadOnlyList<FindingRow> Items);

public static class FindingsEndpoints
{
    public const int DefaultPageSize = 50;

    public static IEndpointRouteBuilder MapFindingsApi(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/api/v1/findings", ListFindingsAsync)
            .RequireAuthorization(Policies.ApiRead)
            .WithName("ListFindings")
            .WithTags("Findings")
            .WithSummary("Findings visible to the caller, paged and filtered")
            .WithDescription("page is 1-based; pageSize is at most 500; category, severity and status take the enum names (status defaults to Open, 'all' for any); q searches title, vulnerability id, package, image repository and resource name; bu, team, cluster and env narrow by business unit, team, cluster and environment names (within the caller's scope); namespace, owasp (K01…K10), registry, cve and rule (a comma-separated list of rule ids) match exactly, like the Findings page URL; owner=unowned lists findings without an owner team; verdict is None (open work, as the posture figures count it), RiskAccepted or FalsePositive; sort is severity, title, firstSeen, lastSeen, cluster, status or priority, with a leading '-' for descending. Each item carries exploit: KEV (date added, due date, known ransomware use), EPSS (score, percentile, feed date), the CVE matched (GHSA aliases included) and the priority (0–100).");
        return endpoints;
    }

    internal static async Task<Results<Ok<FindingsApiPage>, ValidationProblem>> ListFindingsAsync(
        FindingsQuery findings,
        CancellationToken cancellationToken,
        int? page = null,
        int? pageSize = null,
        string? category = null,
        string? severity = null,
        string? status = null,
        string? q = null,
        string? sort = null,
        string? bu = null,
        string? team = null,
        string? cluster = null,
        string? env = null,
        string? @namespace = null,
        string? owasp = null,
        string? registry = null,
        string? cve = null,
        string? rule = null,
        string? owner = null,
        string? verdict = null)
    {
        var errors = new Dictionary<string, string[]>();
        if (page is < 1)
        {
            errors["page"] = ["page is 1-based: use 1 or more."];
        }
        if (pageSize is < 1 or > FindingsQuery.MaxPageSize)
        {
            errors["pageSize"] = [$"pageSize must be between 1 and {FindingsQuery.MaxPageSize}."];
        }
        var filters = new Dictionary<string, string?>
        {
            ["category"] = category, ["severity"] = severity, ["status"] = status, ["q"] = q, ["sort"] = sort, ["bu"] = bu, ["team"] = team,
            ["cluster"] = cluster, ["env"] = env, ["namespace"] = @namespace, ["owasp"] = owasp, ["registry"] = registry, ["cve"] = cve,
            ["rule"] = rule, ["owner"] = owner, ["verdict"] = verdict,
        };
        var criteria = FindingsQueryString.Parse(filters.GetValueOrDefault, out var filterErrors);
        foreach (var (name, messages) in filterErrors)
        {
            errors[name] = messages;
        }
        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors,
                detail: "Invalid query parameter(s): " + string.Join(", ", errors.Keys) + ". See errors for the accepted values.",
                title: "Invalid query parameter");
        }
        var effectivePage = page ?? 1;
        var effectivePageSize = pageSize ?? DefaultPageSize;
        var result = await findings.ListAsync(criteria, effectivePage - 1, effectivePageSize, cancellationToken);
        return TypedResults.Ok(new FindingsApiPage(result.Total, effectivePage, effectivePageSize, result.Items));
    }
}
