using K8Posture.Shared;
using System.Security.Claims;
using K8Posture.Security;
using Microsoft.AspNetCore.Http.HttpResults;

namespace K8Posture.Features.Remediation;

public sealed record DecisionRequest(bool Approve, string? Comment);

public sealed record CommentRequest(string? Text);

public sealed record RevokeRequest(string? Reason);

public sealed record FindingHistoryResponse(IReadOnlyList<FindingHistoryEntry> Events, IReadOnlyList<FindingCommentRow> Comments);

/// <summary>
/// Remediation over HTTP. People use these with their cookie as the pages do; every check is in the services, so the API and
/// the pages enforce the same rules (team scope, Security-only verdicts, four-eyes approval).
/// </summary>
public static class RemediationEndpoints
{
    private const string InvalidRequest = "Invalid request";

    public static IEndpointRouteBuilder MapRemediationEndpoints(this IEndpointRouteBuilder endpoints)
    {
        var group = endpoints.MapGroup("/api/v1").WithTags("Remediation");

        group.MapPost("/findings/remediation", async (HttpContext context, RemediationService service, ClaimsPrincipal user, CancellationToken ct) =>
                TypedResults.Ok(await service.ApplyAsync(user, await JsonBody.ReadAsync<RemediationCommand>(context, InvalidRequest, ct), ct)))
            .WithJsonBody<RemediationCommand>()
            .RequireAuthorization(Policies.Reader)
            .WithName("ChangeRemediation")
            .WithSummary("Assign, set in progress or resolved, reopen, comment — or (Security Team) mark false positive — one or many findings")
            .ProducesProblem(400).ProducesProblem(403).ProducesProblem(404).ProducesProblem(409);

        group.MapPost("/findings/{id:long}/comments", async (long id, HttpContext context, RemediationService service, ClaimsPrincipal user, CancellationToken ct) =>
            {
                var body = await JsonBody.ReadAsync<CommentRequest>(context, InvalidRequest, ct);
                return TypedResults.Ok(await service.ApplyAsync(user, new RemediationCommand([id], RemediationAction.Comment, Comment: body.Text), ct));
            })
            .WithJsonBody<CommentRequest>()
            .RequireAuthorization(Policies.Reader)
            .WithName("CommentFinding")
            .WithSummary("Comment on a finding");

        group.MapGet("/findings/{id:long}/history", async (long id, RemediationService service, CancellationToken ct) =>
                TypedResults.Ok(new FindingHistoryResponse(await service.HistoryAsync(id, ct), await service.CommentsAsync(id, ct))))
            .RequireAuthorization(Policies.ApiRead)
            .WithName("FindingHistory")
            .WithSummary("A finding's history and comments (scoped to the caller's teams)");

        group.MapGet("/risk-acceptances", async (RiskAcceptanceStatus? status, RiskAcceptanceService service, CancellationToken ct) =>
                TypedResults.Ok(await service.ListAsync(status, ct)))
            .RequireAuthorization(Policies.ApiRead)
            .WithName("ListRiskAcceptances")
            .WithSummary("Risk acceptances, newest first (scoped to the caller's teams)");

        group.MapPost("/risk-acceptances", async Task<JsonHttpResult<RiskAcceptanceCreated>> (HttpContext context, RiskAcceptanceService service, ClaimsPrincipal user, CancellationToken ct) =>
            {
                var id = await service.RequestAsync(user, await JsonBody.ReadAsync<RiskAcceptanceRequest>(context, InvalidRequest, ct), ct);
                return TypedResults.Json(new RiskAcceptanceCreated(id), statusCode: StatusCodes.Status201Created);
            })
            .WithJsonBody<RiskAcceptanceRequest>()
            .RequireAuthorization(Policies.Reader)
            .WithName("RequestRiskAcceptance")
            .WithSummary("Ask the Security Team to accept the risk of a finding, or of a rule in a scope, until a date")
            .ProducesProblem(400).ProducesProblem(403).ProducesProblem(404).ProducesProblem(409);

        group.MapPost("/risk-acceptances/{id:long}/decision", async (long id, HttpContext context, RiskAcceptanceService service, ClaimsPrincipal user, CancellationToken ct) =>
            {
                var decision = await JsonBody.ReadAsync<DecisionRequest>(context, InvalidRequest, ct);
                return TypedResults.Ok(new RiskAcceptanceDecided(id, await service.DecideAsync(user, id, decision.Approve, decision.Comment, ct)));
            })
            .WithJsonBody<DecisionRequest>()
            .RequireAuthorization(Policies.SecurityTeam)
            .WithName("DecideRiskAcceptance")
            .WithSummary("Approve or reject a pending risk acceptance (Security Team; never the requester)")
            .ProducesProblem(400).ProducesProblem(403).ProducesProblem(404).ProducesProblem(409);

        group.MapPost("/risk-acceptances/{id:long}/revoke", async (long id, HttpContext context, RiskAcceptanceService service, ClaimsPrincipal user, CancellationToken ct) =>
            {
                var body = await JsonBody.ReadAsync<RevokeRequest>(context, InvalidRequest, ct);
                var (status, reopened) = await service.RevokeAsync(user, id, body.Reason, ct);
                return TypedResults.Ok(new RiskAcceptanceRevoked(id, status, reopened));
            })
            .WithJsonBody<RevokeRequest>()
            .RequireAuthorization(Policies.Reader)
            .WithName("RevokeRiskAcceptance")
            .WithSummary("End a risk acceptance early (Security Team), or withdraw your own pending request; what it covered reopens")
            .ProducesProblem(400).ProducesProblem(403).ProducesProblem(404).ProducesProblem(409);

        return endpoints;
    }
}

public sealed record RiskAcceptanceCreated(long Id);

public sealed record RiskAcceptanceDecided(long Id, RiskAcceptanceStatus Status);

public sealed record RiskAcceptanceRevoked(long Id, RiskAcceptanceStatus Status, int ReopenedFindings);
