using K8Posture.Shared;
using System.Security.Claims;
using K8Posture.Features.Governance;
using K8Posture.Security;

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

        group.MapGet("/scoring", () => Results.Json(new ScoringModelResponse(
                TenancyScoring.DataClassPoints, TenancyScoring.RegulationPoints, TenancyScoring.RegulationCap, TenancyScoring.AutonomyPoints,
                TenancyScoring.BlastRadiusPoints, TenancyScoring.RuntimePoints, TenancyScoring.RuntimeCap, TenancyScoring.VendorHighPrivilegePoints,
                TenancyScoring.KnownInsecureStackPoints, TenancyScoring.DedicatedThreshold, TenancyScoring.HardIsolationThreshold, TenancyScoring.HardRules), TenancyAnswers.Json))
            .RequireAuthorization(Policies.ApiRead)
            .WithName("GetTenancyScoring")
            .WithSummary("The documented weights, thresholds and hard rules of the tenancy-risk score");

        group.MapGet("/assessments", async (TenancyService service, CancellationToken ct) => Results.Json(await service.ListAsync(ct), TenancyAnswers.Json))
            .RequireAuthorization(Policies.ApiRead)
            .WithName("ListTenancyAssessments")
            .WithSummary("Assessments of the caller's teams' applications (everyone's for organisation-wide roles), with where each application runs")
            .Produces<List<AssessmentSummary>>();

        group.MapGet("/assessments/{id:int}", async (int id, TenancyService service, CancellationToken ct) =>
                await service.GetAsync(id, ct) is { } detail
                    ? Results.Json(new AssessmentResponse(detail.Summary, detail.Answers, detail.Result, detail.History), TenancyAnswers.Json)
                    : Results.Problem(title: "Assessment not found", detail: $"Tenancy assessment {id} does not exist or belongs to another team.", statusCode: StatusCodes.Status404NotFound))
            .RequireAuthorization(Policies.ApiRead)
            .WithName("GetTenancyAssessment")
            .Produces<AssessmentResponse>()
            .ProducesProblem(StatusCodes.Status404NotFound);

        group.MapPost("/assessments", async (HttpContext context, TenancyService service, ClaimsPrincipal user, CancellationToken ct) =>
            {
                var request = await ReadAsync<CreateAssessmentRequest>(context, ct);
                if (request.Problem is not null)
                {
                    return request.Problem;
                }
                return await RunAsync(async () =>
                {
                    var id = await service.CreateDraftAsync(user, request.Value!.Application, request.Value.TeamId, request.Value.Answers ?? new TenancyAnswers(), ct);
                    return Results.Created($"/api/v1/tenancy/assessments/{id}", new { id });
                });
            })
            .WithJsonBody<CreateAssessmentRequest>()
            .RequireAuthorization(Policies.Reader)
            .WithName("CreateTenancyAssessment")
            .WithSummary("Start a draft assessment of an application of one of your teams")
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status403Forbidden);

        group.MapPut("/assessments/{id:int}/answers", async (int id, HttpContext context, TenancyService service, ClaimsPrincipal user, CancellationToken ct) =>
            {
                var request = await ReadAsync<TenancyAnswers>(context, ct);
                return request.Problem ?? await RunAsync(async () =>
                {
                    await service.UpdateDraftAsync(user, id, request.Value!, ct);
                    return Results.NoContent();
                });
            })
            .WithJsonBody<TenancyAnswers>()
            .RequireAuthorization(Policies.Reader)
            .WithName("UpdateTenancyAnswers")
            .WithSummary("Change the answers of a draft");

        group.MapPost("/assessments/{id:int}/submit", async (int id, TenancyService service, ClaimsPrincipal user, CancellationToken ct) =>
                await RunAsync(async () =>
                {
                    await service.SubmitAsync(user, id, ct);
                    return Results.NoContent();
                }))
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

    private static async Task<IResult> DecideAsync(int id, bool approve, HttpContext context, TenancyService service, ClaimsPrincipal user, CancellationToken ct)
    {
        var request = context.Request.ContentLength == 0 || (context.Request.ContentLength is null && !context.Request.HasJsonContentType())
            ? (Value: new DecisionRequest(null), Problem: null)
            : await ReadAsync<DecisionRequest>(context, ct);
        return request.Problem ?? await RunAsync(async () =>
        {
            if (approve)
            {
                await service.ApproveAsync(user, id, request.Value?.Comment, ct);
            }
            else
            {
                await service.RejectAsync(user, id, request.Value?.Comment, ct);
            }
            return Results.NoContent();
        });
    }

    private static async Task<(T? Value, IResult? Problem)> ReadAsync<T>(HttpContext context, CancellationToken ct) where T : class
    {
        try
        {
            var value = await context.Request.ReadFromJsonAsync<T>(TenancyAnswers.Json, ct);
            return value is null
                ? (null, Results.Problem(title: "Invalid request", detail: "The body is empty.", statusCode: StatusCodes.Status400BadRequest))
                : (value, null);
        }
        catch (System.Text.Json.JsonException ex)
        {
            return (null, Results.Problem(title: "Invalid request", detail: $"The body is not valid at {ex.Path ?? "$"}: {ex.Message}", statusCode: StatusCodes.Status400BadRequest));
        }
        catch (InvalidOperationException ex)
        {
            return (null, Results.Problem(title: "Invalid request", detail: ex.Message, statusCode: StatusCodes.Status415UnsupportedMediaType));
        }
    }

    private static async Task<IResult> RunAsync(Func<Task<IResult>> action)
    {
        try
        {
            return await action();
        }
        catch (GovernanceChangeException ex)
        {
            return ex.ToProblem();
        }
    }
}
