using Microsoft.AspNetCore.Http.HttpResults;
using K8Posture.Shared.Http;
using K8Posture.Shared;
using System.Security.Claims;
using K8Posture.Features.Rules;
using K8Posture.Security;

namespace K8Posture.Features.Policy;

public sealed record PolicyResponse(int Version, DateTimeOffset? CreatedAt, string? CreatedBy, string? Comment, PolicyDocument Document);

public sealed record SavePolicyRequest(PolicyDocument Document, string? Comment, int? ExpectedVersion);

public sealed record SavedPolicyResponse(int Version);

/// <summary>The Security Team's policy over HTTP: read by any reader, versioned by Security admins only.</summary>
public static class PolicyEndpoints
{
    public static IEndpointRouteBuilder MapPolicyEndpoints(this IEndpointRouteBuilder endpoints)
    {
        var group = endpoints.MapGroup("/api/v1/policy").WithTags("Policy");

        group.MapGet("", async (PolicyStore store, CancellationToken ct) =>
            {
                var current = await store.GetCurrentAsync(ct);
                return TypedResults.Ok(new PolicyResponse(current.Version, current.CreatedAt, current.CreatedBy, current.Comment, current.Document));
            })
            .RequireAuthorization(Policies.ApiRead)
            .WithName("GetPolicy")
            .WithSummary("The current policy (version 0 is the built-in default)")
            .Produces<PolicyResponse>();

        group.MapGet("/versions", async (PolicyStore store, CancellationToken ct) => TypedResults.Ok(await store.ListVersionsAsync(ct)))
            .RequireAuthorization(Policies.ApiRead)
            .WithName("ListPolicyVersions")
            .WithSummary("Every saved version of the policy, newest first")
            .Produces<List<PolicyVersionRow>>();

        group.MapGet("/diff", async (int from, int to, PolicyStore store, CancellationToken ct) =>
                await store.DiffAsync(from, to, ct) is { } diff
                    ? TypedResults.Ok(diff)
                    : throw ProblemException.NotFound("Unknown version", $"Version {from} or {to} does not exist."))
            .RequireAuthorization(Policies.ApiRead)
            .WithName("DiffPolicyVersions")
            .WithSummary("A line diff of two policy versions' JSON")
            .Produces<List<DiffLine>>()
            .ProducesProblem(StatusCodes.Status404NotFound);

        group.MapPost("", SaveAsync)
            .WithJsonBody<SavePolicyRequest>()
            .RequireAuthorization(Policies.SecurityAdmin)
            .WithName("SavePolicy")
            .WithSummary("Save a new version of the policy (Security admins only; audited)")
            .WithDescription("The body holds the whole document and a comment; expectedVersion (the version edited) turns a concurrent change into 409 instead of overwriting it.")
            .Produces<SavedPolicyResponse>(StatusCodes.Status201Created)
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status409Conflict);
        return endpoints;
    }

    private static async Task<JsonHttpResult<SavedPolicyResponse>> SaveAsync(HttpContext context, PolicyStore store, ClaimsPrincipal user, CancellationToken ct)
    {
        const string invalid = "Invalid policy";
        var request = await JsonBody.ReadAsync<SavePolicyRequest>(context, invalid, ct);
        if (request.Document is null)
        {
            throw ProblemException.BadRequest(invalid, "The body needs a document and a comment.");
        }
        var version = await store.SaveNewVersionAsync(user, request.Document, request.Comment, request.ExpectedVersion, ct);
        return TypedResults.Json(new SavedPolicyResponse(version), statusCode: StatusCodes.Status201Created);
    }
}
