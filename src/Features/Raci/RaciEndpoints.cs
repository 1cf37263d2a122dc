using Microsoft.AspNetCore.Http.HttpResults;
using K8Posture.Shared.Http;
using K8Posture.Shared;
using System.Security.Claims;
using K8Posture.Security;

namespace K8Posture.Features.Raci;

public sealed record RaciResponse(int Version, DateTimeOffset? CreatedAt, string? CreatedBy, string? Comment, string Rules, int ViolationCount, IReadOnlyList<RaciViolation> Violations, RaciMatrix Matrix);

public sealed record SaveRaciRequest(RaciMatrix Matrix, string? Comment, int? ExpectedVersion);

public sealed record SavedRaciResponse(int Version, int ViolationCount);

/// <summary>The RACI matrix over HTTP: read by any reader, versioned by Security admins only.</summary>
public static class RaciEndpoints
{
    public static IEndpointRouteBuilder MapRaciEndpoints(this IEndpointRouteBuilder endpoints)
    {
        var group = endpoints.MapGroup("/api/v1/raci").WithTags("Governance");

        group.MapGet("", async (RaciService service, CancellationToken ct) =>
            {
                var current = await service.GetCurrentAsync(ct);
                return TypedResults.Ok(new RaciResponse(current.Version, current.CreatedAt, current.CreatedBy, current.Comment, RaciRules.Summary,
                    current.Violations.Count, current.Violations, current.Matrix));
            })
            .RequireAuthorization(Policies.ApiRead)
            .WithName("GetRaci")
            .WithSummary("The RACI matrix in force, with its rule violations (version 0: the study guide's activities, nobody assigned)")
            .Produces<RaciResponse>();

        group.MapGet("/violations", async (RaciService service, CancellationToken ct) => TypedResults.Ok(await service.GetViolationsAsync(ct)))
            .RequireAuthorization(Policies.ApiRead)
            .WithName("GetRaciViolations")
            .WithSummary("Activities that break the rules: exactly one A and at least one R")
            .Produces<List<RaciViolation>>();

        group.MapGet("/versions", async (RaciService service, CancellationToken ct) => TypedResults.Ok(await service.ListVersionsAsync(ct)))
            .RequireAuthorization(Policies.ApiRead)
            .WithName("ListRaciVersions")
            .WithSummary("Every saved version, newest first")
            .Produces<List<RaciVersionRow>>();

        group.MapGet("/diff", async (int from, int to, RaciService service, CancellationToken ct) =>
                await service.DiffAsync(from, to, ct) is { } diff
                    ? TypedResults.Ok(diff)
                    : throw ProblemException.NotFound("Unknown version", $"Version {from} or {to} does not exist."))
            .RequireAuthorization(Policies.ApiRead)
            .WithName("DiffRaciVersions")
            .WithSummary("What changed between two versions (activities, parties and cells)")
            .Produces<List<RaciChange>>()
            .ProducesProblem(StatusCodes.Status404NotFound);

        group.MapPut("", SaveAsync)
            .WithJsonBody<SaveRaciRequest>()
            .RequireAuthorization(Policies.SecurityAdmin)
            .WithName("SaveRaci")
            .WithSummary("Save the whole matrix as a new version (Security admins only; audited)")
            .WithDescription("The body holds the matrix and a comment; expectedVersion (the version edited) turns a concurrent change into 409 instead of overwriting it. Violations of the rules are allowed and reported.")
            .Produces<SavedRaciResponse>()
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status409Conflict);
        return endpoints;
    }

    private static async Task<Ok<SavedRaciResponse>> SaveAsync(HttpContext context, RaciService service, ClaimsPrincipal user, CancellationToken ct)
    {
        const string invalid = "Invalid RACI matrix";
        var request = await JsonBody.ReadAsync<SaveRaciRequest>(context, invalid, ct);
        if (request.Matrix is null)
        {
            throw ProblemException.BadRequest(invalid, "The body needs a matrix and a comment.");
        }
        var version = await service.SaveNewVersionAsync(user, request.Matrix, request.Comment, request.ExpectedVersion, ct);
        return TypedResults.Ok(new SavedRaciResponse(version, (await service.GetViolationsAsync(ct)).Count));
    }
}
