using K8Posture.Shared.Http;
using K8Posture.Shared;
using System.Globalization;
using System.Security.Claims;
using System.Text.Json;
using System.Text.Json.Serialization;
using K8Posture.Data;
using K8Posture.Features.Findings;
using K8Posture.Security;
using Microsoft.AspNetCore.Http.HttpResults;

namespace K8Posture.Features.Alerts;

/// <summary>The body of <c>POST /api/v1/alerts/{id}/triage</c>.</summary>
public sealed record AlertTriageRequest(AlertTriageState? State, string? Note);

public sealed record AlertTriageResult(long Id, AlertTriageState Triage);

/// <summary>The JSON shape of <c>GET /api/v1/alerts</c>.</summary>
public sealed record AlertsApiPage(int Total, int Page, int PageSize, IReadOnlyList<AlertRow> Items);

public static class AlertsEndpoints
{
    public const int DefaultPageSize = 50;

    public static IEndpointRouteBuilder MapAlertsApi(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/api/v1/alerts", ListAlertsAsync)
            .RequireAuthorization(Policies.ApiRead)
            .WithName("ListAlerts")
            .WithTags("Alerts")
            .WithSummary("Runtime alerts visible to the caller, newest first, paged and filtered")
            .WithDescription("page is 1-based; pageSize at most 500; source (falco, falcosidekick, stackrox, crowdstrike), iocClass, severity and triage take the enum names; "
                + "cluster and namespace are exact; from/to are ISO 8601 times on last seen; suppressed=true includes alerts the Security Team's suppressions hide; q searches rule, output, pod, image and command line.");
        endpoints.MapPost("/api/v1/alerts/{id:long}/triage", TriageAsync)
            .WithJsonBody<AlertTriageRequest>()
            .RequireAuthorization(Policies.SecurityTeam)
            .WithName("TriageAlert")
            .WithTags("Alerts")
            .WithSummary("Set a runtime alert's triage state (Security Team), with an optional note")
            .WithDescription("Body: {\"state\": \"Investigating\", \"note\": \"…\"}; state takes the names "
                + string.Join(", ", Enum.GetNames<AlertTriageState>()) + ". Who and when are recorded, with a history row and an audit event.")
            .Produces<AlertTriageResult>()
            .ProducesProblem(400).ProducesProblem(403).ProducesProblem(404).ProducesProblem(415);
        return endpoints;
    }

    internal static async Task<Ok<AlertTriageResult>> TriageAsync(long id, HttpContext context, AlertTriageService triage, ClaimsPrincipal user, CancellationToken cancellationToken)
    {
        const string invalid = "Invalid request";
        var states = FindingsQueryString.Describe<AlertTriageState>();
        var body = await JsonBody.ReadAsync<AlertTriageRequest>(context, invalid, cancellationToken, TriageJson, hint: $"state takes one of {states}");
        if (body.State is not { } state || !Enum.IsDefined(state))
        {
            throw ProblemException.BadRequest(invalid, $"/state is required: one of {states}.");
        }
        await triage.SetStateAsync(user, id, state, body.Note, cancellationToken);
        return TypedResults.Ok(new AlertTriageResult(id, state));
    }

    // Stricter than the API's JSON: a triage state is named, never numbered.
    private static readonly JsonSerializerOptions TriageJson = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter<AlertTriageState>(allowIntegerValues: false) },
    };

    internal static async Task<Results<Ok<AlertsApiPage>, ValidationProblem>> ListAlertsAsync(
        AlertsQuery alerts,
        CancellationToken cancellationToken,
        int? page = null,
        int? pageSize = null,
        string? source = null,
        string? iocClass = null,
        string? severity = null,
        string? triage = null,
        string? cluster = null,
        string? @namespace = null,
        string? from = null,
        string? to = null,
        bool? suppressed = null,
        string? q = null)
    {
        var errors = new Dictionary<string, string[]>();
        if (page is < 1)
        {
            errors["page"] = ["page is 1-based: use 1 or more."];
        }
        if (pageSize is < 1 or > AlertsQuery.MaxPageSize)
        {
            errors["pageSize"] = [$"pageSize must be between 1 and {AlertsQuery.MaxPageSize}."];
        }
        if (!FindingsQueryString.TryParseEnum<IocClass>(iocClass, out var parsedClass))
        {
            errors["iocClass"] = [$"'{iocClass}' is not an IOC class; use one of {FindingsQueryString.Describe<IocClass>()}."];
        }
        if (!FindingsQueryString.TryParseEnum<FindingSeverity>(severity, out var parsedSeverity))
        {
            errors["severity"] = [$"'{severity}' is not a severity; use one of {FindingsQueryString.Describe<FindingSeverity>()}."];
        }
        if (!FindingsQueryString.TryParseEnum<AlertTriageState>(triage, out var parsedTriage))
        {
            errors["triage"] = [$"'{triage}' is not a triage state; use one of {FindingsQueryString.Describe<AlertTriageState>()}."];
        }
        var parsedFrom = ParseTime(from, "from", errors);
        var parsedTo = ParseTime(to, "to", errors);
        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors,
                detail: "Invalid query parameter(s): " + string.Join(", ", errors.Keys) + ". See errors for the accepted values.",
                title: "Invalid query parameter");
        }
        var criteria = new AlertsCriteria(source, parsedClass, parsedSeverity, parsedTriage, cluster, @namespace, parsedFrom, parsedTo, suppressed ?? false, q);
        var effectivePage = page ?? 1;
        var effectivePageSize = pageSize ?? DefaultPageSize;
        var result = await alerts.ListAsync(criteria, effectivePage - 1, effectivePageSize, cancellationToken);
        return TypedResults.Ok(new AlertsApiPage(result.Total, effectivePage, effectivePageSize, result.Items));
    }

    private static DateTimeOffset? ParseTime(string? text, string name, Dictionary<string, string[]> errors)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }
        if (DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var time))
        {
            return time;
        }
        errors[name] = [$"'{text}' is not an ISO 8601 time (e.g. 2026-01-31T12:00:00Z)."];
        return null;
    }
}
