using K8Posture.Shared.Http;
using K8Posture.Shared;
using System.Security.Claims;
using K8Posture.Security;
using Microsoft.AspNetCore.Http.HttpResults;

namespace K8Posture.Features.Tenancy;

public sealed record CreateAssessmentRequest(string? Application, int? TeamId, TenancyAnswers? Answers);

public sealed record DecisionRequest(string? Comment);

public sealed record AssessmentResponse(AssessmentSummary Assessment, TenancyAnswers Answers, TenancyResult Result, IReadOnlyList<AssessmentSummary> History);

public sealed record ScoringModelResponse(
    IReadOnlyDictionary<DataClass, int> DataClass, IReadOnlyDictionary<Regulation, int> Regulation, int RegulationCap,
    IReadOnlyDictionary<BusinessAutonomy, int> Autonomy, IReadOnlyDictionary<BlastRadius, int> BlastRadius,
    IReadOnlyDictionary<RuntimeNeed, int> Runtime, int RuntimeCap, int VendorHighPrivileges, int KnownInsecureStack,
    int DedicatedThreshold, int HardIsolationThreshold, IReadOnlyList<string> HardRules);

/// <summary>Tenancy-risk assessments over HTTP, scoped to the caller's teams. Writes are for people (team members, Security); every rule is the service's.</summary>
public static class TenancyEndpoints
{
    public static IEndpointRouteBuilder MapTenancyEndpoints(this IEndpointRouteBuilder endpoints)
    {
        var group = endpoints.MapGroup("/api/v1/tenancy").WithTags("Governance");

        group.MapGet("/scoring", () => TypedResults.Ok(new ScoringModelResponse(
                TenancyScoring.DataClassPoints, TenancyScoring.RegulationPoints, TenancyScoring.RegulationCap, TenancyScoring.AutonomyPoints,
                TenancyScoring.BlastRadiusPoints, TenancyScoring.RuntimePoints, TenancyScoring.RuntimeCap, TenancyScoring.VendorHighPrivilegePoints,
                TenancyScoring.KnownInsecureStackPoints, TenancyScoring.DedicatedThreshold, TenancyScoring.HardIsolationThreshold, TenancyScoring.HardRules)))
            .RequireAuthorization(Policies.ApiRead)
            .WithName("GetTenancyScoring")
            .WithSummary("The documented weights, thresholds and hard rules of the tenancy-risk score");

        group.MapGet("/assessments", async (TenancyService service, CancellationToken ct) => TypedResults.Ok(await service.ListAsync(ct)))
            .RequireAuthorization(Policies.ApiRead)
            .WithName("ListTenancyAssessments")
            .WithSummary("Assessments of the caller's teams' applications (everyone's for organisation-wide roles), with where each application runs")
            .Produces<List<AssessmentSummary>>();

        group.MapGet("/assessments/{id:int}", async (int id, TenancyService service, CancellationToken ct) =>
                await service.GetAsync(id, ct) is { } detail
                    ? TypedResults.Ok(new AssessmentResponse(detail.Summary, detail.Answers, detail.Result, detail.History))
                    : throw TenancyService.NotFound(id))
            .RequireAuthorization(Policies.ApiRead)
            .WithName("GetTenancyAssessment")
            .ProducesProblem(StatusCodes.Status404NotFound);

        group.MapPost("/assessments", async (HttpContext context, TenancyService service, ClaimsPrincipal user, CancellationToken ct) =>
            {
                var request = await JsonBody.ReadAsync<CreateAssessmentRequest>(context, InvalidRequest, ct);
                var id = await service.CreateDraftAsync(user, request.Application, request.TeamId, request.Answers ?? new TenancyAnswers(), ct);
                return TypedResults.Created($"/api/v1/tenancy/assessments/{id}", new AssessmentCreated(id));
            })
            .WithJsonBody<CreateAssessmentRequest>()
            .RequireAuthorization(Policies.Reader)
            .WithName("CreateTenancyAssessment")
            .WithSummary("Start a draft assessment of an application of one of your teams")
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status403Forbidden);

        group.MapPut("/assessments/{id:int}/answers", async (int id, HttpContext context, TenancyService service, ClaimsPrincipal user, CancellationToken ct) =>
            {
                await service.UpdateDraftAsync(user, id, await JsonBody.ReadAsync<TenancyAnswers>(context, InvalidRequest, ct), ct);
                return TypedResults.NoContent();
            })
            .WithJsonBody<TenancyAnswers>()
            .RequireAuthorization(Policies.Reader)
            .WithName("UpdateTenancyAnswers")
            .WithSummary("Change the answers of a draft");

        group.MapPost("/assessments/{id:int}/submit", async (int id, TenancyService service, ClaimsPrincipal user, CancellationToken ct) =>
            {
                await service.SubmitAsync(user, id, ct);
                return TypedResults.NoContent();
            })
            .RequireAuthorization(Policies.Reader)
            .WithName("SubmitTenancyAssessment")
            .WithSummary("Send a draft to the Security Team for approval");

        group.MapPost("/assessments/{id:int}/approve", (int id, HttpContext context, TenancyService service, ClaimsPrincipal user, CancellationToken ct) =>
                DecideAsync(id, approve: true, context, service, user, ct))
            .WithJsonBody<DecisionRequest>()
            .RequireAuthorization(Policies.Reader)
            .WithName("ApproveTenancyAssessment")
            .WithSummary("Approve a submitted assessment (Security admin or analyst, never its author or submitter)");

        group.MapPost("/assessments/{id:int}/reject", (int id, HttpContext context, TenancyService service, ClaimsPrincipal user, CancellationToken ct) =>
                DecideAsync(id, approve: false, context, service, user, ct))
            .WithJsonBody<DecisionRequest>()
            .RequireAuthorization(Policies.Reader)
            .WithName("RejectTenancyAssessment")
            .WithSummary("Reject a submitted assessment with a comment (Security admin or analyst, never its author or submitter)");

        return endpoints;
    }

    private const string InvalidRequest = "Invalid request";

    /// <summary>The comment is optional: no body at all is a decision without one.</summary>
    private static async Task<NoContent> DecideAsync(int id, bool approve, HttpContext context, TenancyService service, ClaimsPrincipal user, CancellationToken ct)
    {
        var request = context.Request.ContentLength == 0 || (context.Request.ContentLength is null && !context.Request.HasJsonContentType())
            ? new DecisionRequest(null)
            : await JsonBody.ReadAsync<DecisionRequest>(context, InvalidRequest, ct);
        if (approve)
        {
            await service.ApproveAsync(user, id, request.Comment, ct);
        }
        else
        {
            await service.RejectAsync(user, id, request.Comment, ct);
        }
        return TypedResults.NoContent();
    }
}

public sealed record AssessmentCreated(int Id);
