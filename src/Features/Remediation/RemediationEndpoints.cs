using K8Posture.Shared;
using System.Security.Claims;
using System.Text.Json;
using System.Text.Json.Serialization;
using K8Posture.Security;

namespace K8Posture.Features.Remediation;

public sealed record DecisionRequest(bool Approve, string? Comment);

public sealed record CommentRequest(string? Text);

public sealed record RevokeRequest(string? Reason);

/// <summary>
/// Remediation over HTTP. People use these with their cookie as the pages do; every check is in the services, so the API and
/// the pages enforce the same rules (team scope, Security-only verdicts, four-eyes approval).
/// </summary>
public static class RemediationEndpoints
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { Converters = { new JsonStringEnumConverter() } };

    public static IEndpointRouteBuilder MapRemediationEndpoints(this IEndpointRouteBuilder endpoints)
    {
        var group = endpoints.MapGroup("/api/v1").WithTags("Remediation");

        group.MapPost("/findings/remediation", (HttpContext context, RemediationService service, ClaimsPrincipal user, CancellationToken ct) =>
                RunAsync<RemediationCommand>(context, async command => Results.Json(await service.ApplyAsync(user, command, ct), Json)))
            .WithJsonBody<RemediationCommand>()
            .RequireAuthorization(Policies.Reader)
            .WithName("ChangeRemediation")
            .WithSummary("Assign, set in progress or resolved, reopen, comment — or (Security Team) mark false positive — one or many findings")
            .Produces<RemediationResult>()
            .ProducesProblem(400).ProducesProblem(403).ProducesProblem(404).ProducesProblem(409);

        group.MapPost("/findings/{id:long}/comments", (long id, HttpContext context, RemediationService service, ClaimsPrincipal user, CancellationToken ct) =>
                RunAsync<CommentRequest>(context, async body =>
                    Results.Json(await service.ApplyAsync(user, new RemediationCommand([id], RemediationAction.Comment, Comment: body.Text), ct), Json)))
            .WithJsonBody<CommentRequest>()
            .RequireAuthorization(Policies.Reader)
            .WithName("CommentFinding")
            .WithSummary("Comment on a finding")
            .Produces<RemediationResult>();

        group.MapGet("/findings/{id:long}/history", async (long id, RemediationService service, CancellationToken ct) =>
                Results.Json(new { events = await service.HistoryAsync(id, ct), comments = await service.CommentsAsync(id, ct) }, Json))
            .RequireAuthorization(Policies.ApiRead)
            .WithName("FindingHistory")
            .WithSummary("A finding's history and comments (scoped to the caller's teams)");

        group.MapGet("/risk-acceptances", async (RiskAcceptanceStatus? status, RiskAcceptanceService service, CancellationToken ct) =>
                Results.Json(await service.ListAsync(status, ct), Json))
            .RequireAuthorization(Policies.ApiRead)
            .WithName("ListRiskAcceptances")
            .WithSummary("Risk acceptances, newest first (scoped to the caller's teams)")
            .Produces<List<RiskAcceptanceRow>>();

        group.MapPost("/risk-acceptances", (HttpContext context, RiskAcceptanceService service, ClaimsPrincipal user, CancellationToken ct) =>
                RunAsync<RiskAcceptanceRequest>(context, async request =>
                {
                    var id = await service.RequestAsync(user, request, ct);
                    return Results.Json(new { id }, Json, statusCode: StatusCodes.Status201Created);
                }))
            .WithJsonBody<RiskAcceptanceRequest>()
            .RequireAuthorization(Policies.Reader)
            .WithName("RequestRiskAcceptance")
            .WithSummary("Ask the Security Team to accept the risk of a finding, or of a rule in a scope, until a date")
            .ProducesProblem(400).ProducesProblem(403).ProducesProblem(404).ProducesProblem(409);

        group.MapPost("/risk-acceptances/{id:long}/decision", (long id, HttpContext context, RiskAcceptanceService service, ClaimsPrincipal user, CancellationToken ct) =>
                RunAsync<DecisionRequest>(context, async decision =>
                    Results.Json(new { id, status = await service.DecideAsync(user, id, decision.Approve, decision.Comment, ct) }, Json)))
            .WithJsonBody<DecisionRequest>()
            .RequireAuthorization(Policies.SecurityTeam)
            .WithName("DecideRiskAcceptance")
            .WithSummary("Approve or reject a pending risk acceptance (Security Team; never the requester)")
            .ProducesProblem(400).ProducesProblem(403).ProducesProblem(404).ProducesProblem(409);

        group.MapPost("/risk-acceptances/{id:long}/revoke", (long id, HttpContext context, RiskAcceptanceService service, ClaimsPrincipal user, CancellationToken ct) =>
                RunAsync<RevokeRequest>(context, async body =>
                {
                    var (status, reopened) = await service.RevokeAsync(user, id, body.Reason, ct);
                    return Results.Json(new { id, status, reopenedFindings = reopened }, Json);
                }))
            .WithJsonBody<RevokeRequest>()
            .RequireAuthorization(Policies.Reader)
            .WithName("RevokeRiskAcceptance")
            .WithSummary("End a risk acceptance early (Security Team), or withdraw your own pending request; what it covered reopens")
            .ProducesProblem(400).ProducesProblem(403).ProducesProblem(404).ProducesProblem(409);

        return endpoints;
    }

    private static async Task<IResult> RunAsync<T>(HttpContext context, Func<T, Task<IResult>> handler) where T : class
    {
        T? body;
        try
        {
            body = await context.Request.ReadFromJsonAsync<T>(Json, context.RequestAborted);
        }
        catch (JsonException ex)
        {
            return Results.Problem(title: "Invalid request", detail: $"The body is not valid JSON for this request at {ex.Path ?? "$"}: {ex.Message}", statusCode: 400);
        }
        catch (InvalidOperationException)
        {
            return Results.Problem(title: "Invalid request", detail: "Send a JSON body (Content-Type: application/json).", statusCode: 415);
        }
        if (body is null)
        {
            return Results.Problem(title: "Invalid request", detail: "The body is empty.", statusCode: 400);
        }
        try
        {
            return await handler(body);
        }
        catch (RemediationException ex)
        {
            return ex.ToProblem();
        }
    }
}
